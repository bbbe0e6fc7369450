/*
 * Exit status: output written before exit(3), from a few calls deep, is
 * flushed and the status is 3; nothing after it runs.
 */
#include <stdio.h>
#include <stdlib.h>

static int depth(int n)
{
    if (n == 0) {
        printf("exiting with 3\n");
        exit(3);
    }
    return depth(n - 1) + 1;
}

int main(void)
{
    printf("before exit\n");
    int r = depth(50);
    printf("not reached %d\n", r);
    return 0;
}

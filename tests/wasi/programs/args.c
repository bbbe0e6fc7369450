/*
 * Arguments and environment: prints argv after argv[0] (whose spelling is
 * the runner's business) and the whole environment, sorted, which holds
 * exactly the --env variables.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

static int compare(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    printf("argc=%d\n", argc);
    for (int i = 1; i < argc; i++)
        printf("argv[%d]=[%s]\n", i, argv[i]);
    size_t n = 0;
    while (environ[n])
        n++;
    qsort(environ, n, sizeof environ[0], compare);
    printf("environ: %zu variables\n", n);
    for (size_t i = 0; i < n; i++)
        printf("env [%s]\n", environ[i]);
    const char *greeting = getenv("GREETING");
    printf("getenv GREETING=[%s]\n", greeting ? greeting : "(unset)");
    printf("getenv HOME=[%s]\n", getenv("HOME") ? getenv("HOME") : "(unset)");
    return 0;
}

/*
 * The program issue 5 names, in portable C: stdio, files in a directory
 * the host grants (DATA_DIR), getenv, argv, clock_gettime and exit(3).
 * Built natively, run by `waot run` and built by `waot build`, it must
 * print the same bytes and exit with the same status.
 *
 * It numbers the lines of stdin into DATA_DIR/lines.txt, reads the file
 * back, and reports its size and whether the clocks behaved.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

int main(int argc, char **argv)
{
    const char *dir = getenv("DATA_DIR");
    const char *who = getenv("WHO");
    printf("hello, %s\n", who ? who : "nobody");
    printf("%d arguments\n", argc - 1);
    for (int i = 1; i < argc; i++)
        printf("arg %d: %s\n", i, argv[i]);
    if (!dir) {
        printf("no DATA_DIR\n");
        return 1;
    }

    struct timespec start, end, wall;
    clock_gettime(CLOCK_MONOTONIC, &start);
    char path[1024];
    snprintf(path, sizeof path, "%s/lines.txt", dir);
    FILE *out = fopen(path, "w");
    if (!out) {
        printf("cannot create lines.txt\n");
        return 1;
    }
    char line[256];
    int lines = 0;
    while (fgets(line, sizeof line, stdin))
        fprintf(out, "%d: %s", ++lines, line);
    fclose(out);

    FILE *in = fopen(path, "r");
    if (!in) {
        printf("cannot read lines.txt back\n");
        return 1;
    }
    while (fgets(line, sizeof line, in))
        printf("file: %s", line);
    fclose(in);
    struct stat st;
    if (stat(path, &st) == 0)
        printf("%d lines, %lld bytes\n", lines, (long long)st.st_size);
    remove(path);

    clock_gettime(CLOCK_MONOTONIC, &end);
    clock_gettime(CLOCK_REALTIME, &wall);
    int clocks_ok = (end.tv_sec > start.tv_sec ||
                     (end.tv_sec == start.tv_sec && end.tv_nsec >= start.tv_nsec)) &&
                    wall.tv_sec > 1577836800;
    printf("clocks: %s\n", clocks_ok ? "ok" : "wrong");
    fprintf(stderr, "exiting with 3\n");
    exit(3);
}

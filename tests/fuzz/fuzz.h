/*
 * What every fuzz target of tests/fuzz shares: the two libFuzzer entry
 * points each target defines, and the one way a target reports a broken
 * invariant (a message on stderr, then abort(), which libFuzzer records as
 * a crash and the replay driver as a failed input).
 *
 * A target is built twice: linked with libFuzzer (-fsanitize=fuzzer, the
 * fuzz build of scripts/fuzz.sh), and linked with replay.c in the normal
 * build, where ctest runs it on the committed inputs of
 * tests/fuzz/regressions/<target>/.
 */
#ifndef WAOT_FUZZ_H
#define WAOT_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts with "fuzz: invariant broken: ..." when `condition` is false. */
#define FUZZ_REQUIRE(condition, ...)                                                     \
    do {                                                                                 \
        if (!(condition)) {                                                              \
            fprintf(stderr, "fuzz: invariant broken (%s:%d): ", __FILE__, __LINE__);     \
            fprintf(stderr, __VA_ARGS__);                                                \
            fputc('\n', stderr);                                                         \
            abort();                                                                     \
        }                                                                                \
    } while (0)

/* Whether `message` is what the product promises for an error: one
 * non-empty line. */
static inline int fuzz_one_line(const char *message)
{
    return message[0] != '\0' && !strchr(message, '\n');
}

#endif

/*
 * fuzz_cwasm_wrap IN.cwasm OUT: writes the guarded input (cwasm_guard.h)
 * for a precompiled module the compiler wrote, as a seed of
 * fuzz_load_cwasm.  Exit status 1, with the reason, for a module it cannot
 * guard.
 */
#include "cwasm_guard.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: fuzz_cwasm_wrap IN.cwasm OUT\n");
        return 2;
    }
    FILE *in = fopen(argv[1], "rb");
    if (!in) {
        fprintf(stderr, "%s: cannot open: %s\n", argv[1], strerror(errno));
        return 1;
    }
    uint8_t *module = NULL;
    size_t size = 0, cap = 0, got;
    do {
        if (size == cap) {
            cap = cap ? cap * 2 : 65536;
            uint8_t *grown = realloc(module, cap);
            if (!grown) {
                fprintf(stderr, "%s: out of memory\n", argv[1]);
                return 1;
            }
            module = grown;
        }
        got = fread(module + size, 1, cap - size, in);
        size += got;
    } while (got > 0);
    fclose(in);
    char why[200];
    size_t out_size;
    uint8_t *guarded = cwasm_guard_wrap(module, size, &out_size, why, sizeof why);
    free(module);
    if (!guarded) {
        fprintf(stderr, "%s: cannot guard: %s\n", argv[1], why);
        return 1;
    }
    FILE *out = fopen(argv[2], "wb");
    bool ok = out && fwrite(guarded, 1, out_size, out) == out_size;
    if (out && fclose(out) != 0)
        ok = false;
    free(guarded);
    if (!ok) {
        fprintf(stderr, "%s: cannot write: %s\n", argv[2], strerror(errno));
        return 1;
    }
    return 0;
}

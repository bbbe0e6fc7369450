/*
 * Compiling a script's validated modules into precompiled modules (.cwasm)
 * with the LLVM back end, the way `waot compile` does, through a cache of
 * compiled modules shared by every script and every run.
 */
#ifndef WAOT_SPEC_CWASM_H
#define WAOT_SPEC_CWASM_H

#include "aot.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How modules are compiled; the same for every script of a run. */
typedef struct cwasm_settings {
    unsigned opt_level;     /* 0..3 */
    const char *cache_dir;  /* where compiled modules are kept, or NULL for no cache */
    uint8_t backend_id[32]; /* from cwasm_backend_id: which back end compiles */
} cwasm_settings;

/* What compiling cost. */
typedef struct cwasm_stats {
    unsigned long compiled;  /* modules the back end compiled */
    unsigned long cached;    /* modules taken from the cache */
    double compile_seconds;  /* spent in the back end */
} cwasm_stats;

/* Loads the back end and identifies it by the SHA-256 of its shared object
 * and of the LLVM version it runs on, so that a rebuilt compiler never gets
 * modules another build compiled from the cache.  On failure writes why
 * into problem[problem_size]. */
bool cwasm_backend_id(uint8_t id[32], char *problem, size_t problem_size);

/* Writes the precompiled module of `m` (validated, decoded from
 * wasm[wasm_size]) to `out_path`: a copy of the cached one when the cache
 * has it (the key: the SHA-256 of the .wasm, the back end and the
 * optimisation level), else compiled by the back end and then cached.  On
 * failure *err says why: the back end's own error, or why the back end
 * could not be loaded. */
bool cwasm_build(const cwasm_settings *settings, const aot_module *m, const uint8_t *wasm,
                 size_t wasm_size, const char *out_path, cwasm_stats *stats, aot_error *err);

#endif

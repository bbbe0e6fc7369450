/*
 * The boundary between the front end and the LLVM back end.
 *
 * Everything that needs LLVM lives in one shared object, libwaot-codegen.so,
 * which the `waot` command loads only when a command compiles.  Loading
 * libLLVM costs about 10 ms per process (its relocations and static
 * initialisers), more than validating a megabyte of wasm, and a command that
 * runs a precompiled module must start in well under a millisecond; so the
 * front end (reader, decoder, validator) and the runtime never link LLVM.
 *
 * The object exports one symbol, AOT_CODEGEN_ENTRY, returning a table of
 * entry points.  The front end checks the table's version before using it,
 * so a stale plugin next to a newer `waot` is refused, not called.
 */
#ifndef AOT_CODEGEN_API_H
#define AOT_CODEGEN_API_H

#include "error.h"
#include "module.h"

#include <stdbool.h>
#include <stdint.h>

/* Bumped whenever aot_codegen_api or the structs it takes change. */
#define AOT_CODEGEN_API_VERSION 6u
#define AOT_CODEGEN_ENTRY "aot_codegen_entry"
#define AOT_CODEGEN_LIBRARY "libwaot-codegen.so"

/* What `waot compile` writes. */
typedef enum aot_emit {
    AOT_EMIT_CWASM,   /* a precompiled module: a shared object with the descriptor */
    AOT_EMIT_OBJECT,  /* the relocatable object lld would link */
    AOT_EMIT_ASM,     /* the object's assembly, for reading */
    AOT_EMIT_LLVM_IR, /* the optimised LLVM IR, for reading */
} aot_emit;

typedef struct aot_compile_options {
    unsigned opt_level;        /* 0..3 */
    const char *target_triple; /* NULL: the host's */
    const char *cpu;           /* NULL: the host CPU, with its features */
    const char *features;      /* NULL: the host's when cpu is NULL, none otherwise */
    aot_emit emit;
    const char *waot_version;  /* recorded in the descriptor */
    const uint8_t *wasm;       /* the source bytes, hashed into the descriptor */
    size_t wasm_size;
    /* NULL for a precompiled module, whose descriptor is the data symbol
     * WAOT_ABI_MODULE_SYMBOL.  Otherwise a C identifier naming the module in
     * an object linked into a program beside others (see aot/header.h): the
     * descriptor is `<prefix>_waot_module` and each exported function defined
     * by the module also gets the global symbol aot_header_export_symbol()
     * names, which the generated header's wrappers call directly. */
    const char *symbol_prefix;
    /* Threads compiling the module's partitions at once (see compile.c).
     * 0: $WAOT_JOBS when it is set, else the number of online CPUs.  The
     * code compiled behaves the same for every value, so nothing that
     * identifies a compiled module (the cache key) depends on it. */
    unsigned jobs;
    /* Poll for waot_instance_interrupt at every function entry and loop
     * head, so the host can stop runaway code (WAOT_ABI_MODULE_INTERRUPTIBLE). */
    bool interruptible;
} aot_compile_options;

/* Seconds spent in each back-end phase (the front end times its own).
 * When partitions are compiled in parallel, lower + optimise + emit is the
 * wall time of the parallel part, split between the three in proportion to
 * the time all partitions together spent in each; `partitions` says how
 * many there were (1: one module, compiled as before). */
typedef struct aot_compile_timings {
    double lower, optimise, emit, link;
    unsigned partitions;
} aot_compile_timings;

typedef struct aot_codegen_api {
    uint32_t api_version;           /* AOT_CODEGEN_API_VERSION of the plugin */
    const char *(*llvm_version)(void); /* "MAJOR.MINOR.PATCH" of the loaded libLLVM */
    /* Compiles a validated module to `output_path`. */
    bool (*compile)(const aot_module *m, const aot_compile_options *options,
                    const char *output_path, aot_compile_timings *timings, aot_error *err);
    /* What a compile with no target options records in the descriptor: the
     * host's triple, CPU name and feature string.  Each buffer gets the
     * NUL-terminated text; false when one of them is too small. */
    bool (*host_target)(char *triple, size_t triple_size, char *cpu, size_t cpu_size,
                        char *features, size_t features_size);
} aot_codegen_api;

typedef const aot_codegen_api *(*aot_codegen_entry_fn)(void);

/* Loads the back end (once per process) from the directory of the running
 * executable, or from ../lib/waot beside it when installed.  The error says
 * where it looked and what dlopen said. */
bool aot_codegen_load(const aot_codegen_api **out, aot_error *err);

/* The path aot_codegen_load would load, without loading it: for callers
 * that only need to know which back end it is (the cache keys on it). */
bool aot_codegen_locate(char *out, size_t size);

#endif

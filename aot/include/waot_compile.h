/*
 * waot's compiler API: validate a WebAssembly binary and compile it ahead of
 * time into a precompiled module, which the runtime (waot.h) loads with
 * waot_module_load or waot_module_load_memory.
 *
 * The API lives in the compiler library (waot_aot), which has no LLVM of
 * its own: the first compile loads the LLVM back end, libwaot-codegen.so,
 * from $WAOT_CODEGEN, else from the running executable's directory, else
 * from ../lib/waot beside it.  Validating never loads it, and a program that
 * only runs precompiled modules need not link this library at all.
 *
 * Ownership: the caller owns the input bytes (only read during the call),
 * the options and the error record.  Buffers returned by
 * waot_compile_to_memory are the caller's, freed with free().
 * Thread-safety: every function may be called from any thread; compiles are
 * serialised inside the library (the back end compiles one module on all
 * cores already), validation runs in parallel.
 */
#ifndef WAOT_COMPILE_H
#define WAOT_COMPILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum waot_compile_status {
    WAOT_COMPILE_OK = 0,
    WAOT_COMPILE_MALFORMED, /* the bytes are not a well-formed binary module */
    WAOT_COMPILE_INVALID,   /* well-formed, but breaks a validation rule */
    WAOT_COMPILE_LIMIT,     /* beyond an implementation limit of waot */
    WAOT_COMPILE_FAILED,    /* the back end could not be loaded or refused the module
                             * (CompileError: unsupported target, CPU, ...) */
    WAOT_COMPILE_IO,        /* the output could not be written or read back */
    WAOT_COMPILE_NOMEM,     /* out of memory */
    WAOT_COMPILE_ARGUMENT,  /* a bad argument (NULL bytes, opt level above 3, ...) */
} waot_compile_status;

typedef struct waot_compile_error {
    waot_compile_status status;
    size_t offset;          /* byte offset into the module, for MALFORMED and INVALID */
    int64_t func_index;     /* the function concerned (imports counted), or -1 */
    char message[256];      /* one line, the spec's wording first */
} waot_compile_error;

typedef struct waot_compile_options {
    unsigned opt_level;     /* 0..3, as -O0..-O3; waot_compile_default_options: 2 */
    const char *target;     /* target triple; NULL: this machine's */
    const char *cpu;        /* CPU name ("x86-64-v3"); NULL: this machine's CPU and features */
    const char *features;   /* LLVM features ("+avx2,+bmi2"); NULL: the CPU's own */
    /* Check at every function entry and loop head whether the host called
     * waot_instance_interrupt (or a deadline passed), so runaway code can be
     * stopped; costs a load and a branch per loop iteration.  Default off. */
    bool interruptible;
} waot_compile_options;

/* The options `waot compile` uses by default: -O2 for this machine. */
waot_compile_options waot_compile_default_options(void);

/* Short name of a status ("malformed", "invalid", ...): a static string. */
const char *waot_compile_status_name(waot_compile_status status);

/* Decodes and validates `bytes` as a WebAssembly 2.0 module
 * (WebAssembly.validate).  WAOT_COMPILE_OK, or the first problem in `err`
 * (which may be NULL). */
waot_compile_status waot_compile_validate(const uint8_t *bytes, size_t size,
                                          waot_compile_error *err);

/* Validates and compiles `bytes` into a precompiled module written to
 * `path`.  `options` may be NULL for the defaults. */
waot_compile_status waot_compile_to_file(const uint8_t *bytes, size_t size,
                                         const waot_compile_options *options, const char *path,
                                         waot_compile_error *err);

/* The same, returning the precompiled module in a malloc'd buffer the
 * caller frees (*out, *out_size), for waot_module_load_memory or for
 * storing elsewhere. */
waot_compile_status waot_compile_to_memory(const uint8_t *bytes, size_t size,
                                           const waot_compile_options *options, uint8_t **out,
                                           size_t *out_size, waot_compile_error *err);

#ifdef __cplusplus
}
#endif

#endif

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

#include <stdbool.h>
#include <stdint.h>

/* Bumped whenever aot_codegen_api changes. */
#define AOT_CODEGEN_API_VERSION 1u
#define AOT_CODEGEN_ENTRY "aot_codegen_entry"
#define AOT_CODEGEN_LIBRARY "libwaot-codegen.so"

typedef struct aot_codegen_api {
    uint32_t api_version;           /* AOT_CODEGEN_API_VERSION of the plugin */
    const char *(*llvm_version)(void); /* "MAJOR.MINOR.PATCH" of the loaded libLLVM */
} aot_codegen_api;

typedef const aot_codegen_api *(*aot_codegen_entry_fn)(void);

/* Loads the back end (once per process) from the directory of the running
 * executable, or from ../lib/waot beside it when installed.  The error says
 * where it looked and what dlopen said. */
bool aot_codegen_load(const aot_codegen_api **out, aot_error *err);

#endif

/*
 * The C header `waot compile --emit obj --header FILE` writes beside the
 * object: a typed API for one module linked into a program (instantiate,
 * free, one wrapper per exported function, accessors for exported memories,
 * tables and globals, the imports as typed C function pointers), built on
 * runtime-lib/include/waot_static.h.  Also the naming rules the object and
 * the header share: the back end names each exported function's alias with
 * aot_header_export_symbol, and the header's wrappers call those symbols.
 * Front end only: no LLVM.
 */
#ifndef AOT_HEADER_H
#define AOT_HEADER_H

#include "error.h"
#include "module.h"

#include <stdbool.h>
#include <stddef.h>

/* Room for any name these functions make from a module name of up to 128
 * bytes and an export name of any length (long names are cut and made
 * unique with the export's index). */
#define AOT_HEADER_SYMBOL_MAX 512
#define AOT_HEADER_NAME_MAX 128

/* Whether `name` is a usable module name: a C identifier of at most
 * AOT_HEADER_NAME_MAX bytes. */
bool aot_header_valid_name(const char *name);

/* The default module name for `path`: its file name without directories
 * and extension, every byte outside [A-Za-z0-9_] made '_', and '_' put in
 * front of a leading digit ("my-calc.wasm" -> "my_calc").  False when it
 * does not fit in `size`. */
bool aot_header_default_name(const char *path, char *out, size_t size);

/* The C identifier for export `export_index` (any kind) inside generated
 * names: its name sanitized like a module name, with "_<index>" appended when
 * that is empty, reserved, too long, or equal to an earlier export's. */
bool aot_header_export_name(const aot_module *m, uint32_t export_index, char *out, size_t size);

/* `<prefix>_waot_export_<export name>`: the global symbol of an exported
 * function the module defines. */
bool aot_header_export_symbol(const aot_module *m, const char *prefix, uint32_t export_index,
                              char *out, size_t size);

/* Writes the header for module `m` (validated) named `name` to `path`.
 * `source` (the .wasm path) gives its file name to the opening comment. */
bool aot_header_write(const aot_module *m, const char *name, const char *source,
                      const char *path, aot_error *err);

#endif

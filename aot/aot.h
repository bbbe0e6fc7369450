/*
 * The compiler library's front door: read a file, decode its bytes into a
 * module, validate the module.  The CLI and the tests use only this and the
 * module model (module.h); the stages behind it (decode, validate,
 * validate_func) are internal.
 */
#ifndef AOT_AOT_H
#define AOT_AOT_H

#include "error.h"
#include "module.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Reads a whole file into a malloc'd buffer the caller frees (at least one
 * byte is allocated, so an empty file gives size 0 and a valid pointer).  A
 * directory or an unreadable path is an error. */
bool aot_read_file(const char *path, uint8_t **bytes, size_t *size, aot_error *err);

/* Decodes every section of a binary module (function bodies are checked by
 * aot_validate).  `bytes` must outlive the module.  On failure *out is NULL
 * and err says what was malformed and where. */
bool aot_decode(const uint8_t *bytes, size_t size, aot_module **out, aot_error *err);

/* Checks a decoded module against the validation rules of WebAssembly 2.0
 * and decodes and checks every function body.  A malformed function body is
 * reported in preference to an invalid one, as the spec orders the phases. */
bool aot_validate(const aot_module *m, aot_error *err);

/* Decode and validate in one call; on success the caller frees *out. */
bool aot_load(const uint8_t *bytes, size_t size, aot_module **out, aot_error *err);

void aot_module_free(aot_module *m);

#endif

/*
 * Linking with lld: an object into a precompiled module (a shared object),
 * or objects and the runtime's archives into a standalone executable.
 */
#ifndef AOT_LINK_H
#define AOT_LINK_H

#include "error.h"

#include <stdbool.h>
#include <stddef.h>

/* Links the `count` objects (the partitions of one module) into the shared
 * object `output_path`.  The output appears whole or not at all: lld writes
 * a temporary beside it, renamed into place on success. */
bool aot_link_shared(const char *const *objects, size_t count, const char *output_path,
                     aot_error *err);

/* Merges the `count` objects into the one relocatable object `output_path`
 * (lld -r), for a program to link like any other.  Atomic like
 * aot_link_shared. */
bool aot_link_relocatable(const char *const *objects, size_t count, const char *output_path,
                          aot_error *err);

/* Links `object_path` and the static archives `archives` (NULL-terminated,
 * in link order) into a position-independent executable against the
 * host's C library, for `triple` (whose architecture must be the host's;
 * NULL: the host's).
 * Atomic like aot_link_shared. */
bool aot_link_executable(const char *object_path, const char *const *archives,
                         const char *triple, const char *output_path, aot_error *err);

#endif

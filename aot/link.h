/*
 * Linking an object into a precompiled module (a shared object) with lld.
 */
#ifndef AOT_LINK_H
#define AOT_LINK_H

#include "error.h"

#include <stdbool.h>

/* Links `object_path` into the shared object `output_path`.  The output
 * appears whole or not at all: lld writes a temporary beside it, renamed
 * into place on success. */
bool aot_link_shared(const char *object_path, const char *output_path, aot_error *err);

#endif

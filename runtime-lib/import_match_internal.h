/*
 * Whether what an import resolved to fits the import's type, by the
 * WebAssembly 2.0 rules of import matching, and how to say why not.
 */
#ifndef WAOT_IMPORT_MATCH_INTERNAL_H
#define WAOT_IMPORT_MATCH_INTERNAL_H

#include "extern_internal.h"
#include "module_internal.h"

#include <stddef.h>

/* True when `ext` matches `import` of `module`: same kind; functions by
 * canonical type id; globals by value type and mutability; memories and
 * tables by limits (the actual minimum, i.e. the current size, at least
 * the declared minimum; when a maximum is declared, an actual maximum no
 * larger) and tables also by element type.  Otherwise writes
 * "expected <type>, got <type>" to why[cap]. */
bool waot_rt_import_matches(const waot_module *module, const waot_abi_import *import,
                            const waot_rt_extern *ext, char *why, size_t cap);

#endif

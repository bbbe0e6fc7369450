/*
 * What an import resolves to: a host function of a linker, a global,
 * memory or table (of a linker or an instance), or a function exported by
 * an instance.  The linker and instances produce these; instantiation
 * checks them against the import's type and binds them.
 */
#ifndef WAOT_EXTERN_INTERNAL_H
#define WAOT_EXTERN_INTERNAL_H

#include "global_internal.h"
#include "memory_internal.h"
#include "table_internal.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct waot_rt_extern {
    uint32_t kind;                 /* WAOT_ABI_EXTERN_* */

    /* Functions.  The type, for matching (type_id) and messages. */
    uint32_t type_id;
    const uint8_t *types;          /* params then results */
    uint32_t param_count;
    uint32_t result_count;
    /* A host function defined in a linker: the importer makes a closure. */
    bool is_host_definition;
    waot_abi_host_fn host_fn;
    void *host_user;
    /* A function exported by an instance: its reference, copied as is.
     * `is_host` when its ctx is a host closure rather than a context. */
    waot_abi_funcref funcref;
    bool is_host;
    waot_instance *owner;          /* the exporting instance, to keep alive */

    waot_rt_global *global;
    waot_rt_memory *memory;
    waot_rt_table *table;
} waot_rt_extern;

#endif

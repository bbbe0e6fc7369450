/*
 * The runtime's instance record: the context compiled code receives and
 * everything the runtime keeps beside it (what it owns and shares, segment
 * state, which functions are host functions).
 */
#ifndef WAOT_INSTANCE_INTERNAL_H
#define WAOT_INSTANCE_INTERNAL_H

#include "extern_internal.h"
#include "module_internal.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct waot_instance {
    /* One for the embedder, one per linker it is registered in, one per
     * instance that imported one of its functions. */
    atomic_uint refs;
    waot_module *module;               /* retained */

    /* The arrays ctx points into, with one reference on each object. */
    waot_abi_memory **memories;
    waot_abi_table **tables;
    waot_abi_global **globals;
    waot_abi_funcref *funcs;
    bool *func_is_host;                /* funcs[i].ctx is a host closure */
    waot_abi_host_closure *closures;   /* for functions imported from a linker */
    waot_instance **exporters;         /* retained: whose functions funcs[] copies */
    uint32_t exporter_count;

    /* Segment state for memory.init, table.init and the drops. */
    void ***elem_refs;                 /* each segment's references, evaluated */
    uint32_t *elem_sizes;              /* 0 once dropped */
    bool *data_dropped;
    bool memory0_imaged;               /* memory 0 began as the module's image: the active
                                        * data segments are in it already */

    waot_instance *next_orphan;        /* see instantiate.c */

    /* A deadline (interrupt.c): when the watchdog sets ctx.interrupt, in
     * ns of CLOCK_MONOTONIC, and the watchdog's list; both under its lock. */
    uint64_t deadline_ns;
    waot_instance *deadline_next;
    atomic_bool deadline_armed;        /* on the list */

    /* Last: its private_globals run on past the struct (instance.c). */
    waot_abi_context ctx;              /* ctx.instance points back here */
};

static inline waot_instance *waot_rt_instance_of(waot_abi_context *ctx)
{
    return ctx->instance;
}

/* An instance of `module` with its arrays allocated and zeroed, one
 * reference, the context wired to them; nothing bound or created yet. */
waot_status waot_rt_instance_alloc(waot_module *module, waot_instance **out, waot_error *err);
void waot_rt_instance_retain(waot_instance *instance);
/* The last release frees the instance and releases what it holds. */
void waot_rt_instance_release(waot_instance *instance);

/* The index of export `name` of `kind`; false when there is none. */
bool waot_rt_instance_find_export(const waot_instance *instance, const char *name, size_t len,
                                  uint32_t kind, uint32_t *index);
/* Export `name` as an import would see it; false when there is none. */
bool waot_rt_instance_export_extern(waot_instance *instance, const char *name, size_t len,
                                    waot_rt_extern *out);

#endif

/*
 * The runtime's record of a module: its descriptor, the canonical ids of
 * its types, and what keeps its code mapped.  Also the entry point that
 * makes a module of a descriptor already linked into the process (tests,
 * and programs that link compiled code in statically).
 */
#ifndef WAOT_MODULE_INTERNAL_H
#define WAOT_MODULE_INTERNAL_H

#include "memory_image_internal.h"
#include "waot.h"

#include <stdatomic.h>
#include <stdint.h>

typedef struct waot_rt_code_range {
    uintptr_t start;
    uintptr_t end;
} waot_rt_code_range;

struct waot_module {
    const waot_abi_module *descriptor;
    uint32_t *type_ids;               /* type index -> canonical type id */
    bool *global_private;             /* global index -> defined and not exported, so its
                                       * cell is ctx.private_globals[index] (waot_abi.h) */
    uint32_t private_global_cells;    /* one past the last private global */
    waot_rt_memory_image image;       /* memory 0's copy-on-write image, once it pays */
    void *library;                    /* the dlopen handle; NULL for a linked-in descriptor */
    waot_rt_code_range *code_ranges;  /* executable segments registered as wasm code */
    uint32_t code_range_count;
    atomic_uint refs;                 /* the owner's, plus one per instance */
};

/* A module of a descriptor that is part of the process already.  The
 * descriptor must outlive the module.  Checks the header and structure
 * (WAOT_ERROR_LOAD) but not the target: the code is running here already.
 * Its code is not registered as wasm code; whoever linked it in registers
 * its range with waot_rt_code_range_register when it wants guard-page
 * faults turned into traps. */
waot_status waot_module_from_descriptor(const waot_abi_module *descriptor, waot_module **out,
                                        waot_error *err);

/* Makes the module record for a checked descriptor: interns its types and
 * takes ownership of `library` and `code_ranges` (registered already), also
 * on failure. */
waot_status waot_rt_module_new(const waot_abi_module *descriptor, void *library,
                               waot_rt_code_range *code_ranges, uint32_t code_range_count,
                               waot_module **out, waot_error *err);

void waot_rt_module_retain(waot_module *module);
/* The last release unregisters the code and closes the library. */
void waot_rt_module_release(waot_module *module);

/* Declares [start, end) to be compiled wasm code: a memory fault there is a
 * wasm trap.  For code linked into the process; loaded modules register
 * themselves.  False when out of memory. */
bool waot_rt_code_range_register(const void *start, const void *end);
void waot_rt_code_range_unregister(const void *start, const void *end);

#endif

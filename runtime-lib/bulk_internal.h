/*
 * The runtime entry points compiled code calls through ctx->runtime, and
 * the two segment operations instantiation shares with them.
 */
#ifndef WAOT_BULK_INTERNAL_H
#define WAOT_BULK_INTERNAL_H

#include "waot.h"

/* The table every context points at. */
extern const waot_abi_runtime waot_rt_runtime;

/* memory.init and table.init without the trap: WAOT_TRAP_NONE, or the
 * out-of-bounds trap they would raise (nothing is written then). */
waot_abi_trap waot_rt_bulk_memory_init(waot_instance *instance, uint32_t memory, uint32_t data,
                                       uint32_t dst, uint32_t src, uint32_t n);
waot_abi_trap waot_rt_bulk_table_init(waot_instance *instance, uint32_t table, uint32_t elem,
                                      uint32_t dst, uint32_t src, uint32_t n);
void waot_rt_bulk_elem_drop(waot_instance *instance, uint32_t elem);

#endif

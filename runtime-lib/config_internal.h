/*
 * The process-wide settings of waot_configure, with their defaults applied:
 * how large any memory or table may grow, how much stack compiled code may
 * use and how many instances may live at once.
 */
#ifndef WAOT_CONFIG_INTERNAL_H
#define WAOT_CONFIG_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/* WebAssembly's own bound on a 32-bit memory: 4 GiB. */
#define WAOT_RT_MAX_WASM_PAGES 65536u
#define WAOT_RT_PAGE_BYTES 65536u
/* The default cap on a table's size, whatever its declared maximum: beyond
 * it table.grow fails and instantiation runs out of memory.  Ten million
 * elements is what browsers allow. */
#define WAOT_RT_DEFAULT_MAX_TABLE_ELEMENTS 10000000u

/* The cap on any memory's size, in pages (at most 65536). */
uint64_t waot_rt_config_max_memory_pages(void);
/* The stack compiled code may use below the outermost host->wasm entry. */
size_t waot_rt_config_max_stack_bytes(void);
/* The cap on any table's size, in elements. */
uint32_t waot_rt_config_max_table_elements(void);
/* How long a start function may run, for interruptible code; 0: no end. */
uint64_t waot_rt_config_start_timeout_ns(void);
/* The cap on live instances; 0 when there is none. */
uint32_t waot_rt_config_max_instances(void);

#endif

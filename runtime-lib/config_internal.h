/*
 * The process-wide settings of waot_configure, with their defaults applied:
 * how large any memory may grow and how much stack compiled code may use.
 */
#ifndef WAOT_CONFIG_INTERNAL_H
#define WAOT_CONFIG_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/* WebAssembly's own bound on a 32-bit memory: 4 GiB. */
#define WAOT_RT_MAX_WASM_PAGES 65536u
#define WAOT_RT_PAGE_BYTES 65536u

/* The cap on any memory's size, in pages (at most 65536). */
uint64_t waot_rt_config_max_memory_pages(void);
/* The stack compiled code may use below the outermost host->wasm entry. */
size_t waot_rt_config_max_stack_bytes(void);

#endif

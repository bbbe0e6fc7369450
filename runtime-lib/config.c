/*
 * Process-wide settings (waot_configure).  They are read when memories,
 * tables and instances are created, when memories and tables grow, and when
 * a thread first enters wasm code; the API asks
 * for them to be set before anything is loaded, so they are plain statics.
 */
#include "config_internal.h"

#include "waot.h"
#include "waot_static.h"

#define CONFIG_DEFAULT_STACK_BYTES ((size_t)4 << 20)

static waot_config config_current;

void waot_configure(const waot_config *config)
{
    if (config)
        config_current = *config;
    else
        config_current = (waot_config){0};
    /* The stack limit is per thread, fixed at its first entry (entry.c). */
    waot_static_this_thread.stack_limit = 0;
}

uint64_t waot_rt_config_max_memory_pages(void)
{
    uint64_t pages = config_current.max_memory_pages;
    if (pages == 0 || pages > WAOT_RT_MAX_WASM_PAGES)
        return WAOT_RT_MAX_WASM_PAGES;
    return pages;
}

size_t waot_rt_config_max_stack_bytes(void)
{
    return config_current.max_stack_bytes ? config_current.max_stack_bytes
                                          : CONFIG_DEFAULT_STACK_BYTES;
}

uint32_t waot_rt_config_max_table_elements(void)
{
    return config_current.max_table_elements ? config_current.max_table_elements
                                             : WAOT_RT_DEFAULT_MAX_TABLE_ELEMENTS;
}

uint64_t waot_rt_config_start_timeout_ns(void)
{
    return config_current.start_timeout_ns;
}

uint32_t waot_rt_config_max_instances(void)
{
    return config_current.max_instances;
}

/*
 * Canonical function type ids: one process-wide number per distinct
 * function type, so that call_indirect can compare types of functions from
 * different modules with one integer comparison.
 */
#ifndef WAOT_TYPES_INTERNAL_H
#define WAOT_TYPES_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

/* The id of the type whose params then results are `types` (value type
 * codes).  Equal types get equal ids in every module and thread; ids start
 * at 1, so 0 never names a type.  Thread-safe; fails only when out of
 * memory. */
bool waot_rt_type_intern(const uint8_t *types, uint32_t param_count, uint32_t result_count,
                         uint32_t *id);

/* Whether `type` is one of the value type codes (WAOT_ABI_I32 ...). */
bool waot_rt_value_type_ok(uint32_t type);

#endif

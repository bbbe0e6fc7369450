/*
 * The address ranges the fault handler consults: where compiled wasm code
 * lives, and where linear memories have their reservations.  Registering and
 * removing take a lock; asking whether an address is inside is lock-free and
 * async-signal-safe, since the SIGSEGV handler asks.
 */
#ifndef WAOT_ADDRESS_RANGES_INTERNAL_H
#define WAOT_ADDRESS_RANGES_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

typedef struct waot_rt_range_set waot_rt_range_set;

/* Executable code of loaded modules: a fault with its PC here is wasm's. */
extern waot_rt_range_set waot_rt_code_ranges;
/* Reservations of linear memories (accessible part and guard). */
extern waot_rt_range_set waot_rt_memory_reservations;

/* Adds [start, end).  A range may be added more than once (a module loaded
 * twice maps its code once); each add needs its own remove.  Fails only
 * when out of memory or for an empty range. */
bool waot_rt_range_add(waot_rt_range_set *set, uintptr_t start, uintptr_t end);
/* Removes one registration of exactly [start, end); unknown ranges are
 * ignored. */
void waot_rt_range_remove(waot_rt_range_set *set, uintptr_t start, uintptr_t end);
/* Whether `address` lies in a registered range.  Async-signal-safe. */
bool waot_rt_range_contains(waot_rt_range_set *set, uintptr_t address);

#endif

/*
 * The WASI clocks as poll_oneoff needs them: the host clock behind a WASI
 * clock id and its current reading in nanoseconds.
 */
#ifndef WAOT_WASI_CLOCK_INTERNAL_H
#define WAOT_WASI_CLOCK_INTERNAL_H

#include "wasi_internal.h"

#include <time.h>

/* The host clock for WASI clock `id`; false for an unknown id. */
bool waot_rt_wasi_host_clock(uint32_t id, clockid_t *out);
/* The time of WASI clock `id` in nanoseconds; EINVAL for an unknown id. */
uint32_t waot_rt_wasi_clock_now(uint32_t id, uint64_t *out);

#endif

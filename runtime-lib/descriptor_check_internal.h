/*
 * Checks of a module descriptor before the runtime trusts it: the header
 * (magic, ABI version) first, since the layout of the rest depends on it,
 * then the structure (every index in range, every pointer the runtime will
 * follow present), so a corrupt module is refused instead of crashing the
 * instantiation.
 */
#ifndef WAOT_DESCRIPTOR_CHECK_INTERNAL_H
#define WAOT_DESCRIPTOR_CHECK_INTERNAL_H

#include "waot.h"

/* Magic and ABI version; WAOT_ERROR_LOAD with "not a waot precompiled
 * module (...)" or "built for ABI N, this runtime is M". */
waot_status waot_rt_descriptor_check_header(const waot_abi_module *descriptor, waot_error *err);

/* Index spaces, imports, segments and constant expressions; WAOT_ERROR_LOAD
 * with "corrupt module descriptor: ..." naming the first problem. */
waot_status waot_rt_descriptor_check_structure(const waot_abi_module *descriptor,
                                               waot_error *err);

#endif

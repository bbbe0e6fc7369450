/*
 * Checks of a module descriptor before the runtime trusts it: the header
 * (magic, ABI version) first, since the layout of the rest depends on it,
 * then the structure (every index in range, every pointer the runtime will
 * follow present), so a corrupt module is refused instead of crashing the
 * instantiation.
 */
#ifndef WAOT_DESCRIPTOR_CHECK_INTERNAL_H
#define WAOT_DESCRIPTOR_CHECK_INTERNAL_H

#include "module_internal.h"
#include "waot.h"

/* Magic and ABI version; WAOT_ERROR_LOAD with "not a waot precompiled
 * module (...)" or "built for ABI N, this runtime is M". */
waot_status waot_rt_descriptor_check_header(const waot_abi_module *descriptor, waot_error *err);

/* For a module loaded from a file, which may be damaged: whether every
 * pointer of the descriptor stays inside the loaded object, each array (by
 * its count) and string (to its NUL) within one of its `mapped` segments and
 * each code pointer within one of its `code` segments.  After the header
 * check and before anything reads through those pointers; WAOT_ERROR_LOAD
 * with "corrupt module descriptor: ..." naming the first that does not. */
waot_status waot_rt_descriptor_check_extents(const waot_abi_module *descriptor,
                                             const waot_rt_code_range *mapped,
                                             uint32_t mapped_count,
                                             const waot_rt_code_range *code, uint32_t code_count,
                                             waot_error *err);

/* Index spaces, imports, segments and constant expressions; WAOT_ERROR_LOAD
 * with "corrupt module descriptor: ..." naming the first problem. */
waot_status waot_rt_descriptor_check_structure(const waot_abi_module *descriptor,
                                               waot_error *err);

#endif

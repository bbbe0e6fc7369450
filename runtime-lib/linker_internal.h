/*
 * Name resolution for instantiation: what a linker offers for an import's
 * module and field names.
 */
#ifndef WAOT_LINKER_INTERNAL_H
#define WAOT_LINKER_INTERNAL_H

#include "extern_internal.h"

/* Finds the definition of module.field, the most recent one first: a
 * definition of the linker, or an export of an instance registered under
 * that module name.  False when nothing by that name exists. */
bool waot_rt_linker_resolve(const waot_linker *linker, const waot_abi_name *module,
                            const waot_abi_name *field, waot_rt_extern *out);

/* Defines module.field as an existing global, memory or table (the one
 * `definition` holds), taking a reference on it: waot.h's
 * waot_linker_define_*_object. */
waot_status waot_rt_linker_define_object(waot_linker *linker, const char *module,
                                         const char *field, const waot_rt_extern *definition);

#endif

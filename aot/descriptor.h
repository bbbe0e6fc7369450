/*
 * Emitting the module descriptor (waot_abi_module) into the LLVM module,
 * with the code the runtime needs besides the wasm functions themselves:
 * one trampoline (call by value array) and one host adapter (be called as a
 * wasm function, call a host function) per type.
 */
#ifndef AOT_DESCRIPTOR_H
#define AOT_DESCRIPTOR_H

#include "lower.h"

#include <llvm-c/Target.h>

typedef struct aot_descriptor_info {
    const char *compiler_version;
    const char *target_triple;
    const char *cpu_name;
    const char *cpu_features;
    uint8_t wasm_sha256[32];
    /* NULL: the descriptor is WAOT_ABI_MODULE_SYMBOL; otherwise
     * `<symbol_prefix>_waot_module` (see aot_compile_options). */
    const char *symbol_prefix;
} aot_descriptor_info;

/* `data_layout` is the target's, used to check that the LLVM structs built
 * here lay out exactly like the C structs of waot_abi.h. */
bool aot_emit_descriptor(lower_module *lm, LLVMTargetDataRef data_layout,
                         const aot_descriptor_info *info);

#endif

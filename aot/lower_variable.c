/*
 * Locals and globals.  Locals are allocas (SROA makes them registers);
 * globals are cells: a global only this instance sees (defined, not
 * exported, like the stack pointer wasm-ld makes) lives in the context
 * itself, one load away; the others are reached through ctx->globals, so
 * an imported global and an exported one are read the same way.
 */
#include "lower.h"

static LLVMValueRef variable_global_cell(lower_func *f, uint32_t index)
{
    if (f->lm->global_private[index])
        return lower_gep_const(f, f->ctx,
                               offsetof(waot_abi_context, private_globals) +
                                   (uint64_t)index * sizeof(waot_abi_global),
                               "private_global");
    LLVMValueRef globals = lower_ctx_load_pointer(f, f->ctx, offsetof(waot_abi_context, globals),
                                                  (uint64_t)f->lm->m->global_count * sizeof(void *),
                                                  "globals");
    return lower_ctx_load_pointer(f, globals, (size_t)index * sizeof(void *),
                                  sizeof(waot_abi_global), "global");
}

bool lower_variable(lower_func *f, const aot_instr *in)
{
    lower_module *lm = f->lm;
    uint32_t index = in->imm.index;
    switch (in->op) {
    case AOT_OP_LOCAL_GET:
        lower_push(f, LLVMBuildLoad2(lm->b, lower_type(lm, f->local_types[index]),
                                     f->locals[index], ""));
        return true;
    case AOT_OP_LOCAL_SET:
        LLVMBuildStore(lm->b, lower_pop(f), f->locals[index]);
        return true;
    case AOT_OP_LOCAL_TEE:
        LLVMBuildStore(lm->b, lower_top(f), f->locals[index]);
        return true;
    case AOT_OP_GLOBAL_GET: {
        LLVMTypeRef type = lower_type(lm, lm->m->globals[index].type.type);
        LLVMValueRef v = LLVMBuildLoad2(lm->b, type, variable_global_cell(f, index), "");
        LLVMSetAlignment(v, 16);
        lower_push(f, v);
        return true;
    }
    case AOT_OP_GLOBAL_SET: {
        LLVMValueRef v = LLVMBuildStore(lm->b, lower_pop(f), variable_global_cell(f, index));
        LLVMSetAlignment(v, 16);
        return true;
    }
    default:
        return lower_fail(f, "internal error: %s is not a variable instruction",
                          aot_opcode_infos[in->op].text);
    }
}

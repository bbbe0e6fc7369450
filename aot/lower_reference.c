/*
 * Reference instructions.  A funcref is a pointer to a waot_abi_funcref
 * (the function's slot in ctx->funcs), an externref is the host's pointer;
 * null is the null pointer for both.
 */
#include "lower.h"

bool lower_reference(lower_func *f, const aot_instr *in)
{
    lower_module *lm = f->lm;
    switch (in->op) {
    case AOT_OP_REF_NULL:
        lower_push(f, LLVMConstNull(lm->t_ptr));
        return true;
    case AOT_OP_REF_IS_NULL:
        lower_push(f, LLVMBuildZExt(lm->b, LLVMBuildIsNull(lm->b, lower_pop(f), ""), lm->t_i32, ""));
        return true;
    case AOT_OP_REF_FUNC: {
        LLVMValueRef funcs = lower_ctx_load_fixed(f, f->ctx, offsetof(waot_abi_context, funcs),
                                                  lm->t_ptr, "funcs");
        lower_push(f, lower_gep_const(f, funcs, (uint64_t)in->imm.index * sizeof(waot_abi_funcref),
                                      "funcref"));
        return true;
    }
    default:
        return lower_fail(f, "internal error: %s is not a reference instruction",
                          aot_opcode_infos[in->op].text);
    }
}

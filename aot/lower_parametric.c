/*
 * The parametric family: drop, and select in both its forms (untyped for
 * numeric operands, typed with `select t` for any value type, references
 * and v128 included).  Both selects are one LLVM select: validation already
 * made the two operands the same type, so the immediate adds nothing here.
 */
#include "lower.h"

bool lower_parametric(lower_func *f, const aot_instr *in)
{
    switch (in->op) {
    case AOT_OP_DROP:
        lower_pop(f);
        return true;
    case AOT_OP_SELECT:
    case AOT_OP_SELECT_T: {
        /* [val1 val2 condition] -> [condition != 0 ? val1 : val2] */
        LLVMBuilderRef b = f->lm->b;
        LLVMValueRef condition = lower_pop(f);
        LLVMValueRef val2 = lower_pop(f);
        LLVMValueRef val1 = lower_pop(f);
        LLVMValueRef is_true = LLVMBuildICmp(b, LLVMIntNE, condition, lower_const_i32(f, 0), "");
        lower_push(f, LLVMBuildSelect(b, is_true, val1, val2, ""));
        return true;
    }
    default:
        return lower_fail(f, "internal error: %s is not a parametric instruction",
                          aot_opcode_infos[in->op].text);
    }
}

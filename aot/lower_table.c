/*
 * Table instructions.  table.get/set are inline with their bounds check;
 * size reads the table; grow, fill, copy, init and elem.drop call the
 * runtime, which owns reallocation and the bulk bounds rules.  `elements`
 * is reloaded at every access because table.grow may move it.
 */
#include "lower.h"

static LLVMValueRef table_ptr(lower_func *f, uint32_t index)
{
    LLVMValueRef tables = lower_ctx_load(f, f->ctx, offsetof(waot_abi_context, tables),
                                         f->lm->t_ptr, "tables");
    return lower_ctx_load(f, tables, (size_t)index * sizeof(void *), f->lm->t_ptr, "table");
}

/* The address of element `i`, after trapping if it lies outside the table. */
static LLVMValueRef table_element(lower_func *f, LLVMValueRef table, LLVMValueRef i)
{
    lower_module *lm = f->lm;
    LLVMValueRef size = lower_ctx_load(f, table, offsetof(waot_abi_table, size), lm->t_i32, "size");
    /* table.get and table.set of an index at or past the size trap. */
    lower_trap_if(f, LLVMBuildICmp(lm->b, LLVMIntUGE, i, size, ""), WAOT_TRAP_TABLE_OUT_OF_BOUNDS);
    LLVMValueRef elements = lower_ctx_load(f, table, offsetof(waot_abi_table, elements),
                                           lm->t_ptr, "elements");
    LLVMValueRef offset = LLVMBuildMul(lm->b, LLVMBuildZExt(lm->b, i, lm->t_i64, ""),
                                       lower_const_i64(f, sizeof(void *)), "");
    return lower_gep(f, elements, offset, "element");
}

/* Calls runtime entry `offset` with (ctx, immediates..., popped operands...). */
static void table_runtime_call(lower_func *f, size_t offset, LLVMTypeRef result,
                               const LLVMValueRef *imms, unsigned imm_count,
                               const LLVMTypeRef *operand_types, unsigned operand_count)
{
    lower_module *lm = f->lm;
    unsigned n = 1 + imm_count + operand_count;
    LLVMTypeRef types[n];
    LLVMValueRef args[n];
    types[0] = lm->t_ptr;
    args[0] = f->ctx;
    for (unsigned i = 0; i < imm_count; i++) {
        types[1 + i] = lm->t_i32;
        args[1 + i] = imms[i];
    }
    f->stack_count -= operand_count;
    for (unsigned i = 0; i < operand_count; i++) {
        types[1 + imm_count + i] = operand_types[i];
        args[1 + imm_count + i] = f->stack[f->stack_count + i];
    }
    LLVMTypeRef fn_type = LLVMFunctionType(result, types, n, false);
    LLVMValueRef call = LLVMBuildCall2(lm->b, fn_type, lower_runtime_fn(f, offset), args, n, "");
    if (result != lm->t_void)
        lower_push(f, call);
}

bool lower_table(lower_func *f, const aot_instr *in)
{
    lower_module *lm = f->lm;
    LLVMTypeRef i32 = lm->t_i32, ptr = lm->t_ptr;
    switch (in->op) {
    case AOT_OP_TABLE_GET: {
        LLVMValueRef i = lower_pop(f);
        LLVMValueRef slot = table_element(f, table_ptr(f, in->imm.index), i);
        lower_push(f, LLVMBuildLoad2(lm->b, ptr, slot, ""));
        return true;
    }
    case AOT_OP_TABLE_SET: {
        LLVMValueRef value = lower_pop(f);
        LLVMValueRef i = lower_pop(f);
        LLVMBuildStore(lm->b, value, table_element(f, table_ptr(f, in->imm.index), i));
        return true;
    }
    case AOT_OP_TABLE_SIZE:
        lower_push(f, lower_ctx_load(f, table_ptr(f, in->imm.index),
                                     offsetof(waot_abi_table, size), i32, "size"));
        return true;
    case AOT_OP_TABLE_GROW: {
        LLVMValueRef imm = lower_const_i32(f, in->imm.index);
        LLVMTypeRef ops[] = {ptr, i32}; /* init value, delta */
        table_runtime_call(f, offsetof(waot_abi_runtime, table_grow), i32, &imm, 1, ops, 2);
        return true;
    }
    case AOT_OP_TABLE_FILL: {
        LLVMValueRef imm = lower_const_i32(f, in->imm.index);
        LLVMTypeRef ops[] = {i32, ptr, i32}; /* dst, value, n */
        table_runtime_call(f, offsetof(waot_abi_runtime, table_fill), lm->t_void, &imm, 1, ops, 3);
        return true;
    }
    case AOT_OP_TABLE_COPY: {
        LLVMValueRef imms[] = {lower_const_i32(f, in->imm.pair.first),
                               lower_const_i32(f, in->imm.pair.second)};
        LLVMTypeRef ops[] = {i32, i32, i32}; /* dst, src, n */
        table_runtime_call(f, offsetof(waot_abi_runtime, table_copy), lm->t_void, imms, 2, ops, 3);
        return true;
    }
    case AOT_OP_TABLE_INIT: {
        /* The runtime takes (table, elem): the immediates are (elem, table). */
        LLVMValueRef imms[] = {lower_const_i32(f, in->imm.pair.second),
                               lower_const_i32(f, in->imm.pair.first)};
        LLVMTypeRef ops[] = {i32, i32, i32}; /* dst, src, n */
        table_runtime_call(f, offsetof(waot_abi_runtime, table_init), lm->t_void, imms, 2, ops, 3);
        return true;
    }
    case AOT_OP_ELEM_DROP: {
        LLVMValueRef imm = lower_const_i32(f, in->imm.index);
        table_runtime_call(f, offsetof(waot_abi_runtime, elem_drop), lm->t_void, &imm, 1, NULL, 0);
        return true;
    }
    default:
        return lower_fail(f, "internal error: %s is not a table instruction",
                          aot_opcode_infos[in->op].text);
    }
}

/*
 * Table instructions.  table.get/set are inline with their bounds check
 * (a set into a funcref table also writes the element's copies of the
 * reference's fields, which call_indirect reads); size reads the table;
 * grow, fill, copy, init and elem.drop call the runtime, which owns
 * reallocation and the bulk bounds rules.  `elements` and `size` are
 * reloaded at every access because table.grow may change them, except in
 * a table whose maximum is its minimum (what wasm-ld writes): it can never
 * grow, so its size is a constant and its elements never move (table 0's
 * are then read straight from the context).  That holds for an imported
 * one too, whose actual limits must lie within the declared ones.
 */
#include "lower.h"

static bool table_is_fixed(const lower_func *f, uint32_t index)
{
    const aot_limits *limits = &f->lm->m->tables[index].type.limits;
    return limits->has_max && limits->max == limits->min;
}

static LLVMValueRef table_ptr(lower_func *f, uint32_t index)
{
    LLVMValueRef tables = lower_ctx_load_pointer(f, f->ctx, offsetof(waot_abi_context, tables),
                                                 (uint64_t)f->lm->m->table_count * sizeof(void *),
                                                 "tables");
    return lower_ctx_load_pointer(f, tables, (size_t)index * sizeof(void *),
                                  sizeof(waot_abi_table), "table");
}

LLVMValueRef lower_table_size(lower_func *f, uint32_t index)
{
    if (table_is_fixed(f, index))
        return lower_const_i32(f, (uint32_t)f->lm->m->tables[index].type.limits.min);
    return lower_ctx_load(f, table_ptr(f, index), offsetof(waot_abi_table, size), f->lm->t_i32,
                          "size");
}

LLVMValueRef lower_table_slot(lower_func *f, uint32_t index, LLVMValueRef i)
{
    lower_module *lm = f->lm;
    size_t at = offsetof(waot_abi_table, elements);
    LLVMValueRef elements;
    if (!table_is_fixed(f, index))
        elements = lower_ctx_load(f, table_ptr(f, index), at, lm->t_ptr, "elements");
    else if (index == 0)
        elements = lower_ctx_load_fixed(f, f->ctx, offsetof(waot_abi_context, table0_elements),
                                        lm->t_ptr, "elements");
    else
        elements = lower_ctx_load_fixed(f, table_ptr(f, index), at, lm->t_ptr, "elements");
    LLVMValueRef offset = LLVMBuildMul(lm->b, LLVMBuildZExt(lm->b, i, lm->t_i64, ""),
                                       lower_const_i64(f, sizeof(waot_abi_table_element)), "");
    return lower_gep(f, elements, offset, "element");
}

/* The address of element `i`, after trapping if it lies outside the table. */
static LLVMValueRef table_element(lower_func *f, uint32_t index, LLVMValueRef i)
{
    LLVMValueRef size = lower_table_size(f, index);
    /* table.get and table.set of an index at or past the size trap. */
    lower_trap_if(f, LLVMBuildICmp(f->lm->b, LLVMIntUGE, i, size, ""),
                  WAOT_TRAP_TABLE_OUT_OF_BOUNDS);
    return lower_table_slot(f, index, i);
}

/* A funcref whose fields are those of a null element (waot_abi.h). */
static LLVMValueRef table_null_funcref(lower_module *lm)
{
    static const char name[] = "waot.null_funcref";
    LLVMValueRef global = LLVMGetNamedGlobal(lm->mod, name);
    if (global)
        return global;
    LLVMTypeRef fields[] = {lm->t_i32, lm->t_ptr, lm->t_ptr};
    LLVMTypeRef type = LLVMStructTypeInContext(lm->llvm, fields, 3, false);
    global = LLVMAddGlobal(lm->mod, type, name);
    LLVMSetInitializer(global, LLVMConstNull(type));
    LLVMSetGlobalConstant(global, true);
    LLVMSetLinkage(global, LLVMPrivateLinkage);
    return global;
}

/* Stores reference `value` as the element at `slot`: a funcref element
 * with copies of the reference's fields (all zero for null, read from a
 * zeroed funcref so no branch is needed). */
static void table_set(lower_func *f, uint32_t index, LLVMValueRef slot, LLVMValueRef value)
{
    lower_module *lm = f->lm;
    LLVMBuildStore(lm->b, value, lower_element_field(f, slot, ref));
    if (lm->m->tables[index].type.elem_type != AOT_VT_FUNCREF)
        return;
    LLVMValueRef from = LLVMBuildSelect(lm->b, LLVMBuildIsNull(lm->b, value, ""),
                                        table_null_funcref(lm), value, "funcref");
    LLVMBuildStore(lm->b,
                   lower_ctx_load_fixed(f, from, offsetof(waot_abi_funcref, type_id), lm->t_i32,
                                        "type_id"),
                   lower_element_field(f, slot, type_id));
    LLVMBuildStore(lm->b,
                   lower_ctx_load_fixed(f, from, offsetof(waot_abi_funcref, code), lm->t_ptr,
                                        "code"),
                   lower_element_field(f, slot, code));
    LLVMBuildStore(lm->b,
                   lower_ctx_load_fixed(f, from, offsetof(waot_abi_funcref, ctx), lm->t_ptr,
                                        "ctx"),
                   lower_element_field(f, slot, ctx));
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
        LLVMValueRef slot = table_element(f, in->imm.index, i);
        lower_push(f,
                   LLVMBuildLoad2(lm->b, ptr, lower_element_field(f, slot, ref), "ref"));
        return true;
    }
    case AOT_OP_TABLE_SET: {
        LLVMValueRef value = lower_pop(f);
        LLVMValueRef i = lower_pop(f);
        table_set(f, in->imm.index, table_element(f, in->imm.index, i), value);
        return true;
    }
    case AOT_OP_TABLE_SIZE:
        lower_push(f, lower_table_size(f, in->imm.index));
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

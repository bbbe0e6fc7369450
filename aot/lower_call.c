/*
 * Calls: direct calls to the module's own functions, calls to imports
 * through the function references in the context, and call_indirect through
 * a table with its checks (bounds, then one comparison for null and
 * signature, which reads the callee from the table element itself).
 *
 * An import is called the same way whether it is another instance's wasm
 * function or a host function: load the reference's code and ctx from
 * ctx->funcs and call.  Before the call the caller's stack limit is copied
 * into the callee's ctx, so the callee checks against the same thread's
 * limit (waot_abi.h explains why a host closure accepts the copy).
 */
#include "lower.h"

bool lower_call_values(lower_func *f, const aot_functype *type, LLVMTypeRef fn_type,
                       LLVMValueRef callee, LLVMValueRef callee_ctx, LLVMValueRef *args,
                       LLVMValueRef *out)
{
    lower_module *lm = f->lm;
    LLVMValueRef call_args[type->param_count + 1];
    call_args[0] = callee_ctx;
    for (uint32_t i = 0; i < type->param_count; i++)
        call_args[i + 1] = args[i];
    LLVMValueRef result = LLVMBuildCall2(lm->b, fn_type, callee, call_args,
                                         type->param_count + 1, "");
    /* Recursion must use the stack: turning it into a loop would make
     * unbounded recursion spin instead of trapping "call stack exhausted". */
    LLVMSetTailCallKind(result, LLVMTailCallKindNoTail);
    LLVMSetInstructionCallConv(result, LLVMSwiftCallConv);
    LLVMAddCallSiteAttribute(result, 1,
                             LLVMCreateEnumAttribute(lm->llvm, lm->kind_swiftself, 0));
    if (type->result_count == 1) {
        out[0] = result;
    } else {
        for (uint32_t i = 0; i < type->result_count; i++)
            out[i] = LLVMBuildExtractValue(lm->b, result, i, "");
    }
    return true;
}

/* Pops the call's arguments and pushes its results. */
static bool call_emit(lower_func *f, const aot_functype *type, LLVMTypeRef fn_type,
                      LLVMValueRef callee, LLVMValueRef callee_ctx)
{
    f->stack_count -= type->param_count;
    LLVMValueRef *args = f->stack + f->stack_count;
    LLVMValueRef results[type->result_count + 1];
    if (!lower_call_values(f, type, fn_type, callee, callee_ctx, args, results))
        return false;
    for (uint32_t i = 0; i < type->result_count; i++)
        lower_push(f, results[i]);
    return true;
}

/* Calls `code` with `callee_ctx`, which may be another instance's or a
 * host closure. */
static bool call_other_ctx(lower_func *f, uint32_t type_index, LLVMValueRef code,
                           LLVMValueRef callee_ctx)
{
    lower_module *lm = f->lm;
    LLVMValueRef limit = lower_ctx_load(f, f->ctx, offsetof(waot_abi_context, stack_limit),
                                        lm->t_intptr, "stack_limit");
    LLVMValueRef store = LLVMBuildStore(lm->b, limit, lower_gep_const(
        f, callee_ctx, offsetof(waot_abi_context, stack_limit), ""));
    LLVMSetAlignment(store, 8);
    return call_emit(f, &lm->m->types[type_index], lm->func_types[type_index], code, callee_ctx);
}

/* Calls import `func_index` through its waot_abi_funcref in ctx->funcs. */
static bool call_import(lower_func *f, uint32_t func_index, uint32_t type_index)
{
    lower_module *lm = f->lm;
    LLVMValueRef funcs = lower_ctx_load_pointer(
        f, f->ctx, offsetof(waot_abi_context, funcs),
        (uint64_t)lm->m->func_count * sizeof(waot_abi_funcref), "funcs");
    LLVMValueRef ref = lower_gep_const(f, funcs, (uint64_t)func_index * sizeof(waot_abi_funcref),
                                       "funcref");
    /* A reference never changes once made. */
    LLVMValueRef code = lower_ctx_load_fixed(f, ref, offsetof(waot_abi_funcref, code), lm->t_ptr,
                                             "code");
    LLVMValueRef callee_ctx = lower_ctx_load_fixed(f, ref, offsetof(waot_abi_funcref, ctx),
                                                   lm->t_ptr, "callee_ctx");
    return call_other_ctx(f, type_index, code, callee_ctx);
}

static bool call_indirect(lower_func *f, const aot_instr *in)
{
    lower_module *lm = f->lm;
    uint32_t type_index = in->imm.call_indirect.type_index;
    uint32_t table_index = in->imm.call_indirect.table_index;
    LLVMValueRef index = lower_pop(f);

    LLVMValueRef size = lower_table_size(f, table_index);
    /* An index past the table's end names no element. */
    lower_trap_element_if(f, LLVMBuildICmp(lm->b, LLVMIntUGE, index, size, ""),
                          WAOT_TRAP_UNDEFINED_ELEMENT, index);
    LLVMValueRef slot = lower_table_slot(f, table_index, index);
    /* The callee must have exactly the type the call site expects; canonical
     * ids make equal types from different modules compare equal.  A null
     * element's id is 0, no type's, so it fails here too. */
    LLVMValueRef type_ids = lower_ctx_load_pointer(f, f->ctx, offsetof(waot_abi_context, type_ids),
                                                   (uint64_t)lm->m->type_count * sizeof(uint32_t),
                                                   "type_ids");
    LLVMValueRef expected = lower_ctx_load_fixed(
        f, type_ids, (size_t)type_index * sizeof(uint32_t), lm->t_i32, "expected_type");
    LLVMValueRef actual =
        LLVMBuildLoad2(lm->b, lm->t_i32, lower_element_field(f, slot, type_id), "actual_type");
    LLVMBasicBlockRef bad = LLVMAppendBasicBlockInContext(lm->llvm, f->fn, "bad_callee");
    LLVMBasicBlockRef good = LLVMAppendBasicBlockInContext(lm->llvm, f->fn, "callee_ok");
    lower_branch_unlikely(f, LLVMBuildICmp(lm->b, LLVMIntNE, expected, actual, ""), bad, good);
    /* Which trap: a null element cannot be called at all. */
    LLVMPositionBuilderAtEnd(lm->b, bad);
    LLVMValueRef ref =
        LLVMBuildLoad2(lm->b, lm->t_ptr, lower_element_field(f, slot, ref), "ref");
    lower_trap_element_if(f, LLVMBuildIsNull(lm->b, ref, ""), WAOT_TRAP_UNINITIALIZED_ELEMENT,
                          index);
    lower_trap(f, WAOT_TRAP_INDIRECT_TYPE_MISMATCH);

    LLVMPositionBuilderAtEnd(lm->b, good);
    LLVMValueRef code =
        LLVMBuildLoad2(lm->b, lm->t_ptr, lower_element_field(f, slot, code), "code");
    LLVMValueRef callee_ctx =
        LLVMBuildLoad2(lm->b, lm->t_ptr, lower_element_field(f, slot, ctx), "callee_ctx");
    return call_other_ctx(f, type_index, code, callee_ctx);
}

bool lower_call(lower_func *f, const aot_instr *in)
{
    lower_module *lm = f->lm;
    const aot_module *m = lm->m;
    if (in->op == AOT_OP_CALL_INDIRECT)
        return call_indirect(f, in);
    uint32_t callee = in->imm.index;
    uint32_t type_index = m->funcs[callee].type_index;
    if (m->funcs[callee].imported)
        return call_import(f, callee, type_index);
    return call_emit(f, &m->types[type_index], lm->func_types[type_index], lm->funcs[callee],
                     f->ctx);
}

/*
 * The lowering driver: sets up the LLVM module for a wasm module, declares
 * one LLVM function per defined wasm function, and lowers each body by
 * reading its instructions and handing each to its family's file.  Also the
 * small helpers every family uses (context loads, traps, intrinsics).
 *
 * Every function takes the instance context as its first parameter, in
 * compiled code's calling convention (lower_use_wasm_convention).  A
 * function's per-body state lives in an arena reset after each body.
 */
#include "lower.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool lower_fail(lower_func *f, const char *fmt, ...)
{
    char text[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    f->lm->err->func_index = f->func_index;
    return aot_fail(f->lm->err, AOT_ERR_LIMIT, f->in ? f->in->offset : 0, "%s", text);
}

LLVMTypeRef lower_type(lower_module *lm, aot_valtype t)
{
    switch (t) {
    case AOT_VT_I32: return lm->t_i32;
    case AOT_VT_I64: return lm->t_i64;
    case AOT_VT_F32: return lm->t_f32;
    case AOT_VT_F64: return lm->t_f64;
    case AOT_VT_V128: return lm->t_v128;
    default: return lm->t_ptr; /* funcref, externref */
    }
}

LLVMTypeRef lower_results_type(lower_module *lm, uint32_t count, const aot_valtype *types)
{
    if (count == 0)
        return lm->t_void;
    if (count == 1)
        return lower_type(lm, types[0]);
    LLVMTypeRef fields[count];
    for (uint32_t i = 0; i < count; i++)
        fields[i] = lower_type(lm, types[i]);
    return LLVMStructTypeInContext(lm->llvm, fields, count, false);
}

static LLVMTypeRef lower_function_type(lower_module *lm, const aot_functype *t)
{
    LLVMTypeRef params[t->param_count + 1];
    params[0] = lm->t_ptr;
    for (uint32_t i = 0; i < t->param_count; i++)
        params[i + 1] = lower_type(lm, t->params[i]);
    return LLVMFunctionType(lower_results_type(lm, t->result_count, t->results), params,
                            t->param_count + 1, false);
}

/* A symbol name for function `index`: the name section's, so that perf,
 * gdb and crash reports show it, behind a prefix that keeps it clear of C
 * library names LLVM treats specially. */
static void lower_function_name(const aot_module *m, uint32_t index, char *out, size_t size)
{
    const aot_name *name = aot_module_func_name(m, index);
    if (name && name->len > 0)
        snprintf(out, size, "wasm:%.*s", (int)(name->len > 200 ? 200 : name->len),
                 (const char *)name->bytes);
    else
        snprintf(out, size, "wasm:func%u", index);
}

bool lower_init_module(lower_module *lm, const aot_module *m, LLVMContextRef llvm,
                       const char *name, aot_error *err)
{
    memset(lm, 0, sizeof *lm);
    lm->m = m;
    lm->llvm = llvm;
    lm->err = err;
    lm->mod = LLVMModuleCreateWithNameInContext(name, llvm);
    lm->b = LLVMCreateBuilderInContext(llvm);
    lm->t_void = LLVMVoidTypeInContext(llvm);
    lm->t_i1 = LLVMInt1TypeInContext(llvm);
    lm->t_i8 = LLVMInt8TypeInContext(llvm);
    lm->t_i16 = LLVMInt16TypeInContext(llvm);
    lm->t_i32 = LLVMInt32TypeInContext(llvm);
    lm->t_i64 = LLVMInt64TypeInContext(llvm);
    lm->t_f32 = LLVMFloatTypeInContext(llvm);
    lm->t_f64 = LLVMDoubleTypeInContext(llvm);
    lm->t_v128 = LLVMVectorType(lm->t_i64, 2);
    lm->t_ptr = LLVMPointerTypeInContext(llvm, 0);
    lm->t_intptr = lm->t_i64;
    LLVMTypeRef trap_params[] = {lm->t_ptr, lm->t_i32};
    lm->trap_fn_type = LLVMFunctionType(lm->t_void, trap_params, 2, false);
    lm->kind_cold = LLVMGetEnumAttributeKindForName("cold", 4);
    lm->kind_noreturn = LLVMGetEnumAttributeKindForName("noreturn", 8);
    lm->kind_nounwind = LLVMGetEnumAttributeKindForName("nounwind", 8);
    lm->kind_swiftself = LLVMGetEnumAttributeKindForName("swiftself", 9);
    lm->kind_dereferenceable = LLVMGetEnumAttributeKindForName("dereferenceable", 15);
    lm->md_invariant_load = LLVMGetMDKindIDInContext(llvm, "invariant.load", 14);
    lm->md_dereferenceable = LLVMGetMDKindIDInContext(llvm, "dereferenceable", 15);

    lm->func_types = calloc(m->type_count ? m->type_count : 1, sizeof *lm->func_types);
    lm->funcs = calloc(m->func_count ? m->func_count : 1, sizeof *lm->funcs);
    lm->global_private =
        calloc(m->global_count ? m->global_count : 1, sizeof *lm->global_private);
    if (!lm->func_types || !lm->funcs || !lm->global_private)
        return aot_fail(err, AOT_ERR_NOMEM, 0, "out of memory");
    for (uint32_t i = 0; i < m->global_count; i++)
        lm->global_private[i] = !m->globals[i].imported;
    for (uint32_t i = 0; i < m->export_count; i++)
        if (m->exports[i].kind == AOT_EXTERN_GLOBAL)
            lm->global_private[m->exports[i].index] = false;
    for (uint32_t i = 0; i < m->type_count; i++)
        lm->func_types[i] = lower_function_type(lm, &m->types[i]);
    for (uint32_t i = m->imported_func_count; i < m->func_count; i++) {
        char symbol[256];
        lower_function_name(m, i, symbol, sizeof symbol);
        LLVMValueRef fn = LLVMAddFunction(lm->mod, symbol, lm->func_types[m->funcs[i].type_index]);
        LLVMSetLinkage(fn, LLVMInternalLinkage);
        lower_place_code(lm, fn);
        /* Each function starts a cache line, so where its branches and loop
         * heads fall in the front end's 32- and 64-byte windows depends on
         * the function alone, not on the size of the code before it: the
         * same interp loop ran 12% apart in a .cwasm and in a `waot build`
         * executable at 16-byte alignment. */
        LLVMSetAlignment(fn, AOT_FUNCTION_ALIGNMENT);
        lower_use_wasm_convention(lm, fn);
        /* A frame larger than the guard page must touch it page by page, so
         * the prologue's limit check and the guard catch every overflow. */
        LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
                                LLVMCreateStringAttribute(llvm, "probe-stack", 11, "inline-asm", 10));
        lm->funcs[i] = fn;
    }
    return true;
}

void lower_place_code(lower_module *lm, LLVMValueRef fn)
{
    LLVMSetSection(fn, AOT_CODE_SECTION);
    LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
                            LLVMCreateEnumAttribute(lm->llvm, lm->kind_nounwind, 0));
    /* A trap finds the host's call by climbing frame records (the
     * runtime's entry.c): every frame of compiled code keeps one (but a
     * leaf that can neither trap nor call, lower_control_begin_function),
     * and no call replaces its caller's frame. */
    LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
                            LLVMCreateStringAttribute(lm->llvm, "frame-pointer", 13, "all", 3));
    LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
                            LLVMCreateStringAttribute(lm->llvm, "disable-tail-calls", 18, "true", 4));
}

void lower_use_wasm_convention(lower_module *lm, LLVMValueRef fn)
{
    LLVMSetFunctionCallConv(fn, LLVMSwiftCallConv);
    LLVMAddAttributeAtIndex(fn, 1, LLVMCreateEnumAttribute(lm->llvm, lm->kind_swiftself, 0));
}

void lower_dispose_module(lower_module *lm)
{
    if (lm->b)
        LLVMDisposeBuilder(lm->b);
    free(lm->func_types);
    free(lm->funcs);
    free(lm->global_private);
    lm->b = NULL;
    lm->func_types = NULL;
    lm->global_private = NULL;
    lm->funcs = NULL;
}

LLVMValueRef lower_const_i32(lower_func *f, uint32_t v)
{
    return LLVMConstInt(f->lm->t_i32, v, false);
}

LLVMValueRef lower_const_i64(lower_func *f, uint64_t v)
{
    return LLVMConstInt(f->lm->t_i64, v, false);
}

LLVMValueRef lower_gep(lower_func *f, LLVMValueRef ptr, LLVMValueRef offset, const char *name)
{
    return LLVMBuildInBoundsGEP2(f->lm->b, f->lm->t_i8, ptr, &offset, 1, name);
}

LLVMValueRef lower_gep_const(lower_func *f, LLVMValueRef ptr, uint64_t offset, const char *name)
{
    if (offset == 0)
        return ptr;
    return lower_gep(f, ptr, lower_const_i64(f, offset), name);
}

LLVMValueRef lower_ctx_load(lower_func *f, LLVMValueRef ctx, size_t offset, LLVMTypeRef type,
                            const char *name)
{
    LLVMValueRef v = LLVMBuildLoad2(f->lm->b, type, lower_gep_const(f, ctx, offset, ""), name);
    LLVMSetAlignment(v, 8);
    return v;
}

LLVMValueRef lower_ctx_load_fixed(lower_func *f, LLVMValueRef ctx, size_t offset,
                                  LLVMTypeRef type, const char *name)
{
    LLVMContextRef llvm = f->lm->llvm;
    LLVMValueRef v = lower_ctx_load(f, ctx, offset, type, name);
    LLVMSetMetadata(v, f->lm->md_invariant_load,
                    LLVMMetadataAsValue(llvm, LLVMMDNodeInContext2(llvm, NULL, 0)));
    return v;
}

LLVMValueRef lower_ctx_load_pointer(lower_func *f, LLVMValueRef ctx, size_t offset,
                                    uint64_t bytes, const char *name)
{
    LLVMContextRef llvm = f->lm->llvm;
    LLVMValueRef v = lower_ctx_load_fixed(f, ctx, offset, f->lm->t_ptr, name);
    if (bytes == 0)
        return v;
    LLVMMetadataRef size = LLVMValueAsMetadata(LLVMConstInt(f->lm->t_i64, bytes, false));
    LLVMSetMetadata(v, f->lm->md_dereferenceable,
                    LLVMMetadataAsValue(llvm, LLVMMDNodeInContext2(llvm, &size, 1)));
    return v;
}

LLVMValueRef lower_runtime_fn(lower_func *f, size_t offset)
{
    LLVMValueRef runtime = lower_ctx_load_pointer(f, f->ctx, offsetof(waot_abi_context, runtime),
                                                  sizeof(waot_abi_runtime), "runtime");
    return lower_ctx_load_fixed(f, runtime, offset, f->lm->t_ptr, "rt_fn");
}

LLVMValueRef lower_alloca(lower_func *f, LLVMTypeRef type, const char *name)
{
    LLVMBuilderRef b = f->lm->b;
    LLVMBasicBlockRef here = LLVMGetInsertBlock(b);
    LLVMValueRef first = LLVMGetFirstInstruction(f->alloca_block);
    if (first)
        LLVMPositionBuilderBefore(b, first);
    else
        LLVMPositionBuilderAtEnd(b, f->alloca_block);
    LLVMValueRef slot = LLVMBuildAlloca(b, type, name);
    LLVMPositionBuilderAtEnd(b, here);
    return slot;
}

/* One cold block per trap kind and function, calling the runtime's trap. */
LLVMBasicBlockRef lower_trap_block(lower_func *f, waot_abi_trap trap)
{
    if (f->trap_blocks[trap])
        return f->trap_blocks[trap];
    lower_module *lm = f->lm;
    LLVMBasicBlockRef here = LLVMGetInsertBlock(lm->b);
    LLVMBasicBlockRef block = LLVMAppendBasicBlockInContext(lm->llvm, f->fn, "trap");
    LLVMPositionBuilderAtEnd(lm->b, block);
    LLVMValueRef fn = lower_runtime_fn(f, offsetof(waot_abi_runtime, trap));
    LLVMValueRef args[] = {f->ctx, lower_const_i32(f, trap)};
    LLVMValueRef call = LLVMBuildCall2(lm->b, lm->trap_fn_type, fn, args, 2, "");
    LLVMAddCallSiteAttribute(call, LLVMAttributeFunctionIndex,
                             LLVMCreateEnumAttribute(lm->llvm, lm->kind_noreturn, 0));
    LLVMAddCallSiteAttribute(call, LLVMAttributeFunctionIndex,
                             LLVMCreateEnumAttribute(lm->llvm, lm->kind_cold, 0));
    LLVMBuildUnreachable(lm->b);
    LLVMPositionBuilderAtEnd(lm->b, here);
    f->trap_blocks[trap] = block;
    return block;
}

void lower_trap_if(lower_func *f, LLVMValueRef cond, waot_abi_trap trap)
{
    LLVMBasicBlockRef cont = LLVMAppendBasicBlockInContext(f->lm->llvm, f->fn, "ok");
    lower_branch_unlikely(f, cond, lower_trap_block(f, trap), cont);
    LLVMPositionBuilderAtEnd(f->lm->b, cont);
}

void lower_branch_unlikely(lower_func *f, LLVMValueRef cond, LLVMBasicBlockRef rare,
                           LLVMBasicBlockRef usual)
{
    lower_module *lm = f->lm;
    LLVMValueRef br = LLVMBuildCondBr(lm->b, cond, rare, usual);
    /* Tell the optimiser which side is the hot path. */
    LLVMMetadataRef weights[] = {
        LLVMMDStringInContext2(lm->llvm, "branch_weights", 14),
        LLVMValueAsMetadata(LLVMConstInt(lm->t_i32, 1, false)),
        LLVMValueAsMetadata(LLVMConstInt(lm->t_i32, 1u << 20, false)),
    };
    LLVMSetMetadata(br, LLVMGetMDKindIDInContext(lm->llvm, "prof", 4),
                    LLVMMetadataAsValue(lm->llvm, LLVMMDNodeInContext2(lm->llvm, weights, 3)));
}

void lower_trap_element_if(lower_func *f, LLVMValueRef cond, waot_abi_trap trap,
                           LLVMValueRef index)
{
    lower_module *lm = f->lm;
    LLVMBasicBlockRef trap_block = LLVMAppendBasicBlockInContext(lm->llvm, f->fn, "trap_element");
    LLVMBasicBlockRef cont = LLVMAppendBasicBlockInContext(lm->llvm, f->fn, "ok");
    LLVMBuildCondBr(lm->b, cond, trap_block, cont);
    LLVMPositionBuilderAtEnd(lm->b, trap_block);
    LLVMTypeRef params[] = {lm->t_ptr, lm->t_i32, lm->t_i32};
    LLVMValueRef args[] = {f->ctx, lower_const_i32(f, trap), index};
    LLVMValueRef call = LLVMBuildCall2(lm->b, LLVMFunctionType(lm->t_void, params, 3, false),
                                       lower_runtime_fn(f, offsetof(waot_abi_runtime, trap_element)),
                                       args, 3, "");
    LLVMAddCallSiteAttribute(call, LLVMAttributeFunctionIndex,
                             LLVMCreateEnumAttribute(lm->llvm, lm->kind_noreturn, 0));
    LLVMAddCallSiteAttribute(call, LLVMAttributeFunctionIndex,
                             LLVMCreateEnumAttribute(lm->llvm, lm->kind_cold, 0));
    LLVMBuildUnreachable(lm->b);
    LLVMPositionBuilderAtEnd(lm->b, cont);
}

void lower_trap(lower_func *f, waot_abi_trap trap)
{
    LLVMBuildBr(f->lm->b, lower_trap_block(f, trap));
}

LLVMValueRef lower_intrinsic(lower_func *f, const char *name, LLVMTypeRef *overloads,
                             unsigned overload_count, LLVMValueRef *args, unsigned arg_count)
{
    unsigned id = LLVMLookupIntrinsicID(name, strlen(name));
    LLVMValueRef fn = LLVMGetIntrinsicDeclaration(f->lm->mod, id, overloads, overload_count);
    LLVMTypeRef type = LLVMIntrinsicGetType(f->lm->llvm, id, overloads, overload_count);
    return LLVMBuildCall2(f->lm->b, type, fn, args, arg_count, "");
}

static bool lower_instruction(lower_func *f, const aot_instr *in)
{
    switch ((aot_family)aot_opcode_infos[in->op].family) {
    case AOT_FAMILY_CONTROL: return lower_control(f, in);
    case AOT_FAMILY_CALL: return lower_call(f, in);
    case AOT_FAMILY_VARIABLE: return lower_variable(f, in);
    case AOT_FAMILY_MEMORY: return lower_memory(f, in);
    case AOT_FAMILY_NUMERIC: return lower_numeric(f, in);
    case AOT_FAMILY_CONVERSION: return lower_conversion(f, in);
    case AOT_FAMILY_PARAMETRIC: return lower_parametric(f, in);
    case AOT_FAMILY_TABLE: return lower_table(f, in);
    case AOT_FAMILY_REFERENCE: return lower_reference(f, in);
    case AOT_FAMILY_SIMD: return lower_simd(f, in);
    }
    return lower_fail(f, "internal error: opcode %s has no family", aot_opcode_infos[in->op].text);
}

/* In dead code only the block structure matters: count nested blocks and
 * let the control lowering see the `else`/`end` that revives code. */
static bool lower_dead_instruction(lower_func *f, const aot_instr *in)
{
    switch (in->op) {
    case AOT_OP_BLOCK:
    case AOT_OP_LOOP:
    case AOT_OP_IF:
        f->dead_depth++;
        return true;
    case AOT_OP_ELSE:
        return f->dead_depth > 0 ? true : lower_control(f, in);
    case AOT_OP_END:
        if (f->dead_depth > 0) {
            f->dead_depth--;
            return true;
        }
        return lower_control(f, in);
    default:
        return true;
    }
}

static bool lower_locals(lower_func *f, const aot_func *fn)
{
    lower_module *lm = f->lm;
    const aot_functype *t = f->type;
    f->local_count = t->param_count + fn->local_count;
    f->locals = aot_arena_alloc(f->arena, sizeof *f->locals * (f->local_count + 1));
    f->local_types = aot_arena_alloc(f->arena, f->local_count + 1);
    if (!f->locals || !f->local_types)
        return aot_fail(lm->err, AOT_ERR_NOMEM, 0, "out of memory");
    if (t->param_count)
        memcpy(f->local_types, t->params, t->param_count);
    aot_error ignored;
    aot_error_clear(&ignored);
    aot_reader r = {.p = fn->body, .end = fn->code, .base = lm->m->bytes, .err = &ignored};
    uint32_t groups = 0, at = t->param_count;
    aot_read_u32(&r, &groups, "local declaration count");
    for (uint32_t g = 0; g < groups; g++) {
        uint32_t n = 0;
        aot_valtype type = AOT_VT_I32;
        aot_read_u32(&r, &n, "local count");
        aot_read_valtype(&r, &type, "local type");
        memset(f->local_types + at, type, n);
        at += n;
    }
    for (uint32_t i = 0; i < f->local_count; i++) {
        LLVMTypeRef type = lower_type(lm, f->local_types[i]);
        f->locals[i] = lower_alloca(f, type, "local");
        LLVMValueRef init = i < t->param_count ? LLVMGetParam(f->fn, i + 1) : LLVMConstNull(type);
        LLVMBuildStore(lm->b, init, f->locals[i]);
    }
    return true;
}

/* The most values any single instruction leaves on the stack. */
static uint32_t lower_max_push(const aot_module *m)
{
    uint32_t most = 4;
    for (uint32_t i = 0; i < m->type_count; i++) {
        uint32_t n = m->types[i].param_count > m->types[i].result_count ? m->types[i].param_count
                                                                         : m->types[i].result_count;
        if (n + 4 > most)
            most = n + 4;
    }
    return most;
}

static bool lower_grow_stack(lower_func *f, uint32_t room)
{
    if (f->stack_count + room <= f->stack_capacity)
        return true;
    uint32_t capacity = f->stack_capacity ? f->stack_capacity * 2 : 64;
    while (capacity < f->stack_count + room)
        capacity *= 2;
    LLVMValueRef *grown = realloc(f->stack, sizeof *grown * capacity);
    if (!grown)
        return aot_fail(f->lm->err, AOT_ERR_NOMEM, 0, "out of memory");
    f->stack = grown;
    f->stack_capacity = capacity;
    return true;
}

static bool lower_function(lower_module *lm, lower_func *f, uint32_t index, uint32_t max_push)
{
    const aot_module *m = lm->m;
    const aot_func *fn = &m->funcs[index];
    f->func_index = index;
    f->type = aot_module_func_type(m, index);
    f->fn = lm->funcs[index];
    f->ctx = LLVMGetParam(f->fn, 0);
    /* The context is always there: LLVM may then load its fields early. */
    LLVMAddAttributeAtIndex(f->fn, 1, LLVMCreateEnumAttribute(lm->llvm, lm->kind_dereferenceable,
                                                              sizeof(waot_abi_context)));
    f->stack_count = 0;
    f->frame_count = 0;
    f->dead = false;
    f->dead_depth = 0;
    f->in = NULL;
    memset(f->trap_blocks, 0, sizeof f->trap_blocks);
    f->alloca_block = LLVMAppendBasicBlockInContext(lm->llvm, f->fn, "entry");
    LLVMPositionBuilderAtEnd(lm->b, f->alloca_block);
    f->memory_base = m->memory_count > 0
                         ? lower_ctx_load_fixed(f, f->ctx,
                                                offsetof(waot_abi_context, memory0_base),
                                                lm->t_ptr, "memory_base")
                         : NULL;
    if (!lower_locals(f, fn) || !lower_control_begin_function(f))
        return false;

    aot_reader r = {.p = fn->code, .end = fn->body_end, .base = m->bytes, .err = lm->err};
    while (f->frame_count > 0) {
        aot_instr in;
        if (!aot_read_instr(&r, &in))
            return false;
        f->in = &in;
        if (!lower_grow_stack(f, max_push))
            return false;
        bool ok = f->dead ? lower_dead_instruction(f, &in) : lower_instruction(f, &in);
        if (!ok)
            return false;
    }
    return true;
}

bool lower_functions(lower_module *lm, uint32_t first, uint32_t end)
{
    aot_arena arena = AOT_ARENA_INIT;
    lower_func f = {.lm = lm, .arena = &arena};
    uint32_t max_push = lower_max_push(lm->m);
    bool ok = true;
    for (uint32_t i = first; ok && i < end; i++) {
        ok = lower_function(lm, &f, i, max_push);
        free(f.frames);
        f.frames = NULL;
        f.frame_capacity = 0;
        aot_arena_reset(&arena);
    }
    free(f.stack);
    aot_arena_free(&arena);
    if (!ok && lm->err->func_index == AOT_NO_FUNC)
        lm->err->func_index = f.func_index;
    return ok;
}

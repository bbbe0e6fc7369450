/*
 * The module descriptor, built as LLVM constants whose layout mirrors the C
 * structs of waot_abi.h field for field.  Each mirrored struct is described
 * once (its LLVM field types and the C offsets of the same fields) and
 * checked against the target's data layout before use, so a change to the
 * header that is not made here fails the compile instead of corrupting a
 * module.  Also emits the per-type trampolines and host adapters.
 */
#include "descriptor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct descriptor_builder {
    lower_module *lm;
    LLVMTargetDataRef layout;
    LLVMTypeRef value, name, limits, functype, konst, import, func, table, memory, global,
        export_, elem, data, module;
    unsigned string_count;
} descriptor_builder;

static bool descriptor_struct(descriptor_builder *d, LLVMTypeRef *out, const char *c_name,
                              LLVMTypeRef *fields, const size_t *offsets, unsigned n,
                              size_t c_size)
{
    LLVMTypeRef t = LLVMStructTypeInContext(d->lm->llvm, fields, n, false);
    for (unsigned i = 0; i < n; i++) {
        if (LLVMOffsetOfElement(d->layout, t, i) != offsets[i])
            return aot_fail(d->lm->err, AOT_ERR_LIMIT, 0,
                            "internal error: %s field %u is at %llu in LLVM, %zu in C",
                            c_name, i, (unsigned long long)LLVMOffsetOfElement(d->layout, t, i),
                            offsets[i]);
    }
    if (LLVMABISizeOfType(d->layout, t) != c_size)
        return aot_fail(d->lm->err, AOT_ERR_LIMIT, 0, "internal error: %s is %llu bytes in LLVM, "
                        "%zu in C", c_name, (unsigned long long)LLVMABISizeOfType(d->layout, t),
                        c_size);
    *out = t;
    return true;
}

#define DESCRIPTOR_STRUCT(d, out, ctype, ...)                                                 \
    descriptor_struct(d, out, #ctype, (LLVMTypeRef[]){__VA_ARGS__}, ctype##_offsets,         \
                      sizeof ctype##_offsets / sizeof ctype##_offsets[0], sizeof(ctype))

static bool descriptor_types(descriptor_builder *d)
{
    lower_module *lm = d->lm;
    LLVMTypeRef i32 = lm->t_i32, i64 = lm->t_i64, ptr = lm->t_ptr;
    d->value = LLVMVectorType(i64, 2);
    if (LLVMABISizeOfType(d->layout, d->value) != sizeof(waot_abi_value))
        return aot_fail(lm->err, AOT_ERR_LIMIT, 0, "internal error: waot_abi_value size");
    static const size_t waot_abi_name_offsets[] = {offsetof(waot_abi_name, bytes),
                                                   offsetof(waot_abi_name, len)};
    static const size_t waot_abi_limits_offsets[] = {offsetof(waot_abi_limits, min),
                                                     offsetof(waot_abi_limits, max),
                                                     offsetof(waot_abi_limits, has_max)};
    static const size_t waot_abi_functype_offsets[] = {
        offsetof(waot_abi_functype, param_count), offsetof(waot_abi_functype, result_count),
        offsetof(waot_abi_functype, types), offsetof(waot_abi_functype, trampoline),
        offsetof(waot_abi_functype, host_adapter)};
    static const size_t waot_abi_const_offsets[] = {
        offsetof(waot_abi_const, kind), offsetof(waot_abi_const, type),
        offsetof(waot_abi_const, index), offsetof(waot_abi_const, value)};
    static const size_t waot_abi_import_offsets[] = {
        offsetof(waot_abi_import, module), offsetof(waot_abi_import, field),
        offsetof(waot_abi_import, kind), offsetof(waot_abi_import, index)};
    static const size_t waot_abi_func_offsets[] = {
        offsetof(waot_abi_func, type_index), offsetof(waot_abi_func, imported),
        offsetof(waot_abi_func, code), offsetof(waot_abi_func, name)};
    static const size_t waot_abi_table_type_offsets[] = {
        offsetof(waot_abi_table_type, elem_type), offsetof(waot_abi_table_type, imported),
        offsetof(waot_abi_table_type, limits)};
    static const size_t waot_abi_memory_type_offsets[] = {
        offsetof(waot_abi_memory_type, imported), offsetof(waot_abi_memory_type, limits)};
    static const size_t waot_abi_global_type_offsets[] = {
        offsetof(waot_abi_global_type, type), offsetof(waot_abi_global_type, is_mutable),
        offsetof(waot_abi_global_type, imported), offsetof(waot_abi_global_type, init)};
    static const size_t waot_abi_export_offsets[] = {offsetof(waot_abi_export, name),
                                                     offsetof(waot_abi_export, kind),
                                                     offsetof(waot_abi_export, index)};
    static const size_t waot_abi_elem_offsets[] = {
        offsetof(waot_abi_elem, mode), offsetof(waot_abi_elem, elem_type),
        offsetof(waot_abi_elem, table_index), offsetof(waot_abi_elem, count),
        offsetof(waot_abi_elem, offset), offsetof(waot_abi_elem, items)};
    static const size_t waot_abi_data_offsets[] = {
        offsetof(waot_abi_data, mode), offsetof(waot_abi_data, memory_index),
        offsetof(waot_abi_data, size), offsetof(waot_abi_data, offset),
        offsetof(waot_abi_data, bytes)};
    static const size_t waot_abi_module_offsets[] = {
        offsetof(waot_abi_module, magic), offsetof(waot_abi_module, abi_version),
        offsetof(waot_abi_module, compiler_version), offsetof(waot_abi_module, target_triple),
        offsetof(waot_abi_module, cpu_name), offsetof(waot_abi_module, cpu_features),
        offsetof(waot_abi_module, wasm_sha256), offsetof(waot_abi_module, type_count),
        offsetof(waot_abi_module, import_count), offsetof(waot_abi_module, func_count),
        offsetof(waot_abi_module, table_count), offsetof(waot_abi_module, memory_count),
        offsetof(waot_abi_module, global_count), offsetof(waot_abi_module, export_count),
        offsetof(waot_abi_module, elem_count), offsetof(waot_abi_module, data_count),
        offsetof(waot_abi_module, start_func), offsetof(waot_abi_module, flags),
        offsetof(waot_abi_module, types),
        offsetof(waot_abi_module, imports), offsetof(waot_abi_module, funcs),
        offsetof(waot_abi_module, tables), offsetof(waot_abi_module, memories),
        offsetof(waot_abi_module, globals), offsetof(waot_abi_module, exports),
        offsetof(waot_abi_module, elems), offsetof(waot_abi_module, datas)};
    LLVMTypeRef sha = LLVMArrayType(lm->t_i8, 32);
    return DESCRIPTOR_STRUCT(d, &d->name, waot_abi_name, ptr, i32) &&
           DESCRIPTOR_STRUCT(d, &d->limits, waot_abi_limits, i64, i64, i32) &&
           DESCRIPTOR_STRUCT(d, &d->functype, waot_abi_functype, i32, i32, ptr, ptr, ptr) &&
           DESCRIPTOR_STRUCT(d, &d->konst, waot_abi_const, i32, i32, i32, d->value) &&
           DESCRIPTOR_STRUCT(d, &d->import, waot_abi_import, d->name, d->name, i32, i32) &&
           DESCRIPTOR_STRUCT(d, &d->func, waot_abi_func, i32, i32, ptr, ptr) &&
           DESCRIPTOR_STRUCT(d, &d->table, waot_abi_table_type, i32, i32, d->limits) &&
           DESCRIPTOR_STRUCT(d, &d->memory, waot_abi_memory_type, i32, d->limits) &&
           DESCRIPTOR_STRUCT(d, &d->global, waot_abi_global_type, i32, i32, i32, d->konst) &&
           DESCRIPTOR_STRUCT(d, &d->export_, waot_abi_export, d->name, i32, i32) &&
           DESCRIPTOR_STRUCT(d, &d->elem, waot_abi_elem, i32, i32, i32, i32, d->konst, ptr) &&
           DESCRIPTOR_STRUCT(d, &d->data, waot_abi_data, i32, i32, i32, d->konst, ptr) &&
           DESCRIPTOR_STRUCT(d, &d->module, waot_abi_module, i32, i32, ptr, ptr, ptr, ptr, sha,
                             i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, ptr, ptr, ptr,
                             ptr, ptr, ptr, ptr, ptr, ptr);
}

static LLVMValueRef descriptor_i32(descriptor_builder *d, uint64_t v)
{
    return LLVMConstInt(d->lm->t_i32, v, false);
}

static LLVMValueRef descriptor_i64(descriptor_builder *d, uint64_t v)
{
    return LLVMConstInt(d->lm->t_i64, v, false);
}

/* A private constant global holding `bytes` (with a NUL after them). */
static LLVMValueRef descriptor_bytes(descriptor_builder *d, const void *bytes, size_t len)
{
    lower_module *lm = d->lm;
    LLVMValueRef init = LLVMConstStringInContext2(lm->llvm, bytes, len, false);
    char name[32];
    snprintf(name, sizeof name, "waot.str%u", d->string_count++);
    LLVMValueRef g = LLVMAddGlobal(lm->mod, LLVMTypeOf(init), name);
    LLVMSetInitializer(g, init);
    LLVMSetGlobalConstant(g, true);
    LLVMSetLinkage(g, LLVMPrivateLinkage);
    LLVMSetUnnamedAddress(g, LLVMGlobalUnnamedAddr);
    return g;
}

static LLVMValueRef descriptor_cstring(descriptor_builder *d, const char *s)
{
    return s ? descriptor_bytes(d, s, strlen(s)) : LLVMConstNull(d->lm->t_ptr);
}

static LLVMValueRef descriptor_name(descriptor_builder *d, const aot_name *n)
{
    LLVMValueRef fields[] = {descriptor_bytes(d, n->bytes, n->len), descriptor_i32(d, n->len)};
    return LLVMConstNamedStruct(d->name, fields, 2);
}

static LLVMValueRef descriptor_limits(descriptor_builder *d, const aot_limits *l)
{
    LLVMValueRef fields[] = {descriptor_i64(d, l->min), descriptor_i64(d, l->max),
                             descriptor_i32(d, l->has_max)};
    return LLVMConstNamedStruct(d->limits, fields, 3);
}

/* A constant array of `type`, as a private global; NULL pointer when empty. */
static LLVMValueRef descriptor_array(descriptor_builder *d, LLVMTypeRef type, LLVMValueRef *items,
                                     uint32_t count, const char *name)
{
    lower_module *lm = d->lm;
    if (count == 0)
        return LLVMConstNull(lm->t_ptr);
    LLVMValueRef init = LLVMConstArray2(type, items, count);
    LLVMValueRef g = LLVMAddGlobal(lm->mod, LLVMTypeOf(init), name);
    LLVMSetInitializer(g, init);
    LLVMSetGlobalConstant(g, true);
    LLVMSetLinkage(g, LLVMPrivateLinkage);
    return g;
}

static LLVMValueRef descriptor_value_bytes(descriptor_builder *d, const uint8_t bytes[16])
{
    uint64_t lo = 0, hi = 0;
    for (int i = 7; i >= 0; i--) {
        lo = lo << 8 | bytes[i];
        hi = hi << 8 | bytes[i + 8];
    }
    LLVMValueRef lanes[] = {descriptor_i64(d, lo), descriptor_i64(d, hi)};
    return LLVMConstVector(lanes, 2);
}

/* A WebAssembly 2.0 constant expression: its one instruction. */
static bool descriptor_const(descriptor_builder *d, const aot_const_expr *e, aot_valtype type,
                             LLVMValueRef *out)
{
    const aot_module *m = d->lm->m;
    aot_error ignored;
    aot_error_clear(&ignored);
    aot_reader r = {.p = e->start, .end = e->end, .base = m->bytes, .err = &ignored};
    aot_instr in;
    if (!aot_read_instr(&r, &in))
        return aot_fail(d->lm->err, AOT_ERR_LIMIT, 0, "internal error: constant expression");
    uint32_t kind = WAOT_ABI_CONST_VALUE, index = 0;
    uint8_t bytes[16] = {0};
    switch (in.op) {
    case AOT_OP_I32_CONST: memcpy(bytes, &in.imm.i32, 4); break;
    case AOT_OP_I64_CONST: memcpy(bytes, &in.imm.i64, 8); break;
    case AOT_OP_F32_CONST: memcpy(bytes, &in.imm.f32_bits, 4); break;
    case AOT_OP_F64_CONST: memcpy(bytes, &in.imm.f64_bits, 8); break;
    case AOT_OP_V128_CONST: memcpy(bytes, in.imm.bytes16, 16); break;
    case AOT_OP_REF_NULL: kind = WAOT_ABI_CONST_REF_NULL; break;
    case AOT_OP_REF_FUNC: kind = WAOT_ABI_CONST_REF_FUNC, index = in.imm.index; break;
    case AOT_OP_GLOBAL_GET: kind = WAOT_ABI_CONST_GLOBAL_GET, index = in.imm.index; break;
    default:
        return aot_fail(d->lm->err, AOT_ERR_LIMIT, in.offset,
                        "unsupported: %s in a constant expression", aot_opcode_infos[in.op].text);
    }
    LLVMValueRef fields[] = {descriptor_i32(d, kind), descriptor_i32(d, type),
                             descriptor_i32(d, index), descriptor_value_bytes(d, bytes)};
    *out = LLVMConstNamedStruct(d->konst, fields, 4);
    return true;
}

static LLVMValueRef descriptor_no_const(descriptor_builder *d)
{
    static const uint8_t zero[16];
    LLVMValueRef fields[] = {descriptor_i32(d, WAOT_ABI_CONST_VALUE), descriptor_i32(d, 0),
                             descriptor_i32(d, 0), descriptor_value_bytes(d, zero)};
    return LLVMConstNamedStruct(d->konst, fields, 4);
}

/* void trampoline(ptr code, ptr ctx, ptr args, ptr results) for type `t`. */
static LLVMValueRef descriptor_trampoline(descriptor_builder *d, uint32_t type_index)
{
    lower_module *lm = d->lm;
    const aot_functype *t = &lm->m->types[type_index];
    LLVMTypeRef params[] = {lm->t_ptr, lm->t_ptr, lm->t_ptr, lm->t_ptr};
    char name[48];
    snprintf(name, sizeof name, "waot:trampoline%u", type_index);
    LLVMValueRef fn = LLVMAddFunction(lm->mod, name, LLVMFunctionType(lm->t_void, params, 4, false));
    LLVMSetLinkage(fn, LLVMInternalLinkage);
    lower_place_code(lm, fn);
    lower_func f = {.lm = lm, .fn = fn, .func_index = UINT32_MAX};
    LLVMPositionBuilderAtEnd(lm->b, LLVMAppendBasicBlockInContext(lm->llvm, fn, "entry"));
    LLVMValueRef args[t->param_count + 1], results[t->result_count + 1];
    for (uint32_t i = 0; i < t->param_count; i++) {
        LLVMValueRef slot = lower_gep_const(
            &f, LLVMGetParam(fn, 2), i * sizeof(waot_value) + offsetof(waot_value, of), "");
        args[i] = LLVMBuildLoad2(lm->b, lower_type(lm, t->params[i]), slot, "");
    }
    lower_call_values(&f, t, lm->func_types[type_index], LLVMGetParam(fn, 0), LLVMGetParam(fn, 1),
                      args, results);
    for (uint32_t i = 0; i < t->result_count; i++)
        LLVMBuildStore(lm->b, results[i],
                       lower_gep_const(&f, LLVMGetParam(fn, 3),
                                       i * sizeof(waot_value) + offsetof(waot_value, of), ""));
    LLVMBuildRetVoid(lm->b);
    return fn;
}

/* results adapter(ptr closure, params...): calls closure->fn(closure, args, results). */
static LLVMValueRef descriptor_host_adapter(descriptor_builder *d, uint32_t type_index)
{
    lower_module *lm = d->lm;
    const aot_functype *t = &lm->m->types[type_index];
    char name[48];
    snprintf(name, sizeof name, "waot:host_adapter%u", type_index);
    LLVMValueRef fn = LLVMAddFunction(lm->mod, name, lm->func_types[type_index]);
    LLVMSetLinkage(fn, LLVMInternalLinkage);
    lower_use_wasm_convention(lm, fn);
    lower_place_code(lm, fn);
    lower_func f = {.lm = lm, .fn = fn, .func_index = UINT32_MAX};
    LLVMPositionBuilderAtEnd(lm->b, LLVMAppendBasicBlockInContext(lm->llvm, fn, "entry"));
    LLVMTypeRef args_type = LLVMArrayType(d->value, t->param_count ? t->param_count : 1);
    LLVMTypeRef results_type = LLVMArrayType(d->value, t->result_count ? t->result_count : 1);
    LLVMValueRef args = LLVMBuildAlloca(lm->b, args_type, "args");
    LLVMValueRef results = LLVMBuildAlloca(lm->b, results_type, "results");
    LLVMSetAlignment(args, 16);
    LLVMSetAlignment(results, 16);
    for (uint32_t i = 0; i < t->param_count; i++)
        LLVMBuildStore(lm->b, LLVMGetParam(fn, i + 1), lower_gep_const(&f, args, (uint64_t)i * 16, ""));
    LLVMValueRef closure = LLVMGetParam(fn, 0);
    LLVMValueRef host_fn = lower_ctx_load(&f, closure, offsetof(waot_abi_host_closure, fn),
                                          lm->t_ptr, "host_fn");
    LLVMTypeRef host_params[] = {lm->t_ptr, lm->t_ptr, lm->t_ptr};
    LLVMValueRef call_args[] = {closure, args, results};
    LLVMBuildCall2(lm->b, LLVMFunctionType(lm->t_void, host_params, 3, false), host_fn, call_args,
                   3, "");
    if (t->result_count == 0) {
        LLVMBuildRetVoid(lm->b);
        return fn;
    }
    LLVMValueRef values[t->result_count];
    for (uint32_t i = 0; i < t->result_count; i++)
        values[i] = LLVMBuildLoad2(lm->b, lower_type(lm, t->results[i]),
                                   lower_gep_const(&f, results, (uint64_t)i * 16, ""), "");
    if (t->result_count == 1) {
        LLVMBuildRet(lm->b, values[0]);
    } else {
        LLVMValueRef agg = LLVMGetUndef(LLVMGetReturnType(lm->func_types[type_index]));
        for (uint32_t i = 0; i < t->result_count; i++)
            agg = LLVMBuildInsertValue(lm->b, agg, values[i], i, "");
        LLVMBuildRet(lm->b, agg);
    }
    return fn;
}

static LLVMValueRef descriptor_types_array(descriptor_builder *d)
{
    const aot_module *m = d->lm->m;
    LLVMValueRef *items = calloc(m->type_count + 1, sizeof *items);
    for (uint32_t i = 0; i < m->type_count; i++) {
        const aot_functype *t = &m->types[i];
        uint8_t *codes = malloc((size_t)t->param_count + t->result_count + 1);
        if (t->param_count)
            memcpy(codes, t->params, t->param_count);
        if (t->result_count)
            memcpy(codes + t->param_count, t->results, t->result_count);
        LLVMValueRef fields[] = {
            descriptor_i32(d, t->param_count), descriptor_i32(d, t->result_count),
            descriptor_bytes(d, codes, t->param_count + t->result_count),
            descriptor_trampoline(d, i), descriptor_host_adapter(d, i)};
        items[i] = LLVMConstNamedStruct(d->functype, fields, 5);
        free(codes);
    }
    LLVMValueRef array = descriptor_array(d, d->functype, items, m->type_count, "waot.types");
    free(items);
    return array;
}

static LLVMValueRef descriptor_imports(descriptor_builder *d)
{
    const aot_module *m = d->lm->m;
    LLVMValueRef *items = calloc(m->import_count + 1, sizeof *items);
    uint32_t next[4] = {0};
    for (uint32_t i = 0; i < m->import_count; i++) {
        const aot_import *im = &m->imports[i];
        LLVMValueRef fields[] = {descriptor_name(d, &im->module), descriptor_name(d, &im->field),
                                 descriptor_i32(d, im->kind), descriptor_i32(d, next[im->kind]++)};
        items[i] = LLVMConstNamedStruct(d->import, fields, 4);
    }
    LLVMValueRef array = descriptor_array(d, d->import, items, m->import_count, "waot.imports");
    free(items);
    return array;
}

static LLVMValueRef descriptor_funcs(descriptor_builder *d)
{
    lower_module *lm = d->lm;
    const aot_module *m = lm->m;
    LLVMValueRef *items = calloc(m->func_count + 1, sizeof *items);
    for (uint32_t i = 0; i < m->func_count; i++) {
        const aot_name *name = aot_module_func_name(m, i);
        char text[256];
        if (name)
            snprintf(text, sizeof text, "%.*s", (int)(name->len > 255 ? 255 : name->len),
                     (const char *)name->bytes);
        LLVMValueRef fields[] = {
            descriptor_i32(d, m->funcs[i].type_index), descriptor_i32(d, m->funcs[i].imported),
            lm->funcs[i] ? lm->funcs[i] : LLVMConstNull(lm->t_ptr),
            name ? descriptor_cstring(d, text) : LLVMConstNull(lm->t_ptr)};
        items[i] = LLVMConstNamedStruct(d->func, fields, 4);
    }
    LLVMValueRef array = descriptor_array(d, d->func, items, m->func_count, "waot.funcs");
    free(items);
    return array;
}

static LLVMValueRef descriptor_tables(descriptor_builder *d)
{
    const aot_module *m = d->lm->m;
    LLVMValueRef *items = calloc(m->table_count + 1, sizeof *items);
    for (uint32_t i = 0; i < m->table_count; i++) {
        LLVMValueRef fields[] = {descriptor_i32(d, m->tables[i].type.elem_type),
                                 descriptor_i32(d, m->tables[i].imported),
                                 descriptor_limits(d, &m->tables[i].type.limits)};
        items[i] = LLVMConstNamedStruct(d->table, fields, 3);
    }
    LLVMValueRef array = descriptor_array(d, d->table, items, m->table_count, "waot.tables");
    free(items);
    return array;
}

static LLVMValueRef descriptor_memories(descriptor_builder *d)
{
    const aot_module *m = d->lm->m;
    LLVMValueRef *items = calloc(m->memory_count + 1, sizeof *items);
    for (uint32_t i = 0; i < m->memory_count; i++) {
        LLVMValueRef fields[] = {descriptor_i32(d, m->memories[i].imported),
                                 descriptor_limits(d, &m->memories[i].type.limits)};
        items[i] = LLVMConstNamedStruct(d->memory, fields, 2);
    }
    LLVMValueRef array = descriptor_array(d, d->memory, items, m->memory_count, "waot.memories");
    free(items);
    return array;
}

static bool descriptor_globals(descriptor_builder *d, LLVMValueRef *out)
{
    const aot_module *m = d->lm->m;
    LLVMValueRef *items = calloc(m->global_count + 1, sizeof *items);
    bool ok = true;
    for (uint32_t i = 0; ok && i < m->global_count; i++) {
        const aot_global *g = &m->globals[i];
        LLVMValueRef init = descriptor_no_const(d);
        if (!g->imported)
            ok = descriptor_const(d, &g->init, g->type.type, &init);
        LLVMValueRef fields[] = {descriptor_i32(d, g->type.type), descriptor_i32(d, g->type.is_mutable),
                                 descriptor_i32(d, g->imported), init};
        items[i] = LLVMConstNamedStruct(d->global, fields, 4);
    }
    if (ok)
        *out = descriptor_array(d, d->global, items, m->global_count, "waot.globals");
    free(items);
    return ok;
}

static LLVMValueRef descriptor_exports(descriptor_builder *d)
{
    const aot_module *m = d->lm->m;
    LLVMValueRef *items = calloc(m->export_count + 1, sizeof *items);
    for (uint32_t i = 0; i < m->export_count; i++) {
        const aot_export *ex = &m->exports[i];
        LLVMValueRef fields[] = {descriptor_name(d, &ex->name), descriptor_i32(d, ex->kind),
                                 descriptor_i32(d, ex->index)};
        items[i] = LLVMConstNamedStruct(d->export_, fields, 3);
    }
    LLVMValueRef array = descriptor_array(d, d->export_, items, m->export_count, "waot.exports");
    free(items);
    return array;
}

static bool descriptor_elems(descriptor_builder *d, LLVMValueRef *out)
{
    const aot_module *m = d->lm->m;
    LLVMValueRef *items = calloc(m->elem_count + 1, sizeof *items);
    bool ok = items != NULL;
    for (uint32_t i = 0; ok && i < m->elem_count; i++) {
        const aot_elem *el = &m->elems[i];
        LLVMValueRef *refs = calloc(el->count + 1, sizeof *refs);
        ok = refs != NULL;
        for (uint32_t k = 0; ok && k < el->count; k++) {
            if (el->exprs) {
                ok = descriptor_const(d, &el->exprs[k], el->type, &refs[k]);
            } else {
                static const uint8_t zero[16];
                LLVMValueRef fields[] = {descriptor_i32(d, WAOT_ABI_CONST_REF_FUNC),
                                         descriptor_i32(d, el->type),
                                         descriptor_i32(d, el->func_indices[k]),
                                         descriptor_value_bytes(d, zero)};
                refs[k] = LLVMConstNamedStruct(d->konst, fields, 4);
            }
        }
        LLVMValueRef offset = descriptor_no_const(d);
        if (ok && el->mode == AOT_SEGMENT_ACTIVE)
            ok = descriptor_const(d, &el->offset, AOT_VT_I32, &offset);
        if (ok) {
            LLVMValueRef fields[] = {
                descriptor_i32(d, el->mode), descriptor_i32(d, el->type),
                descriptor_i32(d, el->table_index), descriptor_i32(d, el->count), offset,
                descriptor_array(d, d->konst, refs, el->count, "waot.elem_items")};
            items[i] = LLVMConstNamedStruct(d->elem, fields, 6);
        }
        free(refs);
    }
    if (ok)
        *out = descriptor_array(d, d->elem, items, m->elem_count, "waot.elems");
    free(items);
    return ok;
}

static bool descriptor_datas(descriptor_builder *d, LLVMValueRef *out)
{
    const aot_module *m = d->lm->m;
    LLVMValueRef *items = calloc(m->data_count + 1, sizeof *items);
    bool ok = items != NULL;
    for (uint32_t i = 0; ok && i < m->data_count; i++) {
        const aot_data *seg = &m->datas[i];
        LLVMValueRef offset = descriptor_no_const(d);
        if (seg->mode == AOT_SEGMENT_ACTIVE)
            ok = descriptor_const(d, &seg->offset, AOT_VT_I32, &offset);
        LLVMValueRef fields[] = {descriptor_i32(d, seg->mode), descriptor_i32(d, seg->memory_index),
                                 descriptor_i32(d, seg->size), offset,
                                 descriptor_bytes(d, seg->bytes, seg->size)};
        items[i] = LLVMConstNamedStruct(d->data, fields, 5);
    }
    if (ok)
        *out = descriptor_array(d, d->data, items, m->data_count, "waot.datas");
    free(items);
    return ok;
}

bool aot_emit_descriptor(lower_module *lm, LLVMTargetDataRef data_layout,
                         const aot_descriptor_info *info)
{
    descriptor_builder d = {.lm = lm, .layout = data_layout};
    if (!descriptor_types(&d))
        return false;
    const aot_module *m = lm->m;
    LLVMValueRef globals, elems, datas;
    LLVMValueRef types = descriptor_types_array(&d);
    LLVMValueRef imports = descriptor_imports(&d);
    LLVMValueRef funcs = descriptor_funcs(&d);
    LLVMValueRef tables = descriptor_tables(&d);
    LLVMValueRef memories = descriptor_memories(&d);
    if (!descriptor_globals(&d, &globals) || !descriptor_elems(&d, &elems) ||
        !descriptor_datas(&d, &datas))
        return false;
    LLVMValueRef exports = descriptor_exports(&d);
    LLVMValueRef sha = LLVMConstStringInContext2(lm->llvm, (const char *)info->wasm_sha256, 32, true);
    LLVMValueRef fields[] = {
        descriptor_i32(&d, WAOT_ABI_MAGIC), descriptor_i32(&d, WAOT_ABI_VERSION),
        descriptor_cstring(&d, info->compiler_version), descriptor_cstring(&d, info->target_triple),
        descriptor_cstring(&d, info->cpu_name), descriptor_cstring(&d, info->cpu_features), sha,
        descriptor_i32(&d, m->type_count), descriptor_i32(&d, m->import_count),
        descriptor_i32(&d, m->func_count), descriptor_i32(&d, m->table_count),
        descriptor_i32(&d, m->memory_count), descriptor_i32(&d, m->global_count),
        descriptor_i32(&d, m->export_count), descriptor_i32(&d, m->elem_count),
        descriptor_i32(&d, m->data_count),
        descriptor_i32(&d, m->has_start ? m->start_index : WAOT_ABI_NO_START),
        descriptor_i32(&d, lm->interruptible ? WAOT_ABI_MODULE_INTERRUPTIBLE : 0), types, imports, funcs, tables, memories, globals, exports, elems, datas};
    LLVMValueRef init = LLVMConstNamedStruct(d.module, fields, sizeof fields / sizeof fields[0]);
    char symbol[256];
    if (info->symbol_prefix)
        snprintf(symbol, sizeof symbol, "%s_waot_module", info->symbol_prefix);
    else
        snprintf(symbol, sizeof symbol, "%s", WAOT_ABI_MODULE_SYMBOL);
    LLVMValueRef g = LLVMAddGlobal(lm->mod, d.module, symbol);
    LLVMSetInitializer(g, init);
    LLVMSetGlobalConstant(g, true);
    LLVMSetLinkage(g, LLVMExternalLinkage);
    LLVMSetVisibility(g, LLVMDefaultVisibility);
    return true;
}

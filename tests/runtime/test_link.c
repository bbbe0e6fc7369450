/*
 * Instantiation and linking: sharing imported memories, tables, globals and
 * functions; link errors with the texts the spec suite expects; the spec's
 * order of initialisation, with the effects of a failed instantiation left
 * in imported tables and memories; start functions; call argument checks.
 */
#include "fake_wasm.h"

#include <criterion/criterion.h>
#include <string.h>

typedef int32_t unaligned_i32 __attribute__((aligned(1), may_alias));

/* ---- Module "A": exports a memory, a table, globals and functions ---- */

FAKE_WASM FAKE_CC static int32_t ex_get_g(FAKE_CTX waot_abi_context *ctx)
{
    return ctx->globals[0]->i32;
}

/* call_indirect of type [] -> [i32] through table 0, with its three checks. */
FAKE_WASM FAKE_CC static int32_t ex_call_table(FAKE_CTX waot_abi_context *ctx, int32_t index)
{
    waot_abi_table *table = ctx->tables[0];
    if ((uint32_t)index >= table->size)
        ctx->runtime->trap(ctx, WAOT_TRAP_UNDEFINED_ELEMENT);
    waot_abi_funcref *ref = table->elements[index].ref;
    if (!ref)
        ctx->runtime->trap(ctx, WAOT_TRAP_UNINITIALIZED_ELEMENT);
    if (ref->type_id != ctx->type_ids[FAKE_T_V_I])
        ctx->runtime->trap(ctx, WAOT_TRAP_INDIRECT_TYPE_MISMATCH);
    waot_abi_pass_stack_limit(ref->ctx, ctx->stack_limit);
    return ((fake_fn_v_i)ref->code)(ref->ctx);
}

FAKE_WASM FAKE_CC static int32_t ex_load(FAKE_CTX waot_abi_context *ctx, int32_t addr)
{
    return *(volatile unaligned_i32 *)(ctx->memory0_base + (uint32_t)addr);
}

FAKE_WASM FAKE_CC static int32_t ex_seven(FAKE_CTX waot_abi_context *ctx)
{
    return 7;
}

FAKE_WASM FAKE_CC static int32_t ex_grow(FAKE_CTX waot_abi_context *ctx, int32_t delta)
{
    return ctx->runtime->memory_grow(ctx, 0, (uint32_t)delta);
}

static const waot_abi_func ex_funcs[] = {
    {FAKE_T_V_I, 0, (void *)ex_get_g, "get_g"},
    {FAKE_T_I_I, 0, (void *)ex_call_table, "call_table"},
    {FAKE_T_I_I, 0, (void *)ex_load, "load"},
    {FAKE_T_V_I, 0, (void *)ex_seven, "seven"},
    {FAKE_T_I_I, 0, (void *)ex_grow, "grow"},
};
static const waot_abi_memory_type ex_memories[] = {{0, {1, 2, 1}}};
static const waot_abi_table_type ex_tables[] = {{WAOT_ABI_FUNCREF, 0, {4, 8, 1}}};
static const waot_abi_global_type ex_globals[] = {
    {WAOT_ABI_I32, 1, 0, {WAOT_ABI_CONST_VALUE, WAOT_ABI_I32, 0, {.i32 = 42}}},
    {WAOT_ABI_I32, 0, 0, {WAOT_ABI_CONST_VALUE, WAOT_ABI_I32, 0, {.i32 = 7}}},
};
static const waot_abi_export ex_exports[] = {
    {FAKE_NAME("get_g"), WAOT_ABI_EXTERN_FUNC, 0},
    {FAKE_NAME("call_table"), WAOT_ABI_EXTERN_FUNC, 1},
    {FAKE_NAME("load"), WAOT_ABI_EXTERN_FUNC, 2},
    {FAKE_NAME("seven"), WAOT_ABI_EXTERN_FUNC, 3},
    {FAKE_NAME("grow"), WAOT_ABI_EXTERN_FUNC, 4},
    {FAKE_NAME("mem"), WAOT_ABI_EXTERN_MEMORY, 0},
    {FAKE_NAME("tab"), WAOT_ABI_EXTERN_TABLE, 0},
    {FAKE_NAME("g"), WAOT_ABI_EXTERN_GLOBAL, 0},
    {FAKE_NAME("c"), WAOT_ABI_EXTERN_GLOBAL, 1},
};
static const waot_abi_module ex_module = {
    FAKE_MODULE_HEADER,
    .func_count = FAKE_COUNT(ex_funcs), .funcs = ex_funcs,
    .memory_count = 1, .memories = ex_memories,
    .table_count = 1, .tables = ex_tables,
    .global_count = FAKE_COUNT(ex_globals), .globals = ex_globals,
    .export_count = FAKE_COUNT(ex_exports), .exports = ex_exports,
};

/* ---- Module "B": imports all of A's kinds and a host function ---- */

enum { IM_SEVEN, IM_ADD, IM_EIGHT, IM_ADD_VIA_HOST, IM_SET_G };

FAKE_WASM FAKE_CC static int32_t im_eight(FAKE_CTX waot_abi_context *ctx)
{
    const waot_abi_funcref *seven = &ctx->funcs[IM_SEVEN];
    waot_abi_pass_stack_limit(seven->ctx, ctx->stack_limit);
    return ((fake_fn_v_i)seven->code)(seven->ctx) + 1;
}

FAKE_WASM FAKE_CC static int32_t im_add_via_host(FAKE_CTX waot_abi_context *ctx, int32_t a, int32_t b)
{
    const waot_abi_funcref *add = &ctx->funcs[IM_ADD];
    waot_abi_pass_stack_limit(add->ctx, ctx->stack_limit);
    return ((fake_fn_ii_i)add->code)(add->ctx, a, b);
}

FAKE_WASM FAKE_CC static void im_set_g(FAKE_CTX waot_abi_context *ctx, int32_t value)
{
    ctx->globals[0]->i32 = value;
}

static const waot_abi_import im_imports[] = {
    {FAKE_NAME("A"), FAKE_NAME("mem"), WAOT_ABI_EXTERN_MEMORY, 0},
    {FAKE_NAME("A"), FAKE_NAME("tab"), WAOT_ABI_EXTERN_TABLE, 0},
    {FAKE_NAME("A"), FAKE_NAME("g"), WAOT_ABI_EXTERN_GLOBAL, 0},
    {FAKE_NAME("A"), FAKE_NAME("seven"), WAOT_ABI_EXTERN_FUNC, IM_SEVEN},
    {FAKE_NAME("host"), FAKE_NAME("add"), WAOT_ABI_EXTERN_FUNC, IM_ADD},
};
static const waot_abi_func im_funcs[] = {
    [IM_SEVEN] = {FAKE_T_V_I, 1, NULL, NULL},
    [IM_ADD] = {FAKE_T_II_I, 1, NULL, NULL},
    [IM_EIGHT] = {FAKE_T_V_I, 0, (void *)im_eight, "eight"},
    [IM_ADD_VIA_HOST] = {FAKE_T_II_I, 0, (void *)im_add_via_host, "add_via_host"},
    [IM_SET_G] = {FAKE_T_I_V, 0, (void *)im_set_g, "set_g"},
};
static const waot_abi_memory_type im_memories[] = {{1, {1, 0, 0}}};
static const waot_abi_table_type im_tables[] = {{WAOT_ABI_FUNCREF, 1, {4, 0, 0}}};
static const waot_abi_global_type im_globals[] = {
    {WAOT_ABI_I32, 1, 1, {0}},
    {WAOT_ABI_I32, 0, 0, {WAOT_ABI_CONST_GLOBAL_GET, WAOT_ABI_I32, 0, {0}}},
    {WAOT_ABI_FUNCREF, 0, 0, {WAOT_ABI_CONST_REF_FUNC, WAOT_ABI_FUNCREF, IM_EIGHT, {0}}},
};
static const waot_abi_const im_elem_items[] = {
    {WAOT_ABI_CONST_REF_FUNC, WAOT_ABI_FUNCREF, IM_EIGHT, {0}},
    {WAOT_ABI_CONST_REF_FUNC, WAOT_ABI_FUNCREF, IM_SEVEN, {0}},
};
static const waot_abi_elem im_elems[] = {
    {WAOT_ABI_SEGMENT_ACTIVE, WAOT_ABI_FUNCREF, 0, 2,
     {WAOT_ABI_CONST_VALUE, WAOT_ABI_I32, 0, {.i32 = 1}}, im_elem_items},
};
static const waot_abi_data im_datas[] = {
    {WAOT_ABI_SEGMENT_ACTIVE, 0, 2, {WAOT_ABI_CONST_VALUE, WAOT_ABI_I32, 0, {.i32 = 100}},
     (const uint8_t *)"hi"},
};
static const waot_abi_export im_exports[] = {
    {FAKE_NAME("eight"), WAOT_ABI_EXTERN_FUNC, IM_EIGHT},
    {FAKE_NAME("add_via_host"), WAOT_ABI_EXTERN_FUNC, IM_ADD_VIA_HOST},
    {FAKE_NAME("set_g"), WAOT_ABI_EXTERN_FUNC, IM_SET_G},
    {FAKE_NAME("add"), WAOT_ABI_EXTERN_FUNC, IM_ADD},
    {FAKE_NAME("g_copy"), WAOT_ABI_EXTERN_GLOBAL, 1},
    {FAKE_NAME("fref"), WAOT_ABI_EXTERN_GLOBAL, 2},
};
static const waot_abi_module im_module = {
    FAKE_MODULE_HEADER,
    .import_count = FAKE_COUNT(im_imports), .imports = im_imports,
    .func_count = FAKE_COUNT(im_funcs), .funcs = im_funcs,
    .memory_count = 1, .memories = im_memories,
    .table_count = 1, .tables = im_tables,
    .global_count = FAKE_COUNT(im_globals), .globals = im_globals,
    .elem_count = FAKE_COUNT(im_elems), .elems = im_elems,
    .data_count = FAKE_COUNT(im_datas), .datas = im_datas,
    .export_count = FAKE_COUNT(im_exports), .exports = im_exports,
};

typedef struct host_add_state {
    int calls;
    waot_abi_context *last_caller;
} host_add_state;

static void host_add(waot_abi_host_closure *closure, const waot_abi_value *args,
                     waot_abi_value *results)
{
    host_add_state *state = closure->user;
    state->calls++;
    state->last_caller = closure->caller;
    results[0].i32 = args[0].i32 + args[1].i32;
}

static const uint8_t types_i32[] = {WAOT_ABI_I32};
static const uint8_t types_i32_i32[] = {WAOT_ABI_I32, WAOT_ABI_I32};

typedef struct link_fixture {
    waot_module *ex;
    waot_module *im;
    waot_linker *linker;
    waot_instance *a;
    host_add_state host;
} link_fixture;

static void link_setup(link_fixture *f)
{
    fake_register_wasm_code();
    memset(f, 0, sizeof *f);
    f->ex = fake_module(&ex_module);
    f->im = fake_module(&im_module);
    cr_assert_eq(waot_linker_new(&f->linker), WAOT_OK);
    f->a = fake_instance(f->ex, NULL);
    cr_assert_eq(waot_linker_define_instance(f->linker, "A", f->a), WAOT_OK);
    cr_assert_eq(waot_linker_define_func(f->linker, "host", "add", types_i32_i32, 2, types_i32, 1,
                                         host_add, &f->host),
                 WAOT_OK);
}

static void link_teardown(link_fixture *f)
{
    waot_instance_free(f->a);
    waot_linker_free(f->linker);
    waot_module_free(f->ex);
    waot_module_free(f->im);
}

static int32_t call0(waot_instance *instance, const char *name)
{
    return fake_call_ok(instance, name, NULL, 0);
}

static int32_t call1(waot_instance *instance, const char *name, int32_t a)
{
    return fake_call_ok(instance, name, &a, 1);
}

Test(link, imports_share_memory_table_globals_and_functions)
{
    link_fixture f;
    link_setup(&f);
    waot_instance *b = fake_instance(f.im, f.linker);

    cr_assert_eq(call0(b, "eight"), 8, "B calls A's function");
    cr_assert_eq(call1(f.a, "call_table", 1), 8, "B's element segment wrote A's table");
    cr_assert_eq(call1(f.a, "call_table", 2), 7);
    cr_assert_eq(call1(f.a, "load", 100) & 0xffff, 'h' | 'i' << 8, "B's data wrote A's memory");
    call1(b, "set_g", 5);
    cr_assert_eq(call0(f.a, "get_g"), 5, "the global cell is shared");

    int32_t args[] = {2, 3};
    cr_assert_eq(fake_call_ok(b, "add_via_host", args, 2), 5);
    cr_assert_eq(f.host.calls, 1);
    cr_assert_not_null(f.host.last_caller);
    cr_assert_eq(f.host.last_caller->memory0_base, f.host.last_caller->memories[0]->base);
    /* The host import re-exported, called from outside. */
    cr_assert_eq(fake_call_ok(b, "add", args, 2), 5);
    cr_assert_eq(f.host.calls, 2);

    waot_value value;
    cr_assert_eq(waot_global_get(b, "g_copy", &value), WAOT_OK);
    cr_assert_eq(value.type, WAOT_ABI_I32);
    cr_assert_eq(value.of.i32, 42, "initialised from the imported global");
    cr_assert_eq(waot_global_get(b, "fref", &value), WAOT_OK);
    cr_assert_eq(value.type, WAOT_ABI_FUNCREF);
    const waot_abi_funcref *ref = value.of.ref;
    cr_assert_not_null(ref);
    cr_assert_eq(((fake_fn_v_i)ref->code)(ref->ctx), 8);
    waot_instance_free(b);
    link_teardown(&f);
}

Test(link, exporters_outlive_their_importers)
{
    link_fixture f;
    link_setup(&f);
    waot_instance *b = fake_instance(f.im, f.linker);
    /* Drop every other handle first: B keeps what it imported alive. */
    waot_instance_free(f.a);
    waot_linker_free(f.linker);
    waot_module_free(f.ex);
    cr_assert_eq(call0(b, "eight"), 8);
    call1(b, "set_g", 9);
    int32_t args[] = {20, 22};
    cr_assert_eq(fake_call_ok(b, "add_via_host", args, 2), 42);
    waot_instance_free(b);
    waot_module_free(f.im);
}

Test(link, unknown_import)
{
    link_fixture f;
    link_setup(&f);
    static const waot_abi_import imports[] = {
        {FAKE_NAME("env"), FAKE_NAME("missing"), WAOT_ABI_EXTERN_FUNC, 0},
    };
    static const waot_abi_func funcs[] = {{FAKE_T_V_V, 1, NULL, NULL}};
    static const waot_abi_module module = {
        FAKE_MODULE_HEADER, .import_count = 1, .imports = imports, .func_count = 1,
        .funcs = funcs,
    };
    waot_module *m = fake_module(&module);
    waot_instance *instance = NULL;
    waot_error err;
    cr_assert_eq(waot_instantiate(f.linker, m, &instance, &err), WAOT_ERROR_LINK);
    cr_assert_str_eq(err.message, "unknown import: \"env\" \"missing\"");
    cr_assert_null(instance);
    cr_assert_eq(waot_instantiate(NULL, m, &instance, &err), WAOT_ERROR_LINK);
    cr_assert_str_eq(err.message, "unknown import: \"env\" \"missing\"");
    /* A field the registered instance does not export is unknown too. */
    static const waot_abi_import imports2[] = {
        {FAKE_NAME("A"), FAKE_NAME("nope\n\""), WAOT_ABI_EXTERN_FUNC, 0},
    };
    static const waot_abi_module module2 = {
        FAKE_MODULE_HEADER, .import_count = 1, .imports = imports2, .func_count = 1,
        .funcs = funcs,
    };
    waot_module *m2 = fake_module(&module2);
    cr_assert_eq(waot_instantiate(f.linker, m2, &instance, &err), WAOT_ERROR_LINK);
    cr_assert_str_eq(err.message, "unknown import: \"A\" \"nope\\0a\\22\"");
    waot_module_free(m);
    waot_module_free(m2);
    link_teardown(&f);
}

/* One import of module "A" (or "L" for the linker's own definitions) with
 * the given kind and type; what instantiating it must say. */
typedef struct mismatch_case {
    const char *module;
    const char *field;
    uint32_t kind;
    uint32_t func_type;
    waot_abi_table_type table;
    waot_abi_memory_type memory;
    waot_abi_global_type global;
    const char *message;
} mismatch_case;

static const mismatch_case mismatch_cases[] = {
    {"A", "seven", WAOT_ABI_EXTERN_FUNC, FAKE_T_I_I, {0}, {0}, {0},
     "incompatible import type: \"A\" \"seven\": expected func (param i32) (result i32), "
     "got func (result i32)"},
    {"A", "seven", WAOT_ABI_EXTERN_FUNC, FAKE_T_V_V, {0}, {0}, {0},
     "incompatible import type: \"A\" \"seven\": expected func, got func (result i32)"},
    {"L", "add", WAOT_ABI_EXTERN_FUNC, FAKE_T_D_D, {0}, {0}, {0},
     "incompatible import type: \"L\" \"add\": expected func (param f64) (result f64), "
     "got func (param i32 i32) (result i32)"},
    {"A", "g", WAOT_ABI_EXTERN_GLOBAL, 0, {0}, {0}, {WAOT_ABI_I32, 0, 1, {0}},
     "incompatible import type: \"A\" \"g\": expected global i32, got global (mut i32)"},
    {"A", "c", WAOT_ABI_EXTERN_GLOBAL, 0, {0}, {0}, {WAOT_ABI_I32, 1, 1, {0}},
     "incompatible import type: \"A\" \"c\": expected global (mut i32), got global i32"},
    {"A", "c", WAOT_ABI_EXTERN_GLOBAL, 0, {0}, {0}, {WAOT_ABI_I64, 0, 1, {0}},
     "incompatible import type: \"A\" \"c\": expected global i64, got global i32"},
    {"A", "mem", WAOT_ABI_EXTERN_MEMORY, 0, {0}, {1, {2, 0, 0}}, {0},
     "incompatible import type: \"A\" \"mem\": expected memory 2, got memory 1 2"},
    {"A", "mem", WAOT_ABI_EXTERN_MEMORY, 0, {0}, {1, {1, 1, 1}}, {0},
     "incompatible import type: \"A\" \"mem\": expected memory 1 1, got memory 1 2"},
    {"L", "mem", WAOT_ABI_EXTERN_MEMORY, 0, {0}, {1, {1, 5, 1}}, {0},
     "incompatible import type: \"L\" \"mem\": expected memory 1 5, got memory 1"},
    {"A", "tab", WAOT_ABI_EXTERN_TABLE, 0, {WAOT_ABI_EXTERNREF, 1, {4, 0, 0}}, {0}, {0},
     "incompatible import type: \"A\" \"tab\": expected table 4 externref, got table 4 8 funcref"},
    {"A", "tab", WAOT_ABI_EXTERN_TABLE, 0, {WAOT_ABI_FUNCREF, 1, {5, 0, 0}}, {0}, {0},
     "incompatible import type: \"A\" \"tab\": expected table 5 funcref, got table 4 8 funcref"},
    {"A", "tab", WAOT_ABI_EXTERN_TABLE, 0, {WAOT_ABI_FUNCREF, 1, {0, 7, 1}}, {0}, {0},
     "incompatible import type: \"A\" \"tab\": expected table 0 7 funcref, got table 4 8 funcref"},
    {"A", "mem", WAOT_ABI_EXTERN_FUNC, FAKE_T_V_V, {0}, {0}, {0},
     "incompatible import type: \"A\" \"mem\": expected func, got memory 1 2"},
    {"A", "seven", WAOT_ABI_EXTERN_GLOBAL, 0, {0}, {0}, {WAOT_ABI_I32, 0, 1, {0}},
     "incompatible import type: \"A\" \"seven\": expected global i32, got func (result i32)"},
};

/* Builds a one-import module for a case; the arrays live in `storage`. */
typedef struct mismatch_module {
    waot_abi_import import;
    waot_abi_func func;
    waot_abi_table_type table;
    waot_abi_memory_type memory;
    waot_abi_global_type global;
    waot_abi_module module;
} mismatch_module;

static void mismatch_build(const mismatch_case *c, mismatch_module *m)
{
    memset(m, 0, sizeof *m);
    m->import = (waot_abi_import){{c->module, (uint32_t)strlen(c->module)},
                                  {c->field, (uint32_t)strlen(c->field)}, c->kind, 0};
    m->module = (waot_abi_module){FAKE_MODULE_HEADER, .import_count = 1, .imports = &m->import};
    switch (c->kind) {
    case WAOT_ABI_EXTERN_FUNC:
        m->func = (waot_abi_func){c->func_type, 1, NULL, NULL};
        m->module.func_count = 1;
        m->module.funcs = &m->func;
        break;
    case WAOT_ABI_EXTERN_TABLE:
        m->table = c->table;
        m->module.table_count = 1;
        m->module.tables = &m->table;
        break;
    case WAOT_ABI_EXTERN_MEMORY:
        m->memory = c->memory;
        m->module.memory_count = 1;
        m->module.memories = &m->memory;
        break;
    case WAOT_ABI_EXTERN_GLOBAL:
        m->global = c->global;
        m->module.global_count = 1;
        m->module.globals = &m->global;
        break;
    }
}

Test(link, incompatible_import_types)
{
    link_fixture f;
    link_setup(&f);
    cr_assert_eq(waot_linker_define_func(f.linker, "L", "add", types_i32_i32, 2, types_i32, 1,
                                         host_add, &f.host),
                 WAOT_OK);
    cr_assert_eq(waot_linker_define_memory(f.linker, "L", "mem", 1, 0, false), WAOT_OK);
    for (size_t i = 0; i < sizeof mismatch_cases / sizeof mismatch_cases[0]; i++) {
        mismatch_module m;
        mismatch_build(&mismatch_cases[i], &m);
        waot_module *module = fake_module(&m.module);
        waot_instance *instance = NULL;
        waot_error err;
        cr_assert_eq(waot_instantiate(f.linker, module, &instance, &err), WAOT_ERROR_LINK,
                     "case %zu links", i);
        cr_assert_str_eq(err.message, mismatch_cases[i].message, "case %zu", i);
        waot_module_free(module);
    }
    link_teardown(&f);
}

Test(link, memory_limits_use_the_current_size)
{
    link_fixture f;
    link_setup(&f);
    static const mismatch_case needs_two = {"A", "mem", WAOT_ABI_EXTERN_MEMORY, 0, {0},
                                            {1, {2, 2, 1}}, {0}, NULL};
    mismatch_module m;
    mismatch_build(&needs_two, &m);
    waot_module *module = fake_module(&m.module);
    waot_instance *instance = NULL;
    cr_assert_eq(waot_instantiate(f.linker, module, &instance, NULL), WAOT_ERROR_LINK);
    cr_assert_eq(call1(f.a, "grow", 1), 1);
    instance = fake_instance(module, f.linker);
    waot_instance_free(instance);
    waot_module_free(module);
    link_teardown(&f);
}

Test(link, later_definitions_shadow_earlier_ones)
{
    link_fixture f;
    link_setup(&f);
    waot_value value = {WAOT_ABI_I32, {.i32 = 1}};
    cr_assert_eq(waot_linker_define_global(f.linker, "A", "g", value, true), WAOT_OK);
    static const waot_abi_import imports[] = {
        {FAKE_NAME("A"), FAKE_NAME("g"), WAOT_ABI_EXTERN_GLOBAL, 0},
    };
    static const waot_abi_global_type globals[] = {{WAOT_ABI_I32, 1, 1, {0}}};
    static const waot_abi_export exports[] = {{FAKE_NAME("g"), WAOT_ABI_EXTERN_GLOBAL, 0}};
    static const waot_abi_module module = {
        FAKE_MODULE_HEADER, .import_count = 1, .imports = imports, .global_count = 1,
        .globals = globals, .export_count = 1, .exports = exports,
    };
    waot_module *m = fake_module(&module);
    waot_instance *instance = fake_instance(m, f.linker);
    waot_value got;
    cr_assert_eq(waot_global_get(instance, "g", &got), WAOT_OK);
    cr_assert_eq(got.of.i32, 1, "the linker's global, not A's (42)");
    waot_instance_free(instance);
    waot_module_free(m);
    link_teardown(&f);
}

/* ---- Failed instantiation: effects stay (linking.wast) ---- */

FAKE_WASM FAKE_CC static int32_t fail_nine(FAKE_CTX waot_abi_context *ctx)
{
    return 9;
}

static const waot_abi_import fail_imports[] = {
    {FAKE_NAME("A"), FAKE_NAME("tab"), WAOT_ABI_EXTERN_TABLE, 0},
    {FAKE_NAME("A"), FAKE_NAME("mem"), WAOT_ABI_EXTERN_MEMORY, 0},
};
static const waot_abi_func fail_funcs[] = {{FAKE_T_V_I, 0, (void *)fail_nine, "nine"}};
static const waot_abi_const fail_items[] = {{WAOT_ABI_CONST_REF_FUNC, WAOT_ABI_FUNCREF, 0, {0}}};
static const waot_abi_table_type fail_tables[] = {{WAOT_ABI_FUNCREF, 1, {0, 0, 0}}};
static const waot_abi_memory_type fail_memories[] = {{1, {0, 0, 0}}};
#define FAIL_OFFSET(n) {WAOT_ABI_CONST_VALUE, WAOT_ABI_I32, 0, {.i32 = (n)}}

/* Instantiates a module importing A's table and memory; its status. */
static waot_error fail_instantiate(link_fixture *f, const waot_abi_elem *elems, uint32_t elem_count,
                                   const waot_abi_data *datas, uint32_t data_count)
{
    waot_abi_module module = {
        FAKE_MODULE_HEADER,
        .import_count = FAKE_COUNT(fail_imports), .imports = fail_imports,
        .func_count = FAKE_COUNT(fail_funcs), .funcs = fail_funcs,
        .table_count = 1, .tables = fail_tables,
        .memory_count = 1, .memories = fail_memories,
        .elem_count = elem_count, .elems = elems,
        .data_count = data_count, .datas = datas,
    };
    waot_module *m = fake_module(&module);
    waot_instance *instance = NULL;
    waot_error err = {0};
    if (waot_instantiate(f->linker, m, &instance, &err) == WAOT_OK)
        waot_instance_free(instance);
    else
        cr_assert_null(instance);
    waot_module_free(m);
    return err;
}

Test(link, failed_element_segment_keeps_earlier_writes)
{
    link_fixture f;
    link_setup(&f);
    const waot_abi_elem elems[] = {
        {WAOT_ABI_SEGMENT_ACTIVE, WAOT_ABI_FUNCREF, 0, 1, FAIL_OFFSET(3), fail_items},
        {WAOT_ABI_SEGMENT_ACTIVE, WAOT_ABI_FUNCREF, 0, 1, FAIL_OFFSET(4), fail_items},
    };
    const waot_abi_data datas[] = {
        {WAOT_ABI_SEGMENT_ACTIVE, 0, 1, FAIL_OFFSET(0), (const uint8_t *)"x"},
    };
    waot_error err = fail_instantiate(&f, elems, 2, datas, 1);
    cr_assert_eq(err.status, WAOT_ERROR_TRAP);
    cr_assert_eq(err.trap, WAOT_TRAP_TABLE_OUT_OF_BOUNDS);
    cr_assert_str_eq(err.message, "out of bounds table access");
    /* The first segment's function is in A's table and callable. */
    cr_assert_eq(call1(f.a, "call_table", 3), 9);
    /* Data segments come after all element segments: none was applied. */
    cr_assert_eq(call1(f.a, "load", 0), 0);
    link_teardown(&f);
}

Test(link, empty_segments_still_check_bounds)
{
    link_fixture f;
    link_setup(&f);
    const waot_abi_elem at_end[] = {
        {WAOT_ABI_SEGMENT_ACTIVE, WAOT_ABI_FUNCREF, 0, 0, FAIL_OFFSET(4), fail_items},
    };
    cr_assert_eq(fail_instantiate(&f, at_end, 1, NULL, 0).status, WAOT_OK);
    const waot_abi_elem past_end[] = {
        {WAOT_ABI_SEGMENT_ACTIVE, WAOT_ABI_FUNCREF, 0, 0, FAIL_OFFSET(5), fail_items},
    };
    cr_assert_eq(fail_instantiate(&f, past_end, 1, NULL, 0).trap, WAOT_TRAP_TABLE_OUT_OF_BOUNDS);
    const waot_abi_data data_at_end[] = {
        {WAOT_ABI_SEGMENT_ACTIVE, 0, 0, FAIL_OFFSET(65536), NULL},
    };
    cr_assert_eq(fail_instantiate(&f, NULL, 0, data_at_end, 1).status, WAOT_OK);
    const waot_abi_data data_past_end[] = {
        {WAOT_ABI_SEGMENT_ACTIVE, 0, 0, FAIL_OFFSET(65537), NULL},
    };
    cr_assert_eq(fail_instantiate(&f, NULL, 0, data_past_end, 1).trap,
                 WAOT_TRAP_MEMORY_OUT_OF_BOUNDS);
    link_teardown(&f);
}

Test(link, failed_data_segment_keeps_earlier_writes)
{
    link_fixture f;
    link_setup(&f);
    const waot_abi_data datas[] = {
        {WAOT_ABI_SEGMENT_ACTIVE, 0, 2, FAIL_OFFSET(200), (const uint8_t *)"ok"},
        {WAOT_ABI_SEGMENT_ACTIVE, 0, 2, FAIL_OFFSET(65535), (const uint8_t *)"no"},
    };
    waot_error err = fail_instantiate(&f, NULL, 0, datas, 2);
    cr_assert_eq(err.status, WAOT_ERROR_TRAP);
    cr_assert_str_eq(err.message, "out of bounds memory access");
    cr_assert_eq(call1(f.a, "load", 200) & 0xffff, 'o' | 'k' << 8);
    cr_assert_eq(call1(f.a, "load", 65532), 0, "the failing segment wrote nothing");
    link_teardown(&f);
}

/* ---- Start functions ---- */

FAKE_WASM FAKE_CC static void start_store(FAKE_CTX waot_abi_context *ctx)
{
    *(volatile unaligned_i32 *)(ctx->memory0_base + 300) = 0x5a5a;
}

FAKE_WASM FAKE_CC static void start_trap(FAKE_CTX waot_abi_context *ctx)
{
    *(volatile unaligned_i32 *)(ctx->memory0_base + 304) = 0x1234;
    ctx->runtime->trap(ctx, WAOT_TRAP_UNREACHABLE);
}

Test(link, start_function_runs_and_its_trap_fails_instantiation)
{
    link_fixture f;
    link_setup(&f);
    static const waot_abi_func funcs[] = {
        {FAKE_T_V_V, 0, (void *)start_store, "start_store"},
        {FAKE_T_V_V, 0, (void *)start_trap, "start_trap"},
    };
    waot_abi_module module = {
        FAKE_MODULE_HEADER,
        .import_count = 1, .imports = &fail_imports[1],
        .func_count = 2, .funcs = funcs,
        .memory_count = 1, .memories = fail_memories,
    };
    module.start_func = 0;
    waot_module *m = fake_module(&module);
    waot_instance *instance = fake_instance(m, f.linker);
    cr_assert_eq(call1(f.a, "load", 300), 0x5a5a);
    waot_instance_free(instance);
    waot_module_free(m);

    module.start_func = 1;
    m = fake_module(&module);
    instance = NULL;
    waot_error err;
    cr_assert_eq(waot_instantiate(f.linker, m, &instance, &err), WAOT_ERROR_TRAP);
    cr_assert_eq(err.trap, WAOT_TRAP_UNREACHABLE);
    cr_assert_str_eq(err.message, "unreachable");
    cr_assert_null(instance);
    cr_assert_eq(call1(f.a, "load", 304), 0x1234, "the start function's effects stay");
    waot_module_free(m);
    link_teardown(&f);
}

/* ---- The call API's checks ---- */

Test(link, call_checks_name_arity_and_types)
{
    link_fixture f;
    link_setup(&f);
    waot_error err;
    waot_value args[2] = {{WAOT_ABI_I32, {.i32 = 1}}, {WAOT_ABI_I32, {.i32 = 2}}};
    waot_value results[2];
    cr_assert_eq(waot_call(f.a, "nope", NULL, 0, results, 1, &err), WAOT_ERROR_NOT_FOUND);
    cr_assert_eq(waot_call(f.a, "mem", NULL, 0, results, 1, &err), WAOT_ERROR_NOT_FOUND);
    cr_assert_eq(waot_call(f.a, "load", args, 2, results, 1, &err), WAOT_ERROR_ARGUMENT);
    cr_assert_str_eq(err.message, "load takes 1 arguments, 2 given");
    cr_assert_eq(waot_call(f.a, "load", args, 1, results, 0, &err), WAOT_ERROR_ARGUMENT);
    waot_value wrong = {WAOT_ABI_I64, {.i64 = 1}};
    cr_assert_eq(waot_call(f.a, "load", &wrong, 1, results, 1, &err), WAOT_ERROR_ARGUMENT);
    cr_assert_eq(waot_call(f.a, "load", args, 1, results, 1, &err), WAOT_OK);
    cr_assert_eq(results[0].type, WAOT_ABI_I32);

    const waot_abi_functype *type;
    cr_assert_eq(waot_func_type(f.a, "call_table", &type), WAOT_OK);
    cr_assert_eq(type->param_count, 1);
    cr_assert_eq(type->result_count, 1);
    cr_assert_eq(waot_func_type(f.a, "g", &type), WAOT_ERROR_NOT_FOUND);
    waot_value value;
    cr_assert_eq(waot_global_get(f.a, "c", &value), WAOT_OK);
    cr_assert_eq(value.of.i32, 7);
    cr_assert_eq(waot_global_get(f.a, "seven", &value), WAOT_ERROR_NOT_FOUND);

    /* call_indirect's checks in fake code, through the runtime's trap. */
    cr_assert_eq(fake_call(f.a, "call_table", (int32_t[]){0}, 1, &value.of.i32,
                           &err),
                 WAOT_ERROR_TRAP);
    cr_assert_str_eq(err.message, "uninitialized element");
    cr_assert_eq(fake_call(f.a, "call_table", (int32_t[]){4}, 1, &value.of.i32, &err),
                 WAOT_ERROR_TRAP);
    cr_assert_str_eq(err.message, "undefined element");
    link_teardown(&f);
}

Test(link, linker_rejects_invalid_definitions)
{
    waot_linker *linker;
    cr_assert_eq(waot_linker_new(&linker), WAOT_OK);
    cr_assert_eq(waot_linker_define_memory(linker, "m", "f", 2, 1, true), WAOT_ERROR_ARGUMENT);
    cr_assert_eq(waot_linker_define_memory(linker, "m", "f", 65537, 0, false),
                 WAOT_ERROR_ARGUMENT);
    cr_assert_eq(waot_linker_define_table(linker, "m", "f", WAOT_ABI_I32, 0, 0, false),
                 WAOT_ERROR_ARGUMENT);
    cr_assert_eq(waot_linker_define_global(linker, "m", "f", (waot_value){0x40, {0}}, false),
                 WAOT_ERROR_ARGUMENT);
    uint8_t bad = 0x40;
    cr_assert_eq(waot_linker_define_func(linker, "m", "f", &bad, 1, NULL, 0, host_add, NULL),
                 WAOT_ERROR_ARGUMENT);
    waot_linker_free(linker);
}

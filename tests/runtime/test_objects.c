/*
 * Host-side objects and handles of the embedding API: globals, tables and
 * memories created by the host (their types, values, growth and the errors
 * for immutable globals, wrong value types, out-of-range indexes and bad
 * limits), the same objects looked up among an instance's exports or
 * imported by one, function handles and the types they report, and what a
 * host function sees of its caller's memory.
 */
#include "fake_wasm.h"

#include <criterion/criterion.h>
#include <string.h>

typedef int32_t unaligned_i32 __attribute__((aligned(1), may_alias));

/* ---- A module importing a host memory, table, global and function ---- */

enum {
    OBJ_PEEK,      /* imported host function (i32) -> i32 */
    OBJ_GROW,
    OBJ_LOAD,
    OBJ_STORE,
    OBJ_GET_G,
    OBJ_SET_G,
    OBJ_SEVEN,
    OBJ_WIDE,
    OBJ_HALVE,
    OBJ_NOTHING,
    OBJ_CALL_PEEK,
};

FAKE_WASM FAKE_CC static int32_t obj_grow(FAKE_CTX waot_abi_context *ctx, int32_t delta)
{
    return ctx->runtime->memory_grow(ctx, 0, (uint32_t)delta);
}

FAKE_WASM FAKE_CC static int32_t obj_load(FAKE_CTX waot_abi_context *ctx, int32_t addr)
{
    return *(volatile unaligned_i32 *)(ctx->memory0_base + (uint32_t)addr);
}

FAKE_WASM FAKE_CC static void obj_store(FAKE_CTX waot_abi_context *ctx, int32_t addr, int32_t value)
{
    *(volatile unaligned_i32 *)(ctx->memory0_base + (uint32_t)addr) = value;
}

FAKE_WASM FAKE_CC static int32_t obj_get_g(FAKE_CTX waot_abi_context *ctx)
{
    return ctx->globals[0]->i32;
}

FAKE_WASM FAKE_CC static void obj_set_g(FAKE_CTX waot_abi_context *ctx, int32_t value)
{
    ctx->globals[0]->i32 = value;
}

FAKE_WASM FAKE_CC static int32_t obj_seven(FAKE_CTX waot_abi_context *ctx)
{
    return 7;
}

/* Only their types matter: no test calls them. */
FAKE_WASM FAKE_CC static int64_t obj_wide(FAKE_CTX waot_abi_context *ctx)
{
    return INT64_MIN;
}

FAKE_WASM FAKE_CC static double obj_halve(FAKE_CTX waot_abi_context *ctx, double x)
{
    return x / 2;
}

FAKE_WASM FAKE_CC static void obj_nothing(FAKE_CTX waot_abi_context *ctx)
{
}

FAKE_WASM FAKE_CC static int32_t obj_call_peek(FAKE_CTX waot_abi_context *ctx, int32_t addr)
{
    const waot_abi_funcref *peek = &ctx->funcs[OBJ_PEEK];
    waot_abi_pass_stack_limit(peek->ctx, ctx->stack_limit);
    return ((fake_fn_i_i)peek->code)(peek->ctx, addr);
}

static const waot_abi_import obj_imports[] = {
    {FAKE_NAME("env"), FAKE_NAME("mem"), WAOT_ABI_EXTERN_MEMORY, 0},
    {FAKE_NAME("env"), FAKE_NAME("tab"), WAOT_ABI_EXTERN_TABLE, 0},
    {FAKE_NAME("env"), FAKE_NAME("g"), WAOT_ABI_EXTERN_GLOBAL, 0},
    {FAKE_NAME("env"), FAKE_NAME("peek"), WAOT_ABI_EXTERN_FUNC, OBJ_PEEK},
};
static const waot_abi_func obj_funcs[] = {
    [OBJ_PEEK] = {FAKE_T_I_I, 1, NULL, NULL},
    [OBJ_GROW] = {FAKE_T_I_I, 0, (void *)obj_grow, "grow"},
    [OBJ_LOAD] = {FAKE_T_I_I, 0, (void *)obj_load, "load"},
    [OBJ_STORE] = {FAKE_T_II_V, 0, (void *)obj_store, "store"},
    [OBJ_GET_G] = {FAKE_T_V_I, 0, (void *)obj_get_g, "get_g"},
    [OBJ_SET_G] = {FAKE_T_I_V, 0, (void *)obj_set_g, "set_g"},
    [OBJ_SEVEN] = {FAKE_T_V_I, 0, (void *)obj_seven, "seven"},
    [OBJ_WIDE] = {FAKE_T_V_L, 0, (void *)obj_wide, "wide"},
    [OBJ_HALVE] = {FAKE_T_D_D, 0, (void *)obj_halve, "halve"},
    [OBJ_NOTHING] = {FAKE_T_V_V, 0, (void *)obj_nothing, "nothing"},
    [OBJ_CALL_PEEK] = {FAKE_T_I_I, 0, (void *)obj_call_peek, "call_peek"},
};
static const waot_abi_memory_type obj_memories[] = {{1, {1, 0, 0}}};
static const waot_abi_table_type obj_tables[] = {
    {WAOT_ABI_FUNCREF, 1, {2, 0, 0}},
    {WAOT_ABI_EXTERNREF, 0, {3, 5, 1}},
};
static const waot_abi_global_type obj_globals[] = {
    {WAOT_ABI_I32, 1, 1, {0}},
    {WAOT_ABI_I32, 0, 0, {WAOT_ABI_CONST_VALUE, WAOT_ABI_I32, 0, {.i32 = 11}}},
    {WAOT_ABI_I64, 1, 0, {WAOT_ABI_CONST_VALUE, WAOT_ABI_I64, 0, {.i64 = -5}}},
    {WAOT_ABI_FUNCREF, 0, 0, {WAOT_ABI_CONST_REF_FUNC, WAOT_ABI_FUNCREF, OBJ_SEVEN, {0}}},
};
static const waot_abi_const obj_elem_items[] = {
    {WAOT_ABI_CONST_REF_FUNC, WAOT_ABI_FUNCREF, OBJ_SEVEN, {0}},
};
static const waot_abi_elem obj_elems[] = {
    {WAOT_ABI_SEGMENT_ACTIVE, WAOT_ABI_FUNCREF, 0, 1,
     {WAOT_ABI_CONST_VALUE, WAOT_ABI_I32, 0, {.i32 = 1}}, obj_elem_items},
};
static const waot_abi_export obj_exports[] = {
    {FAKE_NAME("grow"), WAOT_ABI_EXTERN_FUNC, OBJ_GROW},
    {FAKE_NAME("load"), WAOT_ABI_EXTERN_FUNC, OBJ_LOAD},
    {FAKE_NAME("store"), WAOT_ABI_EXTERN_FUNC, OBJ_STORE},
    {FAKE_NAME("get_g"), WAOT_ABI_EXTERN_FUNC, OBJ_GET_G},
    {FAKE_NAME("set_g"), WAOT_ABI_EXTERN_FUNC, OBJ_SET_G},
    {FAKE_NAME("seven"), WAOT_ABI_EXTERN_FUNC, OBJ_SEVEN},
    {FAKE_NAME("wide"), WAOT_ABI_EXTERN_FUNC, OBJ_WIDE},
    {FAKE_NAME("halve"), WAOT_ABI_EXTERN_FUNC, OBJ_HALVE},
    {FAKE_NAME("nothing"), WAOT_ABI_EXTERN_FUNC, OBJ_NOTHING},
    {FAKE_NAME("call_peek"), WAOT_ABI_EXTERN_FUNC, OBJ_CALL_PEEK},
    {FAKE_NAME("peek"), WAOT_ABI_EXTERN_FUNC, OBJ_PEEK},
    {FAKE_NAME("mem"), WAOT_ABI_EXTERN_MEMORY, 0},
    {FAKE_NAME("tab"), WAOT_ABI_EXTERN_TABLE, 0},
    {FAKE_NAME("ext"), WAOT_ABI_EXTERN_TABLE, 1},
    {FAKE_NAME("g"), WAOT_ABI_EXTERN_GLOBAL, 0},
    {FAKE_NAME("c"), WAOT_ABI_EXTERN_GLOBAL, 1},
    {FAKE_NAME("m64"), WAOT_ABI_EXTERN_GLOBAL, 2},
    {FAKE_NAME("fref"), WAOT_ABI_EXTERN_GLOBAL, 3},
};
static const waot_abi_module obj_module = {
    FAKE_MODULE_HEADER,
    .import_count = FAKE_COUNT(obj_imports), .imports = obj_imports,
    .func_count = FAKE_COUNT(obj_funcs), .funcs = obj_funcs,
    .memory_count = FAKE_COUNT(obj_memories), .memories = obj_memories,
    .table_count = FAKE_COUNT(obj_tables), .tables = obj_tables,
    .global_count = FAKE_COUNT(obj_globals), .globals = obj_globals,
    .elem_count = FAKE_COUNT(obj_elems), .elems = obj_elems,
    .export_count = FAKE_COUNT(obj_exports), .exports = obj_exports,
};

/* What the host function "peek" saw of its caller. */
typedef struct peek_state {
    int calls;
    waot_memory *memory0;
    waot_memory *memory1;
} peek_state;

/* Returns the i32 at args[0] in the caller's memory 0, read through the
 * API (-1 when the read is refused). */
static void host_peek(waot_abi_host_closure *closure, const waot_abi_value *args,
                      waot_abi_value *results)
{
    peek_state *state = closure->user;
    state->calls++;
    state->memory0 = waot_caller_memory(closure, 0);
    state->memory1 = waot_caller_memory(closure, 1);
    int32_t value = -1;
    if (!state->memory0 ||
        waot_memory_read(state->memory0, (uint32_t)args[0].i32, &value, sizeof value) != WAOT_OK)
        value = -1;
    results[0].i32 = value;
}

static const uint8_t types_i32[] = {WAOT_ABI_I32};

/* The host objects the module imports, a linker defining them, and an
 * instance of the module. */
typedef struct obj_fixture {
    waot_memory *memory;
    waot_table *table;
    waot_global *global;
    waot_linker *linker;
    waot_module *module;
    waot_instance *instance;
    peek_state peek;
} obj_fixture;

static void obj_setup(obj_fixture *f)
{
    fake_register_wasm_code();
    memset(f, 0, sizeof *f);
    waot_error err;
    cr_assert_eq(waot_memory_new(1, 4, true, &f->memory, &err), WAOT_OK, "%s", err.message);
    cr_assert_eq(waot_table_new(WAOT_ABI_FUNCREF, 2, 0, false, &f->table, &err), WAOT_OK, "%s",
                 err.message);
    cr_assert_eq(waot_global_new((waot_value){WAOT_ABI_I32, {.i32 = 42}}, true, &f->global),
                 WAOT_OK);
    cr_assert_eq(waot_linker_new(&f->linker), WAOT_OK);
    cr_assert_eq(waot_linker_define_memory_object(f->linker, "env", "mem", f->memory), WAOT_OK);
    cr_assert_eq(waot_linker_define_table_object(f->linker, "env", "tab", f->table), WAOT_OK);
    cr_assert_eq(waot_linker_define_global_object(f->linker, "env", "g", f->global), WAOT_OK);
    cr_assert_eq(waot_linker_define_func(f->linker, "env", "peek", types_i32, 1, types_i32, 1,
                                         host_peek, &f->peek),
                 WAOT_OK);
    f->module = fake_module(&obj_module);
    f->instance = fake_instance(f->module, f->linker);
}

static void obj_teardown(obj_fixture *f)
{
    waot_instance_free(f->instance);
    waot_linker_free(f->linker);
    waot_module_free(f->module);
    waot_memory_free(f->memory);
    waot_table_free(f->table);
    waot_global_free(f->global);
}

static int32_t call1(waot_instance *instance, const char *name, int32_t a)
{
    return fake_call_ok(instance, name, &a, 1);
}

static waot_value i32_value(int32_t v)
{
    return (waot_value){WAOT_ABI_I32, {.i32 = v}};
}

static waot_value ref_value(uint32_t type, void *ref)
{
    return (waot_value){type, {.ref = ref}};
}

/* ---- Globals ---- */

Test(objects, host_global_type_and_mutability)
{
    static const struct {
        waot_value value;
        bool is_mutable;
    } cases[] = {
        {{WAOT_ABI_I32, {.i32 = -3}}, true},
        {{WAOT_ABI_I64, {.i64 = INT64_MAX}}, false},
        {{WAOT_ABI_F32, {.f32 = 1.5f}}, true},
        {{WAOT_ABI_F64, {.f64 = -0.25}}, false},
        {{WAOT_ABI_V128, {.v128 = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}}},
         true},
        {{WAOT_ABI_FUNCREF, {.ref = NULL}}, false},
        {{WAOT_ABI_EXTERNREF, {.ref = (void *)&cases}}, true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        waot_global *global = NULL;
        cr_assert_eq(waot_global_new(cases[i].value, cases[i].is_mutable, &global), WAOT_OK,
                     "case %zu", i);
        cr_assert_not_null(global);
        cr_assert_eq(waot_global_type(global), cases[i].value.type, "case %zu", i);
        cr_assert_eq(waot_global_is_mutable(global), cases[i].is_mutable, "case %zu", i);
        waot_value value = waot_global_value(global);
        cr_assert_eq(value.type, cases[i].value.type, "case %zu", i);
        cr_assert_eq(memcmp(&value.of, &cases[i].value.of, sizeof value.of), 0, "case %zu", i);
        waot_global_free(global);
    }
}

Test(objects, host_global_set_checks_mutability_and_type)
{
    waot_global *mut, *imm;
    cr_assert_eq(waot_global_new(i32_value(1), true, &mut), WAOT_OK);
    cr_assert_eq(waot_global_new(i32_value(2), false, &imm), WAOT_OK);

    cr_assert_eq(waot_global_set(mut, i32_value(10)), WAOT_OK);
    cr_assert_eq(waot_global_value(mut).of.i32, 10);
    cr_assert_eq(waot_global_value(mut).type, WAOT_ABI_I32);
    waot_value wrong = {WAOT_ABI_I64, {.i64 = 99}};
    cr_assert_eq(waot_global_set(mut, wrong), WAOT_ERROR_ARGUMENT, "a value of another type");
    cr_assert_eq(waot_global_value(mut).of.i32, 10, "unchanged after a refused set");
    cr_assert_eq(waot_global_value(mut).type, WAOT_ABI_I32);

    cr_assert_eq(waot_global_set(imm, i32_value(20)), WAOT_ERROR_ARGUMENT, "an immutable global");
    cr_assert_eq(waot_global_set(imm, wrong), WAOT_ERROR_ARGUMENT);
    cr_assert_eq(waot_global_value(imm).of.i32, 2, "unchanged after a refused set");
    cr_assert_not(waot_global_is_mutable(imm));
    cr_assert(waot_global_is_mutable(mut));
    waot_global_free(mut);
    waot_global_free(imm);
}

Test(objects, host_global_new_rejects_unknown_type)
{
    waot_global *global = NULL;
    cr_assert_eq(waot_global_new((waot_value){0x40, {.i32 = 0}}, true, &global),
                 WAOT_ERROR_ARGUMENT);
    cr_assert_eq(waot_global_new((waot_value){0, {.i32 = 0}}, false, &global),
                 WAOT_ERROR_ARGUMENT);
    cr_assert_null(global, "nothing returned on failure");
}

Test(objects, exported_globals_report_declared_types)
{
    obj_fixture f;
    obj_setup(&f);
    waot_global *g, *c, *m64, *fref;
    cr_assert_eq(waot_instance_global(f.instance, "g", &g), WAOT_OK);
    cr_assert_eq(waot_instance_global(f.instance, "c", &c), WAOT_OK);
    cr_assert_eq(waot_instance_global(f.instance, "m64", &m64), WAOT_OK);
    cr_assert_eq(waot_instance_global(f.instance, "fref", &fref), WAOT_OK);

    cr_assert_eq(waot_global_type(c), WAOT_ABI_I32);
    cr_assert_not(waot_global_is_mutable(c));
    cr_assert_eq(waot_global_value(c).of.i32, 11);
    cr_assert_eq(waot_global_set(c, i32_value(12)), WAOT_ERROR_ARGUMENT);
    cr_assert_eq(waot_global_value(c).of.i32, 11);

    cr_assert_eq(waot_global_type(m64), WAOT_ABI_I64);
    cr_assert(waot_global_is_mutable(m64));
    cr_assert_eq(waot_global_value(m64).of.i64, -5);
    cr_assert_eq(waot_global_set(m64, i32_value(1)), WAOT_ERROR_ARGUMENT, "i32 into an i64");
    cr_assert_eq(waot_global_set(m64, (waot_value){WAOT_ABI_I64, {.i64 = INT64_MIN}}), WAOT_OK);
    waot_value read;
    cr_assert_eq(waot_global_get(f.instance, "m64", &read), WAOT_OK);
    cr_assert_eq(read.type, WAOT_ABI_I64);
    cr_assert_eq(read.of.i64, INT64_MIN, "the instance sees the host's write");

    cr_assert_eq(waot_global_type(fref), WAOT_ABI_FUNCREF);
    cr_assert_not(waot_global_is_mutable(fref));
    const waot_abi_funcref *ref = waot_global_value(fref).of.ref;
    cr_assert_not_null(ref);
    cr_assert_eq(((fake_fn_v_i)ref->code)(ref->ctx), 7);

    /* The imported global is the host's: same type, shared cell. */
    cr_assert_eq(waot_global_type(g), WAOT_ABI_I32);
    cr_assert(waot_global_is_mutable(g));
    cr_assert_eq(fake_call_ok(f.instance, "get_g", NULL, 0), 42);
    cr_assert_eq(waot_global_set(f.global, i32_value(43)), WAOT_OK);
    cr_assert_eq(fake_call_ok(f.instance, "get_g", NULL, 0), 43);
    call1(f.instance, "set_g", 44);
    cr_assert_eq(waot_global_value(f.global).of.i32, 44, "the host sees wasm's write");
    cr_assert_eq(waot_global_value(g).of.i32, 44);

    waot_global *none = NULL;
    cr_assert_eq(waot_instance_global(f.instance, "nope", &none), WAOT_ERROR_NOT_FOUND);
    cr_assert_eq(waot_instance_global(f.instance, "seven", &none), WAOT_ERROR_NOT_FOUND,
                 "a function, not a global");
    cr_assert_eq(waot_instance_global(f.instance, "mem", &none), WAOT_ERROR_NOT_FOUND);
    cr_assert_null(none);
    obj_teardown(&f);
}

/* ---- Tables ---- */

Test(objects, host_table_get_and_set)
{
    int a, b;
    waot_table *table;
    waot_error err;
    cr_assert_eq(waot_table_new(WAOT_ABI_EXTERNREF, 3, 10, true, &table, &err), WAOT_OK);
    cr_assert_eq(waot_table_size(table), 3);
    cr_assert_eq(waot_table_elem_type(table), WAOT_ABI_EXTERNREF);

    waot_value value;
    for (uint32_t i = 0; i < 3; i++) {
        value = ref_value(WAOT_ABI_I32, &a);
        cr_assert_eq(waot_table_get(table, i, &value), WAOT_OK);
        cr_assert_eq(value.type, WAOT_ABI_EXTERNREF, "element %u", i);
        cr_assert_null(value.of.ref, "element %u starts null", i);
    }
    cr_assert_eq(waot_table_get(table, 3, &value), WAOT_ERROR_NOT_FOUND);
    cr_assert_eq(waot_table_get(table, UINT32_MAX, &value), WAOT_ERROR_NOT_FOUND);

    cr_assert_eq(waot_table_set(table, 0, ref_value(WAOT_ABI_EXTERNREF, &a)), WAOT_OK);
    cr_assert_eq(waot_table_set(table, 2, ref_value(WAOT_ABI_EXTERNREF, &b)), WAOT_OK);
    cr_assert_eq(waot_table_set(table, 3, ref_value(WAOT_ABI_EXTERNREF, &b)),
                 WAOT_ERROR_NOT_FOUND);
    cr_assert_eq(waot_table_set(table, UINT32_MAX, ref_value(WAOT_ABI_EXTERNREF, &b)),
                 WAOT_ERROR_NOT_FOUND);
    cr_assert_eq(waot_table_set(table, 1, ref_value(WAOT_ABI_FUNCREF, NULL)),
                 WAOT_ERROR_ARGUMENT, "a funcref into an externref table");
    cr_assert_eq(waot_table_set(table, 1, (waot_value){WAOT_ABI_I64, {.i64 = 1}}),
                 WAOT_ERROR_ARGUMENT, "a number into a table");

    cr_assert_eq(waot_table_get(table, 0, &value), WAOT_OK);
    cr_assert_eq(value.of.ref, &a);
    cr_assert_eq(waot_table_get(table, 1, &value), WAOT_OK);
    cr_assert_null(value.of.ref, "refused sets leave the element alone");
    cr_assert_eq(waot_table_get(table, 2, &value), WAOT_OK);
    cr_assert_eq(value.of.ref, &b);
    cr_assert_eq(waot_table_set(table, 2, ref_value(WAOT_ABI_EXTERNREF, NULL)), WAOT_OK);
    cr_assert_eq(waot_table_get(table, 2, &value), WAOT_OK);
    cr_assert_null(value.of.ref, "set back to null");
    cr_assert_eq(waot_table_size(table), 3, "sets never change the size");
    waot_table_free(table);
}

Test(objects, host_table_grow)
{
    int marker;
    waot_table *table;
    cr_assert_eq(waot_table_new(WAOT_ABI_EXTERNREF, 1, 4, true, &table, NULL), WAOT_OK);
    uint32_t old_size = 99;
    cr_assert_eq(waot_table_grow(table, 2, ref_value(WAOT_ABI_EXTERNREF, &marker), &old_size),
                 WAOT_OK);
    cr_assert_eq(old_size, 1);
    cr_assert_eq(waot_table_size(table), 3);
    waot_value value;
    cr_assert_eq(waot_table_get(table, 0, &value), WAOT_OK);
    cr_assert_null(value.of.ref, "old elements stay");
    for (uint32_t i = 1; i < 3; i++) {
        cr_assert_eq(waot_table_get(table, i, &value), WAOT_OK);
        cr_assert_eq(value.of.ref, &marker, "new element %u is init", i);
    }
    cr_assert_eq(waot_table_get(table, 3, &value), WAOT_ERROR_NOT_FOUND);

    cr_assert_eq(waot_table_grow(table, 1, ref_value(WAOT_ABI_FUNCREF, NULL), &old_size),
                 WAOT_ERROR_ARGUMENT, "init of another type");
    cr_assert_eq(waot_table_size(table), 3);
    cr_assert_eq(waot_table_grow(table, 2, ref_value(WAOT_ABI_EXTERNREF, NULL), &old_size),
                 WAOT_ERROR_NOMEM, "past the maximum");
    cr_assert_eq(waot_table_grow(table, UINT32_MAX, ref_value(WAOT_ABI_EXTERNREF, NULL), NULL),
                 WAOT_ERROR_NOMEM, "a huge delta");
    cr_assert_eq(waot_table_size(table), 3, "a failed grow changes nothing");
    cr_assert_eq(waot_table_grow(table, 0, ref_value(WAOT_ABI_EXTERNREF, NULL), &old_size),
                 WAOT_OK);
    cr_assert_eq(old_size, 3);
    cr_assert_eq(waot_table_grow(table, 1, ref_value(WAOT_ABI_EXTERNREF, NULL), NULL), WAOT_OK,
                 "up to the maximum, old_size may be NULL");
    cr_assert_eq(waot_table_size(table), 4);
    cr_assert_eq(waot_table_get(table, 3, &value), WAOT_OK);
    cr_assert_null(value.of.ref);
    cr_assert_eq(waot_table_set(table, 3, ref_value(WAOT_ABI_EXTERNREF, &marker)), WAOT_OK,
                 "a grown element is settable");
    waot_table_free(table);

    /* Without a maximum, from zero elements. */
    cr_assert_eq(waot_table_new(WAOT_ABI_FUNCREF, 0, 0, false, &table, NULL), WAOT_OK);
    cr_assert_eq(waot_table_size(table), 0);
    cr_assert_eq(waot_table_elem_type(table), WAOT_ABI_FUNCREF);
    cr_assert_eq(waot_table_get(table, 0, &value), WAOT_ERROR_NOT_FOUND);
    cr_assert_eq(waot_table_grow(table, 1000, ref_value(WAOT_ABI_FUNCREF, NULL), &old_size),
                 WAOT_OK);
    cr_assert_eq(old_size, 0);
    cr_assert_eq(waot_table_size(table), 1000);
    cr_assert_eq(waot_table_get(table, 999, &value), WAOT_OK);
    cr_assert_eq(value.type, WAOT_ABI_FUNCREF);
    cr_assert_null(value.of.ref);
    waot_table_free(table);
}

Test(objects, host_table_new_rejects_invalid_types)
{
    waot_table *table = NULL;
    waot_error err;
    cr_assert_eq(waot_table_new(WAOT_ABI_I32, 0, 0, false, &table, &err), WAOT_ERROR_ARGUMENT);
    cr_assert_eq(err.status, WAOT_ERROR_ARGUMENT);
    cr_assert_str_eq(err.message, "table type is not valid");
    cr_assert_eq(waot_table_new(WAOT_ABI_FUNCREF, 5, 4, true, &table, &err),
                 WAOT_ERROR_ARGUMENT, "max below min");
    cr_assert_str_eq(err.message, "table type is not valid");
    cr_assert_eq(waot_table_new(WAOT_ABI_EXTERNREF, 5, 4, true, &table, NULL),
                 WAOT_ERROR_ARGUMENT, "err may be NULL");
    cr_assert_null(table, "nothing returned on failure");
}

Test(objects, exported_tables_hold_segments_and_share_host_tables)
{
    obj_fixture f;
    obj_setup(&f);
    waot_table *tab, *ext;
    cr_assert_eq(waot_instance_table(f.instance, "tab", &tab), WAOT_OK);
    cr_assert_eq(waot_instance_table(f.instance, "ext", &ext), WAOT_OK);
    cr_assert_eq(waot_table_elem_type(tab), WAOT_ABI_FUNCREF);
    cr_assert_eq(waot_table_elem_type(ext), WAOT_ABI_EXTERNREF);
    cr_assert_eq(waot_table_size(ext), 3);
    cr_assert_eq(waot_table_size(tab), 2);

    /* The element segment wrote function "seven" into the host's table. */
    waot_value value;
    cr_assert_eq(waot_table_get(f.table, 1, &value), WAOT_OK);
    cr_assert_eq(value.type, WAOT_ABI_FUNCREF);
    const waot_abi_funcref *seven = value.of.ref;
    cr_assert_not_null(seven);
    cr_assert_eq(((fake_fn_v_i)seven->code)(seven->ctx), 7);
    cr_assert_eq(waot_table_get(tab, 1, &value), WAOT_OK);
    cr_assert_eq(value.of.ref, seven, "the export is the host's table");
    cr_assert_eq(waot_table_get(tab, 0, &value), WAOT_OK);
    cr_assert_null(value.of.ref);
    cr_assert_eq(waot_table_get(tab, 2, &value), WAOT_ERROR_NOT_FOUND);

    /* A funcref read from the table goes into another element, and the
     * host's growth shows through the export. */
    cr_assert_eq(waot_table_set(f.table, 0, ref_value(WAOT_ABI_FUNCREF, (void *)seven)), WAOT_OK);
    cr_assert_eq(waot_table_get(tab, 0, &value), WAOT_OK);
    cr_assert_eq(value.of.ref, seven);
    cr_assert_eq(waot_table_set(tab, 1, ref_value(WAOT_ABI_EXTERNREF, NULL)), WAOT_ERROR_ARGUMENT);
    uint32_t old_size;
    cr_assert_eq(waot_table_grow(f.table, 3, ref_value(WAOT_ABI_FUNCREF, (void *)seven),
                                 &old_size),
                 WAOT_OK);
    cr_assert_eq(old_size, 2);
    cr_assert_eq(waot_table_size(tab), 5);
    cr_assert_eq(waot_table_get(tab, 4, &value), WAOT_OK);
    cr_assert_eq(value.of.ref, seven);

    /* The externref table's declared maximum (5) holds from the host. */
    cr_assert_eq(waot_table_grow(ext, 3, ref_value(WAOT_ABI_EXTERNREF, NULL), NULL),
                 WAOT_ERROR_NOMEM);
    cr_assert_eq(waot_table_grow(ext, 2, ref_value(WAOT_ABI_EXTERNREF, NULL), &old_size),
                 WAOT_OK);
    cr_assert_eq(old_size, 3);
    cr_assert_eq(waot_table_size(ext), 5);

    waot_table *none = NULL;
    cr_assert_eq(waot_instance_table(f.instance, "mem", &none), WAOT_ERROR_NOT_FOUND);
    cr_assert_eq(waot_instance_table(f.instance, "nope", &none), WAOT_ERROR_NOT_FOUND);
    cr_assert_null(none);
    obj_teardown(&f);
}

/* ---- Function handles ---- */

/* Checks a function handle's type against the expected counts and codes. */
static void expect_functype(waot_instance *instance, const char *name, uint32_t param_count,
                            uint32_t result_count, const uint8_t *types)
{
    waot_func *func = NULL;
    cr_assert_eq(waot_instance_func(instance, name, &func), WAOT_OK, "%s", name);
    const waot_abi_functype *type = waot_func_functype(func);
    cr_assert_not_null(type, "%s", name);
    cr_assert_eq(type->param_count, param_count, "%s params", name);
    cr_assert_eq(type->result_count, result_count, "%s results", name);
    for (uint32_t i = 0; i < param_count + result_count; i++)
        cr_assert_eq(type->types[i], types[i], "%s type %u", name, i);
    const waot_abi_functype *by_name;
    cr_assert_eq(waot_func_type(instance, name, &by_name), WAOT_OK);
    cr_assert_eq(by_name, type, "%s: the same descriptor type as waot_func_type's", name);
    waot_func_free(func);
}

Test(objects, func_functype_reports_param_and_result_types)
{
    obj_fixture f;
    obj_setup(&f);
    expect_functype(f.instance, "nothing", 0, 0, NULL);
    expect_functype(f.instance, "seven", 0, 1, (const uint8_t[]){WAOT_ABI_I32});
    expect_functype(f.instance, "load", 1, 1, (const uint8_t[]){WAOT_ABI_I32, WAOT_ABI_I32});
    expect_functype(f.instance, "store", 2, 0, (const uint8_t[]){WAOT_ABI_I32, WAOT_ABI_I32});
    expect_functype(f.instance, "set_g", 1, 0, (const uint8_t[]){WAOT_ABI_I32});
    expect_functype(f.instance, "wide", 0, 1, (const uint8_t[]){WAOT_ABI_I64});
    expect_functype(f.instance, "halve", 1, 1, (const uint8_t[]){WAOT_ABI_F64, WAOT_ABI_F64});
    /* A re-exported host import has the type the module declares. */
    expect_functype(f.instance, "peek", 1, 1, (const uint8_t[]){WAOT_ABI_I32, WAOT_ABI_I32});

    waot_func *func = NULL;
    cr_assert_eq(waot_instance_func(f.instance, "nope", &func), WAOT_ERROR_NOT_FOUND);
    cr_assert_eq(waot_instance_func(f.instance, "mem", &func), WAOT_ERROR_NOT_FOUND,
                 "a memory, not a function");
    cr_assert_eq(waot_instance_func(f.instance, "g", &func), WAOT_ERROR_NOT_FOUND);
    cr_assert_null(func);
    obj_teardown(&f);
}

Test(objects, func_handle_checks_calls_and_outlives_instance)
{
    obj_fixture f;
    obj_setup(&f);
    waot_func *load;
    cr_assert_eq(waot_instance_func(f.instance, "load", &load), WAOT_OK);
    cr_assert_eq(waot_memory_write(f.memory, 8, &(int32_t){1234}, 4), WAOT_OK);

    waot_error err;
    waot_value args[2] = {i32_value(8), i32_value(0)};
    waot_value results[2];
    cr_assert_eq(waot_func_call(load, args, 2, results, 1, &err), WAOT_ERROR_ARGUMENT);
    cr_assert_eq(err.status, WAOT_ERROR_ARGUMENT);
    cr_assert_str_eq(err.message,
                     "the function takes 1 arguments and returns 1 results, 2 and 1 given");
    cr_assert_eq(waot_func_call(load, args, 1, results, 0, &err), WAOT_ERROR_ARGUMENT);
    waot_value wrong = {WAOT_ABI_F64, {.f64 = 8}};
    cr_assert_eq(waot_func_call(load, &wrong, 1, results, 1, &err), WAOT_ERROR_ARGUMENT);
    cr_assert_str_eq(err.message, "argument 0 has type 0x7c, expected 0x7f");

    results[0] = (waot_value){0};
    cr_assert_eq(waot_func_call(load, args, 1, results, 1, &err), WAOT_OK, "%s", err.message);
    cr_assert_eq(results[0].type, WAOT_ABI_I32);
    cr_assert_eq(results[0].of.i32, 1234);

    /* The handle keeps the instance, and its type, alive. */
    waot_instance_free(f.instance);
    f.instance = NULL;
    const waot_abi_functype *type = waot_func_functype(load);
    cr_assert_eq(type->param_count, 1);
    cr_assert_eq(type->result_count, 1);
    args[0] = i32_value(65536 - 4);
    cr_assert_eq(waot_memory_write(f.memory, 65536 - 4, &(int32_t){-9}, 4), WAOT_OK);
    cr_assert_eq(waot_func_call(load, args, 1, results, 1, &err), WAOT_OK, "%s", err.message);
    cr_assert_eq(results[0].of.i32, -9);
    args[0] = i32_value(65536);
    cr_assert_eq(waot_func_call(load, args, 1, results, 1, &err), WAOT_ERROR_TRAP);
    cr_assert_eq(err.trap, WAOT_TRAP_MEMORY_OUT_OF_BOUNDS);
    cr_assert_str_eq(err.message, "out of bounds memory access");
    waot_func_free(load);
    obj_teardown(&f);
}

/* ---- Memories ---- */

Test(objects, host_memory_grows_in_place_up_to_its_maximum)
{
    waot_memory *memory = NULL;
    waot_error err;
    cr_assert_eq(waot_memory_new(1, 3, true, &memory, &err), WAOT_OK, "%s", err.message);
    cr_assert_not_null(memory);
    uint8_t *data = waot_memory_data(memory);
    cr_assert_not_null(data);
    cr_assert_eq(waot_memory_pages(memory), 1);
    cr_assert_eq(waot_memory_size(memory), 65536);
    cr_assert_eq(data[0], 0);
    cr_assert_eq(data[65535], 0, "pages start zeroed");
    data[0] = 1;
    data[65535] = 2;

    uint64_t old_pages = 99;
    cr_assert_eq(waot_memory_grow(memory, 1, &old_pages), WAOT_OK);
    cr_assert_eq(old_pages, 1);
    cr_assert_eq(waot_memory_data(memory), data, "growing never moves the base");
    cr_assert_eq(waot_memory_pages(memory), 2);
    cr_assert_eq(waot_memory_size(memory), 2 * 65536);
    cr_assert_eq(data[65536], 0, "new pages are zero");
    cr_assert_eq(data[2 * 65536 - 1], 0);
    data[2 * 65536 - 1] = 3;
    cr_assert_eq(data[0], 1, "old contents stay");
    cr_assert_eq(data[65535], 2);

    cr_assert_eq(waot_memory_grow(memory, 1, NULL), WAOT_OK, "old_pages may be NULL");
    cr_assert_eq(waot_memory_pages(memory), 3);
    old_pages = 99;
    cr_assert_eq(waot_memory_grow(memory, 1, &old_pages), WAOT_ERROR_NOMEM, "past the maximum");
    cr_assert_eq(old_pages, 99, "nothing stored on failure");
    cr_assert_eq(waot_memory_grow(memory, UINT64_MAX, &old_pages), WAOT_ERROR_NOMEM);
    cr_assert_eq(waot_memory_grow(memory, 65536, &old_pages), WAOT_ERROR_NOMEM);
    cr_assert_eq(waot_memory_pages(memory), 3, "a failed grow changes nothing");
    cr_assert_eq(waot_memory_size(memory), 3 * 65536);
    cr_assert_eq(waot_memory_grow(memory, 0, &old_pages), WAOT_OK);
    cr_assert_eq(old_pages, 3);
    cr_assert_eq(waot_memory_data(memory), data);
    cr_assert_eq(data[2 * 65536 - 1], 3);
    data[3 * 65536 - 1] = 4;
    waot_memory_free(memory);
}

Test(objects, host_memory_without_maximum_grows_from_zero)
{
    waot_memory *memory;
    cr_assert_eq(waot_memory_new(0, 0, false, &memory, NULL), WAOT_OK);
    cr_assert_eq(waot_memory_pages(memory), 0);
    cr_assert_eq(waot_memory_size(memory), 0);
    uint8_t *data = waot_memory_data(memory);
    cr_assert_not_null(data);
    uint8_t byte = 0;
    cr_assert_eq(waot_memory_read(memory, 0, &byte, 1), WAOT_ERROR_NOT_FOUND);
    cr_assert_eq(waot_memory_read(memory, 0, &byte, 0), WAOT_OK, "an empty read at the end");
    uint64_t old_pages;
    cr_assert_eq(waot_memory_grow(memory, 16, &old_pages), WAOT_OK);
    cr_assert_eq(old_pages, 0);
    cr_assert_eq(waot_memory_data(memory), data);
    cr_assert_eq(waot_memory_size(memory), 16 * 65536);
    data[16 * 65536 - 1] = 5;
    cr_assert_eq(waot_memory_read(memory, 16 * 65536 - 1, &byte, 1), WAOT_OK);
    cr_assert_eq(byte, 5);
    waot_memory_free(memory);
}

Test(objects, host_memory_new_rejects_invalid_limits)
{
    waot_memory *memory = NULL;
    waot_error err;
    cr_assert_eq(waot_memory_new(2, 1, true, &memory, &err), WAOT_ERROR_ARGUMENT, "max < min");
    cr_assert_eq(err.status, WAOT_ERROR_ARGUMENT);
    cr_assert_str_eq(err.message, "memory limits 2..1 pages are not valid");
    cr_assert_eq(waot_memory_new(65537, 65537, true, &memory, &err), WAOT_ERROR_ARGUMENT);
    cr_assert_str_eq(err.message, "memory limits 65537..65537 pages are not valid");
    cr_assert_eq(waot_memory_new(0, 65537, true, &memory, &err), WAOT_ERROR_ARGUMENT,
                 "a maximum beyond 65536 pages");
    cr_assert_eq(waot_memory_new(65537, 0, false, &memory, NULL), WAOT_ERROR_ARGUMENT,
                 "a minimum beyond 65536 pages, err may be NULL");
    cr_assert_eq(waot_memory_new(65537, 0, false, &memory, &err), WAOT_ERROR_ARGUMENT);
    cr_assert_str_eq(err.message, "memory minimum of 65537 pages is over 65536");
    cr_assert_null(memory, "nothing returned on failure");
    /* Without a maximum, max_pages is ignored. */
    cr_assert_eq(waot_memory_new(1, 0, false, &memory, &err), WAOT_OK, "%s", err.message);
    cr_assert_eq(waot_memory_pages(memory), 1);
    waot_memory_free(memory);
}

Test(objects, host_memory_respects_configured_page_limit)
{
    waot_configure(&(waot_config){.max_memory_pages = 2});
    waot_memory *memory = NULL;
    waot_error err;
    cr_assert_eq(waot_memory_new(3, 0, false, &memory, &err), WAOT_ERROR_NOMEM);
    cr_assert_eq(err.status, WAOT_ERROR_NOMEM);
    cr_assert_str_eq(err.message, "memory of 3 pages exceeds the limit of 2 pages");
    cr_assert_null(memory);
    /* A declared maximum above the limit is valid; growth stops at the limit. */
    cr_assert_eq(waot_memory_new(1, 10, true, &memory, &err), WAOT_OK, "%s", err.message);
    uint8_t *data = waot_memory_data(memory);
    cr_assert_eq(waot_memory_grow(memory, 1, NULL), WAOT_OK);
    cr_assert_eq(waot_memory_grow(memory, 1, NULL), WAOT_ERROR_NOMEM);
    cr_assert_eq(waot_memory_pages(memory), 2);
    cr_assert_eq(waot_memory_data(memory), data);
    waot_memory_free(memory);
}

Test(objects, host_table_respects_configured_element_limit)
{
    waot_configure(&(waot_config){.max_table_elements = 4});
    waot_table *table = NULL;
    waot_error err;
    cr_assert_eq(waot_table_new(WAOT_ABI_EXTERNREF, 5, 0, false, &table, &err), WAOT_ERROR_NOMEM);
    cr_assert_str_eq(err.message, "table of 5 elements exceeds the limit of 4 elements");
    cr_assert_null(table);
    /* A declared maximum above the limit is valid; growth stops at the limit. */
    cr_assert_eq(waot_table_new(WAOT_ABI_EXTERNREF, 2, 100, true, &table, &err), WAOT_OK, "%s",
                 err.message);
    waot_value null = {.type = WAOT_ABI_EXTERNREF};
    uint32_t old_size = 0;
    cr_assert_eq(waot_table_grow(table, 2, null, &old_size), WAOT_OK);
    cr_assert_eq(old_size, 2);
    cr_assert_eq(waot_table_grow(table, 1, null, NULL), WAOT_ERROR_NOMEM);
    cr_assert_eq(waot_table_size(table), 4);
    waot_table_free(table);
}

static const waot_abi_module empty_module = {FAKE_MODULE_HEADER};

Test(objects, instances_stop_at_the_configured_cap)
{
    waot_configure(&(waot_config){.max_instances = 2});
    waot_module *module = fake_module(&empty_module);
    waot_instance *first = fake_instance(module, NULL);
    waot_instance *second = fake_instance(module, NULL);
    waot_instance *third = NULL;
    waot_error err;
    cr_assert_eq(waot_instantiate(NULL, module, &third, &err), WAOT_ERROR_NOMEM);
    cr_assert_str_eq(err.message, "the limit of 2 live instances is reached");
    cr_assert_null(third);
    /* Freeing one makes room again. */
    waot_instance_free(first);
    cr_assert_eq(waot_instantiate(NULL, module, &third, &err), WAOT_OK, "%s", err.message);
    waot_instance_free(second);
    waot_instance_free(third);
    waot_module_free(module);
}

Test(objects, host_memory_read_write_check_bounds)
{
    waot_memory *memory;
    cr_assert_eq(waot_memory_new(1, 2, true, &memory, NULL), WAOT_OK);
    uint8_t *data = waot_memory_data(memory);
    const uint8_t bytes[4] = {1, 2, 3, 4};
    uint8_t out[4] = {9, 9, 9, 9};

    cr_assert_eq(waot_memory_write(memory, 65532, bytes, 4), WAOT_OK, "the last four bytes");
    cr_assert_eq(memcmp(data + 65532, bytes, 4), 0);
    cr_assert_eq(waot_memory_read(memory, 65532, out, 4), WAOT_OK);
    cr_assert_eq(memcmp(out, bytes, 4), 0);

    memset(out, 9, sizeof out);
    cr_assert_eq(waot_memory_write(memory, 65534, bytes, 4), WAOT_ERROR_NOT_FOUND, "straddles");
    cr_assert_eq(data[65534], 3, "nothing copied on failure");
    cr_assert_eq(data[65535], 4);
    cr_assert_eq(waot_memory_read(memory, 65534, out, 4), WAOT_ERROR_NOT_FOUND);
    cr_assert_eq(out[0], 9, "nothing copied on failure");
    cr_assert_eq(waot_memory_read(memory, UINT64_MAX, out, 1), WAOT_ERROR_NOT_FOUND);
    cr_assert_eq(waot_memory_read(memory, 1, out, SIZE_MAX), WAOT_ERROR_NOT_FOUND);
    cr_assert_eq(waot_memory_write(memory, UINT64_MAX - 1, bytes, 4), WAOT_ERROR_NOT_FOUND);
    cr_assert_eq(waot_memory_write(memory, 65536, bytes, 0), WAOT_OK, "empty, at the end");
    cr_assert_eq(waot_memory_write(memory, 65537, bytes, 0), WAOT_ERROR_NOT_FOUND,
                 "empty, past the end");

    cr_assert_eq(waot_memory_grow(memory, 1, NULL), WAOT_OK);
    cr_assert_eq(waot_memory_write(memory, 65534, bytes, 4), WAOT_OK, "in bounds after growing");
    cr_assert_eq(waot_memory_read(memory, 65534, out, 4), WAOT_OK);
    cr_assert_eq(memcmp(out, bytes, 4), 0);
    waot_memory_free(memory);
}

Test(objects, imported_host_memory_is_shared_and_never_moves)
{
    obj_fixture f;
    obj_setup(&f);
    uint8_t *data = waot_memory_data(f.memory);
    waot_memory *exported;
    cr_assert_eq(waot_instance_memory(f.instance, "mem", &exported), WAOT_OK);
    cr_assert_eq(waot_memory_data(exported), data, "the export is the host's memory");
    cr_assert_eq(waot_memory_pages(exported), 1);

    cr_assert_eq(waot_memory_write(f.memory, 100, &(int32_t){0x01020304}, 4), WAOT_OK);
    cr_assert_eq(call1(f.instance, "load", 100), 0x01020304, "wasm sees the host's write");
    int32_t args[] = {200, -77};
    fake_call_ok(f.instance, "store", args, 2);
    int32_t got = 0;
    cr_assert_eq(waot_memory_read(f.memory, 200, &got, 4), WAOT_OK);
    cr_assert_eq(got, -77, "the host sees wasm's write");

    /* memory.grow in wasm and waot_memory_grow on the host grow one memory
     * whose base stays put. */
    cr_assert_eq(call1(f.instance, "grow", 2), 1);
    cr_assert_eq(waot_memory_pages(f.memory), 3);
    cr_assert_eq(waot_memory_data(f.memory), data);
    cr_assert_eq(waot_memory_data(exported), data);
    uint64_t old_pages;
    cr_assert_eq(waot_memory_grow(f.memory, 1, &old_pages), WAOT_OK);
    cr_assert_eq(old_pages, 3);
    cr_assert_eq(call1(f.instance, "grow", 0), 4, "wasm sees the host's growth");
    data[4 * 65536 - 4] = 0x2a;
    cr_assert_eq(call1(f.instance, "load", 4 * 65536 - 4), 0x2a);
    cr_assert_eq(call1(f.instance, "grow", 1), -1, "the host memory's maximum, from wasm");
    cr_assert_eq(waot_memory_grow(f.memory, 1, NULL), WAOT_ERROR_NOMEM);
    cr_assert_eq(waot_memory_data(f.memory), data);
    cr_assert_eq(call1(f.instance, "load", 100), 0x01020304);

    waot_memory *none = NULL;
    cr_assert_eq(waot_instance_memory(f.instance, "tab", &none), WAOT_ERROR_NOT_FOUND);
    cr_assert_eq(waot_instance_memory(f.instance, "nope", &none), WAOT_ERROR_NOT_FOUND);
    cr_assert_null(none);
    obj_teardown(&f);
}

Test(objects, host_handles_may_be_freed_before_the_importer)
{
    obj_fixture f;
    obj_setup(&f);
    uint8_t *data = waot_memory_data(f.memory);
    data[16] = 0x33;
    /* The linker and the instance hold their own references. */
    waot_memory_free(f.memory);
    waot_table_free(f.table);
    waot_global_free(f.global);
    waot_linker_free(f.linker);
    f.memory = NULL;
    f.table = NULL;
    f.global = NULL;
    f.linker = NULL;

    cr_assert_eq(call1(f.instance, "load", 16), 0x33);
    cr_assert_eq(fake_call_ok(f.instance, "get_g", NULL, 0), 42);
    waot_memory *memory;
    cr_assert_eq(waot_instance_memory(f.instance, "mem", &memory), WAOT_OK);
    cr_assert_eq(waot_memory_data(memory), data);
    cr_assert_eq(call1(f.instance, "grow", 1), 1);
    cr_assert_eq(waot_memory_pages(memory), 2);
    waot_table *table;
    cr_assert_eq(waot_instance_table(f.instance, "tab", &table), WAOT_OK);
    cr_assert_eq(waot_table_size(table), 2);
    waot_global *global;
    cr_assert_eq(waot_instance_global(f.instance, "g", &global), WAOT_OK);
    cr_assert_eq(waot_global_value(global).of.i32, 42);
    waot_instance_free(f.instance);
    waot_module_free(f.module);
}

Test(objects, caller_memory_is_the_importing_instances)
{
    obj_fixture f;
    obj_setup(&f);
    cr_assert_eq(waot_memory_write(f.memory, 40, &(int32_t){555}, 4), WAOT_OK);
    cr_assert_eq(call1(f.instance, "call_peek", 40), 555);
    cr_assert_eq(f.peek.calls, 1);
    cr_assert_not_null(f.peek.memory0);
    cr_assert_eq(waot_memory_data(f.peek.memory0), waot_memory_data(f.memory));
    cr_assert_null(f.peek.memory1, "the caller has no memory 1");
    cr_assert_eq(call1(f.instance, "call_peek", 65534), -1, "reads are bounds-checked");
    cr_assert_eq(f.peek.calls, 2);
    obj_teardown(&f);
}

/*
 * The runtime table's bulk operations, called from fake wasm code as
 * compiled code calls them: memory.init/copy/fill, data.drop, table.init,
 * elem.drop, table.copy/grow/fill, with the spec's bounds rules (64-bit
 * arithmetic, zero lengths still checked, dropped segments of size zero).
 */
#include "fake_wasm.h"

#include <criterion/criterion.h>

enum { B_A, B_B, B_M_INIT, B_M_INIT_ACTIVE, B_D_DROP, B_T_INIT,
       B_T_INIT_DECLARED, B_E_DROP, B_T_COPY, B_T_COPY_ACROSS, B_T_GROW, B_T_FILL, B_LOAD8,
       B_T_GET, B_T_SIZE };

FAKE_WASM FAKE_CC static int32_t bulk_a(FAKE_CTX waot_abi_context *ctx) { return 1; }
FAKE_WASM FAKE_CC static int32_t bulk_b(FAKE_CTX waot_abi_context *ctx) { return 2; }

FAKE_WASM FAKE_CC static void bulk_m_init(FAKE_CTX waot_abi_context *ctx, int32_t d, int32_t s, int32_t n)
{
    ctx->runtime->memory_init(ctx, 0, 0, (uint32_t)d, (uint32_t)s, (uint32_t)n);
}

FAKE_WASM FAKE_CC static void bulk_m_init_active(FAKE_CTX waot_abi_context *ctx, int32_t d, int32_t s, int32_t n)
{
    ctx->runtime->memory_init(ctx, 0, 1, (uint32_t)d, (uint32_t)s, (uint32_t)n);
}

FAKE_WASM FAKE_CC static void bulk_d_drop(FAKE_CTX waot_abi_context *ctx, int32_t segment)
{
    ctx->runtime->data_drop(ctx, (uint32_t)segment);
}

FAKE_WASM FAKE_CC static void bulk_t_init(FAKE_CTX waot_abi_context *ctx, int32_t d, int32_t s, int32_t n)
{
    ctx->runtime->table_init(ctx, 0, 0, (uint32_t)d, (uint32_t)s, (uint32_t)n);
}

FAKE_WASM FAKE_CC static void bulk_t_init_declared(FAKE_CTX waot_abi_context *ctx, int32_t d, int32_t s, int32_t n)
{
    ctx->runtime->table_init(ctx, 0, 1, (uint32_t)d, (uint32_t)s, (uint32_t)n);
}

FAKE_WASM FAKE_CC static void bulk_e_drop(FAKE_CTX waot_abi_context *ctx, int32_t segment)
{
    ctx->runtime->elem_drop(ctx, (uint32_t)segment);
}

FAKE_WASM FAKE_CC static void bulk_t_copy(FAKE_CTX waot_abi_context *ctx, int32_t d, int32_t s, int32_t n)
{
    ctx->runtime->table_copy(ctx, 0, 0, (uint32_t)d, (uint32_t)s, (uint32_t)n);
}

/* table 1 <- table 0 */
FAKE_WASM FAKE_CC static void bulk_t_copy_across(FAKE_CTX waot_abi_context *ctx, int32_t d, int32_t s, int32_t n)
{
    ctx->runtime->table_copy(ctx, 1, 0, (uint32_t)d, (uint32_t)s, (uint32_t)n);
}

FAKE_WASM FAKE_CC static int32_t bulk_t_grow(FAKE_CTX waot_abi_context *ctx, int32_t delta)
{
    return ctx->runtime->table_grow(ctx, 0, &ctx->funcs[B_A], (uint32_t)delta);
}

FAKE_WASM FAKE_CC static void bulk_t_fill(FAKE_CTX waot_abi_context *ctx, int32_t d, int32_t n)
{
    ctx->runtime->table_fill(ctx, 0, (uint32_t)d, &ctx->funcs[B_B], (uint32_t)n);
}

FAKE_WASM FAKE_CC static int32_t bulk_load8(FAKE_CTX waot_abi_context *ctx, int32_t addr)
{
    return ctx->memory0_base[(uint32_t)addr];
}

/* Which function table 0 holds at i: 0 null, 1 a, 2 b, -1 out of range. */
FAKE_WASM FAKE_CC static int32_t bulk_t_get(FAKE_CTX waot_abi_context *ctx, int32_t i)
{
    waot_abi_table *t = ctx->tables[0];
    if ((uint32_t)i >= t->size)
        return -1;
    /* As call_indirect does: through the element's copies of the
     * reference's fields, which every table write must keep in step. */
    const waot_abi_table_element *e = &t->elements[i];
    if (!e->ref)
        return e->type_id == 0 && !e->code ? 0 : -2;
    const waot_abi_funcref *ref = e->ref;
    if (e->type_id != ref->type_id || e->code != ref->code || e->ctx != ref->ctx)
        return -3;
    return ((fake_fn_v_i)e->code)(e->ctx);
}

FAKE_WASM FAKE_CC static int32_t bulk_t_size(FAKE_CTX waot_abi_context *ctx)
{
    return (int32_t)ctx->tables[0]->size;
}

static const waot_abi_func bulk_funcs[] = {
    [B_A] = {FAKE_T_V_I, 0, (void *)bulk_a, "a"},
    [B_B] = {FAKE_T_V_I, 0, (void *)bulk_b, "b"},
    [B_M_INIT] = {FAKE_T_III_V, 0, (void *)bulk_m_init, "m_init"},
    [B_M_INIT_ACTIVE] = {FAKE_T_III_V, 0, (void *)bulk_m_init_active, "m_init_active"},
    [B_D_DROP] = {FAKE_T_I_V, 0, (void *)bulk_d_drop, "d_drop"},
    [B_T_INIT] = {FAKE_T_III_V, 0, (void *)bulk_t_init, "t_init"},
    [B_T_INIT_DECLARED] = {FAKE_T_III_V, 0, (void *)bulk_t_init_declared, "t_init_declared"},
    [B_E_DROP] = {FAKE_T_I_V, 0, (void *)bulk_e_drop, "e_drop"},
    [B_T_COPY] = {FAKE_T_III_V, 0, (void *)bulk_t_copy, "t_copy"},
    [B_T_COPY_ACROSS] = {FAKE_T_III_V, 0, (void *)bulk_t_copy_across, "t_copy_across"},
    [B_T_GROW] = {FAKE_T_I_I, 0, (void *)bulk_t_grow, "t_grow"},
    [B_T_FILL] = {FAKE_T_II_V, 0, (void *)bulk_t_fill, "t_fill"},
    [B_LOAD8] = {FAKE_T_I_I, 0, (void *)bulk_load8, "load8"},
    [B_T_GET] = {FAKE_T_I_I, 0, (void *)bulk_t_get, "t_get"},
    [B_T_SIZE] = {FAKE_T_V_I, 0, (void *)bulk_t_size, "t_size"},
};
#define BULK_EXPORT(index, name) {FAKE_NAME(name), WAOT_ABI_EXTERN_FUNC, index}
static const waot_abi_export bulk_exports[] = {
    BULK_EXPORT(B_M_INIT, "m_init"), BULK_EXPORT(B_M_INIT_ACTIVE, "m_init_active"),
    BULK_EXPORT(B_D_DROP, "d_drop"), BULK_EXPORT(B_T_INIT, "t_init"),
    BULK_EXPORT(B_T_INIT_DECLARED, "t_init_declared"), BULK_EXPORT(B_E_DROP, "e_drop"),
    BULK_EXPORT(B_T_COPY, "t_copy"), BULK_EXPORT(B_T_COPY_ACROSS, "t_copy_across"),
    BULK_EXPORT(B_T_GROW, "t_grow"), BULK_EXPORT(B_T_FILL, "t_fill"),
    BULK_EXPORT(B_LOAD8, "load8"), BULK_EXPORT(B_T_GET, "t_get"),
    BULK_EXPORT(B_T_SIZE, "t_size"),
};
static const waot_abi_memory_type bulk_memories[] = {{0, {1, 2, 1}}};
static const waot_abi_table_type bulk_tables[] = {
    {WAOT_ABI_FUNCREF, 0, {4, 6, 1}},
    {WAOT_ABI_FUNCREF, 0, {3, 0, 0}},
};
#define BULK_OFFSET(n) {WAOT_ABI_CONST_VALUE, WAOT_ABI_I32, 0, {.i32 = (n)}}
static const waot_abi_data bulk_datas[] = {
    {WAOT_ABI_SEGMENT_PASSIVE, 0, 6, {0}, (const uint8_t *)"abcdef"},
    {WAOT_ABI_SEGMENT_ACTIVE, 0, 2, BULK_OFFSET(0), (const uint8_t *)"XY"},
};
static const waot_abi_const bulk_passive_items[] = {
    {WAOT_ABI_CONST_REF_FUNC, WAOT_ABI_FUNCREF, B_A, {0}},
    {WAOT_ABI_CONST_REF_FUNC, WAOT_ABI_FUNCREF, B_B, {0}},
    {WAOT_ABI_CONST_REF_NULL, WAOT_ABI_FUNCREF, 0, {0}},
};
static const waot_abi_const bulk_b_item[] = {{WAOT_ABI_CONST_REF_FUNC, WAOT_ABI_FUNCREF, B_B, {0}}};
static const waot_abi_elem bulk_elems[] = {
    {WAOT_ABI_SEGMENT_PASSIVE, WAOT_ABI_FUNCREF, 0, 3, {0}, bulk_passive_items},
    {WAOT_ABI_SEGMENT_DECLARATIVE, WAOT_ABI_FUNCREF, 0, 1, {0}, bulk_b_item},
    {WAOT_ABI_SEGMENT_ACTIVE, WAOT_ABI_FUNCREF, 0, 1, BULK_OFFSET(0), bulk_b_item},
};
static const waot_abi_module bulk_module = {
    FAKE_MODULE_HEADER,
    .func_count = FAKE_COUNT(bulk_funcs), .funcs = bulk_funcs,
    .memory_count = 1, .memories = bulk_memories,
    .table_count = FAKE_COUNT(bulk_tables), .tables = bulk_tables,
    .data_count = FAKE_COUNT(bulk_datas), .datas = bulk_datas,
    .elem_count = FAKE_COUNT(bulk_elems), .elems = bulk_elems,
    .export_count = FAKE_COUNT(bulk_exports), .exports = bulk_exports,
};

static waot_module *bulk_mod;
static waot_instance *bulk;

static void bulk_setup(void)
{
    fake_register_wasm_code();
    bulk_mod = fake_module(&bulk_module);
    bulk = fake_instance(bulk_mod, NULL);
}

static void bulk_teardown(void)
{
    waot_instance_free(bulk);
    waot_module_free(bulk_mod);
}

TestSuite(bulk, .init = bulk_setup, .fini = bulk_teardown);

/* Calls a three-argument operation; returns the trap (NONE on success). */
static waot_abi_trap op3(const char *name, uint32_t a, uint32_t b, uint32_t c)
{
    int32_t args[] = {(int32_t)a, (int32_t)b, (int32_t)c};
    waot_error err;
    waot_status status = fake_call(bulk, name, args, 3, NULL, &err);
    if (status == WAOT_OK)
        return WAOT_TRAP_NONE;
    cr_assert_eq(status, WAOT_ERROR_TRAP, "%s: %s", name, err.message);
    return err.trap;
}

static int32_t call1(const char *name, int32_t a)
{
    return fake_call_ok(bulk, name, &a, 1);
}

static void expect_bytes(uint32_t addr, const char *bytes)
{
    for (uint32_t i = 0; bytes[i]; i++)
        cr_assert_eq(call1("load8", (int32_t)(addr + i)), (unsigned char)bytes[i],
                     "byte %u", addr + i);
}

#define OOB_MEMORY WAOT_TRAP_MEMORY_OUT_OF_BOUNDS
#define OOB_TABLE WAOT_TRAP_TABLE_OUT_OF_BOUNDS

Test(bulk, active_segments_were_applied_and_dropped)
{
    expect_bytes(0, "XY");
    cr_assert_eq(op3("m_init_active", 0, 0, 0), WAOT_TRAP_NONE);
    cr_assert_eq(op3("m_init_active", 0, 0, 1), OOB_MEMORY);
    cr_assert_eq(call1("t_get", 0), 2);
    cr_assert_eq(op3("t_init_declared", 0, 0, 0), WAOT_TRAP_NONE);
    cr_assert_eq(op3("t_init_declared", 0, 0, 1), OOB_TABLE, "declarative segments are dropped");
}

Test(bulk, memory_init_and_data_drop)
{
    cr_assert_eq(op3("m_init", 10, 1, 4), WAOT_TRAP_NONE);
    expect_bytes(10, "bcde");
    cr_assert_eq(op3("m_init", 65530, 0, 6), WAOT_TRAP_NONE);
    expect_bytes(65530, "abcdef");
    cr_assert_eq(op3("m_init", 65531, 0, 6), OOB_MEMORY);
    cr_assert_eq(op3("m_init", 0, 1, 6), OOB_MEMORY);
    cr_assert_eq(op3("m_init", 0, 6, 0), WAOT_TRAP_NONE);
    cr_assert_eq(op3("m_init", 0, 7, 0), OOB_MEMORY, "zero length still checks the source");
    cr_assert_eq(op3("m_init", 65537, 0, 0), OOB_MEMORY, "and the destination");
    cr_assert_eq(op3("m_init", 0xffffffffu, 0, 2), OOB_MEMORY, "no 32-bit wraparound");
    cr_assert_eq(op3("m_init", 0, 0xffffffffu, 2), OOB_MEMORY);
    expect_bytes(0, "XY");
    call1("d_drop", 0);
    call1("d_drop", 0);
    cr_assert_eq(op3("m_init", 0, 0, 0), WAOT_TRAP_NONE);
    cr_assert_eq(op3("m_init", 0, 0, 1), OOB_MEMORY);
}

Test(bulk, table_init_and_elem_drop)
{
    cr_assert_eq(op3("t_init", 1, 0, 3), WAOT_TRAP_NONE);
    cr_assert_eq(call1("t_get", 0), 2);
    cr_assert_eq(call1("t_get", 1), 1);
    cr_assert_eq(call1("t_get", 2), 2);
    cr_assert_eq(call1("t_get", 3), 0);
    cr_assert_eq(op3("t_init", 2, 0, 3), OOB_TABLE);
    cr_assert_eq(op3("t_init", 0, 1, 3), OOB_TABLE);
    cr_assert_eq(op3("t_init", 4, 3, 0), WAOT_TRAP_NONE);
    cr_assert_eq(op3("t_init", 5, 0, 0), OOB_TABLE);
    cr_assert_eq(op3("t_init", 0, 4, 0), OOB_TABLE);
    cr_assert_eq(op3("t_init", 0, 0xffffffffu, 2), OOB_TABLE);
    call1("e_drop", 0);
    cr_assert_eq(op3("t_init", 0, 0, 0), WAOT_TRAP_NONE);
    cr_assert_eq(op3("t_init", 0, 0, 1), OOB_TABLE);
}

Test(bulk, table_copy)
{
    cr_assert_eq(op3("t_init", 1, 0, 3), WAOT_TRAP_NONE); /* b a b null */
    cr_assert_eq(op3("t_copy", 0, 1, 3), WAOT_TRAP_NONE); /* a b null null */
    cr_assert_eq(call1("t_get", 0), 1);
    cr_assert_eq(call1("t_get", 1), 2);
    cr_assert_eq(call1("t_get", 2), 0);
    cr_assert_eq(op3("t_copy", 1, 0, 3), WAOT_TRAP_NONE); /* a a b null */
    cr_assert_eq(call1("t_get", 1), 1);
    cr_assert_eq(call1("t_get", 2), 2);
    cr_assert_eq(op3("t_copy", 4, 0, 0), WAOT_TRAP_NONE);
    cr_assert_eq(op3("t_copy", 5, 0, 0), OOB_TABLE);
    cr_assert_eq(op3("t_copy", 0, 2, 3), OOB_TABLE);
    cr_assert_eq(op3("t_copy_across", 0, 0, 3), WAOT_TRAP_NONE);
    cr_assert_eq(op3("t_copy_across", 0, 0, 4), OOB_TABLE, "table 1 has 3 entries");
}

Test(bulk, table_grow_and_fill)
{
    cr_assert_eq(call1("t_grow", 0), 4);
    cr_assert_eq(call1("t_grow", 1), 4);
    cr_assert_eq(call1("t_get", 4), 1, "new entries hold the init value");
    cr_assert_eq(call1("t_grow", 2), -1, "past the maximum of 6");
    cr_assert_eq(call1("t_grow", 1), 5);
    cr_assert_eq(call1("t_grow", -1), -1);
    cr_assert_eq(fake_call_ok(bulk, "t_size", NULL, 0), 6);
    cr_assert_eq(call1("t_get", 0), 2, "old entries stay after realloc");

    int32_t args[] = {3, 3};
    cr_assert_eq(fake_call_ok(bulk, "t_fill", args, 2), 0);
    for (int i = 3; i < 6; i++)
        cr_assert_eq(call1("t_get", i), 2);
    waot_error err;
    int32_t past[] = {4, 3};
    cr_assert_eq(fake_call(bulk, "t_fill", past, 2, NULL, &err), WAOT_ERROR_TRAP);
    cr_assert_str_eq(err.message, "out of bounds table access");
    int32_t at_end[] = {6, 0};
    cr_assert_eq(fake_call(bulk, "t_fill", at_end, 2, NULL, &err), WAOT_OK);
    int32_t beyond[] = {7, 0};
    cr_assert_eq(fake_call(bulk, "t_fill", beyond, 2, NULL, &err), WAOT_ERROR_TRAP);
}

/*
 * Linear memory: the reservation, growth within the declared maximum and
 * the configured page limit, and guard-page faults from wasm code becoming
 * the out-of-bounds trap.
 */
#include "fake_wasm.h"

#include <criterion/criterion.h>

#include "address_ranges_internal.h"
#include "config_internal.h"
#include "memory_internal.h"
#include "module_internal.h"

/* Wasm accesses need no alignment. */
typedef int32_t unaligned_i32 __attribute__((aligned(1), may_alias));

FAKE_WASM static int32_t mem_load(waot_abi_context *ctx, int32_t addr)
{
    return *(volatile unaligned_i32 *)(ctx->memory0_base + (uint32_t)addr);
}

FAKE_WASM static void mem_store(waot_abi_context *ctx, int32_t addr, int32_t value)
{
    *(volatile unaligned_i32 *)(ctx->memory0_base + (uint32_t)addr) = value;
}

/* A load with the largest static offset: base + 0xffffffff + 0xfffffff0. */
FAKE_WASM static int32_t mem_load_far(waot_abi_context *ctx, int32_t addr)
{
    return *(volatile unaligned_i32 *)(ctx->memory0_base + (uint64_t)(uint32_t)addr + 0xfffffff0u);
}

FAKE_WASM static int32_t mem_grow(waot_abi_context *ctx, int32_t delta)
{
    return ctx->runtime->memory_grow(ctx, 0, (uint32_t)delta);
}

FAKE_WASM static int32_t mem_size(waot_abi_context *ctx)
{
    return (int32_t)(ctx->memories[0]->size / 65536);
}

static const waot_abi_func mem_funcs[] = {
    {FAKE_T_I_I, 0, (void *)mem_load, "load"},
    {FAKE_T_II_V, 0, (void *)mem_store, "store"},
    {FAKE_T_I_I, 0, (void *)mem_load_far, "load_far"},
    {FAKE_T_I_I, 0, (void *)mem_grow, "grow"},
    {FAKE_T_V_I, 0, (void *)mem_size, "size"},
};
static const waot_abi_export mem_exports[] = {
    {FAKE_NAME("load"), WAOT_ABI_EXTERN_FUNC, 0},
    {FAKE_NAME("store"), WAOT_ABI_EXTERN_FUNC, 1},
    {FAKE_NAME("load_far"), WAOT_ABI_EXTERN_FUNC, 2},
    {FAKE_NAME("grow"), WAOT_ABI_EXTERN_FUNC, 3},
    {FAKE_NAME("size"), WAOT_ABI_EXTERN_FUNC, 4},
};
static const waot_abi_memory_type mem_1_to_4[] = {{0, {1, 4, 1}}};
static const waot_abi_memory_type mem_1_unbounded[] = {{0, {1, 0, 0}}};
static const waot_abi_memory_type mem_3_to_4[] = {{0, {3, 4, 1}}};

#define MEM_MODULE(memory)                                                                    \
    {                                                                                         \
        FAKE_MODULE_HEADER, .func_count = FAKE_COUNT(mem_funcs), .funcs = mem_funcs,          \
        .memory_count = 1, .memories = memory, .export_count = FAKE_COUNT(mem_exports),       \
        .exports = mem_exports,                                                               \
    }
static const waot_abi_module mem_module_bounded = MEM_MODULE(mem_1_to_4);
static const waot_abi_module mem_module_unbounded = MEM_MODULE(mem_1_unbounded);
static const waot_abi_module mem_module_large_min = MEM_MODULE(mem_3_to_4);

static int32_t call1(waot_instance *instance, const char *name, int32_t a)
{
    return fake_call_ok(instance, name, &a, 1);
}

static void store(waot_instance *instance, int32_t addr, int32_t value)
{
    int32_t args[] = {addr, value};
    fake_call_ok(instance, "store", args, 2);
}

static void expect_out_of_bounds(waot_instance *instance, const char *name, int32_t addr)
{
    waot_error err;
    int32_t result;
    cr_assert_eq(fake_call(instance, name, &addr, 1, &result, &err), WAOT_ERROR_TRAP,
                 "%s(0x%x) did not trap", name, (unsigned)addr);
    cr_assert_eq(err.trap, WAOT_TRAP_MEMORY_OUT_OF_BOUNDS);
    cr_assert_str_eq(err.message, "out of bounds memory access");
}

Test(memory, reservation_is_registered_and_released)
{
    waot_rt_memory *memory;
    cr_assert_eq(waot_rt_memory_new(2, 10, true, &memory, NULL), WAOT_OK);
    uintptr_t base = (uintptr_t)memory->abi.base;
    cr_assert_eq(base % 4096, 0);
    cr_assert_eq(memory->abi.size, 2 * 65536);
    cr_assert_eq(memory->abi.max_pages, 10);
    cr_assert(waot_rt_range_contains(&waot_rt_memory_reservations, base));
    cr_assert(waot_rt_range_contains(&waot_rt_memory_reservations,
                                     base + WAOT_RT_MEMORY_RESERVATION_BYTES - 1));
    cr_assert_not(waot_rt_range_contains(&waot_rt_memory_reservations,
                                         base + WAOT_RT_MEMORY_RESERVATION_BYTES));
    memory->abi.base[2 * 65536 - 1] = 7;
    waot_rt_memory_release(memory);
    cr_assert_not(waot_rt_range_contains(&waot_rt_memory_reservations, base));
}

Test(memory, grows_within_declared_maximum)
{
    fake_register_wasm_code();
    waot_module *module = fake_module(&mem_module_bounded);
    waot_instance *instance = fake_instance(module, NULL);
    cr_assert_eq(fake_call_ok(instance, "size", NULL, 0), 1);
    store(instance, 65532, 0x12345678);
    cr_assert_eq(call1(instance, "load", 65532), 0x12345678);

    cr_assert_eq(call1(instance, "grow", 1), 1);
    cr_assert_eq(fake_call_ok(instance, "size", NULL, 0), 2);
    cr_assert_eq(call1(instance, "load", 65536), 0, "new pages are zero");
    store(instance, 2 * 65536 - 4, -1);
    cr_assert_eq(call1(instance, "load", 2 * 65536 - 4), -1);
    cr_assert_eq(call1(instance, "load", 65532), 0x12345678, "old contents stay");

    cr_assert_eq(call1(instance, "grow", 2), 2);
    cr_assert_eq(call1(instance, "grow", 1), -1, "beyond the maximum");
    cr_assert_eq(call1(instance, "grow", 0), 4);
    cr_assert_eq(call1(instance, "grow", -1), -1, "a huge delta fails too");
    cr_assert_eq(fake_call_ok(instance, "size", NULL, 0), 4);
    waot_instance_free(instance);
    waot_module_free(module);
}

Test(memory, out_of_bounds_access_from_wasm_code_traps)
{
    fake_register_wasm_code();
    waot_module *module = fake_module(&mem_module_bounded);
    waot_instance *instance = fake_instance(module, NULL);
    expect_out_of_bounds(instance, "load", 65536);
    expect_out_of_bounds(instance, "load", 65535 * 2);
    expect_out_of_bounds(instance, "load", -4);
    expect_out_of_bounds(instance, "load_far", -1);
    /* The instance is usable after a trap, and growing makes the page valid. */
    cr_assert_eq(call1(instance, "load", 0), 0);
    cr_assert_eq(call1(instance, "grow", 1), 1);
    cr_assert_eq(call1(instance, "load", 65536), 0);
    expect_out_of_bounds(instance, "load", 2 * 65536);
    waot_instance_free(instance);
    waot_module_free(module);
}

Test(memory, page_limit_caps_growth)
{
    waot_configure(&(waot_config){.max_memory_pages = 2});
    fake_register_wasm_code();
    waot_module *module = fake_module(&mem_module_bounded);
    waot_instance *instance = fake_instance(module, NULL);
    cr_assert_eq(call1(instance, "grow", 1), 1);
    cr_assert_eq(call1(instance, "grow", 1), -1);
    cr_assert_eq(fake_call_ok(instance, "size", NULL, 0), 2);
    waot_instance_free(instance);
    waot_module_free(module);
}

Test(memory, minimum_above_page_limit_fails_to_instantiate)
{
    waot_configure(&(waot_config){.max_memory_pages = 2});
    waot_module *module = fake_module(&mem_module_large_min);
    waot_instance *instance = NULL;
    waot_error err;
    cr_assert_eq(waot_instantiate(NULL, module, &instance, &err), WAOT_ERROR_NOMEM);
    cr_assert_str_eq(err.message, "memory of 3 pages exceeds the limit of 2 pages");
    cr_assert_null(instance);
    waot_module_free(module);
}

Test(memory, unbounded_memory_grows_to_four_gibibytes)
{
    fake_register_wasm_code();
    waot_module *module = fake_module(&mem_module_unbounded);
    waot_instance *instance = fake_instance(module, NULL);
    cr_assert_eq(call1(instance, "grow", 65535), 1);
    cr_assert_eq(call1(instance, "grow", 1), -1);
    store(instance, -4, 99);
    cr_assert_eq(call1(instance, "load", -4), 99);
    expect_out_of_bounds(instance, "load", -2);
    expect_out_of_bounds(instance, "load_far", -1);
    waot_instance_free(instance);
    waot_module_free(module);
}

Test(memory, base_never_moves)
{
    waot_rt_memory *memory;
    cr_assert_eq(waot_rt_memory_new(0, 0, false, &memory, NULL), WAOT_OK);
    uint8_t *base = memory->abi.base;
    cr_assert_eq(waot_rt_memory_grow(memory, 0), 0);
    cr_assert_eq(waot_rt_memory_grow(memory, 3), 0);
    cr_assert_eq(waot_rt_memory_grow(memory, 5), 3);
    cr_assert_eq(memory->abi.base, base);
    cr_assert_eq(memory->abi.size, 8 * 65536);
    base[8 * 65536 - 1] = 1;
    waot_rt_memory_release(memory);
}

/*
 * Linear memory: the reservation, growth within the declared maximum and
 * the configured page limit, and guard-page faults from wasm code becoming
 * the out-of-bounds trap.
 */
#include "fake_wasm.h"

#include <criterion/criterion.h>

#include "address_ranges_internal.h"
#include "config_internal.h"
#include "instance_internal.h"
#include "memory_internal.h"
#include "module_internal.h"

/* Wasm accesses need no alignment. */
typedef int32_t unaligned_i32 __attribute__((aligned(1), may_alias));

FAKE_WASM FAKE_CC static int32_t mem_load(FAKE_CTX waot_abi_context *ctx, int32_t addr)
{
    return *(volatile unaligned_i32 *)(ctx->memory0_base + (uint32_t)addr);
}

FAKE_WASM FAKE_CC static void mem_store(FAKE_CTX waot_abi_context *ctx, int32_t addr, int32_t value)
{
    *(volatile unaligned_i32 *)(ctx->memory0_base + (uint32_t)addr) = value;
}

/* A load with the largest static offset: base + 0xffffffff + 0xfffffff0. */
FAKE_WASM FAKE_CC static int32_t mem_load_far(FAKE_CTX waot_abi_context *ctx, int32_t addr)
{
    return *(volatile unaligned_i32 *)(ctx->memory0_base + (uint64_t)(uint32_t)addr + 0xfffffff0u);
}

FAKE_WASM FAKE_CC static int32_t mem_grow(FAKE_CTX waot_abi_context *ctx, int32_t delta)
{
    return ctx->runtime->memory_grow(ctx, 0, (uint32_t)delta);
}

FAKE_WASM FAKE_CC static int32_t mem_size(FAKE_CTX waot_abi_context *ctx)
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

/* ---- Copy-on-write images of the initial memory ---- */

/* Two active segments of 96 KiB each (enough for an image), overlapping by
 * 32 KiB, where the later one's bytes must win, in a 3-page memory. */
#define IMG_SEGMENT_BYTES (96 << 10)
static uint8_t img_first[IMG_SEGMENT_BYTES], img_second[IMG_SEGMENT_BYTES];
static const waot_abi_data img_datas[] = {
    {WAOT_ABI_SEGMENT_ACTIVE, 0, IMG_SEGMENT_BYTES,
     {WAOT_ABI_CONST_VALUE, WAOT_ABI_I32, 0, {.i32 = 16}}, img_first},
    {WAOT_ABI_SEGMENT_ACTIVE, 0, IMG_SEGMENT_BYTES,
     {WAOT_ABI_CONST_VALUE, WAOT_ABI_I32, 0, {.i32 = 16 + (64 << 10)}}, img_second},
};
static const waot_abi_module img_module = {
    FAKE_MODULE_HEADER, .func_count = FAKE_COUNT(mem_funcs), .funcs = mem_funcs,
    .memory_count = 1, .memories = mem_3_to_4, .export_count = FAKE_COUNT(mem_exports),
    .exports = mem_exports, .data_count = FAKE_COUNT(img_datas), .datas = img_datas,
};

/* What the segments, applied in order, leave at `addr`. */
static int32_t img_expected(uint32_t addr)
{
    uint8_t bytes[4];
    for (uint32_t k = 0; k < 4; k++) {
        uint32_t a = addr + k;
        uint32_t second = 16 + (64 << 10);
        bytes[k] = a >= second && a < second + IMG_SEGMENT_BYTES ? img_second[a - second]
                   : a >= 16 && a < 16 + IMG_SEGMENT_BYTES   ? img_first[a - 16]
                                                              : 0;
    }
    return (int32_t)((uint32_t)bytes[0] | (uint32_t)bytes[1] << 8 | (uint32_t)bytes[2] << 16 |
                     (uint32_t)bytes[3] << 24);
}

static void img_expect_initial(waot_instance *instance)
{
    for (uint32_t addr = 0; addr + 4 <= 3 * 65536; addr += 4093)
        cr_assert_eq(call1(instance, "load", (int32_t)addr), img_expected(addr),
                     "wrong initial contents at 0x%x", addr);
    cr_assert_eq(call1(instance, "load", 3 * 65536 - 4), 0);
}

Test(memory, instances_after_the_first_start_from_a_shared_image)
{
    for (uint32_t i = 0; i < IMG_SEGMENT_BYTES; i++) {
        img_first[i] = (uint8_t)(i * 7 + 1);
        img_second[i] = (uint8_t)(i * 13 + 5);
    }
    fake_register_wasm_code();
    waot_module *module = fake_module(&img_module);
    waot_instance *first = fake_instance(module, NULL);
    waot_instance *second = fake_instance(module, NULL);
    waot_instance *third = fake_instance(module, NULL);
    cr_assert_not(first->memory0_imaged, "a module instantiated once copies its segments");
    cr_assert(second->memory0_imaged);
    cr_assert(third->memory0_imaged);
    img_expect_initial(first);
    img_expect_initial(second);
    img_expect_initial(third);

    /* A write stays in its instance: the image and the others keep theirs. */
    store(second, 20, 0x0badf00d);
    store(second, 2 * 65536, 0x12345678);
    cr_assert_eq(call1(second, "load", 20), 0x0badf00d);
    cr_assert_eq(call1(third, "load", 20), img_expected(20));
    cr_assert_eq(call1(third, "load", 2 * 65536), img_expected(2 * 65536));
    waot_instance *fourth = fake_instance(module, NULL);
    img_expect_initial(fourth);

    /* Past the image the memory is ordinary: it grows with zeroed pages. */
    cr_assert_eq(call1(third, "grow", 1), 3);
    cr_assert_eq(call1(third, "load", 3 * 65536), 0);
    store(third, 4 * 65536 - 4, -1);
    cr_assert_eq(call1(third, "load", 4 * 65536 - 4), -1);
    expect_out_of_bounds(third, "load", 4 * 65536);

    waot_instance_free(first);
    waot_instance_free(second);
    waot_instance_free(third);
    waot_instance_free(fourth);
    waot_module_free(module);
}

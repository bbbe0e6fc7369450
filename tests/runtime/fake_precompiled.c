/*
 * Stand-ins for precompiled module files: a shared object defining
 * waot_compiled_module like the compiler's output, built once per
 * FAKE_VARIANT_* macro.  VALID loads and runs (its "wasm code" is this
 * object's text, so a guard-page fault in it must become a trap); the other
 * variants each break one thing the loader checks.  Plain C without libc
 * calls in the functions, like generated code.
 */
#include "waot_abi.h"

#include <stdio.h>
#include <stdlib.h>

#if defined(__x86_64__)
#define FAKE_ARCH "x86_64"
#define FAKE_OTHER_ARCH "aarch64"
#define FAKE_BASE_FEATURES "+sse2,+cx8,-avx512vp2intersect"
#else
#define FAKE_ARCH "aarch64"
#define FAKE_OTHER_ARCH "x86_64"
#define FAKE_BASE_FEATURES "+neon"
#endif

#if defined(FAKE_VARIANT_FOREIGN_ARCH)
#define FAKE_TRIPLE FAKE_OTHER_ARCH "-unknown-linux-gnu"
#elif defined(FAKE_VARIANT_FOREIGN_OS)
#define FAKE_TRIPLE FAKE_ARCH "-apple-darwin"
#else
#define FAKE_TRIPLE FAKE_ARCH "-unknown-linux-gnu"
#endif

#if defined(FAKE_VARIANT_BAD_MAGIC)
#define FAKE_MAGIC 0x6d736100u
#else
#define FAKE_MAGIC WAOT_ABI_MAGIC
#endif

#if defined(FAKE_VARIANT_BAD_ABI)
#define FAKE_ABI_VERSION (WAOT_ABI_VERSION + 41)
#else
#define FAKE_ABI_VERSION WAOT_ABI_VERSION
#endif

typedef int32_t unaligned_i32 __attribute__((aligned(1), may_alias));

/* Compiled code's calling convention (waot_abi.h). */
#define FAKE_CC __attribute__((swiftcall))
#define FAKE_CTX __attribute__((swift_context))

FAKE_CC static int32_t fake_load(FAKE_CTX waot_abi_context *ctx, int32_t addr)
{
    return *(volatile unaligned_i32 *)(ctx->memory0_base + (uint32_t)addr);
}

FAKE_CC static int32_t fake_answer(FAKE_CTX waot_abi_context *ctx)
{
    return 42;
}

static void fake_trampoline_i_i(void *code, void *ctx, const waot_value *args,
                                waot_value *results)
{
    results[0].of.i32 = ((FAKE_CC int32_t (*)(FAKE_CTX void *, int32_t))code)(ctx, args[0].of.i32);
}

static void fake_trampoline_v_i(void *code, void *ctx, const waot_value *args,
                                waot_value *results)
{
    results[0].of.i32 = ((FAKE_CC int32_t (*)(FAKE_CTX void *))code)(ctx);
}

static const uint8_t fake_types_i_i[] = {WAOT_ABI_I32, WAOT_ABI_I32};
static const waot_abi_functype fake_types[] = {
    {1, 1, fake_types_i_i, fake_trampoline_i_i, NULL},
    {0, 1, fake_types_i_i, fake_trampoline_v_i, NULL},
};
static const waot_abi_func fake_funcs[] = {
    {0, 0, (void *)fake_load, "load"},
    {1, 0, (void *)fake_answer, "answer"},
};
static const waot_abi_memory_type fake_memories[] = {{0, {1, 1, 1}}};
static const waot_abi_export fake_exports[] = {
    {{"load", 4}, WAOT_ABI_EXTERN_FUNC, 0},
    {{"answer", 6}, WAOT_ABI_EXTERN_FUNC, 1},
};

/* Not const: the cpu_from_env variant edits its features before the
 * loader looks, from a constructor that runs at dlopen. */
__attribute__((visibility("default"))) waot_abi_module waot_compiled_module = {
    .magic = FAKE_MAGIC,
    .abi_version = FAKE_ABI_VERSION,
    .compiler_version = "fake 0",
    .target_triple = FAKE_TRIPLE,
    .cpu_name = "fake-cpu",
    .cpu_features = FAKE_BASE_FEATURES,
    .type_count = 2,
    .func_count = 2,
    .memory_count = 1,
    .export_count = 2,
    .start_func = WAOT_ABI_NO_START,
    .types = fake_types,
    .funcs = fake_funcs,
    .memories = fake_memories,
    .exports = fake_exports,
};

#if defined(FAKE_VARIANT_CPU_FROM_ENV)
/* A copy inside this object: the loader refuses a descriptor whose strings
 * lie outside its module. */
static char fake_env_features[1024];

__attribute__((constructor)) static void fake_features_from_env(void)
{
    const char *features = getenv("WAOT_FAKE_CPU_FEATURES");
    if (features) {
        snprintf(fake_env_features, sizeof fake_env_features, "%s", features);
        waot_compiled_module.cpu_features = fake_env_features;
    }
}
#endif

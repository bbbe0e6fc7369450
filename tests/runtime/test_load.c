/*
 * Loading precompiled modules: a valid one loads, runs, and has its code
 * registered for the fault handler; every kind of foreign or damaged file
 * is refused with its one-line message; the host target and CPU feature
 * checks agree with what the system reports.
 */
#include "fake_wasm.h"

#include <criterion/criterion.h>
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host_target_internal.h"
#include "module_internal.h"

static char load_dir[64];

static void load_setup(void)
{
    strcpy(load_dir, "/tmp/waot-load-XXXXXX");
    cr_assert_not_null(mkdtemp(load_dir));
}

static void load_teardown(void)
{
    char command[128];
    snprintf(command, sizeof command, "rm -rf '%s'", load_dir);
    cr_assert_eq(system(command), 0);
}

TestSuite(load, .init = load_setup, .fini = load_teardown);

/* Writes `bytes` to a file in the test's directory; returns its path. */
static const char *load_write(const char *name, const void *bytes, size_t size)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/%s", load_dir, name);
    FILE *file = fopen(path, "wb");
    cr_assert_not_null(file);
    cr_assert_eq(fwrite(bytes, 1, size, file), size);
    fclose(file);
    return path;
}

/* Loading `path` fails with WAOT_ERROR_LOAD and "<path>: <message>". */
static void expect_refusal(const char *path, const char *message)
{
    waot_module *module = NULL;
    waot_error err;
    cr_assert_eq(waot_module_load(path, &module, &err), WAOT_ERROR_LOAD, "%s loaded", path);
    cr_assert_null(module);
    char expected[512];
    snprintf(expected, sizeof expected, "%s: %s", path, message);
    cr_assert_str_eq(err.message, expected);
    cr_assert_null(strchr(err.message, '\n'));
}

static Elf64_Ehdr load_elf_header(void)
{
    Elf64_Ehdr h = {0};
    memcpy(h.e_ident, ELFMAG, SELFMAG);
    h.e_ident[EI_CLASS] = ELFCLASS64;
    h.e_ident[EI_DATA] = ELFDATA2LSB;
    h.e_ident[EI_VERSION] = EV_CURRENT;
    h.e_type = ET_DYN;
#if defined(__x86_64__)
    h.e_machine = EM_X86_64;
#else
    h.e_machine = EM_AARCH64;
#endif
    h.e_version = EV_CURRENT;
    h.e_ehsize = sizeof h;
    return h;
}

Test(load, valid_module_loads_runs_and_traps_in_its_code)
{
    waot_module *module = NULL;
    waot_error err;
    cr_assert_eq(waot_module_load(FAKE_PRECOMPILED_VALID, &module, &err), WAOT_OK, "%s",
                 err.message);
    cr_assert_str_eq(waot_module_descriptor(module)->compiler_version, "fake 0");
    cr_assert_geq(module->code_range_count, 1);
    waot_instance *instance = fake_instance(module, NULL);
    cr_assert_eq(fake_call_ok(instance, "answer", NULL, 0), 42);
    int32_t addr = 65532;
    cr_assert_eq(fake_call_ok(instance, "load", &addr, 1), 0);
    /* The fault is in the loaded object's code, which the loader registered. */
    addr = 65536;
    int32_t result;
    cr_assert_eq(fake_call(instance, "load", &addr, 1, &result, &err), WAOT_ERROR_TRAP);
    cr_assert_str_eq(err.message, "out of bounds memory access");
    /* The module outlives its handle while an instance uses it. */
    waot_module_free(module);
    cr_assert_eq(fake_call_ok(instance, "answer", NULL, 0), 42);
    waot_instance_free(instance);
}

Test(load, name_without_slash_is_a_relative_path)
{
    char cwd[512];
    cr_assert_not_null(getcwd(cwd, sizeof cwd));
    FILE *in = fopen(FAKE_PRECOMPILED_VALID, "rb");
    cr_assert_not_null(in);
    static char bytes[1 << 20];
    size_t size = fread(bytes, 1, sizeof bytes, in);
    fclose(in);
    load_write("relative.cwasm", bytes, size);
    cr_assert_eq(chdir(load_dir), 0);
    waot_module *module = NULL;
    waot_error err;
    cr_assert_eq(waot_module_load("relative.cwasm", &module, &err), WAOT_OK, "%s", err.message);
    waot_module_free(module);
    cr_assert_eq(chdir(cwd), 0);
}

Test(load, missing_file)
{
    waot_error err;
    waot_module *module = NULL;
    cr_assert_eq(waot_module_load("/nonexistent/x.cwasm", &module, &err), WAOT_ERROR_LOAD);
    cr_assert_str_eq(err.message, "/nonexistent/x.cwasm: cannot open: No such file or directory");
}

Test(load, not_an_elf_file)
{
    const char text[] = "(module)\n";
    expect_refusal(load_write("text.cwasm", text, sizeof text - 1),
                   "not a waot precompiled module (not an ELF file)");
    expect_refusal(load_write("empty.cwasm", "", 0),
                   "not a waot precompiled module (not an ELF file)");
    const uint8_t wasm[] = {0, 'a', 's', 'm', 1, 0, 0, 0};
    expect_refusal(load_write("wasm.cwasm", wasm, sizeof wasm),
                   "not a waot precompiled module (not an ELF file)");
}

Test(load, elf_for_another_target)
{
    char message[128];
    Elf64_Ehdr h = load_elf_header();
#if defined(__x86_64__)
    h.e_machine = EM_AARCH64;
    snprintf(message, sizeof message, "built for aarch64, this host is x86_64");
#else
    h.e_machine = EM_X86_64;
    snprintf(message, sizeof message, "built for x86_64, this host is aarch64");
#endif
    expect_refusal(load_write("arm.cwasm", &h, sizeof h), message);

    h = load_elf_header();
    h.e_ident[EI_CLASS] = ELFCLASS32;
    snprintf(message, sizeof message, "built for a 32-bit target, this host is %s",
             waot_rt_host_arch());
    expect_refusal(load_write("elf32.cwasm", &h, sizeof h), message);

    h = load_elf_header();
    h.e_ident[EI_OSABI] = ELFOSABI_FREEBSD;
    expect_refusal(load_write("freebsd.cwasm", &h, sizeof h),
                   "built for another OS (ELF OS ABI 9), this host is linux");
}

Test(load, elf_that_is_not_a_loadable_shared_object)
{
    Elf64_Ehdr h = load_elf_header();
    h.e_type = ET_REL;
    expect_refusal(load_write("object.o", &h, sizeof h),
                   "not a waot precompiled module (not a shared object)");
    /* A plausible header and nothing else: refused before dlopen, which
     * would fault on a file shorter than its program headers say. */
    h = load_elf_header();
    expect_refusal(load_write("truncated.cwasm", &h, sizeof h),
                   "truncated or damaged: its program headers are not in the file");
}

Test(load, shared_object_without_descriptor)
{
    expect_refusal(FAKE_NO_DESCRIPTOR,
                   "not a waot precompiled module (no waot_compiled_module symbol)");
}

Test(load, wrong_magic)
{
    expect_refusal(FAKE_PRECOMPILED_BAD_MAGIC, "not a waot precompiled module (descriptor "
                                               "magic 0x6d736100, expected 0x746f6177)");
}

Test(load, wrong_abi_version)
{
    char message[128];
    snprintf(message, sizeof message, "built for ABI %u, this runtime is %u",
             WAOT_ABI_VERSION + 41, WAOT_ABI_VERSION);
    expect_refusal(FAKE_PRECOMPILED_BAD_ABI, message);
}

Test(load, foreign_target_triple)
{
    char message[128];
#if defined(__x86_64__)
    snprintf(message, sizeof message,
             "built for target aarch64-unknown-linux-gnu, this host is x86_64 linux");
#else
    snprintf(message, sizeof message,
             "built for target x86_64-unknown-linux-gnu, this host is aarch64 linux");
#endif
    expect_refusal(FAKE_PRECOMPILED_FOREIGN_ARCH, message);
    snprintf(message, sizeof message, "built for target %s-apple-darwin, this host is %s linux",
             waot_rt_host_arch(), waot_rt_host_arch());
    expect_refusal(FAKE_PRECOMPILED_FOREIGN_OS, message);
}

/* ---- CPU features, checked against /proc/cpuinfo ---- */

static char cpu_flags[8192];

/* The "flags" line of the first CPU, with spaces around every flag. */
static const char *cpu_read_flags(void)
{
    FILE *file = fopen("/proc/cpuinfo", "r");
    if (!file)
        return NULL;
    char line[sizeof cpu_flags - 2];
    const char *found = NULL;
    while (fgets(line, sizeof line, file)) {
        if (!strncmp(line, "flags", 5) && strchr(line, ':')) {
            snprintf(cpu_flags, sizeof cpu_flags, "%s ", strchr(line, ':') + 1);
            char *newline = strchr(cpu_flags, '\n');
            if (newline)
                *newline = ' ';
            found = cpu_flags;
            break;
        }
    }
    fclose(file);
    return found;
}

static bool cpu_flag(const char *flags, const char *name)
{
    char needle[64];
    snprintf(needle, sizeof needle, " %s ", name);
    return strstr(flags, needle) != NULL;
}

/* LLVM's name of a feature and the kernel's. */
static const char *const cpu_names[][2] = {
    {"sse2", "sse2"}, {"sse3", "pni"}, {"ssse3", "ssse3"}, {"sse4.1", "sse4_1"},
    {"sse4.2", "sse4_2"}, {"popcnt", "popcnt"}, {"avx", "avx"}, {"avx2", "avx2"},
    {"bmi", "bmi1"}, {"bmi2", "bmi2"}, {"lzcnt", "abm"}, {"fma", "fma"}, {"f16c", "f16c"},
    {"movbe", "movbe"}, {"aes", "aes"}, {"pclmul", "pclmulqdq"}, {"cx16", "cx16"},
    {"avx512f", "avx512f"}, {"avx512bw", "avx512bw"}, {"avx512dq", "avx512dq"},
    {"avx512vl", "avx512vl"}, {"avx512cd", "avx512cd"}, {"avx512vbmi", "avx512vbmi"},
    {"avx512vbmi2", "avx512_vbmi2"}, {"avx512vnni", "avx512_vnni"},
    {"avx512bitalg", "avx512_bitalg"}, {"avx512vpopcntdq", "avx512_vpopcntdq"},
    {"avx512ifma", "avx512ifma"}, {"avx512fp16", "avx512_fp16"}, {"avx512bf16", "avx512_bf16"},
    {"avx512vp2intersect", "avx512_vp2intersect"}, {"avxvnni", "avx_vnni"}, {"gfni", "gfni"},
    {"vaes", "vaes"}, {"vpclmulqdq", "vpclmulqdq"}, {"sha", "sha_ni"}, {"adx", "adx"},
    {"rdseed", "rdseed"}, {"rdrnd", "rdrand"}, {"sse4a", "sse4a"}, {"fma4", "fma4"},
    {"xop", "xop"}, {"tbm", "tbm"}, {"prfchw", "3dnowprefetch"}, {"sahf", "lahf_lm"},
    {"xsave", "xsave"}, {"xsaveopt", "xsaveopt"}, {"xsavec", "xsavec"}, {"xsaves", "xsaves"},
    {"clflushopt", "clflushopt"}, {"clwb", "clwb"}, {"movdiri", "movdiri"},
    {"movdir64b", "movdir64b"}, {"serialize", "serialize"}, {"fsgsbase", "fsgsbase"},
};

Test(load, cpu_features_agree_with_the_kernel)
{
#if defined(__x86_64__)
    const char *flags = cpu_read_flags();
    if (!flags)
        cr_skip_test("no /proc/cpuinfo");
    for (size_t i = 0; i < sizeof cpu_names / sizeof cpu_names[0]; i++) {
        bool known;
        bool has = waot_rt_host_has_cpu_feature(cpu_names[i][0], &known);
        cr_assert(known, "%s is not known", cpu_names[i][0]);
        cr_assert_eq(has, cpu_flag(flags, cpu_names[i][1]), "%s: runtime %d, kernel %d",
                     cpu_names[i][0], has, !has);
    }
    bool known;
    cr_assert_not(waot_rt_host_has_cpu_feature("no-such-feature", &known));
    cr_assert_not(known);
#else
    cr_skip_test("CPU features are only tested on x86-64");
#endif
}

Test(load, feature_strings)
{
    char missing[128];
    cr_assert(waot_rt_cpu_features_supported("", missing, sizeof missing));
    cr_assert(waot_rt_cpu_features_supported(NULL, missing, sizeof missing));
    cr_assert(waot_rt_cpu_features_supported("+no-such-feature,-sse2,,+", missing,
                                             sizeof missing));
#if defined(__x86_64__)
    cr_assert(waot_rt_cpu_features_supported("+sse2,+64bit,+cx8", missing, sizeof missing));
#endif
}

/* A feature the machine lacks, by the kernel's account. */
static const char *cpu_missing_feature(void)
{
    static const char *const candidates[][2] = {
        {"avx512vp2intersect", "avx512_vp2intersect"}, {"sse4a", "sse4a"}, {"fma4", "fma4"},
        {"xop", "xop"}, {"tbm", "tbm"}, {"avx512er", "avx512er"}, {"amx-fp16", "amx_fp16"},
    };
    const char *flags = cpu_read_flags();
    for (size_t i = 0; flags && i < sizeof candidates / sizeof candidates[0]; i++) {
        if (!cpu_flag(flags, candidates[i][1]))
            return candidates[i][0];
    }
    return NULL;
}

Test(load, cpu_features_the_host_lacks)
{
#if defined(__x86_64__)
    const char *feature = cpu_missing_feature();
    if (!feature)
        cr_skip_test("this CPU has every candidate feature");
    char features[128];
    snprintf(features, sizeof features, "+sse2,+%s,-avx512f,+%s", feature, feature);
    setenv("WAOT_FAKE_CPU_FEATURES", features, 1);
    char message[256];
    snprintf(message, sizeof message,
             "built for CPU features this host lacks: +%s,+%s (CPU fake-cpu)", feature, feature);
    expect_refusal(FAKE_PRECOMPILED_CPU_FROM_ENV, message);
#else
    cr_skip_test("CPU features are only tested on x86-64");
#endif
}

Test(load, cpu_features_the_host_has)
{
    setenv("WAOT_FAKE_CPU_FEATURES", "+sse2,+no-such-feature,-xop", 1);
    waot_module *module = NULL;
    waot_error err;
    cr_assert_eq(waot_module_load(FAKE_PRECOMPILED_CPU_FROM_ENV, &module, &err), WAOT_OK, "%s",
                 err.message);
    waot_module_free(module);
}

Test(load, target_triples)
{
#if defined(__x86_64__)
    const char *const same[] = {"x86_64-unknown-linux-gnu", "x86_64-pc-linux-gnu",
                                "x86_64-linux-gnu", "amd64-unknown-linux-musl",
                                "x86_64-unknown-linux"};
    const char *const other[] = {"aarch64-unknown-linux-gnu", "x86_64-apple-darwin",
                                 "x86_64-pc-windows-msvc", "i686-unknown-linux-gnu",
                                 "x86_64", "", "x86_64x-unknown-linux-gnu"};
#else
    const char *const same[] = {"aarch64-unknown-linux-gnu", "arm64-linux-gnu"};
    const char *const other[] = {"x86_64-unknown-linux-gnu", "aarch64-apple-darwin", ""};
#endif
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
        cr_assert(waot_rt_target_matches_host(same[i]), "%s", same[i]);
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++)
        cr_assert_not(waot_rt_target_matches_host(other[i]), "%s", other[i]);
    cr_assert_not(waot_rt_target_matches_host(NULL));
}

/* ---- Damaged descriptors ---- */

static void fake_code(void) {}

Test(load, corrupt_descriptors_are_refused)
{
    static const waot_abi_func funcs[] = {{FAKE_T_V_V, 0, (void *)fake_code, NULL}};
    static const waot_abi_func bad_type[] = {{FAKE_TYPE_COUNT, 0, (void *)fake_code, NULL}};
    static const waot_abi_func no_code[] = {{FAKE_T_V_V, 0, NULL, NULL}};
    static const waot_abi_func imported[] = {{FAKE_T_V_V, 1, NULL, NULL}};
    static const waot_abi_export bad_export[] = {{FAKE_NAME("f"), WAOT_ABI_EXTERN_FUNC, 1}};
    static const waot_abi_import double_import[] = {
        {FAKE_NAME("m"), FAKE_NAME("a"), WAOT_ABI_EXTERN_FUNC, 0},
        {FAKE_NAME("m"), FAKE_NAME("b"), WAOT_ABI_EXTERN_FUNC, 0},
    };
    const waot_abi_functype no_adapter[] = {{0, 0, NULL, fake_types[0].trampoline, NULL}};
    static const waot_abi_data bad_data[] = {{WAOT_ABI_SEGMENT_ACTIVE, 1, 0,
                                              {WAOT_ABI_CONST_VALUE, WAOT_ABI_I32, 0, {0}}, NULL}};
    static const waot_abi_memory_type big_memory[] = {{0, {65537, 0, 0}}};
    struct {
        waot_abi_module module;
        const char *message;
    } cases[] = {
        {{FAKE_MODULE_HEADER, .func_count = 1, .funcs = bad_type},
         "corrupt module descriptor: function 0 is incomplete"},
        {{FAKE_MODULE_HEADER, .func_count = 1, .funcs = no_code},
         "corrupt module descriptor: function 0 is incomplete"},
        {{FAKE_MODULE_HEADER, .func_count = 1, .funcs = imported},
         "corrupt module descriptor: function 0 does not match the import list"},
        {{FAKE_MODULE_HEADER, .func_count = 1, .funcs = imported, .import_count = 2,
          .imports = double_import},
         "corrupt module descriptor: import 1 is out of range"},
        {{FAKE_MODULE_HEADER, .func_count = 1, .funcs = imported, .import_count = 1,
          .imports = double_import},
         "corrupt module descriptor: import 0 has no host adapter"},
        {{FAKE_MODULE_HEADER, .func_count = 1, .funcs = funcs, .export_count = 1,
          .exports = bad_export},
         "corrupt module descriptor: export 0 is out of range"},
        {{FAKE_MODULE_HEADER, .func_count = 1, .funcs = funcs},
         "corrupt module descriptor: start function 1 is out of range"},
        {{FAKE_MODULE_HEADER, .data_count = 1, .datas = bad_data},
         "corrupt module descriptor: data segment 0 has an invalid offset or memory"},
        {{FAKE_MODULE_HEADER, .memory_count = 1, .memories = big_memory},
         "corrupt module descriptor: memory 0 has invalid limits"},
        {{FAKE_MODULE_HEADER, .func_count = 1, .funcs = funcs},
         "not a waot precompiled module (descriptor magic 0x00000001, expected 0x746f6177)"},
    };
    /* Fields the header macro sets already. */
    cases[4].module.types = no_adapter;
    cases[4].module.type_count = 1;
    cases[6].module.start_func = 1;
    cases[9].module.magic = 1;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        waot_module *module = NULL;
        waot_error err;
        cr_assert_eq(waot_module_from_descriptor(&cases[i].module, &module, &err),
                     WAOT_ERROR_LOAD, "case %zu", i);
        cr_assert_str_eq(err.message, cases[i].message, "case %zu", i);
        cr_assert_null(module);
    }
}

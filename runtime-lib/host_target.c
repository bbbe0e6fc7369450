/*
 * The host's target, for the loader's refusal of a precompiled module built
 * for another architecture, OS or CPU (host_target_internal.h).
 *
 * CPU features are read with cpuid on x86-64, together with XCR0 (xgetbv),
 * because an AVX or AVX-512 instruction also needs the OS to save that
 * register state: a CPU that has AVX-512 under an OS that does not enable
 * it cannot run AVX-512 code.  The names are LLVM's, as in the feature
 * string the compiler records.  On other architectures no feature is
 * tested.
 */
#include "host_target_internal.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>
#define HOST_ARCH "x86_64"
#elif defined(__aarch64__)
#define HOST_ARCH "aarch64"
#elif defined(__riscv) && __riscv_xlen == 64
#define HOST_ARCH "riscv64"
#else
#error "waot's runtime supports x86_64, aarch64 and riscv64 hosts"
#endif

#if !defined(__linux__)
#error "waot's runtime supports Linux hosts"
#endif

const char *waot_rt_host_arch(void)
{
    return HOST_ARCH;
}

const char *waot_rt_host_os(void)
{
    return "linux";
}

/* Spellings of the host architecture that triples use. */
static bool target_arch_is_host(const char *arch, size_t len)
{
    static const char *const aliases[] = {
#if defined(__x86_64__)
        "x86_64", "amd64", "x86_64h",
#elif defined(__aarch64__)
        "aarch64", "arm64",
#else
        "riscv64",
#endif
    };
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
        if (strlen(aliases[i]) == len && !memcmp(aliases[i], arch, len))
            return true;
    }
    return false;
}

bool waot_rt_target_matches_host(const char *triple)
{
    if (!triple)
        return false;
    const char *dash = strchr(triple, '-');
    if (!dash || !target_arch_is_host(triple, (size_t)(dash - triple)))
        return false;
    /* The OS is the third part in arch-vendor-os-env, the second in the
     * short arch-os-env form; any later part naming linux will do. */
    const char *part = dash + 1;
    while (part) {
        if (!strncmp(part, "linux", 5))
            return true;
        const char *next = strchr(part, '-');
        part = next ? next + 1 : NULL;
    }
    return false;
}

#if defined(__x86_64__)

enum { REG_EAX, REG_EBX, REG_ECX, REG_EDX };
/* Which register state the OS must enable (XCR0) for the feature. */
enum { STATE_NONE, STATE_AVX, STATE_AVX512, STATE_AMX };

typedef struct cpu_feature {
    const char *name;  /* LLVM's */
    uint32_t leaf;
    uint32_t subleaf;
    uint8_t reg;
    uint8_t bit;
    uint8_t state;
} cpu_feature;

static const cpu_feature cpu_features[] = {
    {"x87", 1, 0, REG_EDX, 0, STATE_NONE},
    {"cx8", 1, 0, REG_EDX, 8, STATE_NONE},
    {"cmov", 1, 0, REG_EDX, 15, STATE_NONE},
    {"mmx", 1, 0, REG_EDX, 23, STATE_NONE},
    {"fxsr", 1, 0, REG_EDX, 24, STATE_NONE},
    {"sse", 1, 0, REG_EDX, 25, STATE_NONE},
    {"sse2", 1, 0, REG_EDX, 26, STATE_NONE},
    {"sse3", 1, 0, REG_ECX, 0, STATE_NONE},
    {"pclmul", 1, 0, REG_ECX, 1, STATE_NONE},
    {"ssse3", 1, 0, REG_ECX, 9, STATE_NONE},
    {"fma", 1, 0, REG_ECX, 12, STATE_AVX},
    {"cx16", 1, 0, REG_ECX, 13, STATE_NONE},
    {"sse4.1", 1, 0, REG_ECX, 19, STATE_NONE},
    {"sse4.2", 1, 0, REG_ECX, 20, STATE_NONE},
    {"crc32", 1, 0, REG_ECX, 20, STATE_NONE},
    {"movbe", 1, 0, REG_ECX, 22, STATE_NONE},
    {"popcnt", 1, 0, REG_ECX, 23, STATE_NONE},
    {"aes", 1, 0, REG_ECX, 25, STATE_NONE},
    {"xsave", 1, 0, REG_ECX, 26, STATE_NONE},
    {"avx", 1, 0, REG_ECX, 28, STATE_AVX},
    {"f16c", 1, 0, REG_ECX, 29, STATE_AVX},
    {"rdrnd", 1, 0, REG_ECX, 30, STATE_NONE},
    {"fsgsbase", 7, 0, REG_EBX, 0, STATE_NONE},
    {"bmi", 7, 0, REG_EBX, 3, STATE_NONE},
    {"hle", 7, 0, REG_EBX, 4, STATE_NONE},
    {"avx2", 7, 0, REG_EBX, 5, STATE_AVX},
    {"bmi2", 7, 0, REG_EBX, 8, STATE_NONE},
    {"invpcid", 7, 0, REG_EBX, 10, STATE_NONE},
    {"rtm", 7, 0, REG_EBX, 11, STATE_NONE},
    {"avx512f", 7, 0, REG_EBX, 16, STATE_AVX512},
    {"avx512dq", 7, 0, REG_EBX, 17, STATE_AVX512},
    {"rdseed", 7, 0, REG_EBX, 18, STATE_NONE},
    {"adx", 7, 0, REG_EBX, 19, STATE_NONE},
    {"avx512ifma", 7, 0, REG_EBX, 21, STATE_AVX512},
    {"clflushopt", 7, 0, REG_EBX, 23, STATE_NONE},
    {"clwb", 7, 0, REG_EBX, 24, STATE_NONE},
    {"avx512pf", 7, 0, REG_EBX, 26, STATE_AVX512},
    {"avx512er", 7, 0, REG_EBX, 27, STATE_AVX512},
    {"avx512cd", 7, 0, REG_EBX, 28, STATE_AVX512},
    {"sha", 7, 0, REG_EBX, 29, STATE_NONE},
    {"avx512bw", 7, 0, REG_EBX, 30, STATE_AVX512},
    {"avx512vl", 7, 0, REG_EBX, 31, STATE_AVX512},
    {"prefetchwt1", 7, 0, REG_ECX, 0, STATE_NONE},
    {"avx512vbmi", 7, 0, REG_ECX, 1, STATE_AVX512},
    {"pku", 7, 0, REG_ECX, 3, STATE_NONE},
    {"waitpkg", 7, 0, REG_ECX, 5, STATE_NONE},
    {"avx512vbmi2", 7, 0, REG_ECX, 6, STATE_AVX512},
    {"shstk", 7, 0, REG_ECX, 7, STATE_NONE},
    {"gfni", 7, 0, REG_ECX, 8, STATE_NONE},
    {"vaes", 7, 0, REG_ECX, 9, STATE_AVX},
    {"vpclmulqdq", 7, 0, REG_ECX, 10, STATE_AVX},
    {"avx512vnni", 7, 0, REG_ECX, 11, STATE_AVX512},
    {"avx512bitalg", 7, 0, REG_ECX, 12, STATE_AVX512},
    {"avx512vpopcntdq", 7, 0, REG_ECX, 14, STATE_AVX512},
    {"rdpid", 7, 0, REG_ECX, 22, STATE_NONE},
    {"kl", 7, 0, REG_ECX, 23, STATE_NONE},
    {"cldemote", 7, 0, REG_ECX, 25, STATE_NONE},
    {"movdiri", 7, 0, REG_ECX, 27, STATE_NONE},
    {"movdir64b", 7, 0, REG_ECX, 28, STATE_NONE},
    {"enqcmd", 7, 0, REG_ECX, 29, STATE_NONE},
    {"uintr", 7, 0, REG_EDX, 5, STATE_NONE},
    {"avx512vp2intersect", 7, 0, REG_EDX, 8, STATE_AVX512},
    {"serialize", 7, 0, REG_EDX, 14, STATE_NONE},
    {"tsxldtrk", 7, 0, REG_EDX, 16, STATE_NONE},
    {"amx-bf16", 7, 0, REG_EDX, 22, STATE_AMX},
    {"avx512fp16", 7, 0, REG_EDX, 23, STATE_AVX512},
    {"amx-tile", 7, 0, REG_EDX, 24, STATE_AMX},
    {"amx-int8", 7, 0, REG_EDX, 25, STATE_AMX},
    {"sha512", 7, 1, REG_EAX, 0, STATE_AVX},
    {"sm3", 7, 1, REG_EAX, 1, STATE_AVX},
    {"sm4", 7, 1, REG_EAX, 2, STATE_AVX},
    {"raoint", 7, 1, REG_EAX, 3, STATE_NONE},
    {"avxvnni", 7, 1, REG_EAX, 4, STATE_AVX},
    {"avx512bf16", 7, 1, REG_EAX, 5, STATE_AVX512},
    {"cmpccxadd", 7, 1, REG_EAX, 7, STATE_NONE},
    {"amx-fp16", 7, 1, REG_EAX, 21, STATE_AMX},
    {"hreset", 7, 1, REG_EAX, 22, STATE_NONE},
    {"avxifma", 7, 1, REG_EAX, 23, STATE_AVX},
    {"avxvnniint8", 7, 1, REG_EDX, 4, STATE_AVX},
    {"avxneconvert", 7, 1, REG_EDX, 5, STATE_AVX},
    {"prefetchi", 7, 1, REG_EDX, 14, STATE_NONE},
    {"xsaveopt", 0xd, 1, REG_EAX, 0, STATE_NONE},
    {"xsavec", 0xd, 1, REG_EAX, 1, STATE_NONE},
    {"xsaves", 0xd, 1, REG_EAX, 3, STATE_NONE},
    {"sahf", 0x80000001, 0, REG_ECX, 0, STATE_NONE},
    {"lzcnt", 0x80000001, 0, REG_ECX, 5, STATE_NONE},
    {"sse4a", 0x80000001, 0, REG_ECX, 6, STATE_NONE},
    {"prfchw", 0x80000001, 0, REG_ECX, 8, STATE_NONE},
    {"xop", 0x80000001, 0, REG_ECX, 11, STATE_AVX},
    {"lwp", 0x80000001, 0, REG_ECX, 15, STATE_NONE},
    {"fma4", 0x80000001, 0, REG_ECX, 16, STATE_AVX},
    {"tbm", 0x80000001, 0, REG_ECX, 21, STATE_NONE},
    {"mwaitx", 0x80000001, 0, REG_ECX, 29, STATE_NONE},
    {"64bit", 0x80000001, 0, REG_EDX, 29, STATE_NONE},
    {"clzero", 0x80000008, 0, REG_EBX, 0, STATE_NONE},
    {"wbnoinvd", 0x80000008, 0, REG_EBX, 9, STATE_NONE},
};

/* CPUID results, asked once per leaf: under a hypervisor every CPUID
 * instruction is a VM exit, and a module's feature list asks ~100 times. */
typedef struct cpu_leaf {
    unsigned leaf, subleaf;
    bool valid;
    unsigned regs[4];
} cpu_leaf;

static bool cpu_query(unsigned leaf, unsigned subleaf, unsigned regs[4])
{
    static cpu_leaf known[16];
    static unsigned known_count;
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&lock);
    for (unsigned i = 0; i < known_count; i++) {
        if (known[i].leaf == leaf && known[i].subleaf == subleaf) {
            memcpy(regs, known[i].regs, sizeof known[i].regs);
            pthread_mutex_unlock(&lock);
            return known[i].valid;
        }
    }
    /* __get_cpuid_count refuses leaves beyond the maximum, for both the
     * basic and the extended range. */
    bool valid = __get_cpuid_count(leaf, subleaf, &regs[REG_EAX], &regs[REG_EBX],
                                   &regs[REG_ECX], &regs[REG_EDX]);
    if (known_count < sizeof known / sizeof known[0]) {
        known[known_count] = (cpu_leaf){.leaf = leaf, .subleaf = subleaf, .valid = valid};
        memcpy(known[known_count].regs, regs, sizeof known[known_count].regs);
        known_count++;
    }
    pthread_mutex_unlock(&lock);
    return valid;
}

/* The register state the OS has enabled (XCR0), 0 without OSXSAVE. */
static uint64_t cpu_enabled_state(void)
{
    unsigned regs[4];
    if (!cpu_query(1, 0, regs) || !(regs[REG_ECX] & (1u << 27)))
        return 0;
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

static bool cpu_state_enabled(uint8_t state)
{
    static const uint64_t needed[] = {
        [STATE_NONE] = 0,
        [STATE_AVX] = 0x6,                       /* SSE, AVX */
        [STATE_AVX512] = 0x6 | 0xe0,             /* and opmask, ZMM_Hi256, Hi16_ZMM */
        [STATE_AMX] = 0x6 | (3u << 17),          /* and XTILECFG, XTILEDATA */
    };
    return (cpu_enabled_state() & needed[state]) == needed[state];
}

static bool cpu_has(const cpu_feature *f)
{
    unsigned regs[4];
    if (!cpu_query(f->leaf, f->subleaf, regs))
        return false;
    if (!(regs[f->reg] & (1u << f->bit)))
        return false;
    return cpu_state_enabled(f->state);
}

bool waot_rt_host_has_cpu_feature(const char *name, bool *known)
{
    for (size_t i = 0; i < sizeof cpu_features / sizeof cpu_features[0]; i++) {
        if (!strcmp(cpu_features[i].name, name)) {
            *known = true;
            return cpu_has(&cpu_features[i]);
        }
    }
    *known = false;
    return false;
}

#else

bool waot_rt_host_has_cpu_feature(const char *name, bool *known)
{
    (void)name;
    *known = false;
    return false;
}

#endif

bool waot_rt_cpu_features_supported(const char *features, char *missing, size_t cap)
{
    size_t used = 0;
    if (cap)
        missing[0] = '\0';
    bool ok = true;
    const char *p = features ? features : "";
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char name[64];
        if (len > 1 && len <= sizeof name && p[0] == '+') {
            memcpy(name, p + 1, len - 1);
            name[len - 1] = '\0';
            bool known;
            if (!waot_rt_host_has_cpu_feature(name, &known) && known) {
                ok = false;
                int n = snprintf(missing + used, cap > used ? cap - used : 0, "%s+%s",
                                 used ? "," : "", name);
                if (n > 0 && used + (size_t)n < cap)
                    used += (size_t)n;
            }
        }
        p += len;
        if (*p == ',')
            p++;
    }
    return ok;
}

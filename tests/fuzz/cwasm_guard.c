/*
 * Guarded precompiled modules (cwasm_guard.h): finding the parts of a
 * compiler-written shared object that the dynamic loader interprets,
 * recording them with their SHA-256, and checking a mutated input against
 * that record before anything of it reaches dlopen.
 */
#include "cwasm_guard.h"

#include "sha256.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#define GUARD_R_IRELATIVE R_X86_64_IRELATIVE
#elif defined(__aarch64__)
#define GUARD_R_IRELATIVE R_AARCH64_IRELATIVE
#else
#define GUARD_R_IRELATIVE 0xffffffffu
#endif

enum { GUARD_HEADER = 16, GUARD_DIGEST = 32, GUARD_MAX_RANGES = 1u << 16 };

typedef struct guard_range {
    uint32_t offset, length;
} guard_range;

typedef struct guard_ranges {
    guard_range *items;
    uint32_t count;
    bool failed;
} guard_ranges;

static uint32_t guard_get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void guard_put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void guard_protect(guard_ranges *r, uint64_t offset, uint64_t length)
{
    if (length == 0 || r->failed)
        return;
    if (r->count == GUARD_MAX_RANGES || offset > UINT32_MAX || length > UINT32_MAX) {
        r->failed = true;
        return;
    }
    guard_range *grown = realloc(r->items, (r->count + 1) * sizeof *grown);
    if (!grown) {
        r->failed = true;
        return;
    }
    r->items = grown;
    r->items[r->count++] = (guard_range){(uint32_t)offset, (uint32_t)length};
}

static bool guard_inside(uint64_t offset, uint64_t length, size_t size)
{
    return offset <= size && length <= size - offset;
}

/* Refuses dynamic entries that make the loader run code of the file. */
static bool guard_check_dynamic(const uint8_t *module, const Elf64_Shdr *sh, char *why,
                                size_t why_size)
{
    for (uint64_t at = 0; at + sizeof(Elf64_Dyn) <= sh->sh_size; at += sizeof(Elf64_Dyn)) {
        Elf64_Dyn dyn;
        memcpy(&dyn, module + sh->sh_offset + at, sizeof dyn);
        switch (dyn.d_tag) {
        case DT_INIT:
        case DT_FINI:
        case DT_INIT_ARRAY:
        case DT_FINI_ARRAY:
        case DT_PREINIT_ARRAY:
        case DT_TEXTREL:
        case DT_AUDIT:
        case DT_DEPAUDIT:
            snprintf(why, why_size, "the module has dynamic entry %lld, which runs code or "
                     "patches it", (long long)dyn.d_tag);
            return false;
        default:
            break;
        }
    }
    return true;
}

/* Protects each relocation's place and type, leaving its addend open. */
static bool guard_protect_relocations(guard_ranges *r, const uint8_t *module,
                                      const Elf64_Shdr *sh, char *why, size_t why_size)
{
    for (uint64_t at = 0; at + sizeof(Elf64_Rela) <= sh->sh_size; at += sizeof(Elf64_Rela)) {
        Elf64_Rela rela;
        memcpy(&rela, module + sh->sh_offset + at, sizeof rela);
        if (ELF64_R_TYPE(rela.r_info) == GUARD_R_IRELATIVE) {
            snprintf(why, why_size, "the module has an IRELATIVE relocation, which runs code");
            return false;
        }
        guard_protect(r, sh->sh_offset + at, offsetof(Elf64_Rela, r_addend));
    }
    return true;
}

/* The ranges of `module` the dynamic loader interprets; false with a
 * reason when the module is not a shared object like the compiler's. */
static bool guard_find_ranges(const uint8_t *module, size_t size, guard_ranges *r, char *why,
                              size_t why_size)
{
    Elf64_Ehdr eh;
    if (size < sizeof eh || memcmp(module, ELFMAG, SELFMAG) != 0 ||
        module[EI_CLASS] != ELFCLASS64) {
        snprintf(why, why_size, "not a 64-bit ELF file");
        return false;
    }
    memcpy(&eh, module, sizeof eh);
    if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_shentsize != sizeof(Elf64_Shdr) ||
        !guard_inside(eh.e_phoff, (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr), size) ||
        !guard_inside(eh.e_shoff, (uint64_t)eh.e_shnum * sizeof(Elf64_Shdr), size) ||
        eh.e_shnum == 0) {
        snprintf(why, why_size, "its program or section headers are not in the file");
        return false;
    }
    guard_protect(r, offsetof(Elf64_Ehdr, e_phoff), sizeof eh.e_phoff);
    guard_protect(r, offsetof(Elf64_Ehdr, e_phentsize),
                  sizeof eh.e_phentsize + sizeof eh.e_phnum);
    guard_protect(r, eh.e_phoff, (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr));

    for (uint32_t i = 0; i < eh.e_shnum; i++) {
        Elf64_Shdr sh;
        memcpy(&sh, module + eh.e_shoff + (uint64_t)i * sizeof sh, sizeof sh);
        if (sh.sh_type == SHT_NOBITS || !(sh.sh_flags & SHF_ALLOC))
            continue;
        if (!guard_inside(sh.sh_offset, sh.sh_size, size)) {
            snprintf(why, why_size, "section %u is not in the file", i);
            return false;
        }
        switch (sh.sh_type) {
        case SHT_DYNAMIC:
            if (!guard_check_dynamic(module, &sh, why, why_size))
                return false;
            guard_protect(r, sh.sh_offset, sh.sh_size);
            break;
        case SHT_RELA:
            if (!guard_protect_relocations(r, module, &sh, why, why_size))
                return false;
            break;
        case SHT_REL:
        case SHT_RELR:
            snprintf(why, why_size, "section %u holds relocations without addends", i);
            return false;
        case SHT_INIT_ARRAY:
        case SHT_FINI_ARRAY:
        case SHT_PREINIT_ARRAY:
            snprintf(why, why_size, "the module has initialisers or finalisers");
            return false;
        case SHT_DYNSYM:
        case SHT_STRTAB:
        case SHT_HASH:
        case SHT_GNU_HASH:
        case SHT_GNU_versym:
        case SHT_GNU_verdef:
        case SHT_GNU_verneed:
        case SHT_NOTE:
            guard_protect(r, sh.sh_offset, sh.sh_size);
            break;
        default:
            break;
        }
    }
    if (r->failed) {
        snprintf(why, why_size, "out of memory, or too many ranges");
        return false;
    }
    return true;
}

/* SHA-256 of the range table followed by the bytes of every range. */
static bool guard_digest(const uint8_t *table, uint32_t count, const uint8_t *module,
                         uint8_t digest[GUARD_DIGEST])
{
    size_t total = (size_t)count * 8;
    for (uint32_t i = 0; i < count; i++)
        total += guard_get_u32(table + 8 * i + 4);
    uint8_t *buffer = malloc(total ? total : 1);
    if (!buffer)
        return false;
    memcpy(buffer, table, (size_t)count * 8);
    size_t at = (size_t)count * 8;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t length = guard_get_u32(table + 8 * i + 4);
        memcpy(buffer + at, module + guard_get_u32(table + 8 * i), length);
        at += length;
    }
    aot_sha256(buffer, total, digest);
    free(buffer);
    return true;
}

uint8_t *cwasm_guard_wrap(const uint8_t *module, size_t size, size_t *out_size, char *why,
                          size_t why_size)
{
    guard_ranges r = {0};
    if (size > UINT32_MAX || !guard_find_ranges(module, size, &r, why, why_size)) {
        if (size > UINT32_MAX)
            snprintf(why, why_size, "larger than 4 GiB");
        free(r.items);
        return NULL;
    }
    size_t table_size = (size_t)r.count * 8;
    size_t total = GUARD_HEADER + table_size + GUARD_DIGEST + size;
    uint8_t *out = malloc(total);
    if (!out) {
        free(r.items);
        snprintf(why, why_size, "out of memory");
        return NULL;
    }
    memcpy(out, CWASM_GUARD_MAGIC, 8);
    guard_put_u32(out + 8, UINT32_MAX);
    guard_put_u32(out + 12, r.count);
    for (uint32_t i = 0; i < r.count; i++) {
        guard_put_u32(out + GUARD_HEADER + 8 * i, r.items[i].offset);
        guard_put_u32(out + GUARD_HEADER + 8 * i + 4, r.items[i].length);
    }
    free(r.items);
    uint8_t *module_copy = out + GUARD_HEADER + table_size + GUARD_DIGEST;
    memcpy(module_copy, module, size);
    if (!guard_digest(out + GUARD_HEADER, r.count, module_copy,
                      out + GUARD_HEADER + table_size)) {
        free(out);
        snprintf(why, why_size, "out of memory");
        return NULL;
    }
    *out_size = total;
    return out;
}

/* Compares digests without a comparison the fuzzer's instrumentation
 * could learn the expected bytes from (memcmp is traced, so libFuzzer
 * would soon write the digest of its own mutation into the input). */
#if defined(__clang__)
__attribute__((no_sanitize("coverage")))
#endif
static bool guard_same_digest(const uint8_t *a, const uint8_t *b)
{
    unsigned difference = 0;
    for (int i = 0; i < GUARD_DIGEST; i++)
        difference |= (unsigned)(a[i] ^ b[i]);
    return difference == 0;
}

bool cwasm_guard_open(const uint8_t *input, size_t input_size, const uint8_t **module,
                      size_t *size)
{
    if (input_size < GUARD_HEADER || memcmp(input, CWASM_GUARD_MAGIC, 8) != 0)
        return false;
    uint32_t keep = guard_get_u32(input + 8), count = guard_get_u32(input + 12);
    if (count > GUARD_MAX_RANGES ||
        input_size - GUARD_HEADER < (size_t)count * 8 + GUARD_DIGEST)
        return false;
    const uint8_t *table = input + GUARD_HEADER;
    const uint8_t *expected = table + (size_t)count * 8;
    const uint8_t *body = expected + GUARD_DIGEST;
    size_t body_size = input_size - (size_t)(body - input);
    for (uint32_t i = 0; i < count; i++) {
        if (!guard_inside(guard_get_u32(table + 8 * i), guard_get_u32(table + 8 * i + 4),
                          body_size))
            return false;
    }
    uint8_t digest[GUARD_DIGEST];
    if (!guard_digest(table, count, body, digest) || !guard_same_digest(digest, expected))
        return false;
    *module = body;
    *size = keep < body_size ? keep : body_size;
    return true;
}

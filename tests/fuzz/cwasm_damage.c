/*
 * fuzz.load_cwasm_damage: the loader's refusals of the damage
 * fuzz_load_cwasm found it crashing on, made precisely on a module
 * compiled at test time (damage.wat), so that the test follows the
 * descriptor's layout (waot_abi.h) as it changes:
 *   - a file truncated inside a segment (dlopen faulted applying
 *     relocations to bytes that were not there);
 *   - an export name, a type's value types, a data segment running past
 *     the end of the module, and tables the descriptor points at moved
 *     off their alignment or out of the module (the checks and the
 *     embedding API read through them);
 *   - a version string and function code pointers leading out of the
 *     module.
 * Each must be refused by waot_module_load_memory with WAOT_ERROR_LOAD and
 * the message naming it; the intact module must load.
 *
 * Pointers in the file are relocations (the addend is the pointer's value
 * before the object's base is added), so the damage edits addends, or the
 * counts and lengths stored in the data they point at.
 *
 * Usage: fuzz_load_cwasm_damage DAMAGE.wasm (the back end found through
 * $WAOT_CODEGEN).
 */
#include "waot.h"
#include "waot_compile.h"

#include <elf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int damage_failures;

/* The compiled module and where its parts are. */
typedef struct damage_module {
    uint8_t *bytes;
    size_t size;
    const Elf64_Ehdr *eh;
    uint64_t descriptor;     /* virtual address of the descriptor */
} damage_module;

static const Elf64_Shdr *damage_section(const damage_module *m, uint32_t index)
{
    return (const Elf64_Shdr *)(m->bytes + m->eh->e_shoff + (uint64_t)index * sizeof(Elf64_Shdr));
}

/* The file offset of virtual address `vaddr`, from the program headers. */
static uint64_t damage_offset_of(const damage_module *m, uint64_t vaddr)
{
    for (unsigned i = 0; i < m->eh->e_phnum; i++) {
        const Elf64_Phdr *ph =
            (const Elf64_Phdr *)(m->bytes + m->eh->e_phoff + i * sizeof(Elf64_Phdr));
        if (ph->p_type == PT_LOAD && vaddr >= ph->p_vaddr && vaddr < ph->p_vaddr + ph->p_filesz)
            return ph->p_offset + (vaddr - ph->p_vaddr);
    }
    fprintf(stderr, "address 0x%llx is not in the file\n", (unsigned long long)vaddr);
    exit(2);
}

/* The relocation that stores the pointer at virtual address `place`. */
static Elf64_Rela *damage_relocation_at(const damage_module *m, uint64_t place)
{
    for (uint32_t i = 0; i < m->eh->e_shnum; i++) {
        const Elf64_Shdr *sh = damage_section(m, i);
        if (sh->sh_type != SHT_RELA)
            continue;
        for (uint64_t at = 0; at + sizeof(Elf64_Rela) <= sh->sh_size; at += sizeof(Elf64_Rela)) {
            Elf64_Rela *r = (Elf64_Rela *)(m->bytes + sh->sh_offset + at);
            if (r->r_offset == place)
                return r;
        }
    }
    fprintf(stderr, "no relocation stores the pointer at 0x%llx\n", (unsigned long long)place);
    exit(2);
}

/* The value of the pointer at `place` (the relocation's addend). */
static uint64_t damage_pointer(const damage_module *m, uint64_t place)
{
    return (uint64_t)damage_relocation_at(m, place)->r_addend;
}

/* The bytes at virtual address `vaddr`. */
static uint8_t *damage_at(const damage_module *m, uint64_t vaddr)
{
    return m->bytes + damage_offset_of(m, vaddr);
}

static void damage_find_descriptor(damage_module *m)
{
    m->eh = (const Elf64_Ehdr *)m->bytes;
    for (uint32_t i = 0; i < m->eh->e_shnum; i++) {
        const Elf64_Shdr *sh = damage_section(m, i);
        if (sh->sh_type != SHT_DYNSYM)
            continue;
        const char *names = (const char *)m->bytes + damage_section(m, sh->sh_link)->sh_offset;
        for (uint64_t at = 0; at + sizeof(Elf64_Sym) <= sh->sh_size; at += sizeof(Elf64_Sym)) {
            const Elf64_Sym *sym = (const Elf64_Sym *)(m->bytes + sh->sh_offset + at);
            if (!strcmp(names + sym->st_name, WAOT_ABI_MODULE_SYMBOL)) {
                m->descriptor = sym->st_value;
                return;
            }
        }
    }
    fprintf(stderr, "no %s symbol in the compiled module\n", WAOT_ABI_MODULE_SYMBOL);
    exit(2);
}

/* Loads `bytes` and checks the outcome: success when `expected` is NULL,
 * else a WAOT_ERROR_LOAD whose message contains `expected`. */
static void damage_expect(const char *what, const uint8_t *bytes, size_t size,
                          const char *expected)
{
    waot_module *module = NULL;
    waot_error err;
    waot_status status = waot_module_load_memory(bytes, size, &module, &err);
    bool ok = expected ? status == WAOT_ERROR_LOAD && strstr(err.message, expected)
                       : status == WAOT_OK;
    printf("%-44s %s: %s\n", what, ok ? "ok" : "FAILED",
           status == WAOT_OK ? "loaded" : err.message);
    if (!ok) {
        if (expected)
            printf("  expected a load error with \"%s\"\n", expected);
        damage_failures++;
    }
    waot_module_free(module);
}

/* A fresh copy of the module to damage. */
static damage_module damage_copy(const damage_module *m)
{
    damage_module copy = *m;
    copy.bytes = malloc(m->size);
    if (!copy.bytes)
        exit(2);
    memcpy(copy.bytes, m->bytes, m->size);
    copy.eh = (const Elf64_Ehdr *)copy.bytes;
    return copy;
}

#define FIELD(type, field) ((uint64_t)offsetof(type, field))

static void damage_pointer_add(damage_module *m, uint64_t place, int64_t delta)
{
    damage_relocation_at(m, place)->r_addend += delta;
}

static void damage_truncations(const damage_module *m)
{
    for (unsigned i = 0; i < m->eh->e_phnum; i++) {
        const Elf64_Phdr *ph =
            (const Elf64_Phdr *)(m->bytes + m->eh->e_phoff + i * sizeof(Elf64_Phdr));
        if (ph->p_type != PT_LOAD || ph->p_filesz == 0)
            continue;
        char what[64];
        snprintf(what, sizeof what, "truncated inside segment %u", i);
        damage_expect(what, m->bytes, ph->p_offset + ph->p_filesz - 1, "truncated: segment");
    }
}

static void damage_descriptor(const damage_module *pristine)
{
    const uint64_t d = pristine->descriptor;
    damage_module m;

    /* The export table, then the length of the first export's name. */
    m = damage_copy(pristine);
    uint64_t exports = damage_pointer(&m, d + FIELD(waot_abi_module, exports));
    uint8_t *len = damage_at(&m, exports + FIELD(waot_abi_export, name.len));
    memcpy(len, &(uint32_t){0x7fffffff}, 4);
    damage_expect("export name longer than the module", m.bytes, m.size,
                  "the name of export 0 is outside the module");
    free(m.bytes);

    m = damage_copy(pristine);
    damage_pointer_add(&m, d + FIELD(waot_abi_module, imports), 3);
    damage_expect("import table off its alignment", m.bytes, m.size,
                  "tables of types, imports, functions");
    free(m.bytes);

    m = damage_copy(pristine);
    memcpy(damage_at(&m, d + FIELD(waot_abi_module, type_count)), &(uint32_t){0x10000000}, 4);
    damage_expect("type count past the module", m.bytes, m.size,
                  "tables of types, imports, functions");
    free(m.bytes);

    m = damage_copy(pristine);
    uint64_t types = damage_pointer(&m, d + FIELD(waot_abi_module, types));
    memcpy(damage_at(&m, types + FIELD(waot_abi_functype, param_count)),
           &(uint32_t){0xffffffff}, 4);
    damage_expect("value types past the module", m.bytes, m.size,
                  "type 0 points outside the module");
    free(m.bytes);

    m = damage_copy(pristine);
    uint64_t datas = damage_pointer(&m, d + FIELD(waot_abi_module, datas));
    memcpy(damage_at(&m, datas + FIELD(waot_abi_data, size)), &(uint32_t){0x7fffffff}, 4);
    damage_expect("data segment past the module", m.bytes, m.size,
                  "data segment 0 is outside the module");
    free(m.bytes);

    m = damage_copy(pristine);
    damage_pointer_add(&m, d + FIELD(waot_abi_module, compiler_version), INT64_C(1) << 40);
    damage_expect("version string outside the module", m.bytes, m.size,
                  "strings are outside the module");
    free(m.bytes);

    /* The last function's code pointer moved onto the descriptor: data,
     * not code. */
    m = damage_copy(pristine);
    uint64_t funcs = damage_pointer(&m, d + FIELD(waot_abi_module, funcs));
    uint32_t func_count;
    memcpy(&func_count, damage_at(&m, d + FIELD(waot_abi_module, func_count)), 4);
    uint64_t code_place = funcs + (func_count - 1) * sizeof(waot_abi_func) +
                          FIELD(waot_abi_func, code);
    damage_relocation_at(&m, code_place)->r_addend = (int64_t)d;
    damage_expect("function code in data", m.bytes, m.size, "points outside the module");
    free(m.bytes);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: fuzz_load_cwasm_damage DAMAGE.wasm\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    static uint8_t wasm[1 << 16];
    size_t wasm_size = f ? fread(wasm, 1, sizeof wasm, f) : 0;
    if (!f || wasm_size == 0) {
        fprintf(stderr, "%s: cannot read\n", argv[1]);
        return 2;
    }
    fclose(f);
    waot_compile_options options = waot_compile_default_options();
    options.opt_level = 0;
    damage_module m = {0};
    waot_compile_error cerr;
    if (waot_compile_to_memory(wasm, wasm_size, &options, &m.bytes, &m.size, &cerr) !=
        WAOT_COMPILE_OK) {
        fprintf(stderr, "%s: %s\n", argv[1], cerr.message);
        return 2;
    }
    damage_find_descriptor(&m);
    damage_expect("the module as compiled", m.bytes, m.size, NULL);
    damage_truncations(&m);
    damage_descriptor(&m);
    free(m.bytes);
    if (damage_failures)
        printf("%d damaged modules were not refused as they should be\n", damage_failures);
    return damage_failures ? 1 : 0;
}

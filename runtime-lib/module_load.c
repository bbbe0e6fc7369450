/*
 * waot_module_load: from a precompiled module file to a module record.
 *
 * A precompiled module is an ELF shared object exporting its descriptor as
 * WAOT_ABI_MODULE_SYMBOL.  Before trusting it the loader checks, in order:
 * the ELF header (so a file for another architecture gets a clear message
 * instead of dlopen's), that the segments it maps lie within the file (a
 * truncated one would fault inside dlopen), that dlopen accepts it, that
 * the descriptor symbol is defined by this very object, the descriptor's
 * magic and ABI version, that every array, string and code pointer of the
 * descriptor lies inside the object's segments, the target triple, the CPU
 * features, and the descriptor's structure.
 * Each refusal is one WAOT_ERROR_LOAD line starting with the path.  Then
 * the object's executable segments are registered as wasm code, for the
 * fault handler.
 */
#include "waot.h"

#include "descriptor_check_internal.h"
#include "error_internal.h"
#include "host_target_internal.h"
#include "libm_refs_internal.h"
#include "module_internal.h"
#include "address_ranges_internal.h"

#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__x86_64__)
#define LOAD_HOST_MACHINE EM_X86_64
#elif defined(__aarch64__)
#define LOAD_HOST_MACHINE EM_AARCH64
#else
#define LOAD_HOST_MACHINE EM_RISCV
#endif

static const char *load_machine_name(unsigned machine)
{
    switch (machine) {
    case EM_386: return "i386";
    case EM_ARM: return "arm";
    case EM_X86_64: return "x86_64";
    case EM_AARCH64: return "aarch64";
    case EM_RISCV: return "riscv";
    case EM_PPC64: return "ppc64";
    case EM_S390: return "s390x";
    case EM_MIPS: return "mips";
    default: return "another architecture";
    }
}

/* The ELF header says whether dlopen can take the file at all; checking it
 * first turns "wrong ELF class" and the like into messages about targets.
 * `got`: how many bytes of it the file has. */
static waot_status load_check_header(const char *path, const Elf64_Ehdr *h, ssize_t got,
                                     waot_error *err)
{
    const Elf64_Ehdr header = *h;
    if (got < (ssize_t)EI_NIDENT || memcmp(header.e_ident, ELFMAG, SELFMAG) != 0)
        return waot_rt_fail(err, WAOT_ERROR_LOAD,
                            "%s: not a waot precompiled module (not an ELF file)", path);
    if (header.e_ident[EI_CLASS] != ELFCLASS64)
        return waot_rt_fail(err, WAOT_ERROR_LOAD, "%s: built for a 32-bit target, this host is %s",
                            path, waot_rt_host_arch());
    if (got < (ssize_t)sizeof header)
        return waot_rt_fail(err, WAOT_ERROR_LOAD,
                            "%s: not a waot precompiled module (truncated ELF header)", path);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const unsigned char host_data = ELFDATA2LSB;
#else
    const unsigned char host_data = ELFDATA2MSB;
#endif
    if (header.e_ident[EI_DATA] != host_data)
        return waot_rt_fail(err, WAOT_ERROR_LOAD,
                            "%s: built for a target of the other byte order, this host is %s",
                            path, waot_rt_host_arch());
    if (header.e_machine != LOAD_HOST_MACHINE)
        return waot_rt_fail(err, WAOT_ERROR_LOAD, "%s: built for %s, this host is %s", path,
                            load_machine_name(header.e_machine), waot_rt_host_arch());
    unsigned char osabi = header.e_ident[EI_OSABI];
    if (osabi != ELFOSABI_SYSV && osabi != ELFOSABI_GNU)
        return waot_rt_fail(err, WAOT_ERROR_LOAD,
                            "%s: built for another OS (ELF OS ABI %u), this host is %s", path,
                            osabi, waot_rt_host_os());
    if (header.e_type != ET_DYN)
        return waot_rt_fail(err, WAOT_ERROR_LOAD,
                            "%s: not a waot precompiled module (not a shared object)", path);
    return WAOT_OK;
}

/* The dynamic loader maps segments as the program headers say and trusts
 * the bytes to be there: a truncated file would fault inside dlopen.  So
 * the program headers, and what each segment takes from the file, must lie
 * within it. */
static waot_status load_check_extents(const char *path, int fd, const Elf64_Ehdr *header,
                                      waot_error *err)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return waot_rt_fail(err, WAOT_ERROR_LOAD, "%s: cannot read: %s", path, strerror(errno));
    uint64_t size = (uint64_t)st.st_size;
    if (header->e_phentsize != sizeof(Elf64_Phdr) || header->e_phoff > size ||
        (uint64_t)header->e_phnum * sizeof(Elf64_Phdr) > size - header->e_phoff)
        return waot_rt_fail(err, WAOT_ERROR_LOAD,
                            "%s: truncated or damaged: its program headers are not in the file",
                            path);
    for (unsigned i = 0; i < header->e_phnum; i++) {
        Elf64_Phdr ph;
        if (pread(fd, &ph, sizeof ph, (off_t)(header->e_phoff + i * sizeof ph)) !=
            (ssize_t)sizeof ph)
            return waot_rt_fail(err, WAOT_ERROR_LOAD, "%s: cannot read its program headers",
                                path);
        if (ph.p_type != PT_NULL && (ph.p_offset > size || ph.p_filesz > size - ph.p_offset))
            return waot_rt_fail(err, WAOT_ERROR_LOAD,
                                "%s: truncated: segment %u ends at byte %" PRIu64
                                ", the file has %" PRIu64,
                                path, i, (uint64_t)ph.p_offset + ph.p_filesz, size);
    }
    return WAOT_OK;
}

/* The ELF header, then the extents of the file's segments. */
static waot_status load_check_elf(const char *path, waot_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return waot_rt_fail(err, WAOT_ERROR_LOAD, "%s: cannot open: %s", path, strerror(errno));
    Elf64_Ehdr header;
    ssize_t got = pread(fd, &header, sizeof header, 0);
    waot_status status = load_check_header(path, &header, got, err);
    if (status == WAOT_OK)
        status = load_check_extents(path, fd, &header, err);
    close(fd);
    return status;
}

/* What the dl_iterate_phdr walk looks for: the loaded object's segments. */
typedef struct load_segments {
    const struct link_map *map;
    uintptr_t descriptor;
    bool object_found;
    bool descriptor_inside;
    bool out_of_memory;
    waot_rt_code_range *code;
    uint32_t code_count;
    waot_rt_code_range *mapped;     /* every readable segment */
    uint32_t mapped_count;
} load_segments;

static bool load_segments_add(waot_rt_code_range **ranges, uint32_t *count, uintptr_t start,
                              uintptr_t end)
{
    waot_rt_code_range *grown = realloc(*ranges, (*count + 1) * sizeof *grown);
    if (!grown)
        return false;
    *ranges = grown;
    grown[(*count)++] = (waot_rt_code_range){start, end};
    return true;
}

static int load_segments_visit(struct dl_phdr_info *info, size_t size, void *data)
{
    load_segments *s = data;
    if (info->dlpi_addr != s->map->l_addr || !info->dlpi_name || !s->map->l_name ||
        strcmp(info->dlpi_name, s->map->l_name) != 0)
        return 0;
    s->object_found = true;
    for (ElfW(Half) i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD)
            continue;
        uintptr_t start = info->dlpi_addr + ph->p_vaddr;
        uintptr_t end = start + ph->p_memsz;
        if (s->descriptor >= start && s->descriptor + sizeof(waot_abi_module) <= end)
            s->descriptor_inside = true;
        if (((ph->p_flags & PF_R) &&
             !load_segments_add(&s->mapped, &s->mapped_count, start, end)) ||
            ((ph->p_flags & PF_X) && !load_segments_add(&s->code, &s->code_count, start, end))) {
            s->out_of_memory = true;
            return 1;
        }
    }
    return 1;
}

/* Finds the descriptor and the executable segments of `library`; refuses a
 * descriptor symbol that some other object defines. */
static waot_status load_locate(const char *path, void *library, const waot_abi_module **descriptor,
                               load_segments *segments, waot_error *err)
{
    dlerror();
    void *symbol = dlsym(library, WAOT_ABI_MODULE_SYMBOL);
    if (!symbol)
        return waot_rt_fail(err, WAOT_ERROR_LOAD,
                            "%s: not a waot precompiled module (no %s symbol)", path,
                            WAOT_ABI_MODULE_SYMBOL);
    struct link_map *map = NULL;
    if (dlinfo(library, RTLD_DI_LINKMAP, &map) != 0 || !map)
        return waot_rt_fail(err, WAOT_ERROR_LOAD, "%s: cannot inspect the loaded object: %s",
                            path, dlerror());
    *segments = (load_segments){.map = map, .descriptor = (uintptr_t)symbol};
    dl_iterate_phdr(load_segments_visit, segments);
    if (segments->out_of_memory)
        return waot_rt_fail(err, WAOT_ERROR_NOMEM, "%s: out of memory", path);
    if (!segments->object_found || !segments->descriptor_inside)
        return waot_rt_fail(err, WAOT_ERROR_LOAD,
                            "%s: not a waot precompiled module (%s is not defined by it)", path,
                            WAOT_ABI_MODULE_SYMBOL);
    /* Every type has a trampoline, so only a module without types (and so
     * without functions) may come without code. */
    if (segments->code_count == 0 && ((const waot_abi_module *)symbol)->type_count > 0)
        return waot_rt_fail(err, WAOT_ERROR_LOAD,
                            "%s: not a waot precompiled module (no executable segment)", path);
    *descriptor = symbol;
    return WAOT_OK;
}

/* Refuses a descriptor this runtime, host or CPU cannot run, or that
 * points outside its object (a damaged file). */
static waot_status load_check_descriptor(const char *path, const waot_abi_module *d,
                                         const load_segments *segments, waot_error *err)
{
    waot_error why;
    if (waot_rt_descriptor_check_header(d, &why) != WAOT_OK ||
        waot_rt_descriptor_check_extents(d, segments->mapped, segments->mapped_count,
                                         segments->code, segments->code_count,
                                         &why) != WAOT_OK)
        return waot_rt_fail(err, why.status, "%s: %s", path, why.message);
    if (!waot_rt_target_matches_host(d->target_triple))
        return waot_rt_fail(err, WAOT_ERROR_LOAD, "%s: built for target %s, this host is %s %s",
                            path, d->target_triple ? d->target_triple : "(none)",
                            waot_rt_host_arch(), waot_rt_host_os());
    char missing[160];
    if (!waot_rt_cpu_features_supported(d->cpu_features, missing, sizeof missing))
        return waot_rt_fail(err, WAOT_ERROR_LOAD,
                            "%s: built for CPU features this host lacks: %s (CPU %s)", path,
                            missing, d->cpu_name ? d->cpu_name : "unknown");
    if (waot_rt_descriptor_check_structure(d, &why) != WAOT_OK)
        return waot_rt_fail(err, why.status, "%s: %s", path, why.message);
    return WAOT_OK;
}

waot_status waot_module_load(const char *path, waot_module **out, waot_error *err)
{
    /* Keeps libm_refs.c, and with it libm, in every program that loads
     * modules (see there). */
    __asm__ volatile("" : : "r"(waot_rt_libm_refs));
    waot_status status = load_check_elf(path, err);
    if (status != WAOT_OK)
        return status;
    /* dlopen searches the library path for a name without a slash. */
    char *file = NULL;
    if (!strchr(path, '/') && asprintf(&file, "./%s", path) < 0)
        return waot_rt_fail(err, WAOT_ERROR_NOMEM, "out of memory");
    void *library = dlopen(file ? file : path, RTLD_NOW | RTLD_LOCAL);
    free(file);
    if (!library)
        return waot_rt_fail(err, WAOT_ERROR_LOAD, "%s: not a waot precompiled module (%s)", path,
                            dlerror());

    const waot_abi_module *descriptor = NULL;
    load_segments segments = {0};
    status = load_locate(path, library, &descriptor, &segments, err);
    if (status == WAOT_OK)
        status = load_check_descriptor(path, descriptor, &segments, err);
    free(segments.mapped);
    uint32_t registered = 0;
    while (status == WAOT_OK && registered < segments.code_count) {
        if (waot_rt_range_add(&waot_rt_code_ranges, segments.code[registered].start,
                              segments.code[registered].end))
            registered++;
        else
            status = waot_rt_fail(err, WAOT_ERROR_NOMEM, "%s: out of memory", path);
    }
    if (status != WAOT_OK) {
        for (uint32_t i = 0; i < registered; i++)
            waot_rt_range_remove(&waot_rt_code_ranges, segments.code[i].start,
                                 segments.code[i].end);
        free(segments.code);
        dlclose(library);
        return status;
    }
    return waot_rt_module_new(descriptor, library, segments.code, segments.code_count, out, err);
}

/*
 * The compiled-module cache (cache.h): resolving and creating its
 * directory, computing an entry's key, checking an entry before anything of
 * it is loaded or run, compiling and storing an entry atomically, and the
 * one path by which `waot run` turns a .wasm file into a loaded module,
 * with or without the cache.
 *
 * The key is the SHA-256 of a short text naming everything the compiled
 * code depends on: the key format, waot's version, the LLVM version and the
 * build ID of the back end, the ABI version, the host's target triple, CPU
 * name and CPU features (as the back end reports them: exactly what a
 * compile with no target options records), the optimisation level and the
 * SHA-256 of the module's bytes.  A hit is checked three times before it is
 * run: the trailer (its key, the length and checksum of the contents), then
 * waot_module_load (ELF header, ABI, target, CPU), then the descriptor
 * against what a compile now would record (source hash, compiler version,
 * triple, CPU, features).  Entries are written under a temporary name and
 * renamed into place, so concurrent runs each see either no entry or a
 * complete one; the last rename wins and every one of them is valid.
 */
#include "cache.h"

#include "cli.h"
#include "sha256.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef WAOT_VERSION
#error "WAOT_VERSION must be defined by the build (cli/CMakeLists.txt)"
#endif

/* Bumped when the key text or the entry format changes. */
#define CACHE_KEY_FORMAT 2

/* Everything a key is made of, and the key. */
typedef struct cache_key {
    uint8_t wasm_sha256[32];
    uint8_t key[32];
    char hex[65];
    char compiler_version[160]; /* what the descriptor records: "waot V (LLVM X.Y.Z)" */
    char triple[256];
    char cpu[256];
    char features[8192];
    char backend_id[160];
    char llvm_version[32];
} cache_key;

void cli_cache_hex(const uint8_t *bytes, size_t size, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < size; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * size] = '\0';
}

/* ---- the directory ---- */

bool cli_cache_dir(const char *explicit_dir, char *out, size_t out_size, char *why,
                   size_t why_size)
{
    int n;
    const char *xdg = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    if (explicit_dir) {
        n = snprintf(out, out_size, "%s", explicit_dir);
    } else if (xdg && xdg[0] == '/') { /* the XDG spec: ignore a relative path */
        n = snprintf(out, out_size, "%s/waot", xdg);
    } else {
        if (!home || !*home) {
            struct passwd *pw = getpwuid(getuid());
            home = pw && pw->pw_dir && *pw->pw_dir ? pw->pw_dir : NULL;
        }
        if (!home) {
            snprintf(why, why_size, "no home directory (set HOME or XDG_CACHE_HOME)");
            return false;
        }
        n = snprintf(out, out_size, "%s/.cache/waot", home);
    }
    if (n <= 0 || (size_t)n >= out_size - 80) { /* room for "/KEY.tmp.PID.RANDOM..." */
        snprintf(why, why_size, "the directory name is %s", n <= 0 ? "empty" : "too long");
        return false;
    }
    return true;
}

/* Creates `dir` and its missing parents with mode 0700, then refuses a
 * directory another user could write into: what is in it gets run. */
static bool cache_prepare_dir(const char *dir, char *why, size_t why_size)
{
    char path[CLI_CACHE_PATH_SIZE];
    snprintf(path, sizeof path, "%s", dir);
    for (char *p = path + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char saved = *p;
        *p = '\0';
        if (mkdir(path, 0700) != 0 && errno != EEXIST) {
            snprintf(why, why_size, "cannot create %.200s: %s", path, strerror(errno));
            return false;
        }
        *p = saved;
        if (saved == '\0')
            break;
    }
    struct stat st;
    if (stat(dir, &st) != 0) {
        snprintf(why, why_size, "%s", strerror(errno));
        return false;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(why, why_size, "not a directory");
        return false;
    }
    if (st.st_uid != geteuid()) {
        snprintf(why, why_size, "owned by another user");
        return false;
    }
    if (st.st_mode & (S_IWGRP | S_IWOTH)) {
        snprintf(why, why_size, "writable by other users (mode %03o)", (unsigned)st.st_mode & 0777);
        return false;
    }
    return true;
}

static void cache_warn_dir(const char *dir, const char *why)
{
    fputs("waot: warning: cannot use the cache directory ", stderr);
    cli_write_one_line(stderr, dir);
    fputs(" (", stderr);
    cli_write_one_line(stderr, why);
    fputs("); compiling without it\n", stderr);
}

/* ---- the key ---- */

/* The hex of the GNU build ID in the notes at `notes`, when there is one. */
static bool cache_note_build_id(const uint8_t *notes, size_t size, size_t align, char *out,
                                size_t out_size)
{
    size_t at = 0;
    while (size - at >= sizeof(Elf64_Nhdr)) {
        Elf64_Nhdr note;
        memcpy(&note, notes + at, sizeof note);
        size_t name_at = at + sizeof note;
        size_t desc_at = name_at + ((note.n_namesz + align - 1) & ~(align - 1));
        size_t next = desc_at + ((note.n_descsz + align - 1) & ~(align - 1));
        if (desc_at > size || next > size || next <= at)
            return false;
        if (note.n_type == NT_GNU_BUILD_ID && note.n_namesz == 4 &&
            memcmp(notes + name_at, "GNU", 4) == 0 && note.n_descsz > 0 &&
            2 * (size_t)note.n_descsz < out_size) {
            cli_cache_hex(notes + desc_at, note.n_descsz, out);
            return true;
        }
        at = next;
    }
    return false;
}

/* The build ID of the loaded object whose ELF header is mapped at `base`
 * (what dladdr calls dli_fbase: the start of its first segment). */
static bool cache_build_id(const void *base, char *out, size_t out_size)
{
    Elf64_Ehdr header;
    memcpy(&header, base, sizeof header);
    if (memcmp(header.e_ident, ELFMAG, SELFMAG) != 0 || header.e_ident[EI_CLASS] != ELFCLASS64 ||
        header.e_phentsize != sizeof(Elf64_Phdr))
        return false;
    const uint8_t *phdrs = (const uint8_t *)base + header.e_phoff;
    uintptr_t first_vaddr = UINTPTR_MAX;
    for (unsigned i = 0; i < header.e_phnum; i++) {
        Elf64_Phdr ph;
        memcpy(&ph, phdrs + i * sizeof ph, sizeof ph);
        if (ph.p_type == PT_LOAD && ph.p_vaddr < first_vaddr)
            first_vaddr = ph.p_vaddr & ~(uintptr_t)(ph.p_align ? ph.p_align - 1 : 0);
    }
    if (first_vaddr == UINTPTR_MAX)
        return false;
    uintptr_t load_bias = (uintptr_t)base - first_vaddr;
    for (unsigned i = 0; i < header.e_phnum; i++) {
        Elf64_Phdr ph;
        memcpy(&ph, phdrs + i * sizeof ph, sizeof ph);
        if (ph.p_type == PT_NOTE &&
            cache_note_build_id((const uint8_t *)(load_bias + ph.p_vaddr), ph.p_memsz,
                                ph.p_align == 8 ? 8 : 4, out, out_size))
            return true;
    }
    return false;
}

/* What identifies the back end's build: its GNU build ID, or failing that
 * its file's size and modification time, so that a rebuilt back end with
 * the same version number never reuses entries of the old one. */
static void cache_backend_id(const aot_codegen_api *codegen, char *out, size_t out_size)
{
    void *address;
    memcpy(&address, &codegen->compile, sizeof address);
    Dl_info info;
    char hex[130];
    struct stat st;
    if (!dladdr(address, &info) || !info.dli_fbase)
        snprintf(out, out_size, "unknown");
    else if (cache_build_id(info.dli_fbase, hex, sizeof hex))
        snprintf(out, out_size, "build-id %s", hex);
    else if (info.dli_fname && stat(info.dli_fname, &st) == 0)
        snprintf(out, out_size, "file %jd %jd.%09ld", (intmax_t)st.st_size,
                 (intmax_t)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    else
        snprintf(out, out_size, "unknown");
}

/* The back end, loaded on first need: a cache hit never loads LLVM. */
static const aot_codegen_api *cache_codegen(const char *wasm_path)
{
    const aot_codegen_api *codegen;
    aot_error err;
    aot_error_clear(&err);
    if (aot_codegen_load(&codegen, &err))
        return codegen;
    cli_report_error(wasm_path, &err);
    return NULL;
}

/* What identifies this machine's CPU for the host memo: the raw CPUID
 * words that name it and its features (or /proc/cpuinfo elsewhere), so a
 * cache directory shared between machines never mixes their descriptions. */
static void cache_cpu_signature(char *out, size_t size)
{
#if defined(__x86_64__) || defined(__i386__)
    unsigned a0 = 0, b0 = 0, c0 = 0, d0 = 0, a1 = 0, b1 = 0, c1 = 0, d1 = 0;
    unsigned a7 = 0, b7 = 0, c7 = 0, d7 = 0;
    __get_cpuid(0, &a0, &b0, &c0, &d0);
    __get_cpuid(1, &a1, &b1, &c1, &d1);
    if (a0 >= 7)
        __get_cpuid_count(7, 0, &a7, &b7, &c7, &d7);
    snprintf(out, size, "cpuid %x %x %x %x %x %x %x %x %x %x %x", b0, c0, d0, a1, c1, d1, a7, b7,
             c7, d7, a0);
#else
    uint8_t digest[32] = {0};
    FILE *f = fopen("/proc/cpuinfo", "r");
    char *text = NULL;
    size_t len = 0;
    if (f) {
        FILE *mem = open_memstream(&text, &len);
        int c;
        while (mem && (c = fgetc(f)) != EOF)
            fputc(c, mem);
        if (mem)
            fclose(mem);
        fclose(f);
    }
    aot_sha256(text ? text : "", len, digest);
    free(text);
    cli_cache_hex(digest, 16, out);
#endif
}

/* The host memo's path: one per back-end file (path, size, time, inode)
 * and CPU.  False when the back end cannot be found. */
static bool cache_host_memo_path(const char *dir, char *out, size_t size)
{
    char backend[4096], cpu[256];
    struct stat st;
    if (!aot_codegen_locate(backend, sizeof backend) || stat(backend, &st) != 0)
        return false;
    cache_cpu_signature(cpu, sizeof cpu);
    char *text = NULL;
    int n = asprintf(&text, "waot host memo %d\nbackend %s %jd %jd.%09ld %ju\ncpu %s\n",
                     CACHE_KEY_FORMAT, backend, (intmax_t)st.st_size, (intmax_t)st.st_mtim.tv_sec,
                     st.st_mtim.tv_nsec, (uintmax_t)st.st_ino, cpu);
    if (n < 0)
        return false;
    uint8_t digest[32];
    aot_sha256(text, (size_t)n, digest);
    free(text);
    char hex[33];
    cli_cache_hex(digest, 16, hex);
    n = snprintf(out, size, "%s/host-%s.memo", dir, hex);
    return n > 0 && (size_t)n < size;
}

/* Reads one "NAME VALUE" line of a memo into `value`. */
static bool cache_memo_field(FILE *f, const char *name, char *value, size_t size)
{
    char line[8448];
    if (!fgets(line, sizeof line, f))
        return false;
    size_t len = strlen(line), name_len = strlen(name);
    if (len == 0 || line[len - 1] != '\n' || strncmp(line, name, name_len) != 0 ||
        line[name_len] != ' ' || len - name_len - 2 >= size)
        return false;
    line[len - 1] = '\0';
    memcpy(value, line + name_len + 1, len - name_len - 1);
    return true;
}

static bool cache_read_host_memo(const char *path, cache_key *k)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    bool ok = cache_memo_field(f, "compiler-version", k->compiler_version,
                               sizeof k->compiler_version) &&
              cache_memo_field(f, "llvm-version", k->llvm_version, sizeof k->llvm_version) &&
              cache_memo_field(f, "backend", k->backend_id, sizeof k->backend_id) &&
              cache_memo_field(f, "target-triple", k->triple, sizeof k->triple) &&
              cache_memo_field(f, "cpu", k->cpu, sizeof k->cpu) &&
              cache_memo_field(f, "cpu-features", k->features, sizeof k->features);
    fclose(f);
    return ok;
}

/* Written under a temporary name and renamed, like entries. */
static void cache_write_host_memo(const char *path, const cache_key *k)
{
    char tmp[CLI_CACHE_PATH_SIZE + 32];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f)
        return;
    fprintf(f, "compiler-version %s\nllvm-version %s\nbackend %s\ntarget-triple %s\ncpu %s\n"
               "cpu-features %s\n", k->compiler_version, k->llvm_version, k->backend_id,
            k->triple, k->cpu, k->features);
    if (fclose(f) != 0 || rename(tmp, path) != 0)
        unlink(tmp);
}

/* The host's description as the back end gives it: loads LLVM. */
static bool cache_describe_host(const char *wasm_path, cache_key *k, char *why, size_t why_size)
{
    const aot_codegen_api *codegen = cache_codegen(wasm_path);
    if (!codegen) {
        snprintf(why, why_size, "the back end cannot be loaded");
        return false;
    }
    if (!codegen->host_target(k->triple, sizeof k->triple, k->cpu, sizeof k->cpu, k->features,
                              sizeof k->features)) {
        snprintf(why, why_size, "the host's target description is too long");
        return false;
    }
    snprintf(k->llvm_version, sizeof k->llvm_version, "%s", codegen->llvm_version());
    snprintf(k->compiler_version, sizeof k->compiler_version, "waot %s (LLVM %s)", WAOT_VERSION,
             k->llvm_version);
    cache_backend_id(codegen, k->backend_id, sizeof k->backend_id);
    return true;
}

/* The key.  The host's part comes from the host memo when there is one,
 * so that a hit costs no LLVM load (about 10 ms); the back end fills the
 * memo the first time. */
static bool cache_compute_key(const char *dir, const char *wasm_path, const uint8_t *wasm,
                              size_t size, const cli_cache_request *r, cache_key *k, char *why,
                              size_t why_size)
{
    aot_sha256(wasm, size, k->wasm_sha256);
    char memo[CLI_CACHE_PATH_SIZE];
    bool has_memo_path = cache_host_memo_path(dir, memo, sizeof memo);
    if (!has_memo_path || !cache_read_host_memo(memo, k)) {
        if (!cache_describe_host(wasm_path, k, why, why_size))
            return false;
        if (has_memo_path)
            cache_write_host_memo(memo, k);
    }
    char wasm_hex[65];
    cli_cache_hex(k->wasm_sha256, 32, wasm_hex);
    char *text = NULL;
    int n = asprintf(&text,
                     "waot compiled-module cache key %d\n"
                     "waot-version %s\n"
                     "llvm-version %s\n"
                     "backend %s\n"
                     "abi-version %u\n"
                     "target-triple %s\n"
                     "cpu %s\n"
                     "cpu-features %s\n"
                     "opt-level %u\n"
                     "interruptible %d\n"
                     "wasm-sha256 %s\n",
                     CACHE_KEY_FORMAT, WAOT_VERSION, k->llvm_version, k->backend_id,
                     WAOT_ABI_VERSION, k->triple, k->cpu, k->features, r->opt_level,
                     r->interruptible, wasm_hex);
    if (n < 0) {
        snprintf(why, why_size, "out of memory");
        return false;
    }
    aot_sha256(text, (size_t)n, k->key);
    free(text);
    cli_cache_hex(k->key, 32, k->hex);
    return true;
}

/* ---- entry files ---- */

static bool cache_is_hex_key(const char *s)
{
    for (int i = 0; i < 64; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    }
    return true;
}

bool cli_cache_is_entry_name(const char *name)
{
    return strlen(name) == 64 + 6 && cache_is_hex_key(name) && strcmp(name + 64, ".cwasm") == 0;
}

bool cli_cache_is_memo_name(const char *name)
{
    /* host-<32 hex>.memo */
    size_t len = strlen(name);
    if (len != 5 + 32 + 5 || strncmp(name, "host-", 5) != 0 || strcmp(name + 37, ".memo") != 0)
        return false;
    for (size_t i = 5; i < 37; i++)
        if (!strchr("0123456789abcdef", name[i]))
            return false;
    return true;
}

bool cli_cache_is_temporary_name(const char *name)
{
    return strlen(name) > 64 + 5 && cache_is_hex_key(name) && strncmp(name + 64, ".tmp.", 5) == 0;
}

static bool cache_read_all(int fd, uint8_t *buffer, size_t size, off_t offset)
{
    size_t done = 0;
    while (done < size) {
        ssize_t got = pread(fd, buffer + done, size - done, offset + (off_t)done);
        if (got < 0 && errno == EINTR)
            continue;
        if (got == 0)
            errno = 0; /* the file ended early: callers say "short read" */
        if (got <= 0)
            return false;
        done += (size_t)got;
    }
    return true;
}

static uint64_t cache_rotl(uint64_t x, unsigned n)
{
    return x << n | x >> (64 - n);
}

static uint64_t cache_mix(uint64_t x)
{
    x ^= x >> 33;
    x *= UINT64_C(0xc2b2ae3d27d4eb4f);
    x ^= x >> 29;
    x *= UINT64_C(0x9e3779b185ebca87);
    return x ^ x >> 32;
}

/* The trailer's checksum: four 64-bit multiply-rotate lanes over the bytes,
 * about ten times faster than SHA-256.  It guards against corruption
 * (torn writes, bad disks, stray edits), not against someone who can write
 * the cache directory, which is the user's own; and it is computed on every
 * hit, so its speed is start-up time. */
static void cache_checksum(const uint8_t *p, size_t n, uint8_t out[32])
{
    const uint64_t a = UINT64_C(0x9e3779b185ebca87), b = UINT64_C(0xc2b2ae3d27d4eb4f);
    uint64_t lanes[4] = {a + n, b, n, ~a};
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        for (int k = 0; k < 4; k++) {
            uint64_t word;
            memcpy(&word, p + i + 8 * k, 8);
            lanes[k] = cache_rotl(lanes[k] + word * b, 31) * a;
        }
    }
    for (; i < n; i++)
        lanes[i & 3] = cache_rotl(lanes[i & 3] ^ (p[i] * a), 11) * b;
    for (int k = 0; k < 4; k++) {
        uint64_t v = cache_mix(lanes[k] ^ cache_rotl(lanes[(k + 1) & 3], 17));
        for (int byte = 0; byte < 8; byte++)
            out[8 * k + byte] = (uint8_t)(v >> (8 * byte));
    }
}

/* The checksum of the first `size` bytes of `fd`, computed where the page
 * cache has them: mapping costs no copy. */
static bool cache_hash_contents(int fd, size_t size, uint8_t digest[32])
{
    if (size == 0) {
        cache_checksum((const uint8_t *)"", 0, digest);
        return true;
    }
    void *contents = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (contents == MAP_FAILED)
        return false;
    cache_checksum(contents, size, digest);
    munmap(contents, size);
    return true;
}

static void cache_put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t cache_get_u64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 8; i-- > 0;)
        v = v << 8 | p[i];
    return v;
}

static bool cache_parse_hex_key(const char *hex, uint8_t key[32])
{
    if (strlen(hex) != 64 || !cache_is_hex_key(hex))
        return false;
    for (int i = 0; i < 32; i++) {
        unsigned hi = (unsigned)(hex[2 * i] <= '9' ? hex[2 * i] - '0' : hex[2 * i] - 'a' + 10);
        unsigned lo =
            (unsigned)(hex[2 * i + 1] <= '9' ? hex[2 * i + 1] - '0' : hex[2 * i + 1] - 'a' + 10);
        key[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

bool cli_cache_check_entry_file(const char *path, const char *key_hex, char *why,
                                size_t why_size)
{
    uint8_t key[32];
    if (!cache_parse_hex_key(key_hex, key)) {
        snprintf(why, why_size, "not named after a key");
        return false;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        snprintf(why, why_size, "cannot open: %s", strerror(errno));
        return false;
    }
    bool ok = false;
    struct stat st;
    uint8_t trailer[CLI_CACHE_TRAILER_SIZE];
    if (fstat(fd, &st) != 0) {
        snprintf(why, why_size, "cannot read: %s", strerror(errno));
    } else if (!S_ISREG(st.st_mode)) {
        snprintf(why, why_size, "not a regular file");
    } else if (st.st_size < CLI_CACHE_TRAILER_SIZE + 64) {
        snprintf(why, why_size, "too short: %jd bytes", (intmax_t)st.st_size);
    } else if (!cache_read_all(fd, trailer, sizeof trailer, st.st_size - CLI_CACHE_TRAILER_SIZE)) {
        snprintf(why, why_size, "cannot read: %s", errno ? strerror(errno) : "short read");
    } else if (memcmp(trailer + 80, CLI_CACHE_TRAILER_MAGIC, 16) != 0) {
        snprintf(why, why_size, "no cache trailer: truncated, or not written by the cache");
    } else if (memcmp(trailer, key, 32) != 0) {
        snprintf(why, why_size, "its trailer names another key");
    } else if (cache_get_u64(trailer + 72) != 0 ||
               cache_get_u64(trailer + 64) != (uint64_t)st.st_size - CLI_CACHE_TRAILER_SIZE) {
        snprintf(why, why_size, "its trailer does not match its size");
    } else {
        uint8_t digest[32];
        if (!cache_hash_contents(fd, (size_t)st.st_size - CLI_CACHE_TRAILER_SIZE, digest))
            snprintf(why, why_size, "cannot read: %s", errno ? strerror(errno) : "short read");
        else if (memcmp(digest, trailer + 32, 32) != 0)
            snprintf(why, why_size, "its contents do not match their hash");
        else
            ok = true;
    }
    close(fd);
    return ok;
}

bool cli_check_elf_extents(const char *path, char *why, size_t why_size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return true; /* the loader reports it */
    struct stat st;
    Elf64_Ehdr header;
    bool ok = true;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
        !cache_read_all(fd, (uint8_t *)&header, sizeof header, 0) ||
        memcmp(header.e_ident, ELFMAG, SELFMAG) != 0 || header.e_ident[EI_CLASS] != ELFCLASS64) {
        close(fd);
        return true;
    }
    uint64_t size = (uint64_t)st.st_size;
    uint64_t table = (uint64_t)header.e_phnum * sizeof(Elf64_Phdr);
    if (header.e_phentsize != sizeof(Elf64_Phdr) || header.e_phoff > size ||
        table > size - header.e_phoff) {
        snprintf(why, why_size, "truncated or damaged: its program headers are not in the file");
        ok = false;
    }
    for (unsigned i = 0; ok && i < header.e_phnum; i++) {
        Elf64_Phdr ph;
        if (!cache_read_all(fd, (uint8_t *)&ph, sizeof ph, (off_t)(header.e_phoff + i * sizeof ph))) {
            snprintf(why, why_size, "cannot read its program headers");
            ok = false;
        } else if (ph.p_type != PT_NULL && (ph.p_offset > size || ph.p_filesz > size - ph.p_offset)) {
            snprintf(why, why_size,
                     "truncated: segment %u ends at byte %" PRIu64 ", the file has %" PRIu64, i,
                     (uint64_t)ph.p_offset + ph.p_filesz, size);
            ok = false;
        }
    }
    if (ok && header.e_shoff &&
        (header.e_shoff > size ||
         (uint64_t)header.e_shnum * header.e_shentsize > size - header.e_shoff)) {
        snprintf(why, why_size, "truncated: its section headers are not in the file");
        ok = false;
    }
    close(fd);
    return ok;
}

/* Appends the trailer to a freshly compiled module at `path`. */
static bool cache_append_trailer(const char *path, const cache_key *k, char *why, size_t why_size)
{
    int fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        snprintf(why, why_size, "cannot open %.200s: %s", path, strerror(errno));
        return false;
    }
    struct stat st;
    uint8_t trailer[CLI_CACHE_TRAILER_SIZE] = {0};
    bool ok = fstat(fd, &st) == 0 &&
              cache_hash_contents(fd, (size_t)st.st_size, trailer + 32);
    if (ok) {
        memcpy(trailer, k->key, 32);
        cache_put_u64(trailer + 64, (uint64_t)st.st_size);
        memcpy(trailer + 80, CLI_CACHE_TRAILER_MAGIC, 16);
        ssize_t put = pwrite(fd, trailer, sizeof trailer, st.st_size);
        ok = put == (ssize_t)sizeof trailer;
        if (put >= 0 && !ok)
            errno = ENOSPC;
    }
    if (!ok)
        snprintf(why, why_size, "cannot write %.200s: %s", path, strerror(errno));
    if (close(fd) != 0 && ok) {
        snprintf(why, why_size, "cannot write %.200s: %s", path, strerror(errno));
        ok = false;
    }
    return ok;
}

/* ---- checking a loaded entry ---- */

static bool cache_same(const char *recorded, const char *expected)
{
    return recorded && strcmp(recorded, expected) == 0;
}

/* Whether the descriptor says what a compile of this module now would. */
static bool cache_check_descriptor(const waot_abi_module *d, const cache_key *k, char *why,
                                   size_t why_size)
{
    if (memcmp(d->wasm_sha256, k->wasm_sha256, 32) != 0) {
        char hex[65];
        cli_cache_hex(d->wasm_sha256, 32, hex);
        snprintf(why, why_size, "built from another module, SHA-256 %.16s...", hex);
    } else if (!cache_same(d->compiler_version, k->compiler_version)) {
        snprintf(why, why_size, "built by %.100s", d->compiler_version ? d->compiler_version : "?");
    } else if (!cache_same(d->target_triple, k->triple)) {
        snprintf(why, why_size, "built for target %.100s",
                 d->target_triple ? d->target_triple : "?");
    } else if (!cache_same(d->cpu_name, k->cpu)) {
        snprintf(why, why_size, "built for CPU %.100s", d->cpu_name ? d->cpu_name : "?");
    } else if (!cache_same(d->cpu_features, k->features)) {
        snprintf(why, why_size, "built for other CPU features");
    } else {
        return true;
    }
    return false;
}

/* The runtime's messages start with the path; the warning names the key. */
static const char *cache_strip_path(const char *message, const char *path)
{
    size_t n = strlen(path);
    if (strncmp(message, path, n) == 0 && message[n] == ':' && message[n + 1] == ' ')
        return message + n + 2;
    return message;
}

static void cache_warn_entry(const cache_key *k, const char *why)
{
    fprintf(stderr, "waot: warning: cache entry %s is unusable (", k->hex);
    cli_write_one_line(stderr, why);
    fputs("); recompiling\n", stderr);
}

/* Looks the entry up.  True with *out set on a hit; false on a miss, after
 * warning about and removing an entry that is there but unusable. */
static bool cache_lookup(const char *entry_path, const cache_key *k, waot_module **out)
{
    char why[320];
    struct stat st;
    if (lstat(entry_path, &st) != 0 && errno == ENOENT)
        return false;
    bool usable = cli_cache_check_entry_file(entry_path, k->hex, why, sizeof why);
    if (usable) {
        waot_error err;
        waot_module *module = NULL;
        if (waot_module_load(entry_path, &module, &err) != WAOT_OK) {
            snprintf(why, sizeof why, "%s", cache_strip_path(err.message, entry_path));
            usable = false;
        } else if (!cache_check_descriptor(waot_module_descriptor(module), k, why, sizeof why)) {
            waot_module_free(module);
            usable = false;
        } else {
            *out = module;
            return true;
        }
    }
    cache_warn_entry(k, why);
    unlink(entry_path);
    return false;
}

/* ---- compiling ---- */

static double cache_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Decodes, validates and compiles the module for this host into
 * `output_path`; reports a failure in the one-line form. */
static bool cache_compile(const cli_cache_request *r, const uint8_t *bytes, size_t size,
                          const char *output_path)
{
    const aot_codegen_api *codegen = cache_codegen(r->wasm_path);
    if (!codegen)
        return false;
    aot_error err;
    aot_error_clear(&err);
    aot_module *module = NULL;
    if (!aot_load(bytes, size, &module, &err)) {
        if (err.kind == AOT_OK)
            aot_fail(&err, AOT_ERR_MALFORMED, 0, "module could not be loaded");
        cli_report_error(r->wasm_path, &err);
        return false;
    }
    aot_compile_options options = {.opt_level = r->opt_level, .jobs = r->jobs,
                                   .interruptible = r->interruptible,
                                   .emit = AOT_EMIT_CWASM,
                                   .waot_version = WAOT_VERSION, .wasm = bytes,
                                   .wasm_size = size};
    aot_compile_timings timings;
    bool ok = codegen->compile(module, &options, output_path, &timings, &err);
    if (!ok) {
        if (err.kind == AOT_OK)
            aot_fail(&err, AOT_ERR_IO, 0, "compiling failed");
        cli_report_error(r->wasm_path, &err);
        unlink(output_path);
    }
    aot_module_free(module);
    return ok;
}

static uint64_t cache_random(void)
{
    uint64_t r = 0;
    if (getrandom(&r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        r = (uint64_t)ts.tv_nsec * UINT64_C(0x9e3779b97f4a7c15) ^ (uint64_t)ts.tv_sec ^
            (uint64_t)(uintptr_t)&ts;
    }
    return r;
}

static bool cache_load_report(const cli_cache_request *r, const char *path, waot_module **out)
{
    waot_error err;
    if (waot_module_load(path, out, &err) == WAOT_OK)
        return true;
    cli_write_one_line(stderr, r->wasm_path);
    fputs(": error: ", stderr);
    cli_write_one_line(stderr, err.message);
    fputc('\n', stderr);
    return false;
}

/* --no-cache, or a cache that cannot be used: compile to a temporary file,
 * load it and remove it (the mapping outlives the file). */
static bool cache_compile_uncached(const cli_cache_request *r, const uint8_t *bytes, size_t size,
                                   waot_module **out)
{
    const char *tmp = getenv("TMPDIR");
    char path[CLI_CACHE_PATH_SIZE];
    snprintf(path, sizeof path, "%s/waot-run-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0) {
        fprintf(stderr, "waot: error: cannot create a temporary file in %s: %s\n",
                tmp && *tmp ? tmp : "/tmp", strerror(errno));
        return false;
    }
    close(fd);
    bool ok = cache_compile(r, bytes, size, path) && cache_load_report(r, path, out);
    unlink(path);
    return ok;
}

/* A miss: compile into a temporary name in the directory, finish it with
 * its trailer, load and check it, and rename it into place. */
static bool cache_compile_and_store(const cli_cache_request *r, const uint8_t *bytes, size_t size,
                                    const char *dir,
                                    const char *entry_path, const cache_key *k, waot_module **out)
{
    char tmp_path[CLI_CACHE_PATH_SIZE];
    int n = snprintf(tmp_path, sizeof tmp_path, "%s/%s.tmp.%ld.%016" PRIx64, dir, k->hex,
                     (long)getpid(), cache_random());
    if (n < 0 || (size_t)n >= sizeof tmp_path)
        return cache_compile_uncached(r, bytes, size, out);
    double start = cache_now();
    if (!cache_compile(r, bytes, size, tmp_path))
        return false;
    char why[320];
    bool store = cache_append_trailer(tmp_path, k, why, sizeof why);
    if (!store) {
        fputs("waot: warning: cannot store in the cache (", stderr);
        cli_write_one_line(stderr, why);
        fputs(")\n", stderr);
    }
    if (!cache_load_report(r, tmp_path, out)) {
        unlink(tmp_path);
        return false;
    }
    if (store && !cache_check_descriptor(waot_module_descriptor(*out), k, why, sizeof why)) {
        /* A compile that does not record what the key says would miss on
         * every run; run it, but do not store it. */
        fprintf(stderr, "waot: warning: the compiled module does not match its cache key (");
        cli_write_one_line(stderr, why);
        fputs("); not stored\n", stderr);
        store = false;
    }
    if (store && rename(tmp_path, entry_path) != 0) {
        fputs("waot: warning: cannot store in the cache (", stderr);
        cli_write_one_line(stderr, entry_path);
        fprintf(stderr, ": %s)\n", strerror(errno));
        store = false;
    }
    if (!store)
        unlink(tmp_path);
    if (r->verbose)
        fprintf(stderr, "waot: cache miss: %s compiled in %.1f ms%s\n", k->hex,
                (cache_now() - start) * 1e3, store ? " and stored" : "");
    return true;
}

/* The module's bytes: mapped when it is a regular file (a hit only hashes
 * them, and copying a large module costs as much as hashing it), read
 * otherwise.  *mapped says which, for cache_release_module. */
static bool cache_read_module(const char *path, uint8_t **bytes, size_t *size, bool *mapped,
                              aot_error *err)
{
    *mapped = false;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
        void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        close(fd);
        if (map != MAP_FAILED) {
            *bytes = map;
            *size = (size_t)st.st_size;
            *mapped = true;
            return true;
        }
    } else if (fd >= 0) {
        close(fd);
    }
    return aot_read_file(path, bytes, size, err);
}

static void cache_release_module(uint8_t *bytes, size_t size, bool mapped)
{
    if (mapped)
        munmap(bytes, size);
    else
        free(bytes);
}

bool cli_cache_obtain(const cli_cache_request *r, waot_module **out, bool *from_cache)
{
    if (from_cache)
        *from_cache = false;
    aot_error err;
    aot_error_clear(&err);
    uint8_t *bytes = NULL;
    size_t size = 0;
    bool mapped;
    if (!cache_read_module(r->wasm_path, &bytes, &size, &mapped, &err)) {
        if (err.kind == AOT_OK)
            aot_fail(&err, AOT_ERR_IO, 0, "cannot read file");
        cli_report_error(r->wasm_path, &err);
        free(bytes);
        return false;
    }
    bool ok;
    if (!r->use_cache) {
        ok = cache_compile_uncached(r, bytes, size, out);
        cache_release_module(bytes, size, mapped);
        return ok;
    }

    char dir[CLI_CACHE_PATH_SIZE], why[320];
    cache_key *k = malloc(sizeof *k);
    if (!k) {
        fputs("waot: error: out of memory\n", stderr);
        cache_release_module(bytes, size, mapped);
        return false;
    }
    if (!cli_cache_dir(r->dir, dir, sizeof dir, why, sizeof why)) {
        fputs("waot: warning: no cache directory (", stderr);
        cli_write_one_line(stderr, why);
        fputs("); compiling without it\n", stderr);
        ok = cache_compile_uncached(r, bytes, size, out);
    } else if (!cache_prepare_dir(dir, why, sizeof why) ||
               !cache_compute_key(dir, r->wasm_path, bytes, size, r, k, why,
                                  sizeof why)) {
        cache_warn_dir(dir, why);
        ok = cache_compile_uncached(r, bytes, size, out);
    } else {
        char entry_path[CLI_CACHE_PATH_SIZE];
        int n = snprintf(entry_path, sizeof entry_path, "%s/%s.cwasm", dir, k->hex);
        if (n < 0 || (size_t)n >= sizeof entry_path) { /* cli_cache_dir left room */
            cache_warn_dir(dir, "the directory name is too long");
            ok = cache_compile_uncached(r, bytes, size, out);
        } else if (cache_lookup(entry_path, k, out)) {
            if (r->verbose)
                fprintf(stderr, "waot: cache hit: %s\n", k->hex);
            if (from_cache)
                *from_cache = true;
            ok = true;
        } else {
            ok = cache_compile_and_store(r, bytes, size, dir, entry_path, k, out);
        }
    }
    free(k);
    cache_release_module(bytes, size, mapped);
    return ok;
}

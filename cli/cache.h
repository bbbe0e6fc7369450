/*
 * The compiled-module cache of `waot run`: where it lives, how an entry is
 * named and keyed, what an entry file holds, and how one is found, checked,
 * written and removed.  `waot run` asks it for a loaded module; `waot cache`
 * lists and cleans it.  Nothing else in the command knows its layout.
 *
 * Layout: DIR/KEY.cwasm, KEY being 64 lower-case hex digits, and while one
 * is being written DIR/KEY.tmp.PID.RANDOM (renamed into place when complete).
 * An entry is the precompiled module exactly as `waot compile` writes it
 * followed by a trailer of CLI_CACHE_TRAILER_SIZE bytes (a shared object's
 * loader ignores bytes after its contents):
 *   [0, 32)   the entry's key
 *   [32, 64)  checksum of every byte before the trailer (cache.c says which)
 *   [64, 72)  the number of those bytes, little-endian
 *   [72, 80)  zero
 *   [80, 96)  CLI_CACHE_TRAILER_MAGIC
 * The trailer is checked before the file is ever given to the dynamic
 * loader, so a truncated, overwritten or foreign file is refused without
 * being mapped or run.
 */
#ifndef WAOT_CLI_CACHE_H
#define WAOT_CLI_CACHE_H

#include "codegen_api.h"
#include "waot.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CLI_CACHE_TRAILER_SIZE 96
#define CLI_CACHE_TRAILER_MAGIC "waot-cache-ent-1" /* 16 bytes, no NUL */
#define CLI_CACHE_PATH_SIZE 4096

/* Writes the cache directory to out: `explicit_dir` when not NULL, else
 * $XDG_CACHE_HOME/waot (when set and absolute), else $HOME/.cache/waot (the
 * password database's home when HOME is unset).  False, with a reason in
 * why, when there is no home to put it in or the path is too long. */
bool cli_cache_dir(const char *explicit_dir, char *out, size_t out_size, char *why,
                   size_t why_size);

/* How `waot run` uses the cache for one .wasm file. */
typedef struct cli_cache_request {
    const char *wasm_path; /* as given on the command line, for messages */
    const char *dir;       /* --cache-dir, or NULL for the default */
    bool use_cache;        /* false: --no-cache, compile to a temporary file */
    bool verbose;          /* say "cache hit" / "cache miss" on stderr */
    unsigned opt_level;
    bool interruptible;    /* compile with interruption checks (--timeout) */
    unsigned jobs;         /* compiling threads; 0: the back end's default.  Not
                            * part of the key: the code is the same either way */
} cli_cache_request;

/* Gives a loaded module for a .wasm file: from the cache when an entry for
 * it is there and passes every check, otherwise compiled (and stored when
 * the cache is in use).  A usable cache is never a reason to fail: an
 * unusable entry is reported in one warning line, removed and replaced; a
 * directory that cannot be used is reported once and bypassed.  On failure
 * (the file is unreadable or invalid, compiling or loading failed) prints
 * the one-line error and returns false.  *from_cache (may be NULL) says
 * whether the module came from a cache entry rather than the compiler. */
bool cli_cache_obtain(const cli_cache_request *request, waot_module **out, bool *from_cache);

/* Whether `name` is a cache entry's file name (KEY.cwasm) or a temporary
 * one (KEY.tmp.*); these are the only files `waot cache clean` removes. */
bool cli_cache_is_entry_name(const char *name);
bool cli_cache_is_temporary_name(const char *name);
/* The host description memo the key is computed from: host-<hex>.memo. */
bool cli_cache_is_memo_name(const char *name);

/* Checks the trailer of the entry at `path` (its key must be `key_hex`, the
 * name's) and the hash of its contents.  False with a reason in `why`. */
bool cli_cache_check_entry_file(const char *path, const char *key_hex, char *why,
                                size_t why_size);

/* Refuses a shared object whose program headers or segments reach past
 * the end of the file: the dynamic loader maps such a file and then dies of
 * SIGBUS touching what is not there, instead of failing.  True for a file
 * that is not a 64-bit ELF file at all (the runtime says what it is). */
bool cli_check_elf_extents(const char *path, char *why, size_t why_size);

/* Lowercase hex of `size` bytes into out (2 * size + 1 bytes). */
void cli_cache_hex(const uint8_t *bytes, size_t size, char *out);

#endif

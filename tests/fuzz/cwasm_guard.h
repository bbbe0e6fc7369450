/*
 * Guarded precompiled modules: the input format of fuzz_load_cwasm.
 *
 * A .cwasm is a shared object, and the runtime hands it to the dynamic
 * loader (dlopen), which trusts the parts of an ELF file it interprets:
 * the program headers, the dynamic section, symbol and hash tables and the
 * relocations.  A damaged relocation makes it write anywhere, an added
 * initialiser makes it run code from the file.  The threat model trusts a
 * .cwasm as native code whose integrity and compatibility are checked:
 * what must not crash is waot's own loading and checking.  So the fuzzer
 * may damage everything of the file except those parts, and the harness
 * makes sure it did:
 *
 *   [0, 8)         "waotfzc1"
 *   [8, 12)        keep: how many bytes of the module the loader is given,
 *                  little-endian (fewer than the module: a truncated file)
 *   [12, 16)       n: the number of protected ranges
 *   [16, 16 + 8n)  n ranges of the module, (offset, length) as u32 LE
 *   then 32 bytes  SHA-256 of the range table followed by every range's bytes
 *   then           the module
 *
 * cwasm_guard_wrap makes one from a module the compiler wrote, protecting
 * what the dynamic loader interprets (ELF header fields locating the
 * program headers, the program headers, the dynamic section, dynamic
 * symbols and strings, hash and version tables, notes, and of each
 * relocation its place and type, not its addend); it refuses a module with
 * initialisers or finalisers or an IRELATIVE relocation, the only ways
 * loading runs code of the file.  What stays open to mutation: the ELF
 * identification, machine and type, the length of the file, the descriptor
 * and every other byte of data (counts, indices, strings), the values
 * relocations store (pointers), code (never run), and the section headers.
 */
#ifndef WAOT_FUZZ_CWASM_GUARD_H
#define WAOT_FUZZ_CWASM_GUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CWASM_GUARD_MAGIC "waotfzc1"

/* The guarded input for `module`, malloc'ed; NULL with a reason in `why`. */
uint8_t *cwasm_guard_wrap(const uint8_t *module, size_t size, size_t *out_size, char *why,
                          size_t why_size);

/* The bytes to load out of a guarded input: true with *module and *size set
 * when `input` is one and no protected byte changed. */
bool cwasm_guard_open(const uint8_t *input, size_t input_size, const uint8_t **module,
                      size_t *size);

#endif

/*
 * memcpy, memmove and memset for the benchmarks' wasm builds, linked ahead
 * of wasi-libc's.  Debian's wasi-libc is built for the WebAssembly MVP, so
 * its versions are C loops over words and bytes even in a program compiled
 * with -mbulk-memory; a libc built with bulk memory (as wasi-libc is when
 * its own build enables the feature) makes them one memory.copy or
 * memory.fill, which is what these are.  Every engine in the suite runs the
 * same module, so the comparison between engines is unchanged; what changes
 * is that the C library no longer hides the engines' bulk-memory code from
 * the comparison with native, whose glibc uses its own tuned routines.
 */
#include <stddef.h>

#if !defined(__wasm_bulk_memory__)
#error "wasm-bulk-string.c: compile with -mbulk-memory"
#endif

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    return __builtin_memcpy(dst, src, n); /* memory.copy */
}

void *memmove(void *dst, const void *src, size_t n)
{
    return __builtin_memmove(dst, src, n); /* memory.copy */
}

void *memset(void *dst, int c, size_t n)
{
    return __builtin_memset(dst, c, n); /* memory.fill */
}

/* Deterministic, compressible test data and a checksum, shared by the
   compression drivers in bench/real/ (bzip2-driver.c, zlib-driver.c).
   The data reads like text: words drawn from a small vocabulary with a
   skewed distribution, numbers, punctuation and newlines, so that real
   compressors find both repeats and entropy to code (ratio ~3-4x). */
#ifndef WAOT_BENCH_REAL_GEN_H
#define WAOT_BENCH_REAL_GEN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static uint64_t gen_state;

static uint32_t gen_next(void) {
  /* xorshift64* */
  gen_state ^= gen_state >> 12;
  gen_state ^= gen_state << 25;
  gen_state ^= gen_state >> 27;
  return (uint32_t)((gen_state * 2685821657736338717ULL) >> 32);
}

static void gen_fill(unsigned char *buf, size_t n, uint64_t seed) {
  static const char *const words[] = {
    "the", "of", "and", "to", "in", "is", "that", "for", "it", "as", "was",
    "with", "be", "by", "on", "not", "he", "this", "are", "or", "his",
    "from", "at", "which", "but", "have", "an", "had", "they", "you",
    "were", "their", "one", "all", "we", "can", "her", "has", "there",
    "been", "if", "more", "when", "will", "would", "who", "so", "no",
    "compiler", "module", "function", "memory", "table", "export", "import",
    "instruction", "register", "allocation", "benchmark", "translation",
    "webassembly", "ahead", "time", "native", "code", "stack", "frame",
  };
  const size_t nwords = sizeof words / sizeof words[0];
  size_t i = 0, col = 0;
  gen_state = seed * 0x9E3779B97F4A7C15ULL + 0x2545F4914F6CDD1DULL;
  if (gen_state == 0) gen_state = 1;
  while (i < n) {
    uint32_t r = gen_next();
    char tmp[24];
    const char *w;
    size_t len;
    if ((r & 31) == 0) {            /* a number */
      uint32_t v = gen_next() % 100000;
      len = 0;
      do { tmp[len++] = (char)('0' + v % 10); v /= 10; } while (v);
      w = tmp;
    } else {                        /* a word, skewed towards the front */
      uint32_t a = (r >> 5) % nwords, b = (r >> 16) % nwords;
      w = words[a < b ? a : b];
      len = strlen(w);
    }
    for (size_t k = 0; k < len && i < n; k++) buf[i++] = (unsigned char)w[k];
    col += len + 1;
    if (i < n) {
      uint32_t p = gen_next() & 63;
      unsigned char sep = p == 0 ? '.' : p == 1 ? ',' : ' ';
      if (col > 72) { sep = '\n'; col = 0; }
      buf[i++] = sep;
    }
  }
}

/* FNV-1a, 32-bit. */
static uint32_t fnv1a(const unsigned char *p, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++) { h ^= p[i]; h *= 16777619u; }
  return h;
}

#endif

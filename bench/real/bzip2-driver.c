/* Benchmark driver for libbzip2 (bench/real/build.sh links it with the
   library sources of Debian's bzip2 package).
   Usage: bzip2-driver SIZE_MB [ROUNDS]
   Generates SIZE_MB MiB of deterministic text-like data in memory, then
   ROUNDS times (default 1) compresses it with BZ2_bzBuffToBuffCompress
   (block size 9) and decompresses it with BZ2_bzBuffToBuffDecompress,
   checks the round trip, and prints one line of sizes and checksums.
   No file access, so it runs unchanged as a WASI command. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bzlib.h"
#include "gen.h"

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: %s SIZE_MB [ROUNDS]\n", argv[0]); return 2; }
  double mb = atof(argv[1]);
  int rounds = argc > 2 ? atoi(argv[2]) : 1;
  unsigned int n = (unsigned int)(mb * 1048576.0);
  if (n == 0 || rounds < 1) { fprintf(stderr, "bad arguments\n"); return 2; }
  unsigned int cap = n + n / 100 + 600;   /* bzip2's documented bound */
  unsigned char *in = malloc(n), *comp = malloc(cap), *out = malloc(n);
  if (!in || !comp || !out) { fprintf(stderr, "out of memory\n"); return 1; }
  gen_fill(in, n, 1);
  uint32_t sum_in = fnv1a(in, n), sum_comp = 0;
  unsigned int clen = 0;
  for (int r = 0; r < rounds; r++) {
    clen = cap;
    int rc = BZ2_bzBuffToBuffCompress((char *)comp, &clen, (char *)in, n, 9, 0, 0);
    if (rc != BZ_OK) { fprintf(stderr, "compress failed: %d\n", rc); return 1; }
    unsigned int dlen = n;
    memset(out, 0, n);
    rc = BZ2_bzBuffToBuffDecompress((char *)out, &dlen, (char *)comp, clen, 0, 0);
    if (rc != BZ_OK) { fprintf(stderr, "decompress failed: %d\n", rc); return 1; }
    if (dlen != n || memcmp(in, out, n) != 0) { fprintf(stderr, "round trip mismatch\n"); return 1; }
    uint32_t s = fnv1a(comp, clen);
    if (r > 0 && s != sum_comp) { fprintf(stderr, "nondeterministic output\n"); return 1; }
    sum_comp = s;
  }
  printf("bzip2 %s: rounds=%d in=%u (fnv %08x) compressed=%u (fnv %08x) ratio=%.3f ok\n",
         BZ2_bzlibVersion(), rounds, n, sum_in, clen, sum_comp, (double)n / clen);
  free(in); free(comp); free(out);
  return 0;
}

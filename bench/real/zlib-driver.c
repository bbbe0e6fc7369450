/* Benchmark driver for zlib (bench/real/build.sh links it with the
   library sources of Debian's zlib package).
   Usage: zlib-driver SIZE_MB [ROUNDS]
   Generates SIZE_MB MiB of deterministic text-like data in memory, then
   ROUNDS times (default 1) compresses it with deflate (level 6, zlib
   format) and decompresses it with inflate, checks the round trip, and
   prints one line of sizes and checksums (FNV-1a and zlib's adler32/crc32).
   No file access, so it runs unchanged as a WASI command. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "zlib.h"
#include "gen.h"

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: %s SIZE_MB [ROUNDS]\n", argv[0]); return 2; }
  double mb = atof(argv[1]);
  int rounds = argc > 2 ? atoi(argv[2]) : 1;
  uLong n = (uLong)(mb * 1048576.0);
  if (n == 0 || rounds < 1) { fprintf(stderr, "bad arguments\n"); return 2; }
  unsigned char *in = malloc(n), *out = malloc(n);
  z_stream zs;
  memset(&zs, 0, sizeof zs);
  if (deflateInit(&zs, 6) != Z_OK) { fprintf(stderr, "deflateInit failed\n"); return 1; }
  uLong cap = deflateBound(&zs, n);
  deflateEnd(&zs);
  unsigned char *comp = malloc(cap);
  if (!in || !comp || !out) { fprintf(stderr, "out of memory\n"); return 1; }
  gen_fill(in, n, 2);
  uint32_t sum_in = fnv1a(in, n), sum_comp = 0;
  uLong clen = 0;
  for (int r = 0; r < rounds; r++) {
    memset(&zs, 0, sizeof zs);
    if (deflateInit(&zs, 6) != Z_OK) { fprintf(stderr, "deflateInit failed\n"); return 1; }
    zs.next_in = in; zs.avail_in = (uInt)n;
    zs.next_out = comp; zs.avail_out = (uInt)cap;
    int rc = deflate(&zs, Z_FINISH);
    if (rc != Z_STREAM_END) { fprintf(stderr, "deflate failed: %d\n", rc); return 1; }
    clen = zs.total_out;
    deflateEnd(&zs);

    memset(&zs, 0, sizeof zs);
    memset(out, 0, n);
    if (inflateInit(&zs) != Z_OK) { fprintf(stderr, "inflateInit failed\n"); return 1; }
    zs.next_in = comp; zs.avail_in = (uInt)clen;
    zs.next_out = out; zs.avail_out = (uInt)n;
    rc = inflate(&zs, Z_FINISH);
    if (rc != Z_STREAM_END || zs.total_out != n) { fprintf(stderr, "inflate failed: %d\n", rc); return 1; }
    inflateEnd(&zs);
    if (memcmp(in, out, n) != 0) { fprintf(stderr, "round trip mismatch\n"); return 1; }
    uint32_t s = fnv1a(comp, clen);
    if (r > 0 && s != sum_comp) { fprintf(stderr, "nondeterministic output\n"); return 1; }
    sum_comp = s;
  }
  printf("zlib %s: rounds=%d in=%lu (fnv %08x adler32 %08lx crc32 %08lx) compressed=%lu (fnv %08x) ratio=%.3f ok\n",
         zlibVersion(), rounds, n, sum_in, adler32(1L, in, (uInt)n), crc32(0L, in, (uInt)n),
         clen, sum_comp, (double)n / clen);
  free(in); free(comp); free(out);
  return 0;
}

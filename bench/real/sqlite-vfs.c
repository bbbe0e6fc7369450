/* A minimal SQLite OS layer for speedtest1 --memdb, used for both the WASI
   and the native build (bench/real/build.sh compiles SQLite with
   -DSQLITE_OS_OTHER=1, so SQLite's own os_unix.c, which needs file locking,
   mmap and other things wasi-libc lacks, is left out).
   It registers one VFS, "bench", as the default. It opens no files at all:
   with an in-memory main database (":memory:") and -DSQLITE_TEMP_STORE=3,
   SQLite keeps journals, temp tables and sorter data in memory and never
   calls xOpen. Randomness is deterministic (zeros), and so, by default, is
   the clock: speedtest1 then prints 0.000s for every test and its output is
   the same on every run and platform; measure the whole run from outside.
   Set SPEEDTEST1_CLOCK=1 in the environment to get real per-test times. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "sqlite3.h"

static int use_real_clock;

static int vOpen(sqlite3_vfs *v, const char *name, sqlite3_file *f, int flags, int *out) {
  (void)v; (void)name; (void)flags; (void)out;
  f->pMethods = 0;
  return SQLITE_CANTOPEN;
}
static int vDelete(sqlite3_vfs *v, const char *name, int sync) {
  (void)v; (void)name; (void)sync;
  return SQLITE_IOERR_DELETE;
}
static int vAccess(sqlite3_vfs *v, const char *name, int flags, int *res) {
  (void)v; (void)name; (void)flags;
  *res = 0;
  return SQLITE_OK;
}
static int vFullPathname(sqlite3_vfs *v, const char *name, int n, char *out) {
  (void)v;
  sqlite3_snprintf(n, out, "%s", name);
  return SQLITE_OK;
}
static int vRandomness(sqlite3_vfs *v, int n, char *out) {
  (void)v;
  memset(out, 0, (size_t)n);
  return n;
}
static int vSleep(sqlite3_vfs *v, int us) { (void)v; return us; }
static int vCurrentTimeInt64(sqlite3_vfs *v, sqlite3_int64 *t) {
  (void)v;
  /* Julian day number in milliseconds; 2000-01-01 00:00 UTC when frozen. */
  sqlite3_int64 unix_ms = 946684800000LL;
  if (use_real_clock) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    unix_ms = (sqlite3_int64)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
  }
  *t = 210866760000000LL + unix_ms;
  return SQLITE_OK;
}
static int vCurrentTime(sqlite3_vfs *v, double *t) {
  sqlite3_int64 i;
  vCurrentTimeInt64(v, &i);
  *t = (double)i / 86400000.0;
  return SQLITE_OK;
}
static int vGetLastError(sqlite3_vfs *v, int n, char *out) {
  (void)v; (void)n; (void)out;
  return 0;
}

static sqlite3_vfs bench_vfs = {
  2, (int)sizeof(sqlite3_file), 512, 0, "bench", 0,
  vOpen, vDelete, vAccess, vFullPathname,
  0, 0, 0, 0,                 /* no dynamic loading */
  vRandomness, vSleep, vCurrentTime, vGetLastError,
  vCurrentTimeInt64,
  0, 0, 0,
};

int sqlite3_os_init(void) {
  const char *c = getenv("SPEEDTEST1_CLOCK");
  use_real_clock = c && c[0] == '1';
  return sqlite3_vfs_register(&bench_vfs, 1);
}
int sqlite3_os_end(void) { return SQLITE_OK; }

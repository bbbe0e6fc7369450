#!/usr/bin/env bash
# Builds the "real program" benchmarks, each twice with the same -O2 and -D
# flags: OUTDIR/NAME.wasm (a WASI command module, clang-19 + wasi-libc) and
# OUTDIR/NAME.native (clang-19, host). Sources are fetched at build time
# from Debian source packages with `apt-get source` into WORKDIR (reused if
# already there); nothing fetched is ever written into the project.
#
#   bzip2       bzip2-driver.c + libbzip2 (package bzip2)
#   zlib        zlib-driver.c + zlib's deflate/inflate (package zlib)
#   speedtest1  SQLite's test/speedtest1.c + the sqlite3.c amalgamation,
#               generated from the package's full source tree with tclsh
#               (package sqlite3), + sqlite-vfs.c, a file-less OS layer
#
# Arguments to run each, and a description, are in programs.tsv beside this
# script. The programs write only to stdout, read no files and need no
# preopens; native and wasm give identical stdout for the same arguments.
#
# Usage: bench/real/build.sh WORKDIR OUTDIR
# Environment: PROGRAMS="bzip2 zlib speedtest1" (subset to build),
#   CC=clang-19, WASI_SYSROOT (default: /usr/share/wasi-sysroot if it
#   exists, else /usr, where Debian's wasi-libc package installs).
# Needs root (or everything already installed): adds a deb-src entry to
# apt if none exists (/etc/apt/sources.list.d/waot-bench-src.sources,
# copied from the deb entries), runs `apt-get update` when it does so, and
# installs dpkg-dev (dpkg-source), tcl (tclsh) and make if missing.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 WORKDIR OUTDIR" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$1" "$2"
work=$(cd "$1" && pwd)
out=$(cd "$2" && pwd)
CC=${CC:-clang-19}
if [ -z "${WASI_SYSROOT:-}" ]; then
  if [ -d /usr/share/wasi-sysroot ]; then WASI_SYSROOT=/usr/share/wasi-sysroot; else WASI_SYSROOT=/usr; fi
fi
PROGRAMS=${PROGRAMS:-bzip2 zlib speedtest1}
wants() { case " $PROGRAMS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

log() { echo "[bench/real] $*" >&2; }

# Once per run of this script, also from the $(fetch ...) subshells: a stamp file.
apt_stamp=$(mktemp)
trap 'rm -f "$apt_stamp"' EXIT
apt_update_once() {
  if [ ! -s "$apt_stamp" ]; then
    log "apt-get update"
    apt-get update -qq
    echo updated >"$apt_stamp"
  fi
}
need_cmd() {  # need_cmd COMMAND DEBIAN-PACKAGE
  if ! command -v "$1" >/dev/null 2>&1; then
    apt_update_once
    log "installing $2 (for $1)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
  fi
}

# --- apt deb-src entry ---------------------------------------------------
have_deb_src() {
  grep -qsE '^[[:space:]]*Types:.*\bdeb-src\b' /etc/apt/sources.list.d/*.sources && return 0
  grep -qsE '^[[:space:]]*deb-src[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list && return 0
  return 1
}
ensure_deb_src() {
  have_deb_src && return 0
  local src=/etc/apt/sources.list.d/debian.sources
  if [ -f "$src" ]; then
    log "adding deb-src entry /etc/apt/sources.list.d/waot-bench-src.sources"
    # Same URIs/Suites/Components/Signed-By, with Types: deb-src.
    sed -E 's/^([[:space:]]*)Types:.*/\1Types: deb-src/' "$src" \
      > /etc/apt/sources.list.d/waot-bench-src.sources
  elif grep -qsE '^[[:space:]]*deb[[:space:]]' /etc/apt/sources.list; then
    log "adding deb-src entry /etc/apt/sources.list.d/waot-bench-src.list"
    sed -nE 's/^[[:space:]]*deb[[:space:]]/deb-src /p' /etc/apt/sources.list \
      > /etc/apt/sources.list.d/waot-bench-src.list
  else
    echo "no apt deb entry found to derive a deb-src entry from" >&2
    exit 1
  fi
  : >"$apt_stamp"   # the new entry needs a fresh update even if one ran
  apt_update_once
}

# --- fetching --------------------------------------------------------------
# fetch PKG: prints the unpacked source directory WORKDIR/src/PKG-VERSION.
srcdir_of() {
  find "$work/src" -maxdepth 1 -type d -name "$1-[0-9]*" 2>/dev/null | sort -V | tail -n 1
}
fetch() {
  local pkg=$1 dir
  dir=$(srcdir_of "$pkg")
  if [ -z "$dir" ] || [ ! -d "$dir/debian" ]; then
    ensure_deb_src
    need_cmd dpkg-source dpkg-dev
    mkdir -p "$work/src"
    log "apt-get source $pkg -> $work/src"
    if ! (cd "$work/src" && apt-get source -qq "$pkg" >&2); then
      apt_update_once
      (cd "$work/src" && apt-get source -qq "$pkg" >&2)
    fi
    dir=$(srcdir_of "$pkg")
    [ -n "$dir" ] || { echo "apt-get source $pkg left no $pkg-* directory" >&2; exit 1; }
  fi
  log "$pkg: using $(basename "$dir")"
  echo "$dir"
}

# --- building --------------------------------------------------------------
need_cmd "$CC" clang-19
if [ ! -f "$WASI_SYSROOT/lib/wasm32-wasi/libc.a" ] && [ ! -f "$WASI_SYSROOT/lib/wasm32-wasip1/libc.a" ]; then
  apt_update_once
  log "installing wasi-libc libclang-rt-19-dev-wasm32"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wasi-libc libclang-rt-19-dev-wasm32 >/dev/null
fi

# Third-party code: its warnings are not ours to fix, so -w.
# The WebAssembly 2.0 features LLVM 20 enables by default, and
# bench/wasm-bulk-string.c for memcpy, memmove and memset (see
# bench/kernels/build.sh).
WASM_CFLAGS=(--target=wasm32-wasi "--sysroot=$WASI_SYSROOT" -O2 -w -mbulk-memory
             -mnontrapping-fptoint)
# shellcheck disable=SC2054  # one linker option, the commas are its syntax
WASM_LDFLAGS=(-Wl,-z,stack-size=1048576)   # 1 MiB stack, wasm-ld's default is 64 KiB
NATIVE_CFLAGS=(-O2 -w)

# build_both NAME "DEFINES AND INCLUDES" SOURCES...
# shellcheck disable=SC2086  # $flags is a word list on purpose
build_both() {
  local name=$1 flags=$2
  shift 2
  log "$name: wasm";   "$CC" "${WASM_CFLAGS[@]}" $flags -o "$out/$name.wasm" "$@" \
                          "$here/../wasm-bulk-string.c" "${WASM_LDFLAGS[@]}" -lm
  log "$name: native"; "$CC" "${NATIVE_CFLAGS[@]}" $flags -o "$out/$name.native" "$@" -lm
}

if wants bzip2; then
  d=$(fetch bzip2)
  build_both bzip2 "-I$d -I$here" "$here/bzip2-driver.c" \
    "$d/blocksort.c" "$d/huffman.c" "$d/crctable.c" "$d/randtable.c" \
    "$d/compress.c" "$d/decompress.c" "$d/bzlib.c"
fi

if wants zlib; then
  d=$(fetch zlib)
  # Only the in-memory codec; the gz* file API is not used.
  build_both zlib "-I$d -I$here" "$here/zlib-driver.c" \
    "$d/adler32.c" "$d/crc32.c" "$d/deflate.c" "$d/inflate.c" "$d/inffast.c" \
    "$d/inftrees.c" "$d/trees.c" "$d/zutil.c"
fi

if wants speedtest1; then
  d=$(fetch sqlite3)
  # The package holds SQLite's full source tree, not the amalgamation:
  # generate sqlite3.c with its own build (configure + `make sqlite3.c`, which
  # runs tclsh scripts and builds lemon with the host compiler).
  need_cmd tclsh tcl
  need_cmd make make
  amal=$work/build/sqlite3
  if [ ! -f "$amal/sqlite3.c" ] || [ ! -f "$amal/sqlite3.h" ] || [ "$d/VERSION" -nt "$amal/sqlite3.c" ]; then
    log "speedtest1: generating the sqlite3.c amalgamation in $amal"
    rm -rf "$amal"; mkdir -p "$amal"
    (cd "$amal" && CC=$CC "$d/configure" --disable-tcl >configure.log 2>&1 \
       && make sqlite3.c >make.log 2>&1) \
      || { echo "amalgamation failed, see $amal/configure.log and $amal/make.log" >&2; exit 1; }
  fi
  # SQLITE_OS_OTHER: leave out os_unix.c (file locking, mmap, shm, dlopen:
  # not in WASI); sqlite-vfs.c supplies a file-less default VFS instead, and
  # TEMP_STORE=3 keeps every journal/temp/sorter file in memory, which with
  # speedtest1 --memdb means no file is ever opened.
  sqlite_defs="-DSQLITE_OS_OTHER=1 -DSQLITE_TEMP_STORE=3 -DSQLITE_THREADSAFE=0
    -DSQLITE_OMIT_LOAD_EXTENSION -DSQLITE_OMIT_WAL -DSQLITE_OMIT_SHARED_CACHE
    -DSQLITE_DEFAULT_MEMSTATUS=0 -DSQLITE_MAX_MMAP_SIZE=0"
  build_both speedtest1 "$sqlite_defs -I$amal" \
    "$d/test/speedtest1.c" "$amal/sqlite3.c" "$here/sqlite-vfs.c"
fi

log "done: $PROGRAMS in $out"

#!/usr/bin/env bash
# Builds every benchmark kernel in bench/kernels/ twice, with the same
# optimisation level, into OUTDIR (created if missing):
#   OUTDIR/NAME.wasm    clang-19 --target=wasm32-wasi --sysroot=SYSROOT -O2
#                       -mbulk-memory -mnontrapping-fptoint (+ -msimd128
#                       for blur_simd)
#   OUTDIR/NAME.native  clang-19 -O2 (+ -msse4.1 for blur_simd)
# Kernel names are read from kernels.tsv (first column).  The two -m flags
# are WebAssembly 2.0 features that LLVM 20 turns on by default and every
# engine measured supports.  The wasm builds link bench/wasm-bulk-string.c,
# whose memcpy, memmove and memset are memory.copy and memory.fill (see
# there why).
#
# Needs: clang-19, wasi-libc and libclang-rt-19-dev-wasm32 (Debian/Ubuntu
# packages) or a wasi-sdk style sysroot.  The WASI sysroot is taken from
# $WASI_SYSROOT if set, else /usr/share/wasi-sysroot if it exists, else
# /usr (where the Debian wasi-libc package puts include/wasm32-wasi and
# lib/wasm32-wasi).  Extra flags may be added with $CFLAGS_EXTRA.
#
# Usage: bench/kernels/build.sh OUTDIR
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 OUTDIR" >&2
    exit 2
fi
out=$1
here=$(cd "$(dirname "$0")" && pwd)
cc=${CC_KERNELS:-clang-19}

if [ -n "${WASI_SYSROOT:-}" ]; then
    sysroot=$WASI_SYSROOT
elif [ -d /usr/share/wasi-sysroot ]; then
    sysroot=/usr/share/wasi-sysroot
else
    sysroot=/usr
fi

mkdir -p "$out"
# shellcheck disable=SC2206
extra=(${CFLAGS_EXTRA:-})

while IFS=$'\t' read -r name _default _smoke _desc; do
    case $name in '' | '#'*) continue ;; esac
    src=$here/$name.c
    wasm_flags=(-mbulk-memory -mnontrapping-fptoint)
    native_flags=()
    if [ "$name" = blur_simd ]; then
        wasm_flags+=(-msimd128)
        native_flags=(-msse4.1)
    fi
    "$cc" --target=wasm32-wasi --sysroot="$sysroot" -O2 -std=c17 \
        "${wasm_flags[@]}" "${extra[@]}" -o "$out/$name.wasm" "$src" \
        "$here/../wasm-bulk-string.c" -lm
    "$cc" -O2 -std=c17 "${native_flags[@]}" "${extra[@]}" \
        -o "$out/$name.native" "$src" -lm
    echo "built $name"
done <"$here/kernels.tsv"

#!/usr/bin/env bash
# Builds a WASI command module into a native executable through WABT's
# wasm2c, so that wasm2c can take part in the benchmarks as one more engine.
#   usage: bench/wasm2c/build.sh IN.wasm OUT_EXE
# Steps: `wasm2c -n NAME` translates IN.wasm to C; clang-19 -O2 (the flags of
# the native builds) then compiles that C, WABT's runtime (wasm-rt-impl.c)
# and bench/wasm2c/wasi-shim.c (WASI preview1 host and main()) into OUT_EXE.
# The module name is passed to the shim with -D, so any NAME works.
# Needs: wabt 1.0.32 (apt-get install wabt: /usr/bin/wasm2c,
# /usr/include/wasm-rt.h, /usr/share/wabt/wasm2c/wasm-rt-impl.{c,h}) and
# clang-19.  Override with WASM2C, CC, WASM2C_RT_DIR, WASM2C_CFLAGS.
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 IN.wasm OUT_EXE" >&2
  exit 2
fi
in=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
wasm2c=${WASM2C:-wasm2c}
cc=${CC:-clang-19}
rtdir=${WASM2C_RT_DIR:-/usr/share/wabt/wasm2c}
cflags=${WASM2C_CFLAGS:--O2}
for tool in "$wasm2c" "$cc"; do
  command -v "$tool" >/dev/null || { echo "$0: $tool not found" >&2; exit 1; }
done
[ -f "$rtdir/wasm-rt-impl.c" ] || { echo "$0: $rtdir/wasm-rt-impl.c not found" >&2; exit 1; }

# A C identifier for the module; wasm2c 1.0.32 mangles 'Z' and other
# characters, so keep to lower case letters, digits and '_'.
name=$(basename "$in" .wasm | tr 'A-Z' 'a-z' | tr -c 'a-z0-9_\n' '_')
name=m_${name}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$wasm2c" -n "$name" "$in" -o "$tmp/$name.c"
# shellcheck disable=SC2086
"$cc" $cflags -w -I"$rtdir" -I"$tmp" \
  -DWASM_MODULE_NAME="$name" -DWASM_MODULE_HEADER="\"$name.h\"" \
  -o "$out" "$tmp/$name.c" "$rtdir/wasm-rt-impl.c" "$here/wasi-shim.c" -lm

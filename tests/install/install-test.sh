#!/bin/sh
# Installs the build tree into a fresh prefix and uses it as a project of
# one's own would: the installed `waot` compiles, runs and builds from there
# (finding its back end and archives in ../lib/waot), examples/out-of-tree is
# configured with find_package(waot) and built and run, and a C program is
# compiled against the runtime with pkg-config.  A program that only loads
# precompiled modules must not link LLVM.
#
# Usage: install-test.sh CMAKE BUILD_DIR SOURCE_DIR WORK_DIR WAT2WASM [LINK_FLAGS]
# WORK_DIR: the parent of this run's own folder.
# LINK_FLAGS: extra compiler/linker flags for programs linking the waot
# libraries (the sanitizer flags of a sanitizer build: its compiler library
# is instrumented).  $CC, when set, is the compiler they are built with.
set -eu
cmake=$1 build=$2 source=$3 work=$4 wat2wasm=$5 flags=${6:-}

fail() { echo "FAIL: $*" >&2; exit 1; }
expect() { # expect WHAT EXPECTED ACTUAL
  [ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
  echo "ok: $1"
}

# A fresh folder per run, so that runs of this test in the same build tree
# at the same time (several people run ctest there) do not collide; it is
# removed when the test passes and kept for a look when it fails.
mkdir -p "$work"
work=$(mktemp -d "$work/run.XXXXXX")
prefix=$work/prefix
export XDG_CACHE_HOME="$work/cache"
unset WAOT_CODEGEN  # the installed tree must find its back end by itself

"$cmake" --install "$build" --prefix "$prefix" > "$work/install.log" ||
  { cat "$work/install.log"; fail "cmake --install"; }
for f in bin/waot lib/waot/libwaot-codegen.so lib/waot/libwaot_runtime.a \
         lib/waot/libwaot_exe.a include/waot/waot.h include/waot/waot_abi.h \
         lib/cmake/waot/waotConfig.cmake lib/cmake/waot/waotConfigVersion.cmake \
         lib/cmake/waot/waotTargets.cmake lib/cmake/waot/WaotWasm.cmake \
         lib/pkgconfig/waot.pc; do
  [ -e "$prefix/$f" ] || fail "not installed: $f"
done
# Every public header the source tree has is installed.
for h in "$source"/runtime-lib/include/*.h; do
  [ -e "$prefix/include/waot/${h##*/}" ] || fail "header not installed: ${h##*/}"
done
echo "ok: installed layout"

# The installed command, on its own (nothing of the build tree beside it).
waot=$prefix/bin/waot
"$wat2wasm" "$source/examples/out-of-tree/gcd.wat" -o "$work/gcd.wasm"
"$waot" compile "$work/gcd.wasm" -o "$work/gcd.cwasm"
expect "installed waot run .cwasm" "i32:21" "$("$waot" run "$work/gcd.cwasm" --invoke gcd 1071 462)"
expect "installed waot run .wasm" "i32:6" "$("$waot" run "$work/gcd.wasm" --invoke gcd 48 18)"
cat > "$work/hello.wat" <<'WAT'
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello from an installed waot\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 29))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
WAT
"$wat2wasm" "$work/hello.wat" -o "$work/hello.wasm"
# `waot build` links the installed runtime archives, uninstrumented even in a
# sanitizer build.
"$waot" build "$work/hello.wasm" -o "$work/hello"
expect "installed waot build" "hello from an installed waot" "$("$work/hello")"

# The out-of-tree example against the package.  Its linked-object half needs
# `waot compile --header`; build it whenever the installed waot has it.
linked=OFF
if "$waot" compile --help | grep -q -e '--header'; then linked=ON; fi
oot=$work/out-of-tree
"$cmake" -S "$source/examples/out-of-tree" -B "$oot" -DCMAKE_PREFIX_PATH="$prefix" \
  -DWAT2WASM="$wat2wasm" -DWAOT_EXAMPLE_LINKED=$linked \
  -DCMAKE_C_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" > "$work/oot-configure.log" ||
  { cat "$work/oot-configure.log"; fail "configuring examples/out-of-tree"; }
"$cmake" --build "$oot" > "$work/oot-build.log" 2>&1 ||
  { cat "$work/oot-build.log"; fail "building examples/out-of-tree"; }
expect "out-of-tree load_cwasm" "gcd(1071, 462) = 21" "$("$oot/load_cwasm" "$oot/gcd.cwasm" 1071 462)"
if [ $linked = ON ]; then
  expect "out-of-tree linked" "gcd(1071, 462) = 21" "$("$oot/linked" 1071 462)"
else
  echo "skipped: linked module (the installed waot has no --header yet)"
fi
# The compiler library is installed once it has its public header.
if [ -e "$prefix/include/waot/waot_compile.h" ]; then
  expect "out-of-tree compile_and_run" "gcd(1071, 462) = 21" \
    "$("$oot/compile_and_run" "$oot/gcd.wasm" 1071 462)"
fi
# A runtime-only program links no LLVM.
expect "load_cwasm links no LLVM" 0 "$(ldd "$oot/load_cwasm" | grep -c LLVM || true)"

# pkg-config: compile and link a program against the runtime alone, with
# the plain flags (the runtime's system libraries are in Libs).
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
case " $(pkg-config --libs waot) " in
  *" -lwaot_runtime "*) ;;
  *) fail "pkg-config --libs waot: $(pkg-config --libs waot)" ;;
esac
pc_flags=$(pkg-config --cflags --libs waot) || fail "pkg-config waot"
"${CC:-cc}" -std=c17 $flags "$source/examples/out-of-tree/load_cwasm.c" $pc_flags -o "$work/pc_load" ||
  fail "compiling with pkg-config flags: $pc_flags"
expect "pkg-config program" "gcd(48, 18) = 6" "$("$work/pc_load" "$work/gcd.cwasm" 48 18)"
expect "pkg-config program links no LLVM" 0 "$(ldd "$work/pc_load" | grep -c LLVM || true)"

# Sizes, for the record (ctest -V shows them).
strip -o "$work/load_cwasm.stripped" "$oot/load_cwasm"
echo "size: libwaot_runtime.a $(wc -c < "$prefix/lib/waot/libwaot_runtime.a") bytes," \
     "stripped load_cwasm $(wc -c < "$work/load_cwasm.stripped") bytes"
rm -rf "$work"
echo "install test passed"

#!/usr/bin/env bash
# End-to-end tests of WASI preview1: the C programs in programs/ are
# compiled to wasm32-wasi with clang and wasi-libc (and the modules in wat/,
# which do what C cannot, with wat2wasm), then each runs
#   run    as `waot run PROG.wasm FLAGS -- ARGS`
#   build  as the executable `waot build PROG.wasm -o PROG` makes,
#          `PROG FLAGS -- ARGS` (skipped, saying so, while `waot build`
#          does not exist)
#   native compiled by the host's C compiler, for portable.c only
# and its stdout and exit status are compared with expected/NAME.stdout and
# the case's status (portable.c: stderr too, expected/portable.stderr); the
# three ways of running portable.c thereby print the same bytes.  Each run
# gets a fresh host directory to preopen; the sandbox case also checks that
# nothing outside its directory changed.
#
# Usage: run-wasi-tests.sh WAOT CLANG CC WAT2WASM SOURCE_DIR WORK_DIR [SYSROOT]
# Prints PASS/FAIL/SKIP per run and ends with "N passed, N failed, N skipped".
set -u

if [ $# -lt 6 ]; then
    echo "usage: $0 WAOT CLANG CC WAT2WASM SOURCE_DIR WORK_DIR [SYSROOT]" >&2
    exit 2
fi
waot=$1 clang=$2 cc=$3 wat2wasm=$4 src=$5 work=$6 sysroot=${7:-/usr}

rm -rf "$work"
mkdir -p "$work"
# `waot run` caches compiled modules: keep them with the test.
export XDG_CACHE_HOME="$work/cache"

passed=0 failed=0 skipped=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }
skip() { echo "SKIP $1: $2"; skipped=$((skipped + 1)); }

c_programs=(files dirs sandbox syscalls args clocks random exit cat portable)
wat_programs=(start_exit no_memory exit_nested bad_signature)
programs=("${c_programs[@]}" "${wat_programs[@]}")

# ---- compile ----
declare -A wasm_ok exe_ok
for p in "${c_programs[@]}"; do
    if "$clang" --target=wasm32-wasi --sysroot="$sysroot" -O2 -Wall -Wextra -Werror \
        -o "$work/$p.wasm" "$src/programs/$p.c" 2>"$work/$p.clang.log"; then
        wasm_ok[$p]=1
    else
        fail "$p [compile]" "clang failed: $(head -5 "$work/$p.clang.log")"
    fi
done
for p in "${wat_programs[@]}"; do
    if "$wat2wasm" -o "$work/$p.wasm" "$src/wat/$p.wat" 2>"$work/$p.wat.log"; then
        wasm_ok[$p]=1
    else
        fail "$p [compile]" "wat2wasm failed: $(head -5 "$work/$p.wat.log")"
    fi
done

have_build=0
if "$waot" build --help >/dev/null 2>&1; then
    have_build=1
    for p in "${programs[@]}"; do
        [ -n "${wasm_ok[$p]:-}" ] || continue
        if "$waot" build "$work/$p.wasm" -o "$work/$p" 2>"$work/$p.build.log"; then
            exe_ok[$p]=1
        else
            fail "$p [build]" "waot build failed: $(head -5 "$work/$p.build.log")"
        fi
    done
fi

native_ok=0
if "$cc" -O2 -o "$work/portable.native" "$src/programs/portable.c" 2>"$work/portable.cc.log"; then
    native_ok=1
else
    fail "portable [native]" "cc failed: $(head -5 "$work/portable.cc.log")"
fi

# ---- inputs ----
printf 'alpha\nbeta gamma\n\nthe last line\n' >"$work/portable.in"
# Every byte value, then random bytes: more than one read's worth.
{
    for i in $(seq 0 255); do printf "\\$(printf %03o "$i")"; done
    head -c 1000000 /dev/urandom
} >"$work/cat.in"

# ---- the cases ----
# case_NAME DIR sets: flags (the runner's options), args (the program's),
# stdin, status (expected exit status), expect_out (expected stdout file),
# expect_err (expected stderr file, or empty: not compared), native_env.
# setup_NAME DIR and verify_NAME DIR (optional) run before and after.

defaults() {
    flags=() args=() stdin=/dev/null status=0 expect_err="" native_env=()
    expect_out="$src/expected/$1.stdout"
}

case_files() { flags=(--dir "$1::/data"); args=(/data); }
case_dirs() { flags=(--dir "$1::/data"); args=(/data); }
case_syscalls() { flags=(--dir "$1::/data" --env A=BCDE); }
case_args() {
    flags=(--env GREETING=hello --env "SPACED=a b  c" --env EMPTY=)
    args=(one "two words" "" --dir "--env=x")
}
case_clocks() { :; }
case_random() { :; }
case_exit() { status=3; }
case_cat() { stdin="$work/cat.in"; expect_out="$work/cat.in"; }
case_portable() {
    flags=(--dir "$1::/data" --env DATA_DIR=/data --env WHO=waot)
    args=(alpha "beta gamma")
    stdin="$work/portable.in"
    status=3
    expect_err="$src/expected/portable.stderr"
    native_env=(DATA_DIR="$1" WHO=waot)
}

# The modules in wat/.
case_start_exit() { status=7; }
case_no_memory() { status=21; }   # EFAULT
case_exit_nested() { status=42; }
case_bad_signature() { status=1; expect_out=/dev/null; }

# The sandbox: DIR/data is preopened; DIR/secret.txt lies beside it.
case_sandbox() { flags=(--dir "$1/data::/data"); }
setup_sandbox() {
    mkdir -p "$1/data"
    echo "top secret" >"$1/secret.txt"
    ln -s /etc "$1/data/etc_link"
}
verify_sandbox() {
    local d=$1 problems=""
    [ "$(cat "$d/secret.txt" 2>/dev/null)" = "top secret" ] || problems+=" secret.txt changed;"
    for f in made-outside made-outside.txt stolen.txt linked.txt hard2.txt x; do
        [ -e "$d/$f" ] || [ -L "$d/$f" ] && problems+=" $f appeared outside;"
    done
    local left
    left=$(cd "$d" && ls -A | tr '\n' ' ')
    [ "$left" = "data secret.txt " ] || problems+=" outside holds: $left;"
    left=$(cd "$d/data" && ls -A | tr '\n' ' ')
    [ "$left" = "etc_link " ] || problems+=" data holds: $left;"
    [ -z "$problems" ] || { echo "$problems"; return 1; }
}

# run_one NAME MODE
run_one() {
    local name=$1 mode=$2
    local dir="$work/$name.$mode.dir"
    rm -rf "$dir"
    mkdir -p "$dir"
    defaults "$name"
    "case_$name" "$dir"
    if declare -F "setup_$name" >/dev/null; then "setup_$name" "$dir"; fi

    local out="$work/$name.$mode.out" err="$work/$name.$mode.err" got
    case $mode in
    run) timeout 120 "$waot" run "$work/$name.wasm" "${flags[@]}" -- "${args[@]}" ;;
    build) timeout 120 "$work/$name" "${flags[@]}" -- "${args[@]}" ;;
    native) timeout 120 env -i "${native_env[@]}" "$work/$name.native" "${args[@]}" ;;
    esac <"$stdin" >"$out" 2>"$err"
    got=$?

    local why=""
    [ "$got" = "$status" ] || why+="exit status $got, expected $status; "
    cmp -s "$out" "$expect_out" || why+="stdout differs from $(basename "$expect_out"); "
    if [ -n "$expect_err" ] && ! cmp -s "$err" "$expect_err"; then
        why+="stderr differs from $(basename "$expect_err"); "
    fi
    if declare -F "verify_$name" >/dev/null; then
        local v
        v=$("verify_$name" "$dir") || why+="sandbox:$v "
    fi
    if [ -z "$why" ]; then
        pass "$name [$mode]"
    else
        fail "$name [$mode]" "$why"
        if [ "$name" != cat ]; then
            diff "$expect_out" "$out" | head -20 | sed 's/^/    /'
        fi
        [ -s "$err" ] && head -5 "$err" | sed 's/^/    stderr: /'
    fi
}

for p in "${programs[@]}"; do
    [ -n "${wasm_ok[$p]:-}" ] || continue
    run_one "$p" run
    if [ "$have_build" = 1 ]; then
        [ -n "${exe_ok[$p]:-}" ] && run_one "$p" build
    else
        skip "$p [build]" "waot build not built yet"
    fi
done
[ "$native_ok" = 1 ] && run_one portable native

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]

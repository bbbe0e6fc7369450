#!/usr/bin/env bash
# Frame records in compiled code (aot/lower_control.c): a leaf that can
# neither trap nor call keeps none, every other function keeps one, at -O0
# and -O2; with --interruptible a loop's poll can trap, so the leaf with a
# loop keeps its record.  Every export still computes its value, and the
# functions that trap still end `waot run` with the trap.
# Usage: run-frames.sh WAOT WAT2WASM WORKDIR
set -u
waot=$1 wat2wasm=$2 work=$3
src=$(cd "$(dirname "$0")" && pwd)/frames.wat
mkdir -p "$work"
wasm=$work/frames.wasm
"$wat2wasm" "$src" -o "$wasm" || exit 1

. "$(dirname "$0")/checks.sh"

# The functions in frames.wat's order (function index = position).
functions=(inert_mix inert_branches inert_loop inert_float loads divides truncates grows
           unreachable calls calls_indirect)

# Prints "NAME yes|no" per function: whether its code pushes %rbp.
frames() { # ASM-FILE
  awk '/^"wasm:func[0-9]+":/ { if (name != "") print name, pushes
                                name = $0; gsub(/[^0-9]/, "", name); pushes = "no" }
       /^\tpushq\t%rbp$/ { pushes = "yes" }
       END { if (name != "") print name, pushes }' "$1" |
    while read -r index pushes; do echo "${functions[$index]} $pushes"; done
}

for variant in O0 O2 interruptible; do
  case $variant in
    O0) flags=(-O0) ;;
    O2) flags=(-O2) ;;
    interruptible) flags=(-O2 --interruptible) ;;
  esac
  "$waot" compile "${flags[@]}" --emit asm "$wasm" -o "$work/frames-$variant.s"
  check "compile ($variant)" "status $?" $?
  listed=$(frames "$work/frames-$variant.s" | wc -l)
  [ "$listed" -eq ${#functions[@]} ]
  check "functions listed ($variant)" "found $listed of ${#functions[@]}" $?
  while read -r name pushes; do
    want=yes
    case $name in inert_*) want=no ;; esac
    [ "$variant" = interruptible ] && [ "$name" = inert_loop ] && want=yes
    [ "$pushes" = "$want" ]
    check "$name frame ($variant)" "pushes %rbp: $pushes, expected $want" $?
  done < <(frames "$work/frames-$variant.s")
done

for opt in -O0 -O2; do
  "$waot" compile "$opt" "$wasm" -o "$work/frames$opt.cwasm" || exit 1
  run=("$waot" run "$work/frames$opt.cwasm" --invoke)
  # 3 * 0x9e3779b9 mod 2^32 = 0xdaa66d2b, xor rotl(4, 5) = 0x80.
  expect "inert_mix $opt" 0 "i32:-626627157" "${run[@]}" inert_mix 3 4
  expect "inert_branches $opt" 0 "i32:9" "${run[@]}" inert_branches -9
  expect "inert_branches global $opt" 0 "i32:11" "${run[@]}" inert_branches 11
  expect "inert_loop $opt" 0 "i32:5050" "${run[@]}" inert_loop 100
  expect "inert_float $opt" 0 "f64:1.5" "${run[@]}" inert_float 9
  # 5 * 0x9e3779b9 mod 2^32 = 0x1715609d, xor rotl(1, 5) = 0x20.
  expect "calls $opt" 0 "i32:387276989" "${run[@]}" calls 5
  expect "calls_indirect $opt" 0 "i32:387276989" "${run[@]}" calls_indirect 5
  expect "loads out of bounds $opt" 3 "out of bounds memory access" "${run[@]}" loads 65536
  expect "divides by zero $opt" 3 "integer divide by zero" "${run[@]}" divides 1 0
  expect "truncates $opt" 3 "integer overflow" "${run[@]}" truncates 1e10
  expect "unreachable $opt" 3 "unreachable" "${run[@]}" unreachable
done

checks_summary

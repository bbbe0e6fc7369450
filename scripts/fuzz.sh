#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz in their own build directory
# (clang-19, -DWAOT_FUZZ=ON, AddressSanitizer + UndefinedBehaviorSanitizer),
# makes their seed corpora and runs them one after the other.
#
#   scripts/fuzz.sh [--time SECONDS] [--build DIR] [--testsuite DIR] [TARGET...]
#   scripts/fuzz.sh --history       # total time and executions of each target so far
#
# TARGET is validate, compile, load_cwasm or wasi_path (default: all four);
# --time is per target (default 15).  Seeds come from the spec suite at run
# time: its .wast scripts converted with wast2json (their modules seed
# validate, a few dozen valid ones compile, and those compiled with the
# built `waot compile` seed load_cwasm), and a generated list of paths seeds
# wasi_path.  Everything lives under the build directory: seeds/ (remade
# each run), corpus/ (what the fuzzers found interesting, kept between runs),
# artifacts/ (inputs that crashed, hung or leaked), logs/, and history.tsv
# (one line per run: date, target, seconds, executions, outcome).
#
# Prints each target's executions and status; exits 1 when any target
# crashed, hung or hit a sanitizer, naming the input it kept.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${WAOT_FUZZ_BUILD_DIR:-$root/build-fuzz}
suite=${WAOT_TESTSUITE_DIR:-$root/../shared/testsuite}
seconds=15
all_targets=(validate compile load_cwasm wasi_path)
targets=()
while [ $# -gt 0 ]; do
  case $1 in
    --time) seconds=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --testsuite) suite=$2; shift 2 ;;
    --history)
      if [ -f "$build/fuzz/history.tsv" ]; then
        awk -F'\t' '{ s[$2] += $3; r[$2] += $4; n[$2]++; if ($5 != "ok") f[$2]++ }
          END { for (t in s) printf "fuzz_%s: %d runs, %d s, %d executions, %d failed\n",
                                     t, n[t], s[t], r[t], f[t] }' "$build/fuzz/history.tsv" | sort
      fi
      exit 0 ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *)
      case " ${all_targets[*]} " in
        *" $1 "*) targets+=("$1") ;;
        *) echo "fuzz.sh: unknown target $1 (${all_targets[*]})" >&2; exit 2 ;;
      esac
      shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
case $seconds in ''|*[!0-9]*) echo "fuzz.sh: --time takes whole seconds" >&2; exit 2 ;; esac

"$root/scripts/deps.sh"
jobs=$(nproc)
[ "$jobs" -le 2 ] || jobs=2
cmake -S "$root" -B "$build" -DCMAKE_C_COMPILER=clang-19 -DWAOT_FUZZ=ON \
  -DWAOT_SANITIZE=address,undefined >/dev/null
fuzzers=()
for t in "${targets[@]}"; do fuzzers+=("fuzz_$t"); done
nice -n 10 cmake --build "$build" -j"$jobs" --target "${fuzzers[@]}" fuzz_cwasm_wrap waot \
  waot_codegen >/dev/null

work=$build/fuzz
mkdir -p "$work/tmp" "$work/logs"
export TMPDIR=$work/tmp
export WAOT_CODEGEN=$build/cli/libwaot-codegen.so
export ASAN_OPTIONS=allocator_may_return_null=1:detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1
waot=$build/cli/waot

# ---- seeds ----
seeds=$work/seeds
rm -rf "$seeds"
mkdir -p "$seeds"/{validate,compile,load_cwasm,wasi_path} "$work/wasm"

# Every module of the spec suite's scripts (and the examples), once each.
need_wasm=false
for t in "${targets[@]}"; do [ "$t" = wasi_path ] || need_wasm=true; done
if $need_wasm; then
  if [ ! -d "$work/wasm/converted" ]; then
    rm -rf "$work/wasm"
    mkdir -p "$work/wasm/json"
    if [ -d "$suite/wasm-2.0" ]; then
      for w in "$suite"/wasm-2.0/*.wast; do
        name=$(basename "$w" .wast)
        wast2json --output="$work/wasm/json/$name.json" "$w" >/dev/null 2>&1 || true
      done
    else
      echo "fuzz.sh: no spec suite at $suite/wasm-2.0: seeds from examples/ only" >&2
    fi
    for w in "$root"/examples/*.wat; do
      wat2wasm -o "$work/wasm/json/example-$(basename "$w" .wat).wasm" "$w" 2>/dev/null || true
    done
    mkdir "$work/wasm/converted"
  fi
  # Named by content, so duplicates collapse.
  for f in "$work"/wasm/json/*.wasm; do
    [ -e "$f" ] || continue
    cp "$f" "$seeds/validate/$(sha1sum < "$f" | cut -c1-16)"
  done
  # Valid modules of at most 4 KiB, a few dozen spread over the suite (every
  # one would make the first pass of the compile target minutes long).
  declare -A invalid=()
  for f in $( (cd "$seeds/validate" && "$waot" validate -- * 2>&1 >/dev/null || true) |
              sed -n 's/^\([0-9a-f]\{16\}\):.*/\1/p'); do
    invalid[$f]=1
  done
  valid=()
  for f in $(cd "$seeds/validate" && ls | sort); do
    [ -z "${invalid[$f]:-}" ] && [ "$(stat -c %s "$seeds/validate/$f")" -le 4096 ] || continue
    valid+=("$f")
  done
  step=$(( ${#valid[@]} / 48 + 1 ))
  for ((i = 0; i < ${#valid[@]}; i += step)); do
    cp "$seeds/validate/${valid[$i]}" "$seeds/compile/"
  done
  # And start.wast's, since few mutations make a valid start section: the
  # target runs start functions when it compiles with interruption checks.
  for f in "$work"/wasm/json/start.*.wasm; do
    [ -e "$f" ] || continue
    cp "$f" "$seeds/compile/$(sha1sum < "$f" | cut -c1-16)"
  done
  # Those compiled, the first 32 with code, guarded (tests/fuzz/cwasm_guard.h).
  count=0
  for f in $(ls "$seeds/compile" | sort); do
    [ $count -lt 32 ] || break
    "$waot" compile "$seeds/compile/$f" -O0 -o "$work/tmp/$f.cwasm" 2>/dev/null || continue
    if "$build/tests/fuzz/fuzz_cwasm_wrap" "$work/tmp/$f.cwasm" "$seeds/load_cwasm/$f" \
         2>"$work/logs/wrap.log"; then
      count=$((count + 1))
    fi
    rm -f "$work/tmp/$f.cwasm"
  done
fi

# Paths: one control byte (bit 0 follow links, bit 1 resolve against the
# subdirectory's descriptor) and the path, over tests/fuzz/fuzz_wasi_path.c's
# tree.
n=0
for path in file.txt sub/inner.txt sub/deeper/leaf.txt sub/deeper/back link_file link_dir/ \
            link_dir/deeper/../inner.txt link_deeper/leaf.txt dotdot/x escape_rel/secret \
            escape_sneaky escape_abs/secret escape_root/etc loop_a/x self dangling chain1/file.txt \
            empty_name_dir/file.txt ./sub/./up/file.txt sub/top/outside/secret ../sandbox/file.txt \
            /etc/passwd sub// . .. dir2/../../x missing/new; do
  for control in 0 1 2 3; do
    printf "\\$(printf %03o $control)%s" "$path" > "$seeds/wasi_path/$n"
    n=$((n + 1))
  done
done

# ---- runs ----
timeout_of() { case $1 in compile) echo 60 ;; *) echo 10 ;; esac; }
# Paths longer than the guest's PATH_MAX are refused on their own: let
# inputs reach that far.
extra_of() { case $1 in wasi_path) echo -max_len=8200 ;; esac; }
failed=0
for t in "${targets[@]}"; do
  corpus=$work/corpus/$t
  artifacts=$work/artifacts/$t
  log=$work/logs/$t.log
  mkdir -p "$corpus" "$artifacts"
  if [ ! -d "$seeds/$t" ] || [ -z "$(ls -A "$seeds/$t")" ]; then
    echo "fuzz_$t: FAILED: no seeds (see $work/logs/wrap.log)"
    failed=1
    continue
  fi
  before=$(ls "$artifacts" | wc -l)
  started=$(date +%s)
  rc=0
  nice -n 10 "$build/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout="$(timeout_of "$t")" \
    -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix="$artifacts/" $(extra_of "$t") \
    "$corpus" "$seeds/$t" >"$log" 2>&1 || rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  elapsed=$(( $(date +%s) - started ))
  outcome=ok
  [ $rc -eq 0 ] || outcome="failed (exit $rc)"
  printf '%s\t%s\t%s\t%s\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$t" "$elapsed" \
    "${runs:-0}" "$outcome" >> "$work/history.tsv"
  if [ $rc -eq 0 ]; then
    echo "fuzz_$t: ok: ${runs:-?} runs in $elapsed s, corpus $(ls "$corpus" | wc -l) inputs"
    grep -m1 "^fuzz_$t: " "$log" | sed 's/^/  /' || true
  else
    failed=1
    kept=$(ls -t "$artifacts" | head -1)
    echo "fuzz_$t: FAILED (exit $rc) after ${runs:-?} runs in $elapsed s: $(grep -m1 -E '^==[0-9]+==ERROR|SUMMARY|fuzz: invariant|^==[0-9]+== ERROR' "$log" || echo "see the log")"
    if [ "$(ls "$artifacts" | wc -l)" -gt "$before" ]; then
      echo "  input kept at $artifacts/$kept"
    fi
    echo "  log: $log"
  fi
done
exit $failed

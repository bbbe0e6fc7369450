#!/usr/bin/env bash
# Compile speed on one large module: `waot compile` at -O0 and -O2, on one
# thread (--jobs 1) and on all of them (--jobs N, N = online CPUs), each
# repeated a few times, with min/median/max wall time, wasm kilobytes
# compiled per second (of the median), CPU time (user + sys, median), peak
# RSS (max over the repeats) and the speed-up of all threads over one.  For
# scale, the same module through WABT's wasm2c and clang-19 at -O0 and -O2
# (bench/wasm2c/build.sh: translating to C, then compiling it, the wasm2c
# runtime and the WASI shim).
#
# Usage: bench/compile-speed.sh [--tsv FILE] [MODULE.wasm]
#   Without MODULE, SQLite's speedtest1 is built (bench/real/build.sh, kept
#   under the build directory and reused).  --tsv (or $COMPILE_SPEED_TSV)
#   also writes the figures as tab-separated values with a header line:
#   tool opt jobs runs min_s median_s max_s kb_per_s cpu_s peak_rss_kb speedup
# Environment: WAOT_BUILD_DIR (default build), REPEATS (waot runs per
#   case, default 3), WASM2C_REPEATS (default 1; 0 skips wasm2c).
# Needs: a built waot, GNU time (/usr/bin/time, package time), wabt's
#   wasm2c and clang-19 with wasi-libc (see bench/wasm2c/build.sh and, for
#   the default module, bench/real/build.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${WAOT_BUILD_DIR:-$root/build}
waot=$build/cli/waot
repeats=${REPEATS:-3}
wasm2c_repeats=${WASM2C_REPEATS:-1}
tsv=${COMPILE_SPEED_TSV:-}
if [ "${1:-}" = "--tsv" ]; then
  [ $# -ge 2 ] || { echo "usage: $0 [--tsv FILE] [MODULE.wasm]" >&2; exit 2; }
  tsv=$2
  shift 2
fi
[ -x "$waot" ] || { echo "$0: no waot at $waot (set WAOT_BUILD_DIR)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "$0: needs GNU time (apt-get install time)" >&2; exit 1; }
work=$build/bench/compile-speed
mkdir -p "$work"

module=${1:-}
if [ -z "$module" ]; then
  module=$build/bench/real/speedtest1.wasm
  [ -f "$module" ] || PROGRAMS=speedtest1 "$root/bench/real/build.sh" \
    "$build/bench/real-src" "$build/bench/real" >&2
fi
[ -f "$module" ] || { echo "$0: no module $module" >&2; exit 1; }
bytes=$(stat -c %s "$module")
all=$(getconf _NPROCESSORS_ONLN)

rows=$work/rows.tsv
: > "$rows"
# Runs a command REPEATS times under GNU time; appends one row per run:
# wall, user and system seconds, max RSS in KB.
measure() { # label, runs, command...
  local label=$1 runs=$2; shift 2
  local sample=$work/sample
  for ((r = 0; r < runs; r++)); do
    /usr/bin/time -f "%e %U %S %M" -o "$sample" "$@" > /dev/null 2> "$work/stderr" || {
      echo "$0: failed: $*" >&2; cat "$work/stderr" >&2; exit 1; }
    read -r wall user sys rss < "$sample"
    printf '%s\t%s\t%s\t%s\t%s\n' "$label" "$wall" "$user" "$sys" "$rss" >> "$rows"
  done
}

echo "module: $module ($((bytes / 1024)) KB), $repeats runs per case, all = $all threads" >&2
for opt in 0 2; do
  for jobs in 1 "$all"; do
    echo "waot -O$opt --jobs $jobs ..." >&2
    measure "waot	$opt	$jobs" "$repeats" "$waot" compile "-O$opt" --jobs "$jobs" "$module" \
      -o "$work/out.cwasm"
  done
done
if [ "$wasm2c_repeats" -gt 0 ]; then
  for opt in 0 2; do
    echo "wasm2c + clang-19 -O$opt ..." >&2
    measure "wasm2c+clang	$opt	1" "$wasm2c_repeats" env WASM2C_CFLAGS=-O$opt \
      "$root/bench/wasm2c/build.sh" "$module" "$work/out-wasm2c"
  done
fi
rm -f "$work/out.cwasm" "$work/out-wasm2c"

python3 - "$rows" "$bytes" "$tsv" <<'PY'
import statistics, sys
rows, kb, tsv = sys.argv[1], int(sys.argv[2]) / 1024, sys.argv[3]
cases = {}
for line in open(rows):
    tool, opt, jobs, wall, user, sys_, rss = line.rstrip("\n").split("\t")
    cpu = float(user) + float(sys_)
    c = cases.setdefault((tool, int(opt), int(jobs)), {"wall": [], "cpu": [], "rss": []})
    c["wall"].append(float(wall)); c["cpu"].append(float(cpu)); c["rss"].append(int(rss))
one = {opt: statistics.median(c["wall"]) for (tool, opt, jobs), c in cases.items()
       if tool == "waot" and jobs == 1}
out = ["tool\topt\tjobs\truns\tmin_s\tmedian_s\tmax_s\tkb_per_s\tcpu_s\tpeak_rss_kb\tspeedup"]
for (tool, opt, jobs), c in cases.items():
    w = c["wall"]; med = statistics.median(w)
    speedup = one[opt] / med if tool == "waot" and opt in one else float("nan")
    print(f"{tool:13s} -O{opt} jobs {jobs:2d}: min {min(w):7.2f} s  median {med:7.2f} s  "
          f"max {max(w):7.2f} s  {kb / med:8.1f} KB/s  cpu {statistics.median(c['cpu']):7.2f} s  "
          f"peak RSS {max(c['rss']) / 1024:6.0f} MB"
          + (f"  speed-up {speedup:.2f}x" if tool == "waot" and jobs != 1 else ""))
    out.append(f"{tool}\t{opt}\t{jobs}\t{len(w)}\t{min(w):.3f}\t{med:.3f}\t{max(w):.3f}\t"
               f"{kb / med:.1f}\t{statistics.median(c['cpu']):.3f}\t{max(c['rss'])}\t{speedup:.3f}")
if tsv:
    with open(tsv, "w") as f:
        f.write("\n".join(out) + "\n")
PY

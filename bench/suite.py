#!/usr/bin/env python3
"""The side-by-side benchmark suite: every workload on every engine, in one run.

Workloads are the project's kernels (bench/kernels/, built by its build.sh)
and, unless --no-real, real programs built from Debian source packages
(bench/real/build.sh).  Each exists as NAME.wasm (clang-19, wasm32-wasi,
-O2) and NAME.native (clang-19 -O2, the limit).  Engines:

  native        the native build
  waot-run      `waot run NAME.cwasm` (compiled beforehand by `waot compile`)
  waot-exe      the executable of `waot build`
  wasm2c        WABT's wasm2c output compiled by clang-19 -O2 (bench/wasm2c/)
  node          Node.js (V8, default tiering) running bench/node/run-wasi.mjs
  node-turbofan the same with --no-liftoff --no-wasm-lazy-compilation

Each engine runs each workload once per round; rounds interleave everything
so machine noise falls on all engines alike.  The time is the whole
process's wall time.  Every run's stdout must equal the native run's, or the
run counts as failed.  Also measured: `waot compile` time, throughput and
peak memory at -O0 and -O2 for every module.

Writes OUT/results.tsv (every run), OUT/report.md (ratios to native: median
per workload with min/max, geometric means) and OUT/chart.svg.

Usage: bench/suite.py [--smoke] [--rounds N] [--out DIR] [--engines LIST]
                      [--only NAMES] [--no-real]
Needs: a built waot (WAOT_BUILD_DIR, default build/), clang-19 with
wasi-libc, wabt (wasm2c), node; for real programs, network access to
Debian's source packages.
"""

import argparse
import math
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENGINES = ["native", "waot-run", "waot-exe", "wasm2c", "node", "node-turbofan"]


def read_table(path):
    """Rows of a tab-separated workload list: name, default args, smoke args."""
    rows = []
    if not os.path.exists(path):
        return rows
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            fields = line.split("\t")
            if fields[0] == "name":  # a header row
                continue
            rows.append((fields[0], fields[1].split(), fields[2].split()))
    return rows


def run_timed(argv):
    """Runs argv; returns (seconds, exit status, stdout)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out, _ = proc.communicate()
    return time.perf_counter() - start, proc.returncode, out


def run_measured(argv):
    """Runs argv; returns (seconds, exit status, peak RSS in KiB) of that child alone."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stderr.read()
    proc.stderr.close()
    return elapsed, proc.returncode, usage.ru_maxrss


def build(args, out):
    """Builds the workloads; returns [(name, argv)]."""
    bin_dir = os.path.join(out, "bin")
    os.makedirs(bin_dir, exist_ok=True)
    subprocess.run([os.path.join(ROOT, "bench/kernels/build.sh"), bin_dir], check=True)
    workloads = read_table(os.path.join(ROOT, "bench/kernels/kernels.tsv"))
    if not args.no_real and not args.smoke:
        subprocess.run([os.path.join(ROOT, "bench/real/build.sh"), os.path.join(out, "real-src"),
                        bin_dir], check=True)
        workloads += read_table(os.path.join(ROOT, "bench/real/programs.tsv"))
    if args.only:
        wanted = set(args.only.split(","))
        workloads = [w for w in workloads if w[0] in wanted]
    return [(name, smoke if args.smoke else default) for name, default, smoke in workloads]


def prepare_engines(waot, bin_dir, name, engines, compile_rows):
    """Compiles NAME.wasm for the engines that need it; returns {engine: argv prefix}."""
    wasm = os.path.join(bin_dir, name + ".wasm")
    size = os.path.getsize(wasm)
    for level in ("-O0", "-O2"):
        cwasm = os.path.join(bin_dir, "%s%s.cwasm" % (name, level))
        seconds, status, rss = run_measured([waot, "compile", level, wasm, "-o", cwasm])
        if status != 0:
            raise SystemExit("waot compile %s %s failed" % (level, wasm))
        compile_rows.append((name, level, size, seconds, rss))
    prefixes = {
        "native": [os.path.join(bin_dir, name + ".native")],
        "waot-run": [waot, "run", os.path.join(bin_dir, name + "-O2.cwasm"), "--"],
        "node": ["node", "--no-concurrent-marking", "--no-warnings",
                 os.path.join(ROOT, "bench/node/run-wasi.mjs"), wasm],
        "node-turbofan": ["node", "--no-concurrent-marking", "--no-warnings", "--no-liftoff",
                          "--no-wasm-lazy-compilation",
                          os.path.join(ROOT, "bench/node/run-wasi.mjs"), wasm],
    }
    if "waot-exe" in engines:
        exe = os.path.join(bin_dir, name + ".waot-exe")
        subprocess.run([waot, "build", wasm, "-o", exe], check=True)
        prefixes["waot-exe"] = [exe, "--"]
    if "wasm2c" in engines:
        # wasm2c 1.0.32 refuses some modules (SIMD): the engine sits that
        # workload out, shown as "n/a".
        exe = os.path.join(bin_dir, name + ".wasm2c")
        built = subprocess.run([os.path.join(ROOT, "bench/wasm2c/build.sh"), wasm, exe],
                               stderr=subprocess.DEVNULL)
        if built.returncode == 0:
            prefixes["wasm2c"] = [exe]
        else:
            print("bench: wasm2c cannot build %s: n/a" % name, file=sys.stderr)
    return {e: prefixes[e] for e in engines if e in prefixes}


def geomean(values):
    values = [v for v in values if v > 0]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


def write_report(out, workloads, engines, times, failures, compile_rows, rounds,
                 commands_by_name):
    medians = {}
    for name, _ in workloads:
        base = statistics.median(times[(name, "native")]) if times.get((name, "native")) else None
        for engine in engines:
            runs = times.get((name, engine), [])
            if base and runs and not failures.get((name, engine)):
                medians[(name, engine)] = statistics.median(runs) / base
    lines = ["# waot benchmark suite", "",
             "Whole-process wall time of each engine as a ratio to the native build "
             "(clang-19 -O2), median of %d interleaved rounds; lower is better.  "
             "Below each table: the geometric mean over the workloads." % rounds, "",
             "| workload | native (s) | " + " | ".join(engines[1:]) + " |",
             "|---|---:|" + "---:|" * (len(engines) - 1)]
    for name, _ in workloads:
        native = times.get((name, "native"), [])
        cells = ["%.3f" % statistics.median(native) if native else "-"]
        for engine in engines[1:]:
            if failures.get((name, engine)):
                cells.append("FAILED")
            elif engine not in commands_by_name.get(name, {}):
                cells.append("n/a")
            elif (name, engine) in medians:
                runs = sorted(times[(name, engine)])
                base = statistics.median(native)
                cells.append("%.2f (%.2f-%.2f)" % (medians[(name, engine)], runs[0] / base,
                                                   runs[-1] / base))
            else:
                cells.append("-")
        lines.append("| %s | %s |" % (name, " | ".join(cells)))
    gm = ["%.3f" % geomean([medians[(n, e)] for n, _ in workloads if (n, e) in medians])
          for e in engines[1:]]
    lines.append("| **geometric mean** | | %s |" % " | ".join(gm))
    lines += ["", "## waot compile", "",
              "| module | level | wasm KB | seconds | KB/s | peak RSS MB |",
              "|---|---|---:|---:|---:|---:|"]
    for name, level, size, seconds, rss in compile_rows:
        lines.append("| %s | %s | %.1f | %.3f | %.0f | %.1f |" % (
            name, level, size / 1024, seconds, size / 1024 / seconds, rss / 1024))
    lines += ["", "![ratios to native](chart.svg)", ""]
    with open(os.path.join(out, "report.md"), "w") as f:
        f.write("\n".join(lines))
    write_chart(os.path.join(out, "chart.svg"), workloads, engines[1:], medians)


def write_chart(path, workloads, engines, medians):
    """A grouped bar chart of the median ratios, one group per workload."""
    colours = ["#1f77b4", "#2ca02c", "#ff7f0e", "#d62728", "#9467bd", "#8c564b"]
    names = [n for n, _ in workloads]
    top = max([v for v in medians.values()] + [2.0])
    width, height, left, bottom = 60 + 28 * len(engines) * len(names), 360, 50, 300
    scale = (bottom - 20) / top
    svg = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'font-family="sans-serif" font-size="11">' % (width + 160, height),
           '<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>' % (left, bottom, width, bottom)]
    for tick in range(0, int(top) + 1):
        y = bottom - tick * scale
        svg.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>' % (left, y, width, y))
        svg.append('<text x="%d" y="%.1f" text-anchor="end">%dx</text>' % (left - 4, y + 4, tick))
    x = left + 10
    for name in names:
        for i, engine in enumerate(engines):
            value = medians.get((name, engine))
            if value is not None:
                svg.append('<rect x="%d" y="%.1f" width="20" height="%.1f" fill="%s">'
                           '<title>%s %s %.2fx</title></rect>' % (
                               x, bottom - value * scale, value * scale, colours[i % 6], name,
                               engine, value))
            x += 24
        svg.append('<text x="%d" y="%d" transform="rotate(40 %d %d)">%s</text>' % (
            x - 24 * len(engines), bottom + 14, x - 24 * len(engines), bottom + 14, name))
        x += 10
    for i, engine in enumerate(engines):
        svg.append('<rect x="%d" y="%d" width="12" height="12" fill="%s"/>' % (
            width + 20, 20 + 18 * i, colours[i % 6]))
        svg.append('<text x="%d" y="%d">%s</text>' % (width + 38, 30 + 18 * i, engine))
    svg.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(svg) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--smoke", action="store_true", help="tiny inputs, one round, kernels only")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", default=None)
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--only", default=None, help="comma-separated workload names")
    parser.add_argument("--no-real", action="store_true", help="skip the Debian programs")
    args = parser.parse_args()
    build_dir = os.environ.get("WAOT_BUILD_DIR", os.path.join(ROOT, "build"))
    waot = os.path.join(build_dir, "cli", "waot")
    out = os.path.abspath(args.out or os.path.join(build_dir, "bench", "suite"))
    engines = args.engines.split(",")
    unknown = [e for e in engines if e not in ENGINES]
    if unknown:
        raise SystemExit("unknown engine %s (known: %s)" % (unknown[0], ", ".join(ENGINES)))
    if "native" not in engines:
        engines.insert(0, "native")
    rounds = 1 if args.smoke else args.rounds

    workloads = build(args, out)
    bin_dir = os.path.join(out, "bin")
    compile_rows = []
    commands = {}
    for name, _ in workloads:
        commands[name] = prepare_engines(waot, bin_dir, name, engines, compile_rows)

    times, failures, expected = {}, {}, {}
    with open(os.path.join(out, "results.tsv"), "w") as results:
        results.write("workload\tengine\tround\tseconds\tstatus\n")
        for r in range(rounds):
            for name, wargs in workloads:
                for engine in engines:
                    if engine not in commands[name]:
                        continue
                    seconds, status, stdout = run_timed(commands[name][engine] + wargs)
                    if engine == "native":
                        expected.setdefault(name, stdout)
                    ok = status == 0 and stdout == expected.get(name)
                    if not ok:
                        failures[(name, engine)] = True
                        print("bench: %s on %s: %s" % (name, engine, "exit status %d" % status
                              if status else "output differs from native"), file=sys.stderr)
                    times.setdefault((name, engine), []).append(seconds)
                    results.write("%s\t%s\t%d\t%.6f\t%s\n" % (name, engine, r, seconds,
                                                              "ok" if ok else "failed"))
                    results.flush()
            print("bench: round %d of %d done" % (r + 1, rounds), file=sys.stderr)
    write_report(out, workloads, engines, times, failures, compile_rows, rounds, commands)
    print(open(os.path.join(out, "report.md")).read())
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

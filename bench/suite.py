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

Besides execution, the report has:
  start-up      for a small module (bench/hello) and a large one (speedtest1,
                about 1 MB of wasm; without the real programs, the largest
                kernel): load, instantiate and first call inside one process,
                waot through its C API (bench/embed/startup-phases.c) beside
                V8 (bench/node/startup-phases.mjs); and the whole process,
                `waot run` with the module in its cache beside `node`
  instantiation waot_instantiate of an empty module, a one-page module and
                one with several MiB of data segments (bench/embed/
                gen-modules.py, bench/embed/instantiate.c): min, median, p99,
                max over many instantiations
  compile       bench/compile-speed.sh's throughput table (one thread and
                all, -O0 and -O2, wasm2c + clang for scale) on the largest
                workload (speedtest1 when built; skipped by --smoke)
  machine       CPU, cores, date, versions of clang, node, wabt and waot

Writes OUT/results.tsv (every execution run), OUT/startup.tsv (every
start-up sample), OUT/report.md (ratios to native: median per workload with
min/max, geometric means; the sections above) and OUT/chart.svg.  Exits 1
when any run failed or printed other output than native, so --smoke is a
test (the ctest bench.smoke).

Usage: bench/suite.py [--smoke] [--rounds N] [--startup-rounds N] [--out DIR]
                      [--engines LIST] [--only NAMES] [--no-real]
                      [--skip execution,startup,instantiation,compile]
                      [--compile-module NAME] [--compile-repeats N]
Needs: a built waot (WAOT_BUILD_DIR, default build/: cli/waot and
cli/libwaot_runtime.a), cc, clang-19 with wasi-libc, wabt (wasm2c), node
(unless the node engines are left out of --engines); for real programs,
network access to Debian's source packages.
"""

import argparse
import collections
import concurrent.futures
import datetime
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENGINES = ["native", "waot-run", "waot-exe", "wasm2c", "node", "node-turbofan"]
# Node 20's V8 can crash on long wasm runs while marking concurrently.
NODE_FLAGS = ["--no-concurrent-marking", "--no-warnings"]


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
    """Builds the workloads; returns ([(name, argv)], {name: smoke argv})."""
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
    return ([(name, smoke if args.smoke else default) for name, default, smoke in workloads],
            {name: smoke for name, _, smoke in workloads})


def build_hello(bin_dir):
    """bench/hello as hello.wasm and hello.native, the small start-up module."""
    source = os.path.join(ROOT, "bench/hello/hello.c")
    subprocess.run(["clang-19", "--target=wasm32-wasi", "--sysroot=" + wasi_sysroot(), "-O2",
                    "-o", os.path.join(bin_dir, "hello.wasm"), source], check=True)
    subprocess.run(["clang-19", "-O2", "-o", os.path.join(bin_dir, "hello.native"), source],
                   check=True)


def prepare_engines(waot, bin_dir, name, engines, compile_rows, builds):
    """Compiles NAME.wasm with `waot compile` at -O0 and -O2, timed, one at a
    time; appends the untimed builds other engines need (`waot build`,
    wasm2c) to `builds` for run_builds.  Returns {engine: argv prefix} of
    the engines ready now."""
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
        "node": ["node"] + NODE_FLAGS + [os.path.join(ROOT, "bench/node/run-wasi.mjs"), wasm],
        "node-turbofan": ["node"] + NODE_FLAGS + [
            "--no-liftoff", "--no-wasm-lazy-compilation",
            os.path.join(ROOT, "bench/node/run-wasi.mjs"), wasm],
    }
    if "waot-exe" in engines:
        exe = os.path.join(bin_dir, name + ".waot-exe")
        builds.append(Build(name, "waot-exe", [waot, "build", wasm, "-o", exe], [exe, "--"], True))
    if "wasm2c" in engines:
        # wasm2c 1.0.32 refuses some modules (SIMD): the engine sits that
        # workload out, shown as "n/a".
        exe = os.path.join(bin_dir, name + ".wasm2c")
        builds.append(Build(name, "wasm2c", [os.path.join(ROOT, "bench/wasm2c/build.sh"), wasm,
                                             exe], [exe], False))
    return {e: prefixes[e] for e in engines if e in prefixes}


# One untimed build: of `engine`'s binary for workload `name` (its argv
# prefix once built), or with engine None, filling waot's cache.  `required`:
# a failure stops the suite, else that engine sits the workload out.
Build = collections.namedtuple("Build", "name engine argv prefix required")


def run_builds(builds, commands):
    """Runs the untimed builds two at a time (wasm2c's clang and lld are
    single-threaded, so this keeps both cores busy; nothing is timed
    meanwhile) and adds each built engine to commands[name]."""
    def run(build):
        return subprocess.run(build.argv, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL).returncode == 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        for build, built in zip(builds, pool.map(run, builds)):
            if built and build.engine:
                commands[build.name][build.engine] = build.prefix
            elif not built and build.required:
                raise SystemExit("bench: %s failed" % " ".join(build.argv))
            elif not built:
                print("bench: %s cannot build %s: n/a" % (build.engine, build.name),
                      file=sys.stderr)


# First-call arguments of the start-up modules: little work, but through
# the program's code (speedtest1 runs every test at size 0: SQL parsing,
# the VDBE, the b-tree).  A kernel standing in for the large module gets
# its smoke arguments.
FIRST_CALL_ARGS = {"hello": [], "speedtest1": ["--memdb", "--size", "0"]}
PHASES = ["load", "instantiate", "first_call"]


def wasi_sysroot():
    """Where wasi-libc is, as bench/kernels/build.sh decides it."""
    if os.environ.get("WASI_SYSROOT"):
        return os.environ["WASI_SYSROOT"]
    return "/usr/share/wasi-sysroot" if os.path.isdir("/usr/share/wasi-sysroot") else "/usr"


def first_line(argv):
    """The first line a version command prints, or "not found"."""
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "not found"
    text = (out.stdout or out.stderr).strip()
    return text.splitlines()[0] if text else "not found"


def machine_lines(waot):
    """The report's description of the machine and the tools it ran."""
    cpu = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            models = [line.split(":", 1)[1].strip() for line in f if line.startswith("model name")]
        cpu = models[0] if models else cpu
    except OSError:
        pass
    rows = [("date", datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
            ("CPU", "%s, %d cores online" % (cpu, os.cpu_count() or 0)),
            ("system", "%s %s %s" % (platform.system(), platform.release(), platform.machine())),
            ("waot", first_line([waot, "--version"])),
            ("clang", first_line(["clang-19", "--version"])),
            ("node", first_line(["node", "--version"])),
            ("wabt (wasm2c)", first_line(["wasm2c", "--version"])),
            ("python", platform.python_version())]
    lines = ["## Machine", "", "| | |", "|---|---|"]
    lines += ["| %s | %s |" % row for row in rows]
    return lines + [""]


def build_embed_tools(build_dir, tools_dir):
    """Builds the C programs of the start-up and instantiation benchmarks
    against the built runtime library; returns {name: path}."""
    os.makedirs(tools_dir, exist_ok=True)
    cflags = ["-std=c17", "-O2", "-D_GNU_SOURCE", "-Wall", "-Wextra",
              "-I" + os.path.join(ROOT, "runtime-lib/include")]
    libs = [os.path.join(build_dir, "cli", "libwaot_runtime.a"), "-lm", "-ldl", "-lpthread"]
    tools = {}
    for name in ("startup-phases", "instantiate"):
        tools[name] = os.path.join(tools_dir, name)
        subprocess.run([os.environ.get("CC", "cc")] + cflags + [
            "-o", tools[name], os.path.join(ROOT, "bench/embed", name + ".c")] + libs, check=True)
    return tools


def parse_phases(stdout):
    """{phase: ms} from a startup-phases line "load=L instantiate=I first_call=C"."""
    found = dict(re.findall(r"(\w+)=([0-9.]+)", stdout.decode(errors="replace")))
    if not all(p in found for p in PHASES):
        return None
    return {p: float(found[p]) for p in PHASES}


def spread(values, digits=2):
    """"median (min-max)" of values."""
    if not values:
        return "-"
    v = sorted(values)
    form = "%%.%df" % digits
    return (form + " (" + form + "-" + form + ")") % (statistics.median(v), v[0], v[-1])


def measure_startup(waot, tools, bin_dir, work, modules, engines, rounds, failures):
    """The start-up section: per module, phases in one process (waot through
    the C API, V8 through WebAssembly.*) and whole processes (native, `waot
    run` from the cache, node), `rounds` interleaved samples each.  Failed
    runs go into `failures`; returns (report lines, startup.tsv rows)."""
    use_node = "node" in engines
    cache = os.path.join(work, "cache")
    samples = {}   # (module, kind, engine) -> [sample]
    rows = []
    for name, args in modules:
        wasm = os.path.join(bin_dir, name + ".wasm")
        cwasm = os.path.join(bin_dir, name + "-O2.cwasm")
        if not os.path.exists(cwasm) or os.path.getmtime(cwasm) < max(
                os.path.getmtime(wasm), os.path.getmtime(waot)):
            subprocess.run([waot, "compile", "-O2", wasm, "-o", cwasm], check=True)
        # Fills the cache if main's builds did not, so the timed `waot run`s
        # below all hit it.
        subprocess.run([waot, "run", "--cache-dir", cache, wasm, "--"] + args,
                       stdout=subprocess.DEVNULL, check=True)
    runs = []   # (module, kind, engine, argv)
    for name, args in modules:
        wasm = os.path.join(bin_dir, name + ".wasm")
        runs.append((name, "phases", "waot", [tools["startup-phases"],
                                              os.path.join(bin_dir, name + "-O2.cwasm")] + args))
        runs.append((name, "process", "native", [os.path.join(bin_dir, name + ".native")] + args))
        runs.append((name, "process", "waot run", [waot, "run", "--cache-dir", cache, wasm,
                                                   "--"] + args))
        if use_node:
            runs.append((name, "phases", "V8", ["node"] + NODE_FLAGS + [
                os.path.join(ROOT, "bench/node/startup-phases.mjs"), wasm] + args))
            runs.append((name, "process", "node", ["node"] + NODE_FLAGS + [
                os.path.join(ROOT, "bench/node/run-wasi.mjs"), wasm] + args))
    expected = {}
    for r in range(rounds):
        for name, kind, engine, argv in runs:
            seconds, status, stdout = run_timed(argv)
            if kind == "phases":
                sample = parse_phases(stdout) if status == 0 else None
                ok = sample is not None
            else:
                sample = {"process": seconds * 1e3}
                expected.setdefault(name, stdout)
                ok = status == 0 and stdout == expected[name]
            if not ok:
                failures[("startup " + name, engine)] = True
                print("bench: start-up of %s on %s (%s) failed" % (name, engine, kind),
                      file=sys.stderr)
                continue
            samples.setdefault((name, kind, engine), []).append(sample)
            for phase, ms in sample.items():
                rows.append((name, engine, r, phase, ms))

    def values(name, kind, engine, phase):
        return [s[phase] for s in samples.get((name, kind, engine), [])]

    lines = ["## Start-up", "",
             "Milliseconds, median (min-max) of %d interleaved runs, each a fresh process.  "
             "In one process: `load` is waot_module_load of the precompiled module (what a "
             "cache hit costs) for waot, reading the .wasm and WebAssembly.compile for V8 "
             "(default tiering: Liftoff and lazy compilation); `instantiate` is linking WASI "
             "and instantiating; `first call` is `_start` until it returns; `total` is their "
             "sum, the time until the first call has returned.  First-call arguments: %s." % (
                 rounds, "; ".join("%s `%s`" % (n, " ".join(a) or "(none)") for n, a in modules)),
             "", "| module | wasm KB | engine | load | instantiate | first call | total |",
             "|---|---:|---|---:|---:|---:|---:|"]
    for name, _ in modules:
        size = os.path.getsize(os.path.join(bin_dir, name + ".wasm")) / 1024
        for engine in ("waot", "V8"):
            if engine == "V8" and not use_node:
                lines.append("| %s | %.0f | V8 | excluded | | | |" % (name, size))
                continue
            phase_cells = [spread(values(name, "phases", engine, p), digits=3) for p in PHASES]
            totals = [sum(s.values()) for s in samples.get((name, "phases", engine), [])]
            lines.append("| %s | %.0f | %s | %s | %s |" % (name, size, engine,
                                                          " | ".join(phase_cells),
                                                          spread(totals, digits=3)))
    lines += ["", "Whole process, wall time in milliseconds: the native build, `waot run "
              "MODULE.wasm` with its compiled module in the cache (hashing the .wasm, "
              "finding the entry, loading, WASI, instantiate, run), and `node "
              "bench/node/run-wasi.mjs MODULE.wasm`.  Same arguments as above; every "
              "output must equal native's.", "",
              "| module | native | waot run (cached) | node | node / waot run |",
              "|---|---:|---:|---:|---:|"]
    for name, _ in modules:
        cells = [spread(values(name, "process", e, "process"))
                 for e in ("native", "waot run", "node")]
        waot_ms = values(name, "process", "waot run", "process")
        node_ms = values(name, "process", "node", "process")
        ratio = ("%.1fx" % (statistics.median(node_ms) / statistics.median(waot_ms))
                 if waot_ms and node_ms else "-")
        lines.append("| %s | %s | %s |" % (name, " | ".join(cells), ratio))
    return lines + [""], rows


def measure_instantiation(waot, tools, work, counts, data_mib):
    """The instantiation section: waot_instantiate of generated modules,
    COUNT times each in one process.  Returns (report lines, failed)."""
    os.makedirs(work, exist_ok=True)
    subprocess.run([sys.executable, os.path.join(ROOT, "bench/embed/gen-modules.py"), work,
                    str(data_mib)], check=True)
    lines = ["## Instantiation", "",
             "Microseconds per waot_instantiate (plus nothing else: the module is loaded "
             "once, each instance freed untimed), over COUNT instantiations in one process.  "
             "`data` has %d MiB of active data segments: the first instance copies them, "
             "every later one maps the module's copy-on-write image of them (runtime-lib/"
             "memory_image.c), so a page costs only when first touched." % data_mib,
             "", "| module | wasm bytes | count | min | median | p99 | max |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    failed = False
    for name in ("empty", "one-page", "data"):
        wasm = os.path.join(work, name + ".wasm")
        cwasm = os.path.join(work, name + ".cwasm")
        subprocess.run([waot, "compile", wasm, "-o", cwasm], check=True)
        out = subprocess.run([tools["instantiate"], cwasm, str(counts[name])],
                             capture_output=True, text=True)
        found = re.search(r"min ([0-9.]+) us  median ([0-9.]+) us  p99 ([0-9.]+) us  "
                          r"max ([0-9.]+) us", out.stdout)
        if out.returncode != 0 or not found:
            print("bench: instantiating %s failed: %s" % (name, out.stderr.strip()),
                  file=sys.stderr)
            failed = True
            lines.append("| %s | | %d | FAILED | | | |" % (name, counts[name]))
            continue
        lines.append("| %s | %d | %d | %s |" % (name, os.path.getsize(wasm),
                                                   counts[name], " | ".join(found.groups())))
    return lines + [""], failed


def geomean(values):
    values = [v for v in values if v > 0]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


def write_report(out, workloads, engines, times, failures, compile_rows, rounds,
                 commands_by_name, machine, sections):
    """OUT/report.md: the machine, the execution table (when workloads ran),
    the per-module compile table, then `sections` (lists of lines)."""
    medians = {}
    for name, _ in workloads:
        base = statistics.median(times[(name, "native")]) if times.get((name, "native")) else None
        for engine in engines:
            runs = times.get((name, engine), [])
            if base and runs and not failures.get((name, engine)):
                medians[(name, engine)] = statistics.median(runs) / base
    lines = ["# waot benchmark suite", ""] + machine
    if not times:
        lines += ["## Execution", "", "Skipped (--skip execution).", ""]
        for section in sections:
            lines += section
        with open(os.path.join(out, "report.md"), "w") as f:
            f.write("\n".join(lines))
        return
    lines += ["## Execution", "",
             "Whole-process wall time of each engine as a ratio to the native build "
             "(clang-19 -O2), median of %d interleaved rounds; lower is better.  "
             "Each cell: median (min-max).  "
             "Below the table: the geometric mean over the workloads.  "
             "The wasm modules are built with clang-19 -O2 -mbulk-memory "
             "-mnontrapping-fptoint, memcpy/memmove/memset being memory.copy and "
             "memory.fill (bench/wasm-bulk-string.c); every engine runs the same "
             "module." % rounds, "",
             "![ratios to native](chart.svg)", "",
             "| workload | native (s) | " + " | ".join(engines[1:]) + " |",
             "|---|---:|" + "---:|" * (len(engines) - 1)]
    for name, _ in workloads:
        native = times.get((name, "native"), [])
        cells = [spread(native, digits=3)]
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
    lines += ["", "## waot compile, per module", "",
              "One `waot compile` of each workload's module at each level (wall time, peak "
              "RSS of the process, all cores).", "",
              "| module | level | wasm KB | seconds | KB/s | peak RSS MB |",
              "|---|---|---:|---:|---:|---:|"]
    for name, level, size, seconds, rss in compile_rows:
        lines.append("| %s | %s | %.1f | %.3f | %.0f | %.1f |" % (
            name, level, size / 1024, seconds, size / 1024 / seconds, rss / 1024))
    lines += [""]
    for section in sections:
        lines += section
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


def compile_speed_section(out, build_dir, module, repeats):
    """The compile-throughput section: bench/compile-speed.sh (owned by that
    script: `waot compile` at -O0/-O2 on one thread and on all, KB/s, CPU
    time, peak RSS; wasm2c + clang-19 for scale) on `module`, each waot case
    `repeats` times.  Returns (report lines, failed)."""
    script = os.path.join(ROOT, "bench/compile-speed.sh")
    lines = ["## Compile throughput", ""]
    if not os.path.exists(script):
        return lines + ["bench/compile-speed.sh is not in this tree: section skipped.", ""], False
    tsv = os.path.join(out, "compile-speed.tsv")
    if os.path.exists(tsv):
        os.remove(tsv)
    done = subprocess.run([script, "--tsv", tsv, module],
                          env=dict(os.environ, WAOT_BUILD_DIR=build_dir, REPEATS=str(repeats),
                                   WASM2C_REPEATS="1"))
    if done.returncode != 0 or not os.path.exists(tsv):
        print("bench: bench/compile-speed.sh failed", file=sys.stderr)
        return lines + ["bench/compile-speed.sh FAILED (exit status %d)." % done.returncode,
                        ""], True
    with open(tsv) as f:
        rows = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    header, rows = rows[0], [dict(zip(rows[0], row)) for row in rows[1:]]
    lines += ["`bench/compile-speed.sh --tsv compile-speed.tsv %s` (REPEATS=%d, WASM2C_REPEATS=1; "
              "%.0f KB of wasm).  Wall seconds median (min-max) of `runs`, wasm KB per second of "
              "the median, CPU seconds (user + system, median), peak RSS (max), speed-up of all "
              "threads over one.  Run alone, the script compiles speedtest1 (about 1 MB)." % (
                  os.path.basename(module), repeats, os.path.getsize(module) / 1024), ""]
    wanted = ["tool", "opt", "jobs", "runs", "min_s", "median_s", "max_s", "kb_per_s", "cpu_s",
              "peak_rss_kb", "speedup"]
    if any(column not in header for column in wanted):
        # Another layout than the one this was written for: show it as it is.
        lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(row[c] for c in header) + " |" for row in rows]
        return lines + [""], False
    lines += ["| compiler | level | threads | runs | wall s | KB/s | CPU s | peak RSS MB | "
              "speed-up |", "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for row in rows:
        speedup = float(row["speedup"])
        lines.append("| %s | -O%s | %s | %s | %.2f (%.2f-%.2f) | %.0f | %.2f | %.0f | %s |" % (
            row["tool"], row["opt"], row["jobs"], row["runs"], float(row["median_s"]),
            float(row["min_s"]), float(row["max_s"]), float(row["kb_per_s"]),
            float(row["cpu_s"]), int(row["peak_rss_kb"]) / 1024,
            "-" if math.isnan(speedup) or row["jobs"] == "1" else "%.2fx" % speedup))
    return lines + [""], False


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--smoke", action="store_true",
                        help="tiny inputs, one round, few start-up samples, kernels only")
    # The defaults keep a whole run under 15 minutes on two cores.
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--startup-rounds", type=int, default=15,
                        help="samples of each start-up measurement (--smoke: 3)")
    parser.add_argument("--out", default=None)
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--only", default=None, help="comma-separated workload names")
    parser.add_argument("--no-real", action="store_true", help="skip the Debian programs")
    parser.add_argument("--compile-module", default=None,
                        help="workload bench/compile-speed.sh compiles (default: the "
                             "largest)")
    parser.add_argument("--compile-repeats", type=int, default=2,
                        help="runs of each `waot compile` case in bench/compile-speed.sh")
    parser.add_argument("--skip", default="",
                        help="comma-separated sections to leave out: execution, startup, "
                             "instantiation, compile")
    args = parser.parse_args()
    build_dir = os.path.abspath(os.environ.get("WAOT_BUILD_DIR", os.path.join(ROOT, "build")))
    waot = os.path.join(build_dir, "cli", "waot")
    out = os.path.abspath(args.out or os.path.join(build_dir, "bench", "suite"))
    engines = args.engines.split(",")
    unknown = [e for e in engines if e not in ENGINES]
    if unknown:
        raise SystemExit("unknown engine %s (known: %s)" % (unknown[0], ", ".join(ENGINES)))
    if "native" not in engines:
        engines.insert(0, "native")
    skip = set(filter(None, args.skip.split(",")))
    unknown = skip - {"execution", "startup", "instantiation", "compile"}
    if unknown:
        raise SystemExit("unknown section %s" % unknown.pop())
    # A missing engine is an error, never a silent pass: leave it out with
    # --engines to run without it.
    for engine, tool in (("node", "node"), ("node-turbofan", "node"), ("wasm2c", "wasm2c")):
        if engine in engines and not shutil.which(tool):
            raise SystemExit("bench: %s not found for engine %s: install it (scripts/deps.sh) "
                             "or leave the engine out with --engines" % (tool, engine))
    if not os.access(waot, os.X_OK):
        raise SystemExit("bench: no waot at %s (set WAOT_BUILD_DIR)" % waot)
    rounds = 1 if args.smoke else args.rounds
    startup_rounds = 3 if args.smoke else args.startup_rounds

    workloads, smoke_args = build(args, out)
    bin_dir = os.path.join(out, "bin")
    compile_rows = []
    commands = {}
    builds = []
    times, failures, expected = {}, {}, {}
    if "startup" not in skip:
        build_hello(bin_dir)
        names = [n for n, _ in workloads]
        if "speedtest1" in names:
            large = "speedtest1"
        else:
            large = max(names, key=lambda n: os.path.getsize(os.path.join(bin_dir, n + ".wasm")))
        startup_modules = [("hello", FIRST_CALL_ARGS["hello"]),
                           (large, FIRST_CALL_ARGS.get(large, smoke_args.get(large, [])))]
        startup_dir = os.path.join(out, "startup")
        # `waot run` compiles into its cache now, so the timed runs all hit it.
        for name, margs in startup_modules:
            builds.append(Build(name, None, [waot, "run", "--cache-dir",
                                             os.path.join(startup_dir, "cache"),
                                             os.path.join(bin_dir, name + ".wasm"), "--"] + margs,
                                None, True))
    if "execution" not in skip:
        for name, _ in workloads:
            commands[name] = prepare_engines(waot, bin_dir, name, engines, compile_rows, builds)
    run_builds(builds, commands)
    if "execution" not in skip:
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

    sections = []
    tools = None
    if "startup" not in skip or "instantiation" not in skip:
        tools = build_embed_tools(build_dir, os.path.join(out, "tools"))
    if "startup" not in skip:
        startup_lines, startup_rows = measure_startup(
            waot, tools, bin_dir, startup_dir, startup_modules, engines, startup_rounds, failures)
        with open(os.path.join(out, "startup.tsv"), "w") as f:
            f.write("module\tengine\tround\tphase\tms\n")
            f.writelines("%s\t%s\t%d\t%s\t%.4f\n" % row for row in startup_rows)
        sections.append(startup_lines)
        print("bench: start-up measured", file=sys.stderr)
    if "instantiation" not in skip:
        counts = ({"empty": 500, "one-page": 500, "data": 20} if args.smoke else
                  {"empty": 10000, "one-page": 10000, "data": 1000})
        inst_lines, inst_failed = measure_instantiation(
            waot, tools, os.path.join(out, "instantiation"), counts, 4)
        if inst_failed:
            failures[("instantiation", "waot")] = True
        sections.append(inst_lines)
        print("bench: instantiation measured", file=sys.stderr)
    if "compile" not in skip and args.smoke:
        sections.append(["## Compile throughput", "", "Skipped by --smoke.", ""])
    elif "compile" not in skip:
        # The largest workload: only a large module is split into
        # partitions, so only it shows what more threads give.
        names = [n for n, _ in workloads]
        module = args.compile_module or max(
            names, key=lambda n: os.path.getsize(os.path.join(bin_dir, n + ".wasm")))
        compile_lines, compile_failed = compile_speed_section(
            out, build_dir, os.path.join(bin_dir, module + ".wasm"), args.compile_repeats)
        if compile_failed:
            failures[("compile-speed", "waot")] = True
        sections.append(compile_lines)

    write_report(out, workloads, engines, times, failures, compile_rows, rounds, commands,
                 machine_lines(waot), sections)
    print(open(os.path.join(out, "report.md")).read())
    if failures:
        print("bench: FAILED: %s" % ", ".join("%s on %s" % k for k in sorted(failures)),
              file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

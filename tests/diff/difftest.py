#!/usr/bin/env python3
"""The differential test's driver: runs modules through waot-diff (waot) and
reference.mjs (V8, in Node.js), compares what they print, and counts.

  difftest.py generate [--count N] [--seed S] ...
      N modules made by Binaryen's `wasm-opt -ttf` from seeded random bytes
      (module i of seed S is always the same), restricted to WebAssembly 2.0
  difftest.py spec [--testsuite DIR] [SCRIPT...]
      every binary module of the spec suite's scripts (wast2json)
  difftest.py replay [--regressions DIR]
      every committed regression module: waot's output must equal the
      expected output recorded from the reference
  difftest.py record FILE.wat|FILE.wasm...
      records FILE.expected from the reference (never from waot)

A module whose outputs differ is kept in WORK/differences/ID/ with both
outputs; the run ends with the counts and exits 1 when anything differed.
README.md beside this file explains the output format and what is compared,
skipped and tolerated, and why.
"""

import argparse
import concurrent.futures
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REFERENCE = HERE / "reference.mjs"
EXIT_SKIP = 77  # ctest's SKIP_RETURN_CODE: a tool the test needs is missing

# WebAssembly 2.0 and nothing later: MVP, mutable globals, sign extension,
# non-trapping float-to-int, bulk memory, multi-value, SIMD.  Reference
# types are added to some modules only (see reftypes_every): Binaryen 108
# types funcref as a subtype of externref and ref.func as a typed reference,
# so most modules it makes with them are invalid WebAssembly 2.0.
BINARYEN_FEATURES = [
    "--mvp-features", "--enable-mutable-globals", "--enable-sign-ext",
    "--enable-nontrapping-float-to-int", "--enable-bulk-memory",
    "--enable-multivalue", "--enable-simd",
]


# The SIMD instructions whose NaN results the spec leaves open (sign, and
# payload unless every NaN operand is canonical): float arithmetic and
# rounding.  Binaryen 108's --denan covers scalars only, so denan_simd adds
# the same for these.  (neg, abs, pmin, pmax, splat and lane moves copy bits,
# which both engines do alike.)
SIMD_NAN_PRODUCERS = {
    shape: {f"{shape}.{op}" for op in ("add", "sub", "mul", "div", "sqrt", "min", "max",
                                       "ceil", "floor", "trunc", "nearest")}
    for shape in ("f32x4", "f64x2")
}
SIMD_NAN_PRODUCERS["f32x4"].add("f32x4.demote_f64x2_zero")
SIMD_NAN_PRODUCERS["f64x2"].add("f64x2.promote_low_f32x4")
# What a NaN lane becomes: 0, as --denan does for scalars.
DENAN_HELPERS = """
  (func $waot_denan_f32x4 (param v128) (result v128)
    (v128.and (local.get 0) (f32x4.eq (local.get 0) (local.get 0))))
  (func $waot_denan_f64x2 (param v128) (result v128)
    (v128.and (local.get 0) (f64x2.eq (local.get 0) (local.get 0))))"""


def denan_simd(wasm, wasm2wat, wat2wasm):
    """Rewrites `wasm` in place so that every lane a SIMD instruction of
    SIMD_NAN_PRODUCERS makes NaN becomes 0, through the text format
    (wasm2wat prints one instruction per line).  Whether it rewrote."""
    printed = subprocess.run([wasm2wat, "--enable-all", "--no-debug-names", str(wasm)],
                             capture_output=True, text=True)
    if printed.returncode != 0:
        # WABT finds it invalid (Binaryen 108's reference types, see
        # BINARYEN_FEATURES): left as it is for the engines to judge.
        return False
    text = printed.stdout
    out, changed = [], False
    for line in text.splitlines():
        # An instruction line: indentation, the instruction, and the
        # parentheses that close its function when it is the last one.
        op = line.strip().rstrip(")")
        shape = next((shape for shape, ops in SIMD_NAN_PRODUCERS.items() if op in ops), None)
        if shape is None:
            out.append(line)
            continue
        indent = line[:len(line) - len(line.lstrip())]
        closing = line.strip()[len(op):]
        out.append(f"{indent}{op}")
        out.append(f"{indent}call $waot_denan_{shape}{closing}")
        changed = True
    if not changed:
        return False
    # Appended last, the helpers take the function indices after every
    # existing one, so no index in the module changes.
    body = "\n".join(out).rstrip()
    assert body.endswith(")")
    rewritten = body[:-1] + DENAN_HELPERS + ")\n"
    wat, out = wasm.with_suffix(".denan.wat"), wasm.with_suffix(".denan.wasm")
    wat.write_text(rewritten)
    assembled = subprocess.run([wat2wasm, "--enable-all", str(wat), "-o", str(out)],
                               capture_output=True)
    wat.unlink()
    if assembled.returncode != 0:
        # WABT printed what it cannot read back (again Binaryen 108's typed
        # references): left as it is, like a module wasm2wat refuses.
        out.unlink(missing_ok=True)
        return False
    out.replace(wasm)
    return True


def find_tool(explicit, name):
    path = explicit or shutil.which(name)
    return path if path and os.access(path, os.X_OK) else None


class Runners:
    """How to run each engine on one module, with a time limit."""

    def __init__(self, args):
        self.waot_diff = args.waot_diff
        self.node = args.node
        self.timeout = args.timeout
        self.opt = args.opt

    def run(self, argv):
        """(exit status or 'timeout', stdout, stderr)"""
        try:
            p = subprocess.run(argv, capture_output=True, timeout=self.timeout)
        except subprocess.TimeoutExpired as e:
            return "timeout", e.stdout or b"", e.stderr or b""
        return p.returncode, p.stdout, p.stderr

    def waot(self, wasm):
        return self.run([self.waot_diff, f"-O{self.opt}", str(wasm)])

    def reference(self, wasm):
        return self.run([self.node, "--no-concurrent-marking", str(REFERENCE), str(wasm)])


def module_status(lines):
    for line in lines:
        if line.startswith("module "):
            return line[len("module "):]
    return None


STACK_TRAP = ("result trap stack-exhausted", "module trap stack-exhausted")


def first_exhaustion(lines):
    """Index of the line where the call that exhausted the stack began
    (its `call` line, or 0 in the start function), or None."""
    for i, line in enumerate(lines):
        if line in STACK_TRAP:
            for j in range(i, -1, -1):
                if lines[j].startswith("call "):
                    return j
            return 0
    return None


def judge(waot, ref):
    """('identical' | 'differing' | 'skipped', reason) for two runs."""
    (w_status, w_out, _), (r_status, r_out, _) = waot, ref
    if w_status == "timeout" or r_status == "timeout":
        which = {(True, True): "both", (True, False): "waot", (False, True): "the reference"}
        return "skipped", "timeout in " + which[w_status == "timeout", r_status == "timeout"]
    if w_status != 0:
        how = f"signal {-w_status}" if w_status < 0 else f"exit status {w_status}"
        return "differing", f"waot-diff failed ({how})"
    if r_status != 0:
        return "differing", f"the reference failed (exit status {r_status})"
    w_lines = w_out.decode("utf-8", "replace").splitlines()
    r_lines = r_out.decode("utf-8", "replace").splitlines()
    w_module, r_module = module_status(w_lines), module_status(r_lines)
    if w_module == "compile-limit":
        return "skipped", "beyond a waot implementation limit"
    # Stack exhaustion: the depth where each engine stops is its own (waot's
    # limit is 4 MiB of stack, V8's about 1 MB, and frames differ in size),
    # so the call that exhausts it, and everything after (the partial
    # effects of the frames that did run), cannot be compared.  What ran
    # before that call must still be identical.
    w_stack, r_stack = first_exhaustion(w_lines), first_exhaustion(r_lines)
    if w_stack is not None or r_stack is not None:
        cut = min(i for i in (w_stack, r_stack) if i is not None)
        if w_lines[:cut] != r_lines[:cut]:
            return "differing", "differs before a stack exhaustion"
        return "skipped", "stack exhausted"
    if w_lines != r_lines:
        return "differing", "outputs differ"
    if w_module == "invalid":
        return "skipped", "invalid module (both reject it)"
    if w_module == "link-error":
        return "skipped", "unlinkable here (imports another module)"
    if w_module == "skipped import-name-clash":
        return "skipped", "one import name at two types"
    return "identical", None


class Tally:
    """Counts and kept differences, shared by the worker threads."""

    def __init__(self, work):
        self.work = work
        self.lock = threading.Lock()
        self.outcomes = Counter()
        self.skips = Counter()
        self.differences = []

    def add(self, ident, wasm, waot, ref, verdict, reason, note=""):
        with self.lock:
            self.outcomes[verdict] += 1
            if verdict == "skipped":
                self.skips[reason] += 1
            # A timeout is kept too: one engine may hang where the other
            # does not.
            if verdict == "differing":
                self.differences.append((ident, reason))
            elif not reason or not reason.startswith("timeout"):
                return
        folder = "differences" if verdict == "differing" else "timeouts"
        keep = self.work / folder / ident.replace("/", "_")
        keep.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(wasm, keep / "module.wasm")
        for name, (_, out, err) in (("waot", waot), ("reference", ref)):
            (keep / f"{name}.out").write_bytes(out)
            (keep / f"{name}.err").write_bytes(err)
        (keep / "why").write_text(f"{reason}\n{note}")
        label = "DIFFERENT" if verdict == "differing" else "TIMEOUT"
        print(f"{label} {ident}: {reason} (kept in {keep})", flush=True)

    def report(self, title, extra=()):
        total = sum(self.outcomes.values())
        lines = [title]
        lines += [f"  {label}: {value}" for label, value in extra]
        ran = self.outcomes["identical"] + self.outcomes["differing"]
        lines += [
            f"  modules judged: {total}",
            f"  run in both and compared: {ran}",
            f"    identical: {self.outcomes['identical']}",
            f"    differing: {self.outcomes['differing']}",
            f"  skipped: {self.outcomes['skipped']}",
        ]
        lines += [f"    {reason}: {n}" for reason, n in sorted(self.skips.items())]
        for ident, reason in self.differences:
            lines.append(f"  different: {ident}: {reason}")
        text = "\n".join(lines) + "\n"
        (self.work / "summary.txt").write_text(text)
        print(text, end="", flush=True)
        return 1 if self.outcomes["differing"] else 0


def run_pool(jobs, items, fn, tally):
    """fn(item) for every item, `jobs` at once; an exception in the driver
    itself counts as a difference, so it cannot pass unnoticed."""
    def guarded(item):
        try:
            fn(item)
        except Exception as e:  # noqa: BLE001 - reported, never swallowed
            with tally.lock:
                tally.outcomes["differing"] += 1
                tally.differences.append((str(item), f"driver error: {e!r}"))
            print(f"DRIVER ERROR on {item}: {e!r}", flush=True)

    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        for future in concurrent.futures.as_completed([pool.submit(guarded, i) for i in items]):
            future.result()


# ---- generate ----

def generation_recipe(seed, index, args):
    """The random bytes and wasm-opt flags of module `index` of `seed`."""
    rng = random.Random(f"waot-diff:{seed}:{index}")
    size = rng.randint(args.min_bytes, args.max_bytes)
    data = rng.randbytes(size)
    flags = list(BINARYEN_FEATURES)
    if args.reftypes_every and index % args.reftypes_every == args.reftypes_every - 1:
        flags.append("--enable-reference-types")
    if rng.random() < 0.25:
        flags.append("--no-fuzz-oob")
    if rng.random() < 0.25:
        # Binaryen's optimisation passes, a random set: code shaped as an
        # optimiser leaves it, not only as -ttf writes it.
        flags.append("--fuzz-passes")
    if not args.no_denan:
        # NaN bits are the engine's choice (see README.md): --denan makes
        # every NaN a float expression yields 0 before anything can see it.
        flags.append("--denan")
    return data, flags


def cmd_generate(args):
    wasm_opt = find_tool(args.wasm_opt, "wasm-opt")
    wasm2wat, wat2wasm = find_tool(None, "wasm2wat"), find_tool(None, "wat2wasm")
    missing = [name for name, tool in (("wasm-opt (binaryen)", wasm_opt), ("node", args.node),
                                       ("waot-diff", args.waot_diff), ("wasm2wat", wasm2wat),
                                       ("wat2wasm", wat2wasm)) if not tool]
    if missing:
        print(f"difftest: missing {', '.join(missing)}: cannot run", file=sys.stderr)
        return EXIT_SKIP
    work = Path(args.work)
    (work / "modules").mkdir(parents=True, exist_ok=True)
    runners = Runners(args)
    tally = Tally(work)
    generation_failures = Counter()
    progress = {"done": 0, "start": time.monotonic()}

    def one(index):
        ident = f"{args.seed}-{index}"
        data, flags = generation_recipe(args.seed, index, args)
        raw = work / "modules" / f"{ident}.bin"
        wasm = work / "modules" / f"{ident}.wasm"
        raw.write_bytes(data)
        made = subprocess.run([wasm_opt, "-ttf", str(raw), "-o", str(wasm), *flags],
                              capture_output=True)
        raw.unlink()
        if made.returncode != 0 or not wasm.exists():
            with tally.lock:
                tally.outcomes["skipped"] += 1
                tally.skips["wasm-opt could not generate it"] += 1
                # Binaryen's last line says why (its warnings come first).
                lines = made.stderr.decode(errors="replace").strip().splitlines() or ["?"]
                generation_failures[lines[-1][:160]] += 1
            return
        denanned = not args.no_denan and denan_simd(wasm, wasm2wat, wat2wasm)
        waot = runners.waot(wasm)
        ref = runners.reference(wasm)
        verdict, reason = judge(waot, ref)
        note = (f"wasm-opt -ttf FILE {' '.join(flags)}{' + denan_simd' if denanned else ''}"
                f"  (seed {args.seed}, index {index})\n")
        tally.add(ident, wasm, waot, ref, verdict, reason, note)
        if not args.keep:
            wasm.unlink()
        with tally.lock:
            progress["done"] += 1
            done = progress["done"]
        if args.progress and done % args.progress == 0:
            rate = done / (time.monotonic() - progress["start"])
            print(f"{done}/{args.count} modules, {tally.outcomes['identical']} identical, "
                  f"{tally.outcomes['differing']} differing, {rate:.2f}/s", flush=True)

    run_pool(args.jobs, range(args.start, args.start + args.count), one, tally)
    extra = [("seed", args.seed), ("indices", f"{args.start}..{args.start + args.count - 1}"),
             ("modules generated", args.count)]
    status = tally.report(f"difftest generate: {work}", extra)
    for message, n in sorted(generation_failures.items()):
        print(f"  wasm-opt failed {n}x: {message}")
    return status


# ---- spec ----

SPEC_MODULE_COMMANDS = {"module", "assert_invalid", "assert_malformed", "assert_unlinkable",
                        "assert_uninstantiable"}


def cmd_spec(args):
    wast2json = find_tool(args.wast2json, "wast2json")
    missing = [name for name, tool in (("wast2json (wabt)", wast2json), ("node", args.node),
                                       ("waot-diff", args.waot_diff)) if not tool]
    if missing:
        print(f"difftest: missing {', '.join(missing)}: cannot run", file=sys.stderr)
        return EXIT_SKIP
    suite = Path(args.testsuite) / "wasm-2.0"
    scripts = sorted(suite.glob("*.wast"))
    if args.scripts:
        scripts = [s for s in scripts if s.stem in args.scripts]
        unknown = set(args.scripts) - {s.stem for s in scripts}
        if unknown:
            print(f"difftest: no such script in {suite}: {', '.join(sorted(unknown))}",
                  file=sys.stderr)
            return 2
    if not scripts:
        print(f"difftest: no scripts in {suite}", file=sys.stderr)
        return 1
    work = Path(args.work)
    runners = Runners(args)
    tally = Tally(work)
    modules = []
    for script in scripts:
        out = work / "spec" / script.stem
        out.mkdir(parents=True, exist_ok=True)
        converted = subprocess.run([wast2json, str(script), "-o", str(out / f"{script.stem}.json")],
                                   capture_output=True)
        if converted.returncode != 0:
            print(f"difftest: wast2json failed on {script.name}: "
                  f"{converted.stderr.decode(errors='replace')}", file=sys.stderr)
            return 1
        commands = json.loads((out / f"{script.stem}.json").read_text())["commands"]
        for c in commands:
            if c["type"] in SPEC_MODULE_COMMANDS and c.get("filename", "").endswith(".wasm") \
                    and c.get("module_type", "binary") == "binary":
                modules.append((f"{script.stem}/{c['filename']}", out / c["filename"]))

    def one(item):
        ident, wasm = item
        waot = runners.waot(wasm)
        ref = runners.reference(wasm)
        verdict, reason = judge(waot, ref)
        tally.add(ident, wasm, waot, ref, verdict, reason)

    run_pool(args.jobs, modules, one, tally)
    return tally.report(f"difftest spec: {len(scripts)} scripts, {work}",
                        [("modules", len(modules))])


# ---- regressions ----

def regression_wasm(source, wat2wasm, scratch):
    """The .wasm of a regression module (a .wat is converted into scratch)."""
    if source.suffix == ".wasm":
        return source
    wasm = scratch / (source.stem + ".wasm")
    subprocess.run([wat2wasm, str(source), "-o", str(wasm)], check=True)
    return wasm


def regression_sources(folder):
    return sorted(p for p in Path(folder).iterdir() if p.suffix in (".wat", ".wasm"))


def cmd_replay(args):
    wat2wasm = find_tool(args.wat2wasm, "wat2wasm")
    if not wat2wasm or not args.waot_diff:
        print("difftest: missing wat2wasm or waot-diff", file=sys.stderr)
        return EXIT_SKIP
    sources = regression_sources(args.regressions)
    if not sources:
        print(f"difftest: no regression modules in {args.regressions}", file=sys.stderr)
        return 1
    scratch = Path(args.work)
    scratch.mkdir(parents=True, exist_ok=True)
    runners = Runners(args)
    failed = 0
    for source in sources:
        expected_path = source.with_suffix(".expected")
        if not expected_path.exists():
            print(f"FAIL {source.name}: no {expected_path.name} (difftest.py record makes it)")
            failed += 1
            continue
        status, out, err = runners.waot(regression_wasm(source, wat2wasm, scratch))
        expected = expected_path.read_bytes()
        if status == 0 and out == expected:
            print(f"ok   {source.name}")
            continue
        failed += 1
        print(f"FAIL {source.name}: waot-diff exit status {status}")
        got = out.decode(errors="replace").splitlines()
        want = expected.decode(errors="replace").splitlines()
        for i in range(max(len(got), len(want))):
            g = got[i] if i < len(got) else "<end>"
            w = want[i] if i < len(want) else "<end>"
            if g != w:
                print(f"  first difference at line {i + 1}:\n    expected: {w}\n    waot:     {g}")
                break
        sys.stdout.write(err.decode(errors="replace"))
    print(f"{len(sources) - failed} passed, {failed} failed")
    return 1 if failed else 0


def cmd_record(args):
    wat2wasm = find_tool(args.wat2wasm, "wat2wasm")
    if not wat2wasm or not args.node:
        print("difftest: missing wat2wasm or node", file=sys.stderr)
        return EXIT_SKIP
    scratch = Path(args.work)
    scratch.mkdir(parents=True, exist_ok=True)
    runners = Runners(args)
    for name in args.files:
        source = Path(name)
        status, out, err = runners.reference(regression_wasm(source, wat2wasm, scratch))
        if status != 0:
            sys.stderr.write(err.decode(errors="replace"))
            print(f"difftest: the reference failed on {source} (exit status {status})",
                  file=sys.stderr)
            return 1
        source.with_suffix(".expected").write_bytes(out)
        print(f"recorded {source.with_suffix('.expected')} from the reference")
    return 0


def main():
    build = Path(os.environ.get("WAOT_BUILD_DIR", HERE.parent.parent / "build"))
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--waot-diff", default=str(build / "tests" / "diff" / "waot-diff"),
                        help="the waot runner (default: $WAOT_BUILD_DIR/tests/diff/waot-diff)")
    parser.add_argument("--node", default=shutil.which("node"), help="Node.js (default: node)")
    parser.add_argument("--work", default=str(build / "tests" / "diff" / "work"),
                        help="where modules, outputs and differences go")
    parser.add_argument("--jobs", "-j", type=int, default=2, help="modules run at once")
    parser.add_argument("--timeout", type=float, default=120,
                        help="seconds each engine may take per module")
    parser.add_argument("--opt", type=int, default=2, choices=range(4),
                        help="waot's optimisation level")
    sub = parser.add_subparsers(dest="command", required=True)

    gen = sub.add_parser("generate", help="modules made by wasm-opt -ttf")
    gen.add_argument("--count", type=int, default=100)
    gen.add_argument("--seed", type=int, default=1)
    gen.add_argument("--start", type=int, default=0, help="first module index")
    gen.add_argument("--min-bytes", type=int, default=256, help="smallest random input")
    gen.add_argument("--max-bytes", type=int, default=16384, help="largest random input")
    gen.add_argument("--reftypes-every", type=int, default=8,
                     help="every Nth module also enables reference types (0: none)")
    gen.add_argument("--no-denan", action="store_true",
                     help="leave NaNs alone (differences in NaN bits will show)")
    gen.add_argument("--keep", action="store_true", help="keep every generated module")
    gen.add_argument("--wasm-opt", help="Binaryen's wasm-opt (default: from PATH)")
    gen.add_argument("--progress", type=int, default=0, help="print counts every N modules")

    spec = sub.add_parser("spec", help="the spec suite's modules")
    spec.add_argument("--testsuite", default=str(HERE.parent.parent.parent / "shared" / "testsuite"),
                      help="the folder holding wasm-2.0/ (default: ../shared/testsuite)")
    spec.add_argument("--wast2json", help="WABT's wast2json (default: from PATH)")
    spec.add_argument("scripts", nargs="*", help="script names (default: all)")

    replay = sub.add_parser("replay", help="check waot against the recorded regressions")
    replay.add_argument("--regressions", default=str(HERE / "regressions"))
    replay.add_argument("--wat2wasm", help="WABT's wat2wasm (default: from PATH)")

    record = sub.add_parser("record", help="record a regression's expected output from the reference")
    record.add_argument("--wat2wasm", help="WABT's wat2wasm (default: from PATH)")
    record.add_argument("files", nargs="+")

    args = parser.parse_args()
    if args.waot_diff and not os.access(args.waot_diff, os.X_OK):
        args.waot_diff = None
    commands = {"generate": cmd_generate, "spec": cmd_spec, "replay": cmd_replay,
                "record": cmd_record}
    sys.exit(commands[args.command](args))


if __name__ == "__main__":
    main()

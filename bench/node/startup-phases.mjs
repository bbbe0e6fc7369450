// bench/node/startup-phases.mjs: the V8 side of the suite's start-up
// measurement (bench/embed/startup-phases.c is the waot side).  In one
// process, times each phase of starting one WASI program:
//   load         reading the .wasm and WebAssembly.compile (V8 keeps no
//                compiled code between processes, so loading is compiling;
//                with default tiering that is Liftoff, or lazy compilation)
//   instantiate  WebAssembly.instantiate with the WASI imports
//   first call   wasi.start: `_start` until it returns or exits
// The WASI object is made before the clock starts.  The program's stdout
// goes to /dev/null; this script prints one line, milliseconds:
//   load=L instantiate=I first_call=C
// and exits 0 when the program exited with 0.
//
// Usage: node [V8 flags] startup-phases.mjs MODULE.wasm [PROGRAM ARGS...]
import { readFile } from 'node:fs/promises';
import { openSync, closeSync } from 'node:fs';
import { WASI } from 'node:wasi';
import { argv, exit } from 'node:process';
import { performance } from 'node:perf_hooks';

const [, , path, ...args] = argv;
if (!path) {
  console.error('usage: node startup-phases.mjs MODULE.wasm [PROGRAM ARGS...]');
  exit(2);
}
const nullFd = openSync('/dev/null', 'w');
const name = path.split('/').pop();
const wasi = new WASI({ version: 'preview1', args: [name, ...args], env: {}, stdout: nullFd,
                        returnOnExit: true });
// wasiImport rather than getImportObject(), which Node 18 (Debian 12's) lacks.
const imports = { wasi_snapshot_preview1: wasi.wasiImport };

const t0 = performance.now();
const module = await WebAssembly.compile(await readFile(path));
const t1 = performance.now();
const instance = await WebAssembly.instantiate(module, imports);
const t2 = performance.now();
const status = wasi.start(instance);
const t3 = performance.now();
closeSync(nullFd);

const ms = (x) => x.toFixed(4);
console.log(`load=${ms(t1 - t0)} instantiate=${ms(t2 - t1)} first_call=${ms(t3 - t2)}`);
exit(status === 0 ? 0 : 1);

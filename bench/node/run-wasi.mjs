// bench/node/run-wasi.mjs: runs a WASI command module under Node.js's V8,
// the way the benchmark suite runs every engine: `node [V8 flags]
// run-wasi.mjs MODULE.wasm ARGS...`, stdout and the exit status passed
// through.  V8 compiles the module here, so its compile time is part of the
// process time the suite measures, as it is for anyone running the module.
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';
import { argv, exit, env } from 'node:process';

const [, , path, ...args] = argv;
if (!path) {
  console.error('usage: node run-wasi.mjs MODULE.wasm [ARGS...]');
  exit(2);
}
const wasi = new WASI({ version: 'preview1', args: [path, ...args], env, returnOnExit: true });
const module = await WebAssembly.compile(await readFile(path));
// wasiImport rather than getImportObject(), which Node 18 (Debian 12's) lacks.
const instance = await WebAssembly.instantiate(module, { wasi_snapshot_preview1: wasi.wasiImport });
exit(wasi.start(instance));

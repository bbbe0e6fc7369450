// The reference side of the differential test: runs one .wasm in V8 (Node.js
// 20 or later) exactly as waot-diff (runner.c) runs it in waot, and prints
// the same canonical lines (README.md beside this file describes them):
// every function import is a host function that prints its call and returns
// zeros, every exported function is called with zero arguments in export
// order, and after each call the exported memories, globals and tables are
// printed.
//
// JavaScript cannot hold a v128, so a function import, an exported function
// or an exported global whose type has one goes through a small adapter
// module this file assembles: it splits each v128 into four i32 lanes on the
// way to JavaScript and supplies the zero arguments and results there.  The
// module's types, imports and exports come from a minimal reader of the
// binary format below (the JS API only reflects them behind a flag).
//
// Usage: node --no-concurrent-marking reference.mjs MODULE.wasm

import { readFileSync, writeSync } from 'node:fs';

const HANG_LIMIT_EXPORT = 'hangLimitInitializer';

const I32 = 0x7f, I64 = 0x7e, F32 = 0x7d, F64 = 0x7c, V128 = 0x7b;
const FUNCREF = 0x70, EXTERNREF = 0x6f;
const KIND_FUNC = 0, KIND_TABLE = 1, KIND_MEMORY = 2, KIND_GLOBAL = 3;

// ---- Output ----

const lines = [];
let pending = 0;
function emit(line) {
  lines.push(line);
  pending += line.length;
  if (pending > 1 << 16) flush();
}
function flush() {
  if (lines.length) writeSync(1, lines.join('\n') + '\n');
  lines.length = 0;
  pending = 0;
}

// ---- Reading the binary ----

class Reader {
  constructor(bytes, offset = 0, end = bytes.length) {
    this.bytes = bytes;
    this.at = offset;
    this.end = end;
  }
  byte() {
    if (this.at >= this.end) throw new Error('unexpected end');
    return this.bytes[this.at++];
  }
  u32() {
    let result = 0, shift = 0, b;
    do {
      b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    return result;
  }
  skipLeb() {
    while (this.byte() & 0x80);
  }
  skip(n) {
    if (this.at + n > this.end) throw new Error('unexpected end');
    this.at += n;
  }
  name() {
    const len = this.u32();
    const raw = this.bytes.subarray(this.at, this.at + len);
    this.skip(len);
    return { raw, text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(raw) };
  }
  limits() {
    const flags = this.byte();
    const min = this.u32();
    const max = flags & 1 ? this.u32() : undefined;
    return { min, max };
  }
  // A constant expression of WebAssembly 2.0, up to and including `end`.
  skipConstExpr() {
    for (;;) {
      const op = this.byte();
      if (op === 0x0b) return;
      if (op === 0x41 || op === 0x42 || op === 0x23 || op === 0xd2) this.skipLeb();
      else if (op === 0x43) this.skip(4);
      else if (op === 0x44) this.skip(8);
      else if (op === 0xd0) this.byte();
      else if (op === 0xfd && this.u32() === 12) this.skip(16);
      else throw new Error(`constant expression opcode 0x${op.toString(16)}`);
    }
  }
}

// Types, imports, function and global types and exports: what the runner
// needs of a module V8 has already validated.
function readModule(bytes) {
  const m = { types: [], imports: [], funcs: [], globals: [], exports: [] };
  const r = new Reader(bytes, 8);
  while (r.at < r.end) {
    const id = r.byte();
    const size = r.u32();
    const s = new Reader(bytes, r.at, r.at + size);
    r.skip(size);
    if (id === 1) {
      for (let n = s.u32(); n > 0; n--) {
        if (s.byte() !== 0x60) throw new Error('not a function type');
        const params = [], results = [];
        for (let k = s.u32(); k > 0; k--) params.push(s.byte());
        for (let k = s.u32(); k > 0; k--) results.push(s.byte());
        m.types.push({ params, results });
      }
    } else if (id === 2) {
      for (let n = s.u32(); n > 0; n--) {
        const imp = { module: s.name(), field: s.name(), kind: s.byte() };
        if (imp.kind === KIND_FUNC) {
          imp.type = m.types[s.u32()];
          m.funcs.push(imp.type);
        } else if (imp.kind === KIND_TABLE) {
          imp.elemType = s.byte();
          imp.limits = s.limits();
        } else if (imp.kind === KIND_MEMORY) {
          imp.limits = s.limits();
        } else if (imp.kind === KIND_GLOBAL) {
          imp.valueType = s.byte();
          imp.mutable = s.byte() === 1;
          m.globals.push({ type: imp.valueType, mutable: imp.mutable });
        }
        m.imports.push(imp);
      }
    } else if (id === 3) {
      for (let n = s.u32(); n > 0; n--) m.funcs.push(m.types[s.u32()]);
    } else if (id === 6) {
      for (let n = s.u32(); n > 0; n--) {
        const type = s.byte(), mutable = s.byte() === 1;
        s.skipConstExpr();
        m.globals.push({ type, mutable });
      }
    } else if (id === 7) {
      for (let n = s.u32(); n > 0; n--) {
        m.exports.push({ name: s.name(), kind: s.byte(), index: s.u32() });
      }
    }
  }
  return m;
}

// ---- Values ----

const scratch = new DataView(new ArrayBuffer(8));

function hex(n, digits) {
  return '0x' + n.toString(16).padStart(digits, '0');
}

// One value as TYPE:VALUE, as runner.c prints it: integers as signed
// decimals, floats as their bits in hex, any NaN as `nan` (the spec leaves
// the sign and payload of NaN results open), a v128 from its four lanes.
function formatValue(type, v) {
  switch (type) {
    case I32: return `i32:${v | 0}`;
    case I64: return `i64:${BigInt.asIntN(64, BigInt(v))}`;
    case F32:
      if (Number.isNaN(v)) return 'f32:nan';
      scratch.setFloat32(0, v);
      return `f32:${hex(scratch.getUint32(0), 8)}`;
    case F64:
      if (Number.isNaN(v)) return 'f64:nan';
      scratch.setFloat64(0, v);
      return `f64:${hex(scratch.getBigUint64(0), 16)}`;
    case FUNCREF: return `funcref:${v === null ? 'null' : 'ref'}`;
    case EXTERNREF: return `externref:${v === null ? 'null' : 'ref'}`;
  }
  return `unknown-type-0x${type.toString(16)}`;
}

// Values of `types` from JavaScript values where each v128 is four i32 lanes.
function formatFlat(types, flat) {
  const out = [];
  let k = 0;
  for (const t of types) {
    if (t === V128) {
      const lanes = flat.slice(k, k + 4).map((lane) => hex(lane >>> 0, 8));
      out.push(`v128:${lanes.join(',')}`);
      k += 4;
    } else {
      out.push(formatValue(t, flat[k++]));
    }
  }
  return out;
}

function zeroOf(type) {
  switch (type) {
    case I64: return 0n;
    case FUNCREF: case EXTERNREF: return null;
    default: return 0;
  }
}

// A JavaScript function's results as a list, for a function of `count`
// results.
function resultList(value, count) {
  if (count === 0) return [];
  if (count === 1) return [value];
  return [...value];
}

// Bytes printed as runner.c prints names: printable ASCII but the
// backslash as it is, every other byte as \xx.
function formatName(raw) {
  let s = '';
  for (const c of raw) {
    s += c > 0x20 && c < 0x7f && c !== 0x5c ? String.fromCharCode(c) : '\\' + c.toString(16).padStart(2, '0');
  }
  return s;
}

// ---- Traps ----

// V8's messages mapped to the classes runner.c prints (see diff_trap_name
// there for why some classes join two of the spec's traps).
const TRAP_CLASSES = [
  ['unreachable', 'unreachable'],
  ['memory access out of bounds', 'memory-out-of-bounds'],
  ['data segment', 'memory-out-of-bounds'],
  ['divide by zero', 'divide-by-zero'],
  ['remainder by zero', 'divide-by-zero'],
  ['divide result unrepresentable', 'integer-overflow-or-conversion'],
  ['float unrepresentable in integer range', 'integer-overflow-or-conversion'],
  ['table index is out of bounds', 'table-out-of-bounds'],
  ['table access out of bounds', 'table-out-of-bounds'],
  ['element segment', 'table-out-of-bounds'],
  ['table initializer', 'table-out-of-bounds'],
  ['null function or function signature mismatch', 'indirect-call-null-or-mismatch'],
];

function trapName(e) {
  if (e instanceof RangeError && /call stack size/.test(e.message)) return 'stack-exhausted';
  if (e instanceof WebAssembly.RuntimeError) {
    for (const [text, name] of TRAP_CLASSES) if (e.message.includes(text)) return name;
  }
  return `other:${e.constructor.name}: ${e.message}`;
}

// ---- The adapter for v128 ----

function uleb(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}
const vec = (items) => [...uleb(items.length), ...items.flat()];
const section = (id, bytes) => (bytes.length ? [id, ...uleb(bytes.length), ...bytes] : []);
const encName = (s) => vec([...new TextEncoder().encode(s)]);
const functype = (params, results) => [0x60, ...vec(params), ...vec(results)];
const flatten = (types) => types.flatMap((t) => (t === V128 ? [I32, I32, I32, I32] : [t]));
const hasV128 = (type) => type.params.includes(V128) || type.results.includes(V128);

function zeroInstr(type) {
  switch (type) {
    case I32: return [0x41, 0];
    case I64: return [0x42, 0];
    case F32: return [0x43, 0, 0, 0, 0];
    case F64: return [0x44, 0, 0, 0, 0, 0, 0, 0, 0];
    case V128: return [0xfd, 0x0c, ...new Array(16).fill(0)];
    default: return [0xd0, type];
  }
}
// The four lanes of the v128 on top of the stack, read through `get`
// (a local.get or global.get of it).
const lanesOf = (get) => [0, 1, 2, 3].flatMap((lane) => [...get, 0xfd, 0x1b, lane]);

// A module from its parts: `imports` as [module, field, kind bytes...],
// functions as {type, locals, body}, exports as [name, kind, index].
function assemble(types, imports, funcs, exports) {
  const bytes = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec(imports.map(([mod, field, desc]) => [...encName(mod), ...encName(field), ...desc]))),
    ...section(3, vec(funcs.map((f) => uleb(f.type)))),
    ...section(7, vec(exports.map(([name, kind, index]) => [...encName(name), kind, ...uleb(index)]))),
    ...section(10, vec(funcs.map((f) => {
      const body = [...vec(f.locals.map((t) => [1, t])), ...f.body, 0x0b];
      return [...uleb(body.length), ...body];
    })))];
  return new WebAssembly.Module(new Uint8Array(bytes));
}

// Wasm functions of the host functions' types for the imports whose type
// has a v128: each passes its arguments, v128 split into lanes, to `hosts[i]`
// and returns zeros itself.
function importAdapters(adapted, hosts) {
  const types = [], imports = [], funcs = [], exports = [];
  adapted.forEach((type, i) => {
    types.push(functype(flatten(type.params), []), functype(type.params, type.results));
    imports.push(['js', `h${i}`, [KIND_FUNC, ...uleb(2 * i)]]);
    const body = type.params.flatMap((t, p) => (t === V128 ? lanesOf([0x20, ...uleb(p)]) : [0x20, ...uleb(p)]));
    body.push(0x10, ...uleb(i), ...type.results.flatMap(zeroInstr));
    funcs.push({ type: 2 * i + 1, locals: [], body });
    exports.push([`h${i}`, KIND_FUNC, adapted.length + i]);
  });
  const js = Object.fromEntries(hosts.map((h, i) => [`h${i}`, h]));
  return new WebAssembly.Instance(assemble(types, imports, funcs, exports), { js }).exports;
}

// For exported functions whose type has a v128: a function of no parameters
// that calls it with zeros and returns its results with each v128 split into
// lanes.  For exported v128 globals: a function returning the lanes.
function exportAdapters(funcs, globals) {
  const types = [], imports = [], defs = [], exports = [];
  funcs.forEach(({ type, fn }, i) => {
    types.push(functype(type.params, type.results), functype([], flatten(type.results)));
    imports.push(['m', `f${i}`, [KIND_FUNC, ...uleb(2 * i)]]);
  });
  globals.forEach(({ mutable }, i) => {
    imports.push(['m', `g${i}`, [KIND_GLOBAL, V128, mutable ? 1 : 0]]);
  });
  types.push(functype([], [I32, I32, I32, I32]));
  const globalGetterType = types.length - 1;
  funcs.forEach(({ type }, i) => {
    const body = type.params.flatMap(zeroInstr);
    body.push(0x10, ...uleb(i));
    const n = type.results.length;
    for (let r = n - 1; r >= 0; r--) body.push(0x21, ...uleb(r));
    type.results.forEach((t, r) => body.push(...(t === V128 ? lanesOf([0x20, ...uleb(r)]) : [0x20, ...uleb(r)])));
    defs.push({ type: 2 * i + 1, locals: type.results, body });
    exports.push([`f${i}`, KIND_FUNC, funcs.length + i]);
  });
  globals.forEach((_, i) => {
    defs.push({ type: globalGetterType, locals: [], body: lanesOf([0x23, ...uleb(i)]) });
    exports.push([`g${i}`, KIND_FUNC, 2 * funcs.length + i]);
  });
  const m = Object.fromEntries([
    ...funcs.map(({ fn }, i) => [`f${i}`, fn]),
    ...globals.map(({ global }, i) => [`g${i}`, global]),
  ]);
  return new WebAssembly.Instance(assemble(types, imports, defs, exports), { m }).exports;
}

// ---- Imports ----

// The same name imported as two kinds or two function types cannot be
// offered by name (runner.c skips such a module too).
function namesClash(m) {
  const seen = new Map();
  for (const imp of m.imports) {
    const key = JSON.stringify([imp.module.text, imp.field.text]);
    const sig = imp.kind === KIND_FUNC ? JSON.stringify(imp.type) : `kind${imp.kind}`;
    if (seen.has(key) && seen.get(key) !== sig) return true;
    seen.set(key, sig);
  }
  return false;
}

function spectest() {
  return {
    __proto__: null,
    global_i32: new WebAssembly.Global({ value: 'i32', mutable: false }, 666),
    global_i64: new WebAssembly.Global({ value: 'i64', mutable: false }, 666n),
    global_f32: new WebAssembly.Global({ value: 'f32', mutable: false }, 666.6),
    global_f64: new WebAssembly.Global({ value: 'f64', mutable: false }, 666.6),
    table: new WebAssembly.Table({ element: 'anyfunc', initial: 10, maximum: 20 }),
    memory: new WebAssembly.Memory({ initial: 1, maximum: 2 }),
  };
}

// Namespaces without a prototype, so that names like `__proto__` or
// `constructor` are plain keys.
function importObject(m) {
  const object = Object.create(null);
  object.spectest = spectest();
  const adapted = [], hosts = [], slots = [];
  for (const imp of m.imports) {
    if (imp.kind !== KIND_FUNC) continue;
    const label = `host ${formatName(imp.module.raw)}.${formatName(imp.field.raw)}`;
    const { params, results } = imp.type;
    const host = (...args) => {
      emit([label, ...formatFlat(params, args)].join(' '));
      if (results.length === 0 || hasV128(imp.type)) return undefined;
      return results.length === 1 ? zeroOf(results[0]) : results.map(zeroOf);
    };
    object[imp.module.text] ??= Object.create(null);
    if (hasV128(imp.type)) {
      slots.push([imp.module.text, imp.field.text, adapted.length]);
      adapted.push(imp.type);
      hosts.push(host);
    } else {
      object[imp.module.text][imp.field.text] = host;
    }
  }
  if (adapted.length) {
    const adapters = importAdapters(adapted, hosts);
    for (const [mod, field, i] of slots) object[mod][field] = adapters[`h${i}`];
  }
  return object;
}

// ---- State and calls ----

function hashMemory(buffer) {
  const words = new Uint32Array(buffer, 0, buffer.byteLength >>> 2);
  let h1 = 0x811c9dc5, h2 = 0x9e3779b9;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    h1 = Math.imul(h1 ^ w, 0x01000193);
    h2 = Math.imul((h2 + w) | 0, 0xcc9e2d51);
    h2 ^= h2 >>> 15;
  }
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}

function printState(m, instance, v128Globals) {
  for (const e of m.exports) {
    if (e.kind === KIND_FUNC) continue;
    const name = formatName(e.name.raw);
    const value = instance.exports[e.name.text];
    if (e.kind === KIND_MEMORY) {
      if (e.name.raw.includes(0)) {
        emit(`memory ${name} name-holds-nul`);
        continue;
      }
      const buffer = value.buffer;
      emit(`memory ${name} pages=${buffer.byteLength / 65536} hash=${hashMemory(buffer)}`);
    } else if (e.kind === KIND_TABLE) {
      if (e.name.raw.includes(0)) {
        emit(`table ${name} name-holds-nul`);
        continue;
      }
      let nulls = 0;
      for (let i = 0; i < value.length; i++) if (value.get(i) === null) nulls++;
      emit(`table ${name} size=${value.length} nulls=${nulls}`);
    } else if (e.kind === KIND_GLOBAL) {
      const { type } = m.globals[e.index];
      if (type === V128) {
        emit(`global ${name} ${formatFlat([V128], v128Globals.get(e.name.text)())[0]}`);
      } else {
        emit(`global ${name} ${formatValue(type, value.value)}`);
      }
    }
  }
}

function callExport(e, type, fn) {
  emit(`call ${formatName(e.name.raw)}`);
  let printed;
  try {
    if (hasV128(type)) {
      printed = formatFlat(type.results, resultList(fn(), flatten(type.results).length));
    } else {
      printed = resultList(fn(...type.params.map(zeroOf)), type.results.length)
        .map((v, i) => formatValue(type.results[i], v));
    }
  } catch (err) {
    emit(`result trap ${trapName(err)}`);
    return;
  }
  emit(['result', ...printed].join(' '));
}

function run(bytes) {
  let module;
  try {
    module = new WebAssembly.Module(bytes);
  } catch (err) {
    emit('module invalid');
    process.stderr.write(`reference: ${err.message}\n`);
    return;
  }
  const m = readModule(bytes);
  if (namesClash(m)) {
    emit('module skipped import-name-clash');
    return;
  }
  let instance;
  try {
    instance = new WebAssembly.Instance(module, importObject(m));
  } catch (err) {
    if (err instanceof WebAssembly.LinkError || err instanceof TypeError) {
      emit('module link-error');
      process.stderr.write(`reference: ${err.message}\n`);
    } else if (err instanceof WebAssembly.RuntimeError || err instanceof RangeError && /call stack/.test(err.message)) {
      emit(`module trap ${trapName(err)}`);
    } else if (err instanceof RangeError) {
      emit('module out-of-memory');
    } else {
      throw err;
    }
    return;
  }
  emit('module ok');

  const funcs = [], globals = [];
  for (const e of m.exports) {
    if (e.kind === KIND_FUNC && hasV128(m.funcs[e.index])) {
      funcs.push({ name: e.name.text, type: m.funcs[e.index], fn: instance.exports[e.name.text] });
    } else if (e.kind === KIND_GLOBAL && m.globals[e.index].type === V128) {
      globals.push({ name: e.name.text, mutable: m.globals[e.index].mutable, global: instance.exports[e.name.text] });
    }
  }
  const adapters = funcs.length || globals.length ? exportAdapters(funcs, globals) : {};
  const v128Funcs = new Map(funcs.map((f, i) => [f.name, adapters[`f${i}`]]));
  const v128Globals = new Map(globals.map((g, i) => [g.name, adapters[`g${i}`]]));

  printState(m, instance, v128Globals);
  const hangLimit = m.exports.find((e) => e.kind === KIND_FUNC && e.name.text === HANG_LIMIT_EXPORT &&
    m.funcs[e.index].params.length === 0 && m.funcs[e.index].results.length === 0);
  for (const e of m.exports) {
    if (e.kind !== KIND_FUNC) continue;
    if (hangLimit && e !== hangLimit) instance.exports[HANG_LIMIT_EXPORT]();
    const type = m.funcs[e.index];
    callExport(e, type, v128Funcs.get(e.name.text) ?? instance.exports[e.name.text]);
    printState(m, instance, v128Globals);
  }
}

if (process.argv.length !== 3) {
  process.stderr.write('Usage: node reference.mjs MODULE.wasm\n');
  process.exit(2);
}
try {
  run(new Uint8Array(readFileSync(process.argv[2])));
} finally {
  flush();
}

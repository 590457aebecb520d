// Shared helpers of the benchmark processes: where the built code is, the common record fields, and
// memory accounting of the compiled program and the simulator state (byteLength of their typed arrays).
//
// The built code is `dist/` (npm run build) unless AERCHIP_DIST names another build of the same tree
// (e.g. a snapshot taken with `npx tsc -p tsconfig.build.json --outDir .bench-out/dist`, so a benchmark
// series is not disturbed by edits in progress). It must sit inside the repository so that bare imports
// still resolve to the repository's node_modules.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { performance } from "node:perf_hooks";

const distBase = process.env.AERCHIP_DIST !== undefined && process.env.AERCHIP_DIST !== ""
  ? `${pathToFileURL(resolve(process.env.AERCHIP_DIST)).href}/`
  : new URL("../dist/", import.meta.url).href;

/** Imports a module of the built tree, e.g. `await dist("chip/sim/run.js")`. */
export function dist(rel) {
  return import(new URL(rel, distBase).href);
}

export const now = () => performance.now();

/** The value after `--name` in `args` (removing both from it), or `fallback` when absent. */
export function takeOption(args, name, fallback) {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
}
export const seconds = (t0, t1) => (t1 - t0) / 1000;

/** Peak resident set size of this process so far, in MB (getrusage maxrss is in KiB on Linux). */
export function peakRssMb() {
  return process.resourceUsage().maxRSS / 1024;
}

/** Fields every record ends with: whole-process wall time (since Node started) and peak RSS. */
export function closingFields() {
  return { wholeProcessSeconds: process.uptime(), peakRssMb: peakRssMb(), node: process.version, dist: distBase.replace(pathToFileURL(process.cwd()).href + "/", "") };
}

/**
 * Prints one record. Under run.mjs, AERCHIP_BENCH_NAME is the suite's name for the benchmark: it becomes
 * `benchmark` (the script's own name for the run is kept as `variant` when it differs).
 */
export function emit(record) {
  const name = process.env.AERCHIP_BENCH_NAME;
  const out = name === undefined || name === "" || name === record.benchmark ? record : { benchmark: name, variant: record.benchmark, ...record, ...{ benchmark: name } };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

/** Runs the GC when Node was started with --expose-gc (more stable heap deltas); a no-op otherwise. */
export function gc() {
  if (typeof globalThis.gc === "function") {
    globalThis.gc();
    globalThis.gc();
  }
}

/**
 * GC, then let V8 free the backing stores of dead ArrayBuffers (it does so after the GC, off the main
 * thread), then GC again: RSS read after this reflects what is still alive. Needs --expose-gc.
 */
export async function settle() {
  gc();
  await new Promise((r) => setTimeout(r, 200));
  gc();
}

export function memoryNow() {
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, arrayBuffers: m.arrayBuffers, external: m.external };
}

/** Sum of `byteLength` of every typed array reachable in `obj` (objects, arrays, Maps; shared buffers counted once). */
export function typedArrayBytes(obj, seen = new Set()) {
  if (obj === null || typeof obj !== "object") return 0;
  if (ArrayBuffer.isView(obj)) {
    if (seen.has(obj.buffer)) return 0;
    seen.add(obj.buffer);
    return obj.buffer.byteLength;
  }
  if (seen.has(obj)) return 0;
  seen.add(obj);
  let n = 0;
  const values = obj instanceof Map ? obj.values() : Array.isArray(obj) ? obj : Object.values(obj);
  for (const v of values) n += typedArrayBytes(v, seen);
  return n;
}

/**
 * Per field of a SimState: total bytes of its typed array, largest first. Nested stores (st.synapses and
 * its weights) are listed as `synapses.offset`, `synapses.weights.code`, …; an array shared by two fields
 * (the wide layout's synapses.target = synTarget) is counted once.
 */
export function simStateBytesByField(st) {
  const rows = [];
  const seen = new Set();
  const walk = (obj, prefix) => {
    for (const [k, v] of Object.entries(obj)) {
      if (ArrayBuffer.isView(v)) {
        if (seen.has(v)) continue;
        seen.add(v);
        if (v.byteLength > 0) rows.push([prefix + k, v.byteLength]);
      } else if (v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof Map)) walk(v, `${prefix}${k}.`);
    }
  };
  walk(st, "");
  return rows.sort((a, b) => b[1] - a[1]);
}

/** Per array name of the program's cores (crossbar.*, routing.*, neurons.*), summed over cores, largest first. */
export function programBytesByField(program) {
  const acc = new Map();
  for (const cp of program.cores) {
    for (const part of ["crossbar", "routing", "neurons"]) {
      for (const [k, v] of Object.entries(cp[part])) if (ArrayBuffer.isView(v)) acc.set(`${part}.${k}`, (acc.get(`${part}.${k}`) ?? 0) + v.byteLength);
    }
  }
  for (const pop of program.populations) if (pop.order !== undefined) acc.set("populations.order", (acc.get("populations.order") ?? 0) + pop.order.byteLength);
  return [...acc].sort((a, b) => b[1] - a[1]);
}

/** Bytes-by-field rows as {field: {bytes, bytesPerSynapse}} for the largest `top` fields. */
export function perSynapseTable(rows, synapses, top = 12) {
  const out = {};
  for (const [k, b] of rows.slice(0, top)) out[k] = { mb: Math.round(b / 1e4) / 100, bytesPerSynapse: Math.round((1000 * b) / synapses) / 1000 };
  return out;
}

/** Sum of one counter over cores (perCore is [core × COUNTER_COUNT + kind]). */
export function counterTotal(perCore, coreCount, K, kind) {
  let x = 0;
  for (let c = 0; c < coreCount; c++) x += perCore[c * K + kind];
  return x;
}

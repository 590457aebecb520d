/**
 * libhdf5 (h5wasm) in a worker thread with a time limit, so a damaged file that makes libhdf5 loop
 * forever ends in an ordinary coded error instead of a hang.
 *
 * Why a worker: the loop is synchronous WebAssembly; nothing on its own thread (timer, SIGINT handler)
 * can run. `worker.terminate()` does stop it (V8 interrupts WebAssembly loops; measured: a thread spinning
 * on tests/robustness/fixtures/*-libhdf5-hang.* stops within ~10 ms), and the rest of the process is untouched.
 *
 * Protocol. Requests go to the worker with postMessage. Replies come back on a MessagePort that the main
 * thread never starts, plus a shared Int32Array `control`:
 *   control[0] event counter (+1 on every ready / reply / exit; the only index anyone waits on),
 *   control[1] state (0 starting, 1 ready, 2 h5wasm failed to load, 3 exited),
 *   control[2] id of the last reply posted.
 * A waiter reads control[0] before checking its condition and waits only while it is unchanged, so no
 * wake-up is missed. Replies are taken with `receiveMessageOnPort`, which needs no event loop, so the same
 * worker serves synchronous callers (Atomics.wait: the main thread blocks, as libhdf5 on it used to) and
 * asynchronous ones (Atomics.waitAsync: other work goes on meanwhile).
 *
 * The limit counts from the worker being ready (loading h5wasm takes ~0.3 s and cannot hang on a file).
 * On timeout the worker is terminated and `AerchipError(hangCode)` names the file, the limit and the way out.
 *
 * Worker start costs ~0.3 s (measured on the 2-core target: thread ~30 ms, h5wasm load + WebAssembly
 * compile the rest), far more than reading a small file (~1 ms), so workers are reused: `acquire()` takes
 * the idle worker when there is one, `release()` parks it (at most one; unref'd, so it never keeps the
 * process alive; terminated after IDLE_MS unused). A worker is not reused after a timeout, after
 * libhdf5 aborted or trapped (its state may be broken), or once its WebAssembly heap has grown past
 * RETIRE_HEAP_BYTES (the heap never shrinks).
 *
 * The worker code is plain CommonJS JavaScript evaluated from a string (`eval: true`): it runs the same
 * whether aerchip runs from source under vitest (where a worker cannot load .ts) or from dist/.
 */
import { MessageChannel, type MessagePort, Worker, receiveMessageOnPort } from "node:worker_threads";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { AerchipError } from "../diagnostics.ts";

/** How long loading h5wasm in a new worker may take (it does not depend on any input file). */
export const HDF5_WORKER_START_LIMIT_MS = 60_000;
/** An idle parked worker is ended after this long. */
const IDLE_MS = 5_000;
/** A worker whose WebAssembly heap grew past this is not reused. */
const RETIRE_HEAP_BYTES = 256 * 2 ** 20;

// ---------------------------------------------------------------------------------------------
// The worker (CommonJS; `workerData` = { control, port, h5wasmUrl }).

const WORKER_SOURCE = String.raw`
"use strict";
const { workerData, parentPort } = require("node:worker_threads");
const ctl = new Int32Array(workerData.control);
const port = workerData.port;
let h5 = null;
let M = null;
const files = new Map();
let nextHandle = 1;

function signal() { Atomics.add(ctl, 0, 1); Atomics.notify(ctl, 0); }

// libhdf5 reports a failure by printing its error stack ("HDF5-DIAG: Error detected in HDF5 …", 20–200
// lines) and returning a negative status. Emscripten prints it with fs.writeSync on fd 2, i.e. straight onto
// the user's terminal, and h5wasm ignores the status of dataset reads: Dataset.value then returns whatever
// the buffer held (uninitialised memory from a damaged deflate chunk). So this worker takes fd 2 over: what
// libhdf5 prints is collected in diag (nothing else in this thread writes to fd 2), and an operation during
// which libhdf5 printed anything fails with the stack, tagged "hdf5" (one line for the user; the whole
// stack is written to fd 2 only with AERCHIP_DEBUG=1). h5wasm's own functions still run to their end, so
// they close what they opened, and the worker stays usable. (h5wasm's activate_throwing_error_handler
// throws through the C++ frames instead; that leaks their open identifiers and stack, and libhdf5 aborts
// after ~1,700 such errors in one instance.)
const fs = require("node:fs");
const realWriteSync = fs.writeSync;
const DIAG_MAX_CHARS = 64 * 1024;
let diag = "";
fs.writeSync = function (fd, buffer, offset, length, position) {
  if (fd !== 2) return realWriteSync.apply(this, arguments);
  let n;
  let text;
  if (typeof buffer === "string") { text = buffer; n = Buffer.byteLength(buffer); }
  else {
    const at = typeof offset === "number" ? offset : 0;
    n = typeof length === "number" ? length : buffer.byteLength - at;
    text = Buffer.from(buffer.buffer, buffer.byteOffset + at, n).toString("utf8");
  }
  collect(text);
  return n;
};
function collect(text) {
  if (diag.length < DIAG_MAX_CHARS) diag += text.slice(0, DIAG_MAX_CHARS - diag.length);
}
// Emscripten's own messages (e.g. "Aborted(…)" before an abort) go to console.error, which h5wasm binds when
// it loads (below): collected the same way, so nothing but aerchip's own line reaches the terminal.
for (const k of ["log", "info", "warn", "error"]) console[k] = (...args) => collect(args.map(String).join(" ") + "\n");

// One line for the user: the deepest reason of the first error stack, and the API call that failed.
function summarizeDiag(text) {
  const first = text.split(/(?=HDF5-DIAG)/)[0];
  const frames = [...first.matchAll(/#\d+: .*? in ([A-Za-z0-9_]+)\(\): ([^\n]*)/g)];
  if (frames.length === 0) return (first.split("\n").find((l) => l.trim() !== "") ?? "unknown error").trim();
  return frames[frames.length - 1][2].trim() + " (in " + frames[0][1] + ")";
}

function hdf5Failure(text, phase, path, what, fatal) {
  if (process.env.AERCHIP_DEBUG === "1") { try { realWriteSync.call(fs, 2, text); } catch (e) { /* terminal gone */ } }
  const detail = { stack: text };
  if (path !== undefined) { detail.path = path; detail.what = what; }
  return { message: "libhdf5: " + summarizeDiag(text), phase, fatal, tag: "hdf5", detail, wrapped: true };
}

// Runs fn; fails when libhdf5 printed an error meanwhile (even if fn returned a value: that value is garbage).
// An exception thrown after libhdf5 printed (h5wasm's "name not defined!") is replaced by libhdf5's reason,
// keeping whether it leaves libhdf5 broken (an abort or a trap: the worker is then not reused).
function checked(phase, path, what, fn) {
  diag = "";
  let v;
  try { v = fn(); } catch (e) {
    if (diag !== "" && !(e && e.wrapped)) throw hdf5Failure(diag, phase, path, what, describeError(e, phase).fatal);
    throw e;
  }
  if (diag !== "") throw hdf5Failure(diag, phase, path, what, false);
  return v;
}
process.on("exit", () => { Atomics.store(ctl, 1, 3); signal(); });

function describeError(e, phase) {
  const message = e !== null && typeof e === "object" && typeof e.message === "string" ? e.message : String(e);
  // Anything but a plain Error (a WebAssembly trap, an abort, a thrown non-Error) may leave libhdf5 broken.
  const fatal = !(e instanceof Error) || e.constructor !== Error;
  const out = { message, phase, fatal };
  if (e && typeof e === "object" && typeof e.tag === "string") { out.tag = e.tag; out.detail = e.detail; out.fatal = false; }
  return out;
}

function tagged(tag, detail) { const e = new Error(tag); e.tag = tag; e.detail = detail; return e; }

// Values h5wasm returns that structured clone copies as they are; anything else becomes null
// (the caller treats null like any other value of an unexpected form).
function plainValue(v, buffers) {
  const t = typeof v;
  if (v === null || t === "string" || t === "number" || t === "bigint" || t === "boolean") return v;
  if (ArrayBuffer.isView(v)) {
    if (v instanceof DataView) return null;
    let a = v;
    // Only a buffer of its own is transferred (never the WebAssembly heap, never one twice).
    if (!(a.buffer instanceof ArrayBuffer) || a.buffer === M.HEAPU8.buffer || a.byteOffset !== 0 || a.byteLength !== a.buffer.byteLength || buffers.has(a.buffer)) a = a.slice();
    buffers.add(a.buffer);
    return a;
  }
  if (Array.isArray(v) && v.every((s) => typeof s === "string")) return v;
  return null;
}

function openFile(path) {
  try { return checked("open", undefined, undefined, () => new h5.default.File(path, "r")); } catch (e) { throw e && e.wrapped ? e : Object.assign(describeError(e, "open"), { wrapped: true }); }
}

// Closing a file libhdf5 gave up on may fail or print again; neither changes what was read.
function closeQuietly(f) {
  const before = diag;
  try { f.close(); } catch (e) { /* see above */ }
  diag = before;
}

// Whole file → plain tree, in the file's (alphabetical) order; stops at the first dataset with more than
// maxElements elements or the first group deeper than maxDepth (tagged errors, coded by the caller).
function walk(g, path, depth, a, buffers) {
  if (depth > a.maxDepth) throw tagged("tooDeep", { path });
  const children = new Map();
  for (const key of checked("read", path === "" ? "/" : path, "group", () => g.keys())) {
    const p = path === "" ? key : path + "/" + key;
    const child = checked("read", p, "object", () => g.get(key));
    if (child instanceof h5.Group) children.set(key, walk(child, p, depth + 1, a, buffers));
    else if (child instanceof h5.Dataset) {
      const { meta, shape } = checked("read", p, "dataset", () => ({ meta: child.metadata, shape: child.shape ?? [] }));
      let count = 1;
      for (const d of shape) count *= d;
      if (count > a.maxElements) throw tagged("tooLarge", { path: p, count });
      const value = checked("read", p, "dataset", () => plainValue(child.value, buffers));
      children.set(key, { kind: "dataset", path: p, type: meta.type, size: meta.size, shape: Array.from(shape), value });
    }
    // Links, committed datatypes and references: skipped.
  }
  return { kind: "group", path, children };
}

function dataset(h, path) {
  const entry = files.get(h);
  if (entry === undefined) throw new Error("file handle " + h + " is not open");
  let d = entry.datasets.get(path);
  if (d === undefined) {
    d = entry.file.get(path);
    if (!(d instanceof h5.Dataset)) throw new Error("no dataset " + path);
    entry.datasets.set(path, d);
  }
  return d;
}

const HVL_BYTES = 8; // wasm32 hvl_t: size_t length, void* pointer

// Rows [lo, hi) of a one-dimensional variable-length dataset: per-row lengths and the rows' element bytes,
// concatenated as stored (decoded by the caller). The hyperslab is read into the WebAssembly heap as hvl_t
// pairs, copied out, and reclaimed with the matching count.
function vlenRows(a, buffers) {
  const d = dataset(a.handle, a.path);
  const n = a.hi - a.lo;
  const ptr = M._malloc(n * HVL_BYTES);
  if (ptr === 0) throw tagged("oom", { rows: n });
  M.HEAPU8.fill(0, ptr, ptr + n * HVL_BYTES); // a failed read leaves (0, NULL) entries, safe to reclaim
  const count = [BigInt(n)];
  try {
    M.get_dataset_data(d.file_id, d.path, count, [BigInt(a.lo)], [1n], BigInt(ptr));
    const heap = M.HEAPU8; // after the call: memory may have grown
    const dv = new DataView(heap.buffer, heap.byteOffset, heap.byteLength);
    const lengths = new Uint32Array(n);
    let total = 0;
    for (let r = 0; r < n; r++) { lengths[r] = dv.getUint32(ptr + r * HVL_BYTES, true); total += lengths[r] * a.elementBytes; }
    const bytes = new Uint8Array(total);
    let at = 0;
    for (let r = 0; r < n; r++) {
      const len = lengths[r] * a.elementBytes;
      if (len > 0) {
        const p = dv.getUint32(ptr + r * HVL_BYTES + 4, true);
        if (p + len > heap.length) throw new RangeError("row " + (a.lo + r) + " points outside the WebAssembly heap");
        bytes.set(heap.subarray(p, p + len), at);
      }
      at += len;
    }
    buffers.add(lengths.buffer);
    buffers.add(bytes.buffer);
    return { lengths, bytes };
  } finally {
    try { M.reclaim_vlen_memory_count(d.file_id, d.path, "", BigInt(ptr), count); } finally { M._free(ptr); }
  }
}

const OPS = {
  tree(a, buffers) {
    const f = openFile(a.path);
    try { return walk(f, "", 0, a, buffers); } finally { closeQuietly(f); }
  },
  open(a) {
    const f = openFile(a.path);
    const h = nextHandle++;
    files.set(h, { file: f, datasets: new Map() });
    return h;
  },
  // What is at a path: "dataset" (with h5wasm's metadata), "group", "missing" or "other".
  describe(a) {
    const entry = files.get(a.handle);
    if (entry === undefined) throw new Error("file handle " + a.handle + " is not open");
    const d = entry.file.get(a.path);
    if (d instanceof h5.Dataset) { entry.datasets.set(a.path, d); return { kind: "dataset", metadata: d.metadata }; }
    if (d instanceof h5.Group) return { kind: "group" };
    return { kind: d === null || d === undefined ? "missing" : "other" };
  },
  value(a, buffers) { return plainValue(dataset(a.handle, a.path).value, buffers); },
  vlenRows,
  close(a) {
    const entry = files.get(a.handle);
    files.delete(a.handle);
    if (entry !== undefined) closeQuietly(entry.file);
    return null;
  },
};

function reply(msg, buffers) {
  msg.heapBytes = M === null ? 0 : M.HEAPU8.length;
  try {
    port.postMessage(msg, buffers === undefined ? [] : [...buffers]);
  } catch (e) {
    port.postMessage({ id: msg.id, ok: false, error: describeError(e, "reply"), heapBytes: msg.heapBytes });
  }
  Atomics.store(ctl, 2, msg.id);
  signal();
}

function onRequest(req) {
  const buffers = new Set();
  let msg;
  try {
    const op = OPS[req.op];
    if (op === undefined) throw new Error("unknown operation " + req.op);
    // Operations on one dataset name it; a whole-file walk names the dataset itself (walk).
    const path = req.op === "describe" || req.op === "value" || req.op === "vlenRows" ? req.args.path : undefined;
    msg = { id: req.id, ok: true, value: checked(req.op === "tree" ? "read" : req.op, path, path === undefined ? undefined : "dataset", () => op(req.args, buffers)) };
  } catch (e) {
    msg = { id: req.id, ok: false, error: e && e.wrapped ? (delete e.wrapped, e) : describeError(e, req.op === "tree" || req.op === "open" ? "read" : req.op) };
    buffers.clear();
  }
  reply(msg, buffers);
}

import(workerData.h5wasmUrl).then(async (mod) => {
  h5 = mod;
  M = await mod.default.ready;
  // Belt and braces beside diag: a dataset read whose status says it failed never returns its buffer.
  const getDatasetData = M.get_dataset_data;
  M.get_dataset_data = function () {
    const status = getDatasetData.apply(this, arguments);
    if (status < 0) {
      if (diag === "") diag = "H5Dread returned status " + status + "\n";
      throw new Error("dataset read failed"); // checked() turns it into the tagged failure, with the path
    }
    return status;
  };
  Atomics.store(ctl, 1, 1);
  signal();
  parentPort.on("message", onRequest);
}).catch((e) => {
  port.postMessage({ id: 0, ok: false, error: describeError(e, "load") });
  Atomics.store(ctl, 1, 2);
  signal();
});
`;

// ---------------------------------------------------------------------------------------------
// Main-thread side.

/** What the worker sends back when libhdf5 (or the worker) fails; callers turn it into their coded error. */
export class Hdf5WorkerError extends Error {
  /** "open": libhdf5 could not open the file; "read": it failed later; or the failing operation's name. */
  readonly phase: string;
  /** A limit the worker checked itself: "tooLarge" ({path, count}), "tooDeep" ({path}), "oom" ({rows}). */
  readonly tag: string | undefined;
  readonly detail: Readonly<Record<string, unknown>> | undefined;

  constructor(message: string, phase: string, tag?: string, detail?: Record<string, unknown>) {
    super(message);
    this.name = "Hdf5WorkerError";
    this.phase = phase;
    this.tag = tag;
    this.detail = detail;
  }
}

/** Names the call in a timeout: the code (E_NIR_HDF5_HANG, E_EVENTS_HDF5_HANG), the file and its limit. */
export interface Hdf5CallLimit {
  readonly limitMs: number;
  readonly hangCode: string;
  /** The file as the user named it. */
  readonly file: string;
}

interface Reply {
  readonly id: number;
  readonly ok: boolean;
  readonly value?: unknown;
  readonly error?: { message: string; phase: string; fatal: boolean; tag?: string; detail?: Record<string, unknown> };
  readonly heapBytes?: number;
}

const EVENTS = 0;
const STATE = 1;
const LAST_ID = 2;
const STATE_STARTING = 0;
const STATE_READY = 1;
const STATE_LOAD_FAILED = 2;

let h5wasmUrlCache: string | undefined;

/** The URL of h5wasm's Node build, resolved from this module (an eval worker has no module of its own). */
function h5wasmUrl(): string {
  if (h5wasmUrlCache !== undefined) return h5wasmUrlCache;
  try {
    h5wasmUrlCache = import.meta.resolve("h5wasm/node");
  } catch {
    // Runtimes without import.meta.resolve: find the package the way Node would, walking up.
    for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
      const pkg = join(dir, "node_modules", "h5wasm", "package.json");
      if (existsSync(pkg)) {
        const exp = (JSON.parse(readFileSync(pkg, "utf8")) as { exports?: Record<string, { import?: string }> }).exports?.["./node"]?.import ?? "./dist/node/hdf5_hl.js";
        h5wasmUrlCache = pathToFileURL(join(dirname(pkg), exp)).href;
        break;
      }
      if (dirname(dir) === dir) throw new AerchipError("E_INTERNAL", "the h5wasm package is not installed", { hint: "reinstall aerchip (npm ci)" });
    }
  }
  return h5wasmUrlCache;
}

type WaitAsync = (a: Int32Array, i: number, v: number, t: number) => { async: false; value: string } | { async: true; value: Promise<string> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/** One worker thread holding an instance of libhdf5. Use `acquire()` / `release()`, not the constructor. */
export class Hdf5Worker {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly control: Int32Array;
  private readonly replies = new Map<number, Reply>();
  private nextId = 1;
  private pendingAsync = 0;
  /** Terminated, or not to be reused (after a timeout, an abort, a large heap). */
  private retired = false;
  private terminated = false;
  /** The thread has ended (seen on this thread's event loop). */
  private exited = false;

  private constructor() {
    const buffer = new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT);
    this.control = new Int32Array(buffer);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.port.unref();
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      // The source is CommonJS: do not inherit flags such as --input-type=module from the parent.
      execArgv: [],
      workerData: { control: buffer, port: port2, h5wasmUrl: h5wasmUrl() },
      transferList: [port2],
    });
    this.worker.unref();
    // An unexpected worker error is seen through control[STATE] (the worker's exit handler); listening here
    // only keeps it from becoming an uncaught exception of the process.
    this.worker.on("error", () => { this.retired = true; });
    // A worker that ends without its own exit handler running (e.g. killed by an uncaught error) wakes
    // asynchronous waiters here; `settled()` then reports it instead of waiting for the limit.
    this.worker.on("exit", () => {
      this.exited = true;
      Atomics.add(this.control, EVENTS, 1);
      Atomics.notify(this.control, EVENTS);
    });
  }

  /** Takes the parked idle worker, or starts one. */
  static acquire(): Hdf5Worker {
    const w = idle;
    if (w !== null) {
      idle = null;
      if (idleTimer !== null) clearTimeout(idleTimer);
      idleTimer = null;
      return w;
    }
    started++;
    return new Hdf5Worker();
  }

  /** Gives the worker back: parked for reuse when healthy and none is parked yet, else terminated. */
  release(): void {
    if (this.terminated) return;
    if (this.retired || idle !== null || this.pendingAsync > 0) {
      this.terminate();
      return;
    }
    idle = this;
    idleTimer = setTimeout(() => {
      if (idle === this) idle = null;
      idleTimer = null;
      this.terminate();
    }, IDLE_MS);
    idleTimer.unref();
  }

  terminate(): void {
    this.retired = true;
    if (this.terminated) return;
    this.terminated = true;
    this.port.close();
    void this.worker.terminate();
    // Wakes any waiter of this worker so it sees `terminated`.
    Atomics.add(this.control, EVENTS, 1);
    Atomics.notify(this.control, EVENTS);
  }

  /** Runs `op` and blocks this thread until the reply (or the limit). */
  callSync<T>(op: string, args: Record<string, unknown>, limit: Hdf5CallLimit): T {
    const id = this.send(op, args);
    this.waitSync(() => this.stateNow() !== STATE_STARTING, HDF5_WORKER_START_LIMIT_MS, limit);
    this.waitSync(() => Atomics.load(this.control, LAST_ID) >= id, limit.limitMs, limit);
    return this.take<T>(id, limit);
  }

  /** Runs `op` without blocking this thread; resolves with the reply or rejects at the limit. */
  async call<T>(op: string, args: Record<string, unknown>, limit: Hdf5CallLimit): Promise<T> {
    const id = this.send(op, args);
    // Keeps the process alive while a reply is due (the worker itself is unref'd).
    this.pendingAsync++;
    if (this.pendingAsync === 1) this.worker.ref();
    try {
      await this.waitAsync(() => this.stateNow() !== STATE_STARTING, HDF5_WORKER_START_LIMIT_MS, limit);
      await this.waitAsync(() => Atomics.load(this.control, LAST_ID) >= id, limit.limitMs, limit);
      return this.take<T>(id, limit);
    } finally {
      this.pendingAsync--;
      if (this.pendingAsync === 0 && !this.terminated) this.worker.unref();
    }
  }

  private send(op: string, args: Record<string, unknown>): number {
    if (this.terminated) throw new Hdf5WorkerError("the libhdf5 worker was stopped", op);
    const id = this.nextId++;
    this.worker.postMessage({ id, op, args });
    return id;
  }

  private stateNow(): number {
    return Atomics.load(this.control, STATE);
  }

  /** Throws for a worker that is gone; true when `done()` holds. */
  private settled(done: () => boolean): boolean {
    if (this.terminated) throw new Hdf5WorkerError("the libhdf5 worker was stopped", "wait");
    if (done()) return true;
    const s = this.stateNow();
    if (s === STATE_LOAD_FAILED) return true; // take() reports the load error
    if (this.exited || (s !== STATE_STARTING && s !== STATE_READY)) {
      this.terminate();
      throw new Hdf5WorkerError("the libhdf5 worker stopped unexpectedly", "exit");
    }
    return false;
  }

  private waitSync(done: () => boolean, waitMs: number, limit: Hdf5CallLimit): void {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const seen = Atomics.load(this.control, EVENTS);
      if (this.settled(done)) return;
      const left = deadline - Date.now();
      if (left <= 0) this.timeout(limit, waitMs);
      Atomics.wait(this.control, EVENTS, seen, left);
    }
  }

  private async waitAsync(done: () => boolean, waitMs: number, limit: Hdf5CallLimit): Promise<void> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const seen = Atomics.load(this.control, EVENTS);
      if (this.settled(done)) return;
      const left = deadline - Date.now();
      if (left <= 0) this.timeout(limit, waitMs);
      const r = waitAsync(this.control, EVENTS, seen, left);
      if (r.async) await r.value;
    }
  }

  private timeout(limit: Hdf5CallLimit, waitedMs: number): never {
    this.terminate();
    throw hdf5HangError(limit.hangCode, limit.file, waitedMs);
  }

  private take<T>(id: number, limit: Hdf5CallLimit): T {
    for (let m = receiveMessageOnPort(this.port); m !== undefined; m = receiveMessageOnPort(this.port)) {
      const r = m.message as Reply;
      this.replies.set(r.id, r);
    }
    const load = this.replies.get(0);
    if (load !== undefined) {
      this.terminate();
      throw new AerchipError("E_INTERNAL", `libhdf5 (h5wasm) could not be loaded to read "${limit.file}": ${load.error?.message ?? "unknown error"}`, {
        file: limit.file, hint: "reinstall aerchip (npm ci); this is not a problem with the file",
      });
    }
    const r = this.replies.get(id);
    if (r === undefined) {
      this.terminate();
      throw new Hdf5WorkerError("the libhdf5 worker's reply was lost", "reply");
    }
    this.replies.delete(id);
    if ((r.heapBytes ?? 0) > RETIRE_HEAP_BYTES) this.retired = true;
    if (r.ok) return r.value as T;
    const e = r.error ?? { message: "unknown error", phase: "unknown", fatal: true };
    if (e.fatal) this.retired = true;
    throw new Hdf5WorkerError(e.message, e.phase, e.tag, e.detail);
  }
}

let idle: Hdf5Worker | null = null;
let started = 0;

/** How many worker threads this process has started (to check reuse and count restarts). */
export function hdf5WorkersStarted(): number {
  return started;
}
let idleTimer: ReturnType<typeof setTimeout> | null = null;

/** The coded error for libhdf5 not returning within the limit. */
export function hdf5HangError(code: string, file: string, limitMs: number): AerchipError {
  return new AerchipError(code,
    `libhdf5 did not finish reading "${file}" within ${(limitMs / 1000).toFixed(1)} s; the file is probably damaged (libhdf5 loops forever on some corrupt files), so the read was stopped`,
    { file, hint: "the file is damaged: export or copy it again; if it is very large and healthy, raise the limit with AERCHIP_HDF5_TIME_LIMIT_S (seconds)" });
}

/** Runs one call on a worker from the pool and gives the worker back. */
export async function withHdf5Worker<T>(op: string, args: Record<string, unknown>, limit: Hdf5CallLimit): Promise<T> {
  const w = Hdf5Worker.acquire();
  try {
    return await w.call<T>(op, args, limit);
  } finally {
    w.release();
  }
}

/**
 * A last-resort watchdog for synchronous third-party code that can spin forever.
 *
 * HDF5 reads no longer use it: libhdf5 now runs in a worker thread that is terminated at the time
 * limit, giving an ordinary coded error (core/io/hdf5-worker.ts). The watchdog stays for synchronous
 * code that cannot be moved off the main thread (the CLI entry still enables it).
 *
 * Why: libhdf5 (h5wasm) loops without end on some damaged HDF5 files (about 1 in 1,000 bit-flipped
 * files; tests/robustness/fixtures/*-libhdf5-hang.*). The loop is synchronous WebAssembly on the main
 * thread, so neither a timer nor a SIGINT handler can run. A watchdog thread can: it waits on a shared
 * flag with `Atomics.wait(flag, 0, 0, limitMs)`; if the guarded region has not cleared the flag in
 * time, it writes a coded message straight to stderr (fs.writeSync: the main thread's streams are
 * blocked) and ends the process with SIGKILL — the same end as a user's kill, and outputs stay whole
 * because every output is written atomically. Exit status is then 137 (128 + 9).
 *
 * Killing the process is only acceptable in the CLI, so watchdogs are armed only after
 * `enableFatalWatchdogs()` (runCli calls it); a library user or a test runner gets no watchdog.
 * Cost: one worker thread (~10 ms to start) per guarded region, far below an HDF5 open.
 */
import { Worker } from "node:worker_threads";

let fatalWatchdogsEnabled = false;

/** Lets watchdogs kill the process on timeout (the CLI entry only). */
export function enableFatalWatchdogs(enabled = true): void {
  fatalWatchdogsEnabled = enabled;
}

export function fatalWatchdogsAreEnabled(): boolean {
  return fatalWatchdogsEnabled;
}

// CommonJS (eval workers are not modules). flag[0]: 0 idle, 1 armed, 2 closed; flag[1]: arming count.
// While armed it waits up to limitMs for a change; if the same arming is still on, it reports and kills.
const WATCHDOG_SOURCE = `
const { workerData } = require("node:worker_threads");
const { writeSync } = require("node:fs");
const flag = new Int32Array(workerData.buffer);
for (;;) {
  Atomics.wait(flag, 0, 0);
  if (Atomics.load(flag, 0) === 2) break;
  const seq = Atomics.load(flag, 1);
  const r = Atomics.wait(flag, 0, 1, workerData.limitMs);
  if (r === "timed-out" && Atomics.load(flag, 0) === 1 && Atomics.load(flag, 1) === seq) {
    try { writeSync(2, workerData.message); } catch {}
    process.kill(process.pid, "SIGKILL");
  }
}
`;

/** A watchdog that can be armed around many synchronous calls (one thread for all of them). */
export interface Watchdog {
  /** Starts a guarded region: unless `disarm()` follows within the limit, the process is ended. */
  arm(): void;
  /** Ends the guarded region. */
  disarm(): void;
  /** Stops the watchdog thread (call when the guarded resource is closed). */
  close(): void;
}

const NOOP: Watchdog = { arm() {}, disarm() {}, close() {} };

/**
 * Creates a watchdog: while armed for longer than `limitMs`, the process prints `message` (one line)
 * and dies. Without `enableFatalWatchdogs()` this returns a watchdog that does nothing.
 */
export function createWatchdog(limitMs: number, message: string): Watchdog {
  if (!fatalWatchdogsEnabled) return NOOP;
  const buffer = new SharedArrayBuffer(8);
  const flag = new Int32Array(buffer);
  const worker = new Worker(WATCHDOG_SOURCE, {
    eval: true,
    // The source is CommonJS: do not inherit flags such as --input-type=module from the parent.
    execArgv: [],
    workerData: { buffer, limitMs: Math.max(1, Math.round(limitMs)), message: message.endsWith("\n") ? message : `${message}\n` },
    stdout: false,
    stderr: false,
  });
  worker.unref();
  const set = (v: number): void => {
    Atomics.store(flag, 0, v);
    Atomics.notify(flag, 0);
  };
  return {
    arm() {
      Atomics.add(flag, 1, 1);
      set(1);
    },
    disarm() {
      set(0);
    },
    close() {
      set(2);
    },
  };
}

/** Arms a one-off watchdog; `disarm()` on the result also closes it. */
export function armWatchdog(limitMs: number, message: string): { disarm(): void } {
  const w = createWatchdog(limitMs, message);
  w.arm();
  return {
    disarm() {
      w.disarm();
      w.close();
    },
  };
}

/**
 * The watchdog (core/watchdog.ts): a process stuck in synchronous code is ended with a coded message; a
 * healthy one is not slowed or kept alive. Runs the compiled module (dist/), since a watchdog ends the
 * whole process and must not run inside the test runner.
 *
 * HDF5 reads no longer need it: libhdf5 runs in a worker thread stopped at the time limit
 * (core/io/hdf5-worker.ts). The CLI on the two files that make libhdf5 loop forever therefore ends like
 * any other input error — exit 1, the coded message, no output — and is not killed.
 */
import { describe, it, expect } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { armWatchdog, createWatchdog, fatalWatchdogsAreEnabled } from "../../core/watchdog.ts";

const ROOT = process.cwd();
const hasDist = existsSync(resolve(ROOT, "dist/cli/main.js")) && existsSync(resolve(ROOT, "dist/core/watchdog.js"));
const FIX = resolve(ROOT, "tests/robustness/fixtures");

function node(args: string[], env: Record<string, string> = {}): { status: number | null; signal: NodeJS.Signals | null; stderr: string; ms: number } {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, encoding: "utf8", timeout: 60_000 });
  return { status: r.status, signal: r.signal, stderr: r.stderr, ms: Date.now() - t0 };
}

describe("watchdog in-process", () => {
  it("is off unless the process entry enables it (a test runner is never killed)", () => {
    expect(fatalWatchdogsAreEnabled()).toBe(false);
    const w = createWatchdog(1, "must not print");
    w.arm();
    const until = Date.now() + 30;
    while (Date.now() < until) { /* longer than the 1 ms limit */ }
    w.disarm();
    w.close();
    armWatchdog(1, "must not print").disarm();
  });
});

describe.skipIf(!hasDist)(hasDist ? "watchdog in a process (needs dist/)" : "watchdog in a process (needs dist/; skipped: run `npm run build` first)", () => {
  const mod = JSON.stringify(resolve(ROOT, "dist/core/watchdog.js"));

  it("ends a process stuck past the limit with the message, and only that one", () => {
    const stuck = node(["--input-type=module", "-e",
      `const w = await import(${mod}); w.enableFatalWatchdogs(); w.armWatchdog(300, "E_TEST_HANG: stuck"); const t = Date.now(); while (Date.now() - t < 20000) {} console.log("not killed");`]);
    expect(stuck.signal).toBe("SIGKILL");
    expect(stuck.stderr).toContain("E_TEST_HANG: stuck");
    expect(stuck.ms).toBeLessThan(15_000);

    const healthy = node(["--input-type=module", "-e",
      `const w = await import(${mod}); w.enableFatalWatchdogs(); const d = w.createWatchdog(300, "E_TEST_HANG"); for (let i = 0; i < 50; i++) { d.arm(); const t = Date.now(); while (Date.now() - t < 20) {} d.disarm(); } d.close(); console.log("done");`]);
    expect(healthy.status).toBe(0);
    expect(healthy.stderr).not.toContain("E_TEST_HANG");
  });

  it("a NIR file that makes libhdf5 spin forever ends with E_NIR_HDF5_HANG (exit 1, not killed) and writes nothing", () => {
    const out = mkdtempSync(join(tmpdir(), "aerchip-wd-"));
    try {
      const r = node(["bin/aerchip.js", "compile", join(FIX, "nir-libhdf5-hang.nir"), "--arch", "generic", "--out", join(out, "o")], { AERCHIP_HDF5_TIME_LIMIT_S: "2" });
      expect(r.signal).toBe(null);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("E_NIR_HDF5_HANG");
      expect(r.stderr).toContain("nir-libhdf5-hang.nir");
      expect(r.stderr).toContain("AERCHIP_HDF5_TIME_LIMIT_S");
      // The 2 s limit, a worker start and the CLI's own start; the stopped worker does not keep the process alive.
      expect(r.ms).toBeLessThan(15_000);
      expect(readdirSync(out)).toEqual([]);
      const ok = node(["bin/aerchip.js", "compile", join(FIX, "small-valid.nir"), "--arch", "generic", "--out", join(out, "ok")], { AERCHIP_HDF5_TIME_LIMIT_S: "2" });
      expect(ok.status).toBe(0);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it("an SHD file that makes libhdf5 spin forever ends with E_EVENTS_HDF5_HANG (exit 1, not killed) and writes nothing", () => {
    const out = mkdtempSync(join(tmpdir(), "aerchip-wd-"));
    try {
      const r = node(["bin/aerchip.js", "convert", join(FIX, "shd-libhdf5-hang.h5"), join(out, "x.csv")], { AERCHIP_HDF5_TIME_LIMIT_S: "2" });
      expect(r.signal).toBe(null);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("E_EVENTS_HDF5_HANG");
      expect(r.stderr).toContain("shd-libhdf5-hang.h5");
      expect(r.ms).toBeLessThan(15_000);
      // An ordinary error: the streaming writer removes its hidden temp file too.
      expect(readdirSync(out)).toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

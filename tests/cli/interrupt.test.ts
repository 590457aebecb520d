/**
 * Ctrl-C during `aerchip run`: the simulation yields to the event loop between chunks, so SIGINT stops
 * it with E_INTERRUPTED (exit 130) and no output file is written.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { clearInterrupt, requestInterrupt } from "../../cli/interrupt.ts";

const DEMO = "examples/demo/ei-small.net.json";
const tmp = (): string => mkdtempSync(join(tmpdir(), "aerchip-int-"));
const filesIn = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir) : []);

describe("an interrupted run (in process)", () => {
  afterEach(() => clearInterrupt());

  it("stops with E_INTERRUPTED at a tick of the simulation, exit code 130, and writes no output", async () => {
    const out = join(tmp(), "out");
    // The interrupt arrives as SIGINT would: the flag is set when the event loop next runs, i.e. at the
    // run's first yield (load and compile of the demo are synchronous).
    const timer = setTimeout(() => requestInterrupt(), 0);
    // Enough ticks that the run cannot end within its first chunk of simulation (~50 ms) before it yields.
    const r = await cli("run", DEMO, "--arch", "generic", "--out", out, "--steps", "500000", "--quiet");
    clearTimeout(timer);
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/E_INTERRUPTED/);
    expect(r.stderr).toMatch(/interrupted by SIGINT while simulating, at tick \d+ of 500000/);
    expect(filesIn(out)).toEqual([]);
  });

  it("SIGTERM stops it the same way, with exit code 143 (128 + 15) and no output", async () => {
    const out = join(tmp(), "out");
    const timer = setTimeout(() => requestInterrupt("SIGTERM"), 0);
    const r = await cli("run", DEMO, "--arch", "generic", "--out", out, "--steps", "500000", "--quiet");
    clearTimeout(timer);
    expect(r.code).toBe(143);
    expect(r.stderr).toMatch(/E_INTERRUPTED/);
    expect(r.stderr).toMatch(/interrupted by SIGTERM while simulating/);
    expect(filesIn(out)).toEqual([]);
  });

  it("the same command without an interrupt completes and writes its outputs", async () => {
    const out = join(tmp(), "out");
    const r = await cli("run", DEMO, "--arch", "generic", "--out", out, "--steps", "50", "--quiet");
    expect(r.code).toBe(0);
    expect(filesIn(out).sort()).toEqual(["aerchip-outputs.json", "mapping.json", "report.json", "spikes.json"]);
  });
});

const BIN = resolve(process.cwd(), "bin/aerchip.js");
const hasDist = existsSync(resolve(process.cwd(), "dist/cli/main.js"));

/**
 * Spawns a long `aerchip run`, sends `sig` once the log says the simulation is starting (pino's "simulator
 * state built" on stderr), and returns how the process ended, what it printed and the output directory.
 */
async function signalledRun(sig: "SIGINT" | "SIGTERM"): Promise<{ code: number | null; signal: NodeJS.Signals | null; signalled: boolean; stderr: string; out: string }> {
  const out = join(tmp(), "out");
  const child = spawn(process.execPath, [BIN, "run", DEMO, "--arch", "generic", "--out", out, "--steps", "1000000", "--quiet", "--log-level", "info"], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  let signalled = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.on("exit", (code, signal) => done({ code, signal })));
  const killer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
    if (!signalled && stderr.includes("simulator state built")) {
      signalled = true;
      setTimeout(() => child.kill(sig), 200);
    }
  });
  const { code, signal } = await exited;
  clearTimeout(killer);
  return { code, signal, signalled, stderr, out };
}

describe.skipIf(!hasDist)(hasDist ? "Ctrl-C and SIGTERM on a spawned `aerchip run` (needs dist/)" : "Ctrl-C and SIGTERM on a spawned `aerchip run` (needs dist/; skipped: run `npm run build` first)", () => {
  it("SIGINT after the simulation started: exit 130, the message on stderr, no partial outputs", async () => {
    const r = await signalledRun("SIGINT");
    expect(r.signalled).toBe(true);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/aerchip: E_INTERRUPTED/);
    expect(r.stderr).toMatch(/interrupted by SIGINT while simulating, at tick \d+ of 1000000/);
    expect(filesIn(r.out)).toEqual([]);
  }, 90_000);

  it("SIGTERM after the simulation started: exit 143, the message on stderr, no partial outputs", async () => {
    const r = await signalledRun("SIGTERM");
    expect(r.signalled).toBe(true);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(143);
    expect(r.stderr).toMatch(/aerchip: E_INTERRUPTED: interrupted by SIGTERM while simulating, at tick \d+ of 1000000/);
    expect(filesIn(r.out)).toEqual([]);
  }, 90_000);
});

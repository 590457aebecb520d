/**
 * Ctrl-C during `aerchip sweep`: after SIGINT no further point starts, the finished point files stay, the
 * command fails with E_INTERRUPTED (exit 130 through runCli) naming how many points are done and how to
 * resume, no table is written, and rerunning the same command finishes with the same bytes as a sweep
 * that was never interrupted. In-process via requestInterrupt(); with a real SIGINT on a spawned
 * `node bin/aerchip.js sweep` when dist/ is built and fresh.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { isAerchipError } from "../../core/diagnostics.ts";
import { clearInterrupt, requestInterrupt } from "../../cli/interrupt.ts";
import { sweepCommand } from "../../cli/commands/sweep.ts";
import { expectSameFiles, SWEEP_EXAMPLE, SWEEP_OUTPUTS, sweepSnapshot } from "../helpers/sweep-files.ts";

const EXAMPLE = SWEEP_EXAMPLE;
const OUTPUTS = SWEEP_OUTPUTS;
const tmp = (): string => mkdtempSync(join(tmpdir(), "aerchip-sweep-int-"));

const snapshot = sweepSnapshot;
const expectSame = expectSameFiles;

const pointFiles = (out: string): string[] => (existsSync(join(out, "points")) ? readdirSync(join(out, "points")).filter((f) => f.endsWith(".json") && !f.startsWith(".")) : []);

let reference: Map<string, Buffer> | undefined;
async function uninterrupted(): Promise<Map<string, Buffer>> {
  if (reference !== undefined) return reference;
  const out = tmp();
  await sweepCommand(EXAMPLE, { out, quiet: true });
  reference = snapshot(out);
  return reference;
}

afterEach(() => clearInterrupt());

describe("aerchip sweep stopped by Ctrl-C", () => {
  it("stops after the running point, keeps finished points, says how to resume, and resumes to identical bytes", async () => {
    const ref = await uninterrupted();
    const out = tmp();
    let seen = 0;
    let err: unknown;
    try {
      await sweepCommand(EXAMPLE, { out, quiet: true, onPoint: () => { if (++seen === 3) requestInterrupt(); } });
    } catch (e) {
      err = e;
    }
    expect(isAerchipError(err)).toBe(true);
    if (!isAerchipError(err)) return;
    expect(err.code).toBe("E_INTERRUPTED");
    expect(err.message).toContain("after 3 of 7 sweep points");
    expect(err.hint).toContain("run the same command again");
    expect(err.hint).toContain("4 missing points");
    expect(seen).toBe(3);
    expect(pointFiles(out)).toHaveLength(3);
    for (const f of OUTPUTS) expect(existsSync(join(out, f)), f).toBe(false);

    clearInterrupt();
    const summary = await sweepCommand(EXAMPLE, { out, quiet: true });
    expect(summary).toMatchObject({ points: 7, resumed: 3, ran: 4 });
    expectSame(ref, snapshot(out));
  });

  it("an interrupt before the first point runs nothing and writes no table", async () => {
    const out = tmp();
    requestInterrupt();
    let code = "";
    try { await sweepCommand(EXAMPLE, { out, quiet: true }); } catch (e) { if (isAerchipError(e)) code = e.code; }
    expect(code).toBe("E_INTERRUPTED");
    expect(pointFiles(out)).toHaveLength(0);
    expect(existsSync(join(out, "sweep.csv"))).toBe(false);
  });
});

/** dist/ is usable when it holds the compiled CLI and is newer than every source file. */
function distFresh(): boolean {
  const main = resolve("dist/cli/main.js");
  if (!existsSync(main)) return false;
  const built = statSync(resolve("dist/cli/commands/sweep.js")).mtimeMs;
  for (const dir of ["core", "chip", "compiler", "cli"]) {
    for (const f of readdirSync(dir, { recursive: true }) as string[]) {
      if (f.endsWith(".ts") && statSync(join(dir, f)).mtimeMs > built) return false;
    }
  }
  return true;
}

describe.skipIf(!distFresh())(distFresh() ? "spawned `aerchip sweep` + SIGINT (needs a fresh `npm run build`)" : "spawned `aerchip sweep` + SIGINT (needs a fresh `npm run build`; skipped: dist/cli/main.js missing or older than the sources)", () => {
  it("exits 130 with a resume message after SIGINT, then the same command finishes with identical bytes", async () => {
    const ref = await uninterrupted();
    const out = tmp();
    const child = spawn(process.execPath, ["bin/aerchip.js", "sweep", EXAMPLE, "--out", out, "--threads", "1", "--quiet"], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => { stderr += d.toString(); });
    const exited = new Promise<number | null>((res) => child.on("exit", (code) => res(code)));
    const deadline = Date.now() + 60_000;
    while (pointFiles(out).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    child.kill("SIGINT");
    expect(await exited).toBe(130);
    expect(stderr).toContain("E_INTERRUPTED");
    expect(stderr).toContain("run the same command again");
    const done = pointFiles(out).length;
    expect(done).toBeGreaterThanOrEqual(2);
    expect(existsSync(join(out, "sweep.csv"))).toBe(false);
    const summary = await sweepCommand(EXAMPLE, { out, quiet: true });
    expect(summary).toMatchObject({ resumed: done, ran: 7 - done });
    expectSame(ref, snapshot(out));
  }, 120_000);
});

describe("a sweep point stopped inside its simulation", () => {
  it("throws E_INTERRUPTED (so the point is not written and runs again on resume) instead of returning a row", async () => {
    const { loadSweepConfig } = await import("../../cli/sweep/config.ts");
    const { buildGrid } = await import("../../cli/sweep/grid.ts");
    const { runPoint } = await import("../../cli/sweep/point.ts");
    const task = buildGrid(loadSweepConfig(EXAMPLE)).tasks[0];
    // Uninterrupted, the point is a result row.
    const row = await runPoint(task);
    expect(row.status).toBe("ok");
    requestInterrupt();
    let caught: unknown;
    try {
      await runPoint(task);
    } catch (e) {
      caught = e;
    }
    expect(isAerchipError(caught) && caught.code).toBe("E_INTERRUPTED");
  });
});

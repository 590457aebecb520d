/**
 * A reader that closes stdout early (`aerchip run --help | head`): the CLI stops writing quietly and keeps
 * its exit code, instead of dying on Node's unhandled EPIPE with a stack trace. Other stream failures end
 * the process with a coded one-line message and exit code 70.
 */
import { spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { guardStream } from "../../cli/pipe-guard.ts";
import { distIsFresh } from "../helpers/dist.ts";

const DIST_OK = distIsFresh("cli/main.js", ["cli", "core", "chip", "compiler"]);
const BIN = resolve("bin/aerchip.js");
const tmp = (): string => mkdtempSync(join(tmpdir(), "aerchip-pipe-"));

/** Runs the CLI with its stdout pipe closed by the reader before the CLI writes anything. */
function runWithClosedStdout(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", fail);
    child.on("close", (code) => done({ code, stderr }));
  });
}

describe.skipIf(!DIST_OK)("the CLI with a closed stdout (spawned; needs an up-to-date dist/)", () => {
  it("help text: exit 0, nothing on stderr", async () => {
    const r = await runWithClosedStdout(["run", "--help"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("a run still writes its three files whole and exits 0", async () => {
    const out = tmp();
    const r = await runWithClosedStdout(["run", "examples/demo/ei-small.net.json", "--arch", "generic", "--out", out, "--steps", "50"]);
    expect(r.stderr).not.toMatch(/EPIPE|Error|^\s+at /m);
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["aerchip-outputs.json", "mapping.json", "report.json", "spikes.json"]);
    for (const f of readdirSync(out)) expect(() => JSON.parse(readFileSync(join(out, f), "utf8"))).not.toThrow();
  });

  it("a usage error keeps its exit code 2", async () => {
    const r = await runWithClosedStdout(["run", "model.json", "--arch", "generic", "--out", tmp(), "--no-such-option"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option '--no-such-option'/);
  });
});

describe("guardStream (in process)", () => {
  afterEach(() => vi.restoreAllMocks());

  it("absorbs EPIPE and writes after the stream was destroyed", () => {
    const exit = vi.spyOn(process, "exit").mockImplementation((() => undefined) as never);
    const s = new PassThrough();
    guardStream(s, "stdout", 2);
    s.emit("error", Object.assign(new Error("write EPIPE"), { code: "EPIPE" }));
    s.emit("error", Object.assign(new Error("Cannot call write after a stream was destroyed"), { code: "ERR_STREAM_DESTROYED" }));
    expect(exit).not.toHaveBeenCalled();
  });

  it("reports any other failure with a code on the other stream and exits 70", () => {
    const exit = vi.spyOn(process, "exit").mockImplementation((() => undefined) as never);
    const file = join(tmp(), "report.txt");
    const fd = openSync(file, "w");
    try {
      const s = new PassThrough();
      guardStream(s, "stdout", fd);
      s.emit("error", Object.assign(new Error("no space left on device"), { code: "ENOSPC" }));
    } finally {
      closeSync(fd);
    }
    expect(exit).toHaveBeenCalledWith(70);
    expect(readFileSync(file, "utf8")).toBe("aerchip: E_OUTPUT_STREAM: writing to stdout failed: no space left on device\n");
  });
});

/**
 * Logger factory: JSON lines to a file (synchronously, so they are on disk right after the call),
 * level filtering, the silent logger, and coded errors for a bad level or an unwritable file.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { AerchipError } from "../../core/diagnostics.ts";
import { LogErrorCode, createLogger, silentLogger } from "../../core/log.ts";

const TMP = mkdtempSync(join(tmpdir(), "aerchip-log-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

function lines(path: string): Record<string, unknown>[] {
  return readFileSync(path, "utf8").split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe("createLogger", () => {
  it("writes one JSON object per line to a file, at or above the level, without an explicit flush", () => {
    const file = join(TMP, "nested", "dir", "run.log"); // parent directories are created
    const log = createLogger({ level: "info", file, name: "test-run" });
    log.debug("hidden");
    log.info({ phase: "build", events: 42 }, "phase done");
    log.warn("careful");
    const got = lines(file);
    expect(got.length).toBe(2);
    expect(got[0]).toMatchObject({ level: 30, msg: "phase done", phase: "build", events: 42, name: "test-run" });
    expect(typeof got[0]["time"]).toBe("number");
    expect(got[1]).toMatchObject({ level: 40, msg: "careful" });
  });

  it("appends to an existing file", () => {
    const file = join(TMP, "append.log");
    writeFileSync(file, `${JSON.stringify({ msg: "old" })}\n`);
    createLogger({ level: "trace", file }).trace("new");
    expect(lines(file).map((l) => l["msg"])).toEqual(["old", "new"]);
  });

  it("silentLogger and level 'silent' write nothing", () => {
    const file = join(TMP, "silent.log");
    const log = createLogger({ level: "silent", file });
    log.fatal("nothing");
    expect(readFileSync(file, "utf8")).toBe("");
    expect(silentLogger.isLevelEnabled("fatal")).toBe(false);
    silentLogger.error("dropped"); // must not throw
  });

  it("rejects an unknown level and an unopenable file with coded errors", () => {
    const codeOf = (f: () => unknown): string | undefined => {
      try { f(); } catch (e) { return e instanceof AerchipError ? e.code : `raw: ${String(e)}`; }
      return undefined;
    };
    expect(codeOf(() => createLogger({ level: "loud" }))).toBe(LogErrorCode.level);
    const blocker = join(TMP, "a-file");
    writeFileSync(blocker, "x");
    expect(codeOf(() => createLogger({ level: "info", file: join(blocker, "under-a-file.log") }))).toBe(LogErrorCode.open);
  });
});

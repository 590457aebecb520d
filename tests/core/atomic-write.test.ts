/**
 * Atomic writes: content lands complete, the old file is replaced, no temporary file is left behind
 * (on success or failure), and failures are coded errors naming the path.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { AerchipError } from "../../core/diagnostics.ts";
import { WriteErrorCode, ensureDir, stableJson, tempPathFor, writeFileAtomic, writeJsonAtomic } from "../../core/atomic-write.ts";

const TMP = mkdtempSync(join(tmpdir(), "aerchip-atomic-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

function errorOf(f: () => unknown): AerchipError {
  try { f(); } catch (e) {
    if (e instanceof AerchipError) return e;
    throw new Error(`raw exception escaped: ${String(e)}`);
  }
  throw new Error("expected an AerchipError");
}

describe("atomic writes", () => {
  it("writes strings as UTF-8 and bytes verbatim, replacing an existing file, leaving no temp files", () => {
    const dir = join(TMP, "w1");
    ensureDir(dir);
    const p = join(dir, "out.txt");
    writeFileSync(p, "old content that is longer than the new one");
    writeFileAtomic(p, "néw\n");
    expect(readFileSync(p, "utf8")).toBe("néw\n");
    const bin = join(dir, "out.bin");
    writeFileAtomic(bin, Uint8Array.of(0, 255, 7));
    expect(Array.from(readFileSync(bin))).toEqual([0, 255, 7]);
    expect(readdirSync(dir).sort()).toEqual(["out.bin", "out.txt"]);
  });

  it("puts the temporary file in the destination's directory with a unique name", () => {
    const p = join(TMP, "sub", "x.json");
    const a = tempPathFor(p);
    const b = tempPathFor(p);
    expect(dirname(a)).toBe(dirname(p));
    expect(a).not.toBe(b);
    expect(a).toContain(`tmp-${process.pid}-`);
  });

  it("writeJsonAtomic writes 2-space JSON with a trailing newline", () => {
    const p = join(TMP, "v.json");
    writeJsonAtomic(p, { b: 1, a: [1, 2], c: { d: null } });
    expect(readFileSync(p, "utf8")).toBe('{\n  "b": 1,\n  "a": [\n    1,\n    2\n  ],\n  "c": {\n    "d": null\n  }\n}\n');
  });

  it("ensureDir creates nested directories and is idempotent", () => {
    const d = join(TMP, "a", "b", "c");
    ensureDir(d);
    ensureDir(d);
    expect(readdirSync(join(TMP, "a", "b"))).toEqual(["c"]);
  });

  it("fails with coded errors and cleans up the temporary file", () => {
    const dir = join(TMP, "fail");
    mkdirSync(dir);
    // The destination is a non-empty directory: rename fails after the temp file was written.
    mkdirSync(join(dir, "target"));
    writeFileSync(join(dir, "target", "keep"), "x");
    const e = errorOf(() => writeFileAtomic(join(dir, "target"), "data"));
    expect(e.code).toBe(WriteErrorCode.failed);
    expect(e.file).toBe(join(dir, "target"));
    expect(readdirSync(dir)).toEqual(["target"]); // no .tmp left
    // A missing directory.
    expect(errorOf(() => writeFileAtomic(join(dir, "missing", "f.txt"), "x")).code).toBe(WriteErrorCode.failed);
    // A file where a directory is expected.
    writeFileSync(join(dir, "plain"), "x");
    expect(errorOf(() => ensureDir(join(dir, "plain", "sub"))).code).toBe(WriteErrorCode.mkdir);
    // Values JSON cannot represent.
    const cyclic: Record<string, unknown> = {};
    cyclic["self"] = cyclic;
    expect(errorOf(() => writeJsonAtomic(join(dir, "c.json"), cyclic)).code).toBe(WriteErrorCode.json);
    expect(errorOf(() => stableJson(10n)).code).toBe(WriteErrorCode.json);
    expect(errorOf(() => stableJson(undefined)).code).toBe(WriteErrorCode.json);
    expect(readdirSync(dir).sort()).toEqual(["plain", "target"]);
  });
});

/**
 * Atomic writes: content lands complete, the old file is replaced, no temporary file is left behind
 * (on success or failure), and failures are coded errors naming the path.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { WriteErrorCode, ensureDir, ensureDirCreated, outputDirOption, stableJson, tempPathFor, writeFileAtomic, writeJsonAtomic, writeOutputSet } from "../../core/atomic-write.ts";
import { errorOf } from "../helpers/errors.ts";
import { writeFileStreaming } from "../../core/io/events/file-io.ts";
import type { AerchipError } from "../../core/diagnostics.ts";

async function errorOfAsync(f: () => Promise<unknown>): Promise<AerchipError> {
  try { await f(); } catch (e) { return e as AerchipError; }
  throw new Error("expected an error");
}

const TMP = mkdtempSync(join(tmpdir(), "aerchip-atomic-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

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

  it("a destination that is a directory is said plainly, before any temporary file (audit s22b #17)", async () => {
    const dir = join(TMP, "isdir");
    mkdirSync(join(dir, "out"), { recursive: true });
    for (const e of [errorOf(() => writeFileAtomic(join(dir, "out"), "data")), await errorOfAsync(() => writeFileStreaming(join(dir, "out"), async (w) => w.write(Uint8Array.of(1))))]) {
      expect([e.code, e.file, e.message]).toEqual([WriteErrorCode.failed, join(dir, "out"), `cannot write ${join(dir, "out")}: it is a directory`]);
      expect(e.hint).toContain("give a file name");
    }
    expect(readdirSync(dir)).toEqual(["out"]); // no temporary file was made
  });

  it("a parent path that is a regular file gives E_WRITE_FAILED, not the cleanup's ENOTDIR (audit 2.2)", () => {
    const dir = join(TMP, "parentfile");
    mkdirSync(dir);
    writeFileSync(join(dir, "afile"), "xx");
    const e = errorOf(() => writeFileAtomic(join(dir, "afile", "p.aer"), "data"));
    expect([e.code, e.file]).toEqual([WriteErrorCode.failed, join(dir, "afile", "p.aer")]);
  });

  it("ensureDirCreated returns the directories it made, outermost first", () => {
    const base = join(TMP, "made");
    mkdirSync(base);
    expect(ensureDirCreated(join(base, "x", "y"))).toEqual([join(base, "x"), join(base, "x", "y")]);
    expect(ensureDirCreated(join(base, "x", "y"))).toEqual([]);
  });

  it("a value too large to serialise is E_WRITE_JSON saying it is too large (audit 3)", () => {
    const huge = { toJSON(): never { throw new RangeError("Invalid string length"); } };
    const e = errorOf(() => stableJson(huge, "out/report.json"));
    expect([e.code, e.file]).toEqual([WriteErrorCode.json, "out/report.json"]);
    expect(e.message).toMatch(/too large/);
  });

  it("an empty --out is E_CLI_OPTION naming the option (audit 4)", () => {
    for (const bad of ["", "  "]) {
      const e = errorOf(() => outputDirOption(bad));
      expect([e.code, e.field]).toEqual(["E_CLI_OPTION", "--out"]);
    }
    expect(outputDirOption(".")).toBe(process.cwd());
  });
});

describe("output sets: all or none (audit 3)", () => {
  it("writes every file of the set, creating the directory", () => {
    const out = join(TMP, "set-ok", "out");
    writeOutputSet([{ path: join(out, "a.json"), data: "A" }, { path: join(out, "b.bin"), data: Uint8Array.of(1, 2) }], [out]);
    expect(readdirSync(out).sort()).toEqual(["a.json", "b.bin"]);
  });

  it("a later destination that is a directory: nothing written, the new --out directory removed", () => {
    const out = join(TMP, "set-dir", "out");
    mkdirSync(join(TMP, "set-dir"));
    const pre = join(TMP, "set-dir", "pre");
    mkdirSync(join(pre, "mapping.json"), { recursive: true });
    const e = errorOf(() => writeOutputSet([{ path: join(pre, "spikes.json"), data: "S" }, { path: join(pre, "mapping.json"), data: "M" }]));
    expect([e.code, e.file]).toEqual([WriteErrorCode.failed, join(pre, "mapping.json")]);
    expect(readdirSync(pre)).toEqual(["mapping.json"]);
    // An unwritable file of the set (a parent that is a regular file): the --out made for it is removed.
    writeFileSync(join(TMP, "set-dir", "afile"), "xx");
    expect(errorOf(() => writeOutputSet([{ path: join(out, "spikes.json"), data: "S" }, { path: join(TMP, "set-dir", "afile", "p.aer"), data: "P" }], [out])).code).toBe(WriteErrorCode.failed);
    expect(readdirSync(join(TMP, "set-dir")).sort()).toEqual(["afile", "pre"]);
  });

  it("a rename failing part-way puts the files already renamed back (old content restored, new names removed)", () => {
    const dir = join(TMP, "set-rollback");
    mkdirSync(dir);
    writeFileSync(join(dir, "a.json"), "old A");
    // c.json becomes a non-empty directory after the check: its rename fails (the set is a, b, c).
    const files = [{ path: join(dir, "a.json"), data: "new A" }, { path: join(dir, "b.json"), data: "new B" }, {
      path: join(dir, "c.json"),
      get data(): string {
        mkdirSync(join(dir, "c.json", "sub"), { recursive: true });
        return "new C";
      },
    }];
    expect(errorOf(() => writeOutputSet(files)).code).toBe(WriteErrorCode.failed);
    expect(readdirSync(dir).sort()).toEqual(["a.json", "c.json"]);
    expect(readFileSync(join(dir, "a.json"), "utf8")).toBe("old A");
  });
});

describe("checkOutputDirUsable", () => {
  // /proc's directories pass access(W_OK) as root but refuse new entries: only a real probe finds out.
  it.skipIf(process.platform !== "linux" || !existsSync("/proc/self"))("refuses a directory under /proc (writable by its mode bits, refusing entries)", async () => {
    const { checkOutputDirUsable } = await import("../../core/atomic-write.ts");
    expect(() => checkOutputDirUsable("/proc/aerchip-out")).toThrow(expect.objectContaining({ code: "E_WRITE_MKDIR" }));
  });

  it("passes for a new directory under a writable one and an existing directory; refuses a path under a file; creates nothing", async () => {
    const { checkOutputDirUsable } = await import("../../core/atomic-write.ts");
    const root = mkdtempSync(join(tmpdir(), "aerchip-outcheck-"));
    try {
      checkOutputDirUsable(join(root, "a", "b", "c"));
      expect(existsSync(join(root, "a"))).toBe(false);
      checkOutputDirUsable(root);
      writeFileSync(join(root, "file"), "x");
      expect(() => checkOutputDirUsable(join(root, "file"))).toThrow(expect.objectContaining({ code: "E_WRITE_MKDIR" }));
      expect(() => checkOutputDirUsable(join(root, "file", "sub"))).toThrow(expect.objectContaining({ code: "E_WRITE_MKDIR" }));
      expect(readdirSync(root)).toEqual(["file"]); // the probe directories are gone
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("writeOutputSet: two files of one set on one path (audit s22b #1)", () => {
  it("is refused (E_CLI_OPTION naming both roles) before anything is written, also through .. and a link", () => {
    const dir = join(TMP, "dup");
    const e = errorOf(() => writeOutputSet([{ path: join(dir, "report.json"), data: "r" }, { path: join(dir, "x", "..", "report.json"), data: "p", role: "--packets-out" }], [dir]));
    expect(e.code).toBe("E_CLI_OPTION");
    expect(e.message).toContain("report.json");
    expect(e.message).toContain("--packets-out");
    expect(existsSync(dir)).toBe(false);
    ensureDir(dir);
    writeFileSync(join(dir, "a.json"), "old");
    symlinkSync(join(dir, "a.json"), join(dir, "b.json"));
    expect(errorOf(() => writeOutputSet([{ path: join(dir, "a.json"), data: "1" }, { path: join(dir, "b.json"), data: "2", role: "--packets-out" }])).code).toBe("E_CLI_OPTION");
    // Two names the command derived itself (no role): a name clash of the model's, not a usage error.
    expect(errorOf(() => writeOutputSet([{ path: join(dir, "a.json"), data: "1" }, { path: join(dir, "b.json"), data: "2" }])).code).toBe("E_OUTPUT_NAME_CLASH");
    expect(readFileSync(join(dir, "a.json"), "utf8")).toBe("old");
  });
});

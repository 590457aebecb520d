/**
 * core/same-file.ts: two paths name one file when the file system resolves them to one (links, "..",
 * relative paths, a file not yet written under a linked directory) or they are hard links of one inode.
 */
import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { canonicalPath, sameFile } from "../../core/same-file.ts";

const TMP = mkdtempSync(join(tmpdir(), "aerchip-same-file-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

describe("sameFile", () => {
  it("resolves .., relative paths, symbolic links (also of a missing file's directory) and hard links", () => {
    mkdirSync(join(TMP, "d"));
    writeFileSync(join(TMP, "d", "a.json"), "x");
    symlinkSync(join(TMP, "d"), join(TMP, "link"));
    linkSync(join(TMP, "d", "a.json"), join(TMP, "hard.json"));
    expect(sameFile(join(TMP, "d", "a.json"), join(TMP, "d", "..", "d", "a.json"))).toBe(true);
    expect(sameFile(join(TMP, "d", "a.json"), relative(process.cwd(), join(TMP, "d", "a.json")))).toBe(true);
    expect(sameFile(join(TMP, "d", "a.json"), join(TMP, "link", "a.json"))).toBe(true);
    expect(sameFile(join(TMP, "d", "new", "b.json"), join(TMP, "link", "new", "b.json"))).toBe(true);
    expect(canonicalPath(join(TMP, "link", "new", "b.json"))).toBe(join(canonicalPath(join(TMP, "d")), "new", "b.json"));
    expect(sameFile(join(TMP, "d", "a.json"), join(TMP, "hard.json"))).toBe(true);
    expect(sameFile(join(TMP, "d", "a.json"), join(TMP, "d", "b.json"))).toBe(false);
    expect(sameFile(join(TMP, "d", "a.json", "x"), join(TMP, "d", "a.json", "y"))).toBe(false);
  });
});

/**
 * core/io/read-input.ts: one reader for whole input files. A directory, a device or a FIFO is refused with
 * E_INPUT_NOT_A_FILE (readFileSync gave a bare EISDIR, or read /dev/zero until memory ran out), a
 * missing file and one above the limit with the caller's codes, and a regular file is read whole.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { InputErrorCode, readInputFile, readInputText } from "../../../core/io/read-input.ts";
import { errorOf } from "../../helpers/errors.ts";

const TMP = mkdtempSync(join(tmpdir(), "aerchip-read-input-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

const opts = { what: "test file", maxBytes: 16 };

describe("readInputFile", () => {
  it("reads a regular file whole", () => {
    const p = join(TMP, "ok.txt");
    writeFileSync(p, "héllo");
    expect(readInputText(p, opts)).toBe("héllo");
    expect(readInputFile(p, opts).length).toBe(6);
  });

  it("refuses a directory, a character device and a FIFO with E_INPUT_NOT_A_FILE naming the file", () => {
    const dir = join(TMP, "adir");
    mkdirSync(dir);
    const e = errorOf(() => readInputFile(dir, { ...opts, field: "--arch" }));
    expect([e.code, e.file, e.field]).toEqual([InputErrorCode.notAFile, dir, "--arch"]);
    expect(e.message).toMatch(/directory/);
    expect(errorOf(() => readInputFile("/dev/zero", opts)).code).toBe(InputErrorCode.notAFile);
    const fifo = join(TMP, "fifo");
    execFileSync("mkfifo", [fifo]);
    expect(errorOf(() => readInputFile(fifo, opts)).code).toBe(InputErrorCode.notAFile); // and does not block
  });

  it("gives the caller's codes for a missing file and a file above the limit", () => {
    const codes = { notFound: "E_X_NOT_FOUND", tooLarge: "E_X_TOO_LARGE" };
    expect(errorOf(() => readInputFile(join(TMP, "nope"), opts)).code).toBe(InputErrorCode.notFound);
    expect(errorOf(() => readInputFile(join(TMP, "nope"), { ...opts, codes })).code).toBe("E_X_NOT_FOUND");
    const big = join(TMP, "big.txt");
    writeFileSync(big, "x".repeat(17));
    expect(errorOf(() => readInputFile(big, opts)).code).toBe(InputErrorCode.tooLarge);
    const e = errorOf(() => readInputFile(big, { ...opts, codes }));
    expect(e.code).toBe("E_X_TOO_LARGE");
    expect(e.message).toMatch(/17 bytes.*16 bytes/);
  });
});

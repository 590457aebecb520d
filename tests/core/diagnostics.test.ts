/**
 * A diagnostic prints as one line (plus its hint line) whatever its message quotes: JSON.parse quotes the
 * file text it failed on, newlines included, and file names may hold control characters.
 */
import { describe, expect, it } from "vitest";
import { AerchipError, formatDiagnostic, oneLine } from "../../core/diagnostics.ts";
import { cli } from "../helpers/cli.ts";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

describe("formatDiagnostic", () => {
  it("escapes newlines and other control characters in the message, file, field and hint", () => {
    const e = new AerchipError("E_X", 'bad "a\nb\tc\u001b[31m"', { file: "f\nx.json", field: "p\r", hint: "h\u0007" });
    const text = formatDiagnostic(e.toDiagnostic());
    expect(text).toBe('E_X: bad "a\\nb\\tc\\x1b[31m" [file: f\\nx.json, field: p\\r]\n  hint: h\\x07');
    expect(text.split("\n")).toHaveLength(2);
  });

  it("leaves printable text (including non-ASCII) alone", () => {
    expect(oneLine("µs × 2 → “ok”")).toBe("µs × 2 → “ok”");
  });

  it("a model file of plain text gives a one-line E_MODEL_PARSE on the command line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aerchip-diag-"));
    writeFileSync(join(dir, "text.json"), "hello\nworld\n");
    const r = await cli("run", join(dir, "text.json"), "--arch", "generic", "--out", join(dir, "o"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^aerchip: E_MODEL_PARSE: /);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(2); // the error line and its hint
  });
});

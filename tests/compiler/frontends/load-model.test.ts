/**
 * Model files too large to read (audit-cli 2.5): a gzipped model that inflates past the limit is
 * E_MODEL_TOO_LARGE naming the file and the limit (inflating stops there, so a gzip bomb cannot
 * exhaust memory; it was "gzip data is corrupt"), and JSON text longer than JavaScript's longest string
 * is E_MODEL_TOO_LARGE (was E_INTERNAL "Cannot create a string longer than 0x1fffffe8 characters").
 * The limits are parameters so the tests stay small.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { readModelBytes } from "../../../compiler/frontends/load-model.ts";
import { parseJsonBytes } from "../../../compiler/frontends/json-packed.ts";
import { errorOf } from "../../helpers/errors.ts";

const TMP = mkdtempSync(join(tmpdir(), "aerchip-load-model-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

describe("model size limits", () => {
  it("a gzipped model inflating past the limit is E_MODEL_TOO_LARGE naming the file and the limit", () => {
    const p = join(TMP, "bomb.json.gz");
    writeFileSync(p, gzipSync(Buffer.alloc(64 * 1024, 0x20)));
    expect(readModelBytes(p, 64 * 1024).length).toBe(64 * 1024);
    const e = errorOf(() => readModelBytes(p, 4096));
    expect([e.code, e.file]).toEqual(["E_MODEL_TOO_LARGE", p]);
    expect(e.message).toMatch(/4096/);
  });

  it("a plain model above the limit is E_MODEL_TOO_LARGE", () => {
    const p = join(TMP, "big.json");
    writeFileSync(p, " ".repeat(5000));
    expect(errorOf(() => readModelBytes(p, 4096)).code).toBe("E_MODEL_TOO_LARGE");
  });

  it("JSON text longer than the longest string is E_MODEL_TOO_LARGE, packed numeric lists excepted", () => {
    const spaces = Buffer.from(`{"a": 1${" ".repeat(2000)}}`);
    expect(errorOf(() => parseJsonBytes(spaces, "m.json", 4, 1000)).code).toBe("E_MODEL_TOO_LARGE");
    // 2,000 numbers packed into a typed array: only the text around them counts.
    const nums = Buffer.from(`{"w": [${Array.from({ length: 2000 }, (_, i) => i).join(", ")}]}`);
    expect(nums.length).toBeGreaterThan(1000);
    const tree = parseJsonBytes(nums, "m.json", 4, 1000) as unknown as { w: { values: Float64Array } };
    expect(tree.w.values.length).toBe(2000);
    const padded = Buffer.from(`{"w": [${Array.from({ length: 2000 }, (_, i) => i).join(", ")}], "pad": "${"x".repeat(2000)}"}`);
    expect(errorOf(() => parseJsonBytes(padded, "m.json", 4, 1000)).code).toBe("E_MODEL_TOO_LARGE");
  });
});

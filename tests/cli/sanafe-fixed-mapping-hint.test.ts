/**
 * A hand-mapped SANA-FE network refused by a chip's per-core limits (audit s23c #7): the mapping is the file's,
 * so the hint must name what the user can do (--remap, or the file's own architecture YAML), not "repartition".
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AerchipError } from "../../core/diagnostics.ts";
import { fixedMappingError } from "../../cli/sanafe-inputs.ts";
import { cli } from "../helpers/cli.ts";
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../helpers/shared.ts";

describe("fixedMappingError", () => {
  it("rewrites the hint of a mapping-dependent refusal, keeping code, message, file and field", () => {
    const e = new AerchipError("E_CORE_INPUT_AXONS_EXCEEDED", "core 1 needs 7744 input axons", { file: "net.yaml", field: "core.maxInputAxons", hint: "use a partition with smaller blocks" });
    const r = fixedMappingError(e, "dir/net.yaml", "loihi-sanafe", "dir/loihi.yaml", "loihi-sanafe") as AerchipError;
    expect(r.code).toBe(e.code);
    expect(r.message).toBe(e.message);
    expect(r.file).toBe("net.yaml");
    expect(r.field).toBe("core.maxInputAxons");
    expect(r.hint).toMatch(/--remap/);
    expect(r.hint).toMatch(/--arch dir\/loihi\.yaml/);
    expect(r.hint).not.toMatch(/partition with smaller blocks/);
  });

  it("does not suggest the architecture YAML when it already is the --arch; leaves other errors alone", () => {
    const e = new AerchipError("E_CORE_NEURONS_EXCEEDED", "core 0 is given 2000 neurons", { hint: "x" });
    const r = fixedMappingError(e, "net.yaml", "arch", "a.yaml", "a.yaml") as AerchipError;
    expect(r.hint).toMatch(/--remap/);
    expect(r.hint).not.toMatch(/--arch/);
    const other = new AerchipError("E_SANAFE_FIELD", "bad", { hint: "fix it" });
    expect(fixedMappingError(other, "net.yaml", "arch", "a.yaml", "b")).toBe(other);
    const plain = new Error("boom");
    expect(fixedMappingError(plain, "net.yaml", "arch", "a.yaml", "b")).toBe(plain);
  });
});

describe.skipIf(!HAS_SHARED)(`run dvs.yaml --arch loihi-sanafe (the file's mapping, over Loihi's input axons) ${SKIP_MSG}`, () => {
  it("is refused with E_CORE_INPUT_AXONS_EXCEEDED and a hint naming --remap and the file's loihi.yaml", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "aerchip-sanafe-hint-")), "o");
    const r = await cli("run", sharedPath("fixtures/sanafe/dvs.yaml"), "--arch", "loihi-sanafe", "--steps", "2", "--out", out);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/E_CORE_INPUT_AXONS_EXCEEDED/);
    expect(r.stderr).toMatch(/--remap/);
    expect(r.stderr).toContain(`--arch ${sharedPath("fixtures/sanafe/loihi.yaml")}`);
    expect(r.stderr).not.toMatch(/partition with smaller blocks/);
  }, 120_000);
});

/**
 * E_COMPARE_NOTHING_RAN's hint follows the chips' error codes: "a bigger chip" only when the model did
 * not fit; a chip lacking a feature the model uses gets "a chip that has it"; a missing --input (or another
 * error every chip shares) gets a hint about that instead.
 */
import { mkdtempSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { nothingRanHint } from "../../cli/commands/compare.ts";
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../helpers/shared.ts";

const DEMO = "examples/demo/ei-small.net.json";
const tmp = (): string => mkdtempSync(join(tmpdir(), "aerchip-cmphint-"));
const hintOf = (stderr: string): string => /hint: (.*)/.exec(stderr)?.[1] ?? "";

describe("the hint of E_COMPARE_NOTHING_RAN", () => {
  it("says 'more cores' when the model fits on no chip", async () => {
    const dir = tmp();
    const generic = JSON.parse(readFileSync("chip/spec/presets/generic.json", "utf8"));
    const tiny = join(dir, "tiny-chip.json");
    writeFileSync(tiny, JSON.stringify({ ...generic, name: "tiny", mesh: { ...generic.mesh, widthTiles: 1, heightTiles: 1, coresPerTile: 1 }, core: { ...generic.core, maxNeurons: 64 } }));
    const r = await cli("compare", DEMO, "--arch", `${tiny},${tiny}`, "--out", join(dir, "o"), "--quiet");
    expect(r.code).toBe(1);
    // Too many neurons for the largest chip given: now refused once, before any chip runs (audit s22r-y #4,
    // compiler/core-capacity.ts), with the capacity error's own hint, instead of E_COMPARE_NOTHING_RAN.
    expect(r.stderr).toMatch(/E_CHIP_CORES_EXCEEDED/);
    expect(hintOf(r.stderr)).toMatch(/larger mesh|bigger cores/);
  });

  it.skipIf(!HAS_SHARED)(`a NIR graph without --input: the hint asks for --input, not for a bigger chip ${SKIP_MSG}`, async () => {
    const r = await cli("compare", sharedPath("fixtures/nir/snntorch/snntorch_dense_lif.nir"), "--arch", "loihi,generic", "--out", join(tmp(), "o"), "--quiet");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/E_COMPARE_NOTHING_RAN.*E_INPUT_REQUIRED/);
    expect(hintOf(r.stderr)).toMatch(/--input/);
    expect(hintOf(r.stderr)).not.toMatch(/more cores/);
  });

  it("other shared errors name their codes; a mix keeps the bigger-chip advice for the chips it concerns", () => {
    expect(nothingRanHint(["E_CHIP_CORES_EXCEEDED", "E_CORE_FANOUT_EXCEEDED"])).toMatch(/more cores/);
    const shape = nothingRanHint(["E_EVENTS_SHAPE", "E_EVENTS_SHAPE"]);
    expect(shape).toMatch(/E_EVENTS_SHAPE/);
    expect(shape).not.toMatch(/more cores/);
    const mixed = nothingRanHint(["E_EVENTS_SHAPE", "E_CORE_DELAY_EXCEEDED"]);
    expect(mixed).toMatch(/E_EVENTS_SHAPE/);
    expect(mixed).toMatch(/more cores/);
  });

  it("a chip lacking a feature the model uses (refractory counter, learning engine, …) is not sent to a bigger chip", async () => {
    const refr = nothingRanHint(["E_CORE_REFRACTORY_EXCEEDED", "E_LEARNING_NO_ENGINE"]);
    expect(refr).toMatch(/E_CORE_REFRACTORY_EXCEEDED, E_LEARNING_NO_ENGINE: chips lack a feature the model uses; use a chip that has it/);
    expect(refr).not.toMatch(/more cores/);
    expect(refr).not.toMatch(/not about the chip/);
    // A crossbar cell that cannot hold the sum of two synapses (audit s22r-x #2) is a missing feature too.
    expect(nothingRanHint(["E_FIXED_CROSSBAR_PAIR_RANGE"])).toMatch(/the chips lack a feature the model uses/);
    const mixed = nothingRanHint(["E_CORE_REFRACTORY_EXCEEDED", "E_CHIP_CORES_EXCEEDED"]);
    expect(mixed).toMatch(/lack a feature/);
    expect(mixed).toMatch(/for the chips the model does not fit on, use a chip with more cores/);
    // The demo (refractory period 2) on truenorth and cim-crossbar, neither of which has a refractory counter.
    const dir = tmp();
    const r = await cli("compare", DEMO, "--arch", "truenorth,cim-crossbar", "--out", join(dir, "o"), "--quiet");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/E_COMPARE_NOTHING_RAN/);
    expect(hintOf(r.stderr)).toMatch(/lack a feature/);
    expect(hintOf(r.stderr)).not.toMatch(/more cores/);
  });
});

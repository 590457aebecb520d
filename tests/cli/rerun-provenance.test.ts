/**
 * `aerchip rerun` checks the options a report recorded with the command line's own rules before it runs
 * anything: an edited report (placement "banana", seed -1 or 1e20, steps beyond the limit) is refused
 * with E_RERUN_PROVENANCE naming the report and the field, and nothing is written.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { tinyModel } from "../helpers/tiny-model.ts";
import { RUN_RECORDED_OPTIONS } from "../../cli/commands/rerun-checks.ts";
import { eventTransformProvenance } from "../../cli/event-transforms.ts";
import { tickPeriodProvenance } from "../../cli/tick-period.ts";
import { layerTicksProvenance } from "../../cli/layer-ticks-out.ts";
import { costsProvenance } from "../../cli/costs-mode.ts";
import { inputSelectionProvenance } from "../../cli/input-selection.ts";

describe("rerun validates the recorded options", () => {
  it("refuses invalid placement, precision, timing, seed, steps and tickUs, naming the field, and writes nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aerchip-rerun-"));
    const run = await cli("run", tinyModel(dir), "--arch", "generic", "--out", join(dir, "o"), "--quiet");
    expect(run.code).toBe(0);
    const original = JSON.parse(readFileSync(join(dir, "o", "report.json"), "utf8"));
    const ok = await cli("rerun", join(dir, "o", "report.json"), "--out", join(dir, "same"), "--quiet");
    expect(ok.code).toBe(0);
    const edits: Array<[string, unknown]> = [
      ["placement", "banana"], ["precision", "banana"], ["timing", "banana"],
      ["seed", -1], ["seed", 1e20], ["seed", 4294967296], ["seed", 0.5],
      ["steps", 1e9], ["coreNeurons", 0], ["tickUs", 0],
    ];
    for (const [key, value] of edits) {
      const edited = structuredClone(original);
      edited.provenance.options[key] = value;
      const file = join(dir, `edited-${key}.json`);
      writeFileSync(file, JSON.stringify(edited, null, 2));
      const out = join(dir, `rr-${key}-${String(value)}`);
      const r = await cli("rerun", file, "--out", out);
      expect(r.code, `${key} ${String(value)}`).toBe(1);
      expect(r.stderr).toMatch(/E_RERUN_PROVENANCE/);
      expect(r.stderr).toContain(`field: provenance.options.${key}`);
      expect(r.stderr).toContain(file);
      expect(existsSync(out), `${key}: nothing written`).toBe(false);
    }
  });
});

describe("rerun refuses an option name this aerchip's run does not record (audit s22b #9)", () => {
  it("E_RERUN_PROVENANCE naming provenance.options.<name>, before running: nothing written", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aerchip-rerun-unknown-"));
    expect((await cli("run", tinyModel(dir), "--arch", "generic", "--out", join(dir, "o"), "--quiet")).code).toBe(0);
    const edited = JSON.parse(readFileSync(join(dir, "o", "report.json"), "utf8"));
    edited.provenance.options.bogus = 1;
    const file = join(dir, "edited.json");
    writeFileSync(file, JSON.stringify(edited, null, 2));
    const r = await cli("rerun", file, "--out", join(dir, "rr"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/E_RERUN_PROVENANCE/);
    expect(r.stderr).toContain("field: provenance.options.bogus");
    expect(existsSync(join(dir, "rr"))).toBe(false);
  });

  it("the list holds every name run's recorders write", () => {
    const recorded = [
      ...Object.keys(eventTransformProvenance({ sensorSize: { width: 1, height: 1, polarities: 2 }, crop: { x: 0, y: 0, width: 1, height: 1 }, downsample: { x: 1, y: 1 }, spatialFactor: { x: 1, y: 1 }, polarity: "merge", timeBins: 2, timeBinsRule: "tonic", eventCount: 3, eventBins: 2, eventOverlap: 0, tickOrigin: "first-event", inputCounts: true })),
      ...Object.keys(tickPeriodProvenance({ tickPeriodUs: 5, realtime: true })),
      ...Object.keys(layerTicksProvenance({ perLayerTicks: true })),
      ...Object.keys(costsProvenance("counts")),
      ...Object.keys(inputSelectionProvenance({ sample: 1, gesture: 2 }).options),
    ];
    expect(recorded.length).toBeGreaterThan(15);
    for (const k of recorded) expect(RUN_RECORDED_OPTIONS, k).toContain(k);
  });
});

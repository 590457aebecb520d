/**
 * `--spatial-factor F` on an event --input (core/io/events/transforms.ts scaleCoordinates, tonic's
 * Downsample(spatial_factor)): x' = ⌊x·F⌋, sensor ⌊(W − 1)·F⌋ + 1 (the reachable columns); hand values for 128 → 48 (CIFAR10-DVS in S-TLLR),
 * the CLI run against the events scaled by hand, provenance and rerun, and bad factors.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scaleCoordinates } from "../../core/io/events/transforms.ts";
import type { EventBatch } from "../../core/io/events/types.ts";
import { eventTransformProvenance, eventTransformsFromProvenance, spatialFactorOption } from "../../cli/event-transforms.ts";
import { eventTransformText } from "../../chip/report/formats/event-transform-text.ts";
import { cli } from "../helpers/cli.ts";
import { writeIf4Nir } from "../helpers/nir-dataset.ts";

const dir = mkdtempSync(join(tmpdir(), "aerchip-spatial-"));

function batch(xs: number[], width: number, height: number): EventBatch {
  const n = xs.length;
  return { x: Uint16Array.from(xs), y: Uint16Array.from(xs.map((x) => Math.min(x, height - 1))), p: new Uint8Array(n), tUs: new Float64Array(n), length: n, geometry: { width, height, polarities: 2 } };
}

describe("--spatial-factor (tonic Downsample(spatial_factor))", () => {
  it("maps 128 pixels onto 48 with 0.375, and 240 onto 48 with 0.2, flooring the products", () => {
    const b = scaleCoordinates(batch([0, 1, 2, 3, 8, 64, 126, 127], 128, 128), { x: 0.375, y: 0.375 });
    expect(b.geometry).toEqual({ width: 48, height: 48, polarities: 2 });
    // 3·0.375 = 1.125, 8·0.375 = 3, 127·0.375 = 47.625
    expect(Array.from(b.x)).toEqual([0, 0, 0, 1, 3, 24, 47, 47]);
    const c = scaleCoordinates(batch([4, 5, 239], 240, 180), { x: 0.2, y: 0.25 });
    expect(c.geometry).toEqual({ width: 48, height: 45, polarities: 2 });
    expect(Array.from(c.x)).toEqual([0, 1, 47]);
    expect(Array.from(c.y)).toEqual([1, 1, 44]);
    expect(() => scaleCoordinates(batch([1], 4, 4), { x: 1.5, y: 1 })).toThrow(expect.objectContaining({ field: "spatialFactor" }));
    // The sensor is the columns events can reach (audit-s19 F10): 346 × (100/346) is 100.00000000000001 in
    // float64, yet column 345 maps to 99, so 100 columns; 34 × 0.9 = 30.6, yet column 33 maps to 29, so 30.
    expect(scaleCoordinates(batch([345], 346, 260), { x: 100 / 346, y: 0.5 }).geometry.width).toBe(100);
    expect(scaleCoordinates(batch([33], 34, 34), { x: 0.9, y: 0.9 }).geometry).toMatchObject({ width: 30, height: 30 });
    expect(Array.from(scaleCoordinates(batch([33], 34, 34), { x: 0.9, y: 0.9 }).x)).toEqual([29]);
  });

  it("parses factors in (0, 1], round-trips them through provenance and states them in tables", () => {
    expect(spatialFactorOption("0.375")).toEqual({ x: 0.375, y: 0.375 });
    expect(spatialFactorOption("0.5,0.25")).toEqual({ x: 0.5, y: 0.25 });
    for (const bad of ["0", "1.5", "a", "0.5,0.5,0.5", ""]) expect(() => spatialFactorOption(bad), bad).toThrow();
    const p = eventTransformProvenance({ spatialFactor: { x: 0.375, y: 0.375 } });
    expect(p).toEqual({ spatialFactor: "0.375,0.375" });
    expect(eventTransformsFromProvenance(p, () => { throw new Error("bad"); })).toEqual({ spatialFactor: { x: 0.375, y: 0.375 } });
    expect(eventTransformText(p)).toBe("coordinates scaled by 0.375");
  });

  it("a run equals the run on the events scaled by hand, records the factor, and reruns byte-identically", async () => {
    const model = join(dir, "if4.nir");
    await writeIf4Nir(model);
    // A 4 × 2 sensor with both polarities (the CSV's largest coordinates); × 0.5 it is 2 × 1 × 2 = the graph's 4 inputs.
    const raw: Array<[number, number, number, number]> = [[0, 0, 0, 0], [3, 1, 1000, 1], [2, 0, 2000, 0], [1, 1, 3000, 1], [3, 1, 3000, 0]];
    const write = (name: string, ev: Array<[number, number, number, number]>) => {
      const p = join(dir, name);
      writeFileSync(p, `x,y,t,p\n${ev.map((e) => e.join(",")).join("\n")}\n`);
      return p;
    };
    const rawFile = write("raw.csv", raw);
    const handFile = write("hand.csv", raw.map(([x, y, t, p]) => [Math.floor(x * 0.5), Math.floor(y * 0.5), t, p] as [number, number, number, number]));
    const a = join(dir, "a"), b = join(dir, "b"), c = join(dir, "c");
    const r = await cli("run", model, "--input", rawFile, "--spatial-factor", "0.5", "--arch", "generic", "--out", a, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    expect((await cli("run", model, "--input", handFile, "--arch", "generic", "--out", b, "--quiet")).code).toBe(0);
    const spikes = (d: string) => JSON.parse(readFileSync(join(d, "spikes.json"), "utf8")).spikes;
    expect(spikes(a)).toEqual(spikes(b));
    expect(JSON.stringify(spikes(a))).not.toBe("{}");
    expect(JSON.parse(readFileSync(join(a, "report.json"), "utf8")).provenance.options.spatialFactor).toBe("0.5,0.5");
    const re = await cli("rerun", join(a, "report.json"), "--out", c, "--quiet");
    expect(re.code, re.stderr + re.stdout).toBe(0);
    expect(readFileSync(join(c, "spikes.json"))).toEqual(readFileSync(join(a, "spikes.json")));
    // A factor that leaves the wrong sensor size is refused, naming it; so is the option on a JSON model.
    const wrong = await cli("run", model, "--input", rawFile, "--spatial-factor", "0.25", "--arch", "generic", "--out", join(dir, "w"), "--quiet");
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/E_EVENTS_SHAPE.*1×1×2 sensor/);
    const json = await cli("run", "examples/learning/stdp-pair.model.json", "--spatial-factor", "0.5", "--arch", "generic", "--out", join(dir, "j"));
    expect(json.code).toBe(2);
    expect(json.stderr).toMatch(/E_CLI_OPTION.*--spatial-factor/);
  });
});

/**
 * --sample (SHD/SSC HDF5) and --labels/--gesture (DVS Gesture AEDAT) on the command line (audit-docs
 * finding 9): `run` (NIR graph and compiled program) and `convert` read the chosen sample or gesture, the
 * report records the choice so `rerun` reproduces it, and the options are refused where they cannot apply.
 * The SHD file is built with the tests' own HDF5 writer; the recording is AEDAT 3.1 with aerchip's
 * `#Sensor-Size: 3x1x1` header, so it drives the 3-input NIR fixture.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { writeShdFile } from "../core/io/events/helpers/hdf5-writer.ts";
import { aedat3Bytes } from "../core/io/events/helpers/formats.ts";

const tmp = (): string => mkdtempSync(join(tmpdir(), "aerchip-select-"));
const NIR = "tests/robustness/fixtures/small-valid.nir";

/**
 * Three SHD samples; times are multiples of 1/1024 s (976.5625 µs, exact in float32). The last spikes, at
 * 4,882.8125, 11,718.75 and 19,531.25 µs, are in ticks 4, 11 and 19 of 1 ms: the samples span 5, 12 and 20 steps.
 */
const K = 1 / 1024;
function shd(dir: string): string {
  const path = join(dir, "shd.h5");
  writeShdFile(path, [
    { times: [1 * K, 5 * K], units: [3, 4], label: 0 },
    { times: [2 * K, 7 * K, 12 * K], units: [10, 699, 10], label: 1 },
    { times: [20 * K], units: [5], label: 2 },
  ]);
  return path;
}

/** An AEDAT 3.1 recording on a 3×1×1 sensor and its label file: row 0 is [1000, 5000) µs, row 1 [10000, 30000) µs. */
function gesture(dir: string): { rec: string; labels: string } {
  const rec = join(dir, "user01_led.aedat");
  const ts = [500, 1500, 4999, 5000, 10000, 20000, 29999, 30000];
  const header = "#!AER-DAT3.1\r\n#Format: RAW\r\n#Sensor-Size: 3x1x1\r\n#!END-HEADER\r\n";
  writeFileSync(rec, aedat3Bytes([{ events: ts.map((t, i) => ({ x: i % 3, y: 0, p: 0, t })) }], header));
  const labels = join(dir, "user01_led_labels.csv");
  writeFileSync(labels, "class,startTime_usec,endTime_usec\n3,1000,5000\n7,10000,30000\n");
  return { rec, labels };
}

async function refused(code: number, errorCode: string, field: string, ...args: string[]): Promise<void> {
  const r = await cli(...args);
  expect(r.code, `${args.join(" ")}\n${r.stderr}`).toBe(code);
  expect(r.stderr).toContain(`${errorCode}:`);
  expect(r.stderr).toContain(`field: ${field}`);
}

describe("convert --sample and --labels/--gesture", () => {
  it("--sample picks an SHD sample; the default is sample 0", async () => {
    const dir = tmp();
    const h5 = shd(dir);
    expect((await cli("convert", h5, join(dir, "s1.csv"), "--sample", "1", "--quiet")).code).toBe(0);
    expect(readFileSync(join(dir, "s1.csv"), "utf8")).toBe("x,y,t,p\n10,0,1953.125,0\n699,0,6835.9375,0\n10,0,11718.75,0\n");
    expect((await cli("convert", h5, join(dir, "s0.csv"), "--quiet")).code).toBe(0);
    expect(readFileSync(join(dir, "s0.csv"), "utf8")).toBe("x,y,t,p\n3,0,976.5625,0\n4,0,4882.8125,0\n");
    const sp = await cli("convert", h5, join(dir, "sp.csv"), "--sample", "2", "--spikes", "--json");
    expect(sp.code, sp.stderr).toBe(0);
    expect(JSON.parse(sp.stdout)).toMatchObject({ count: 1, steps: 20 });
  });

  it("--labels/--gesture cut one gesture, start ≤ t < end, times re-based to its start", async () => {
    const dir = tmp();
    const { rec, labels } = gesture(dir);
    const r = await cli("convert", rec, join(dir, "g1.csv"), "--labels", labels, "--gesture", "1", "--quiet");
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, "g1.csv"), "utf8")).toBe("x,y,t,p\n1,0,0,0\n2,0,10000,0\n0,0,19999,0\n");
    expect((await cli("convert", rec, join(dir, "g0.csv"), "--labels", labels, "--gesture", "0", "--quiet")).code).toBe(0);
    expect(readFileSync(join(dir, "g0.csv"), "utf8")).toBe("x,y,t,p\n1,0,500,0\n2,0,3999,0\n");
    // Spikes: tick 0 at the label's start.
    expect((await cli("convert", rec, join(dir, "g1s.csv"), "--labels", labels, "--gesture", "1", "--spikes", "--tick-us", "1000", "--quiet")).code).toBe(0);
    expect(readFileSync(join(dir, "g1s.csv"), "utf8")).toBe("tick,neuron\n0,1\n10,2\n19,0\n");
  });

  it("refuses them where they cannot apply, and names the flag when the file has no such sample or row", async () => {
    const dir = tmp();
    const h5 = shd(dir);
    const { rec, labels } = gesture(dir);
    const out = join(dir, "o.csv");
    await refused(1, "E_EVENTS_OPTIONS", "--sample", "convert", h5, out, "--sample", "3");
    await refused(1, "E_EVENTS_OPTIONS", "--gesture", "convert", rec, out, "--labels", labels, "--gesture", "2");
    await refused(2, "E_CLI_OPTION", "--sample", "convert", rec, out, "--sample", "1");
    await refused(2, "E_CLI_OPTION", "--labels", "convert", h5, out, "--labels", labels, "--gesture", "0");
    await refused(2, "E_CLI_OPTION", "--gesture", "convert", rec, out, "--labels", labels);
    await refused(2, "E_CLI_OPTION", "--labels", "convert", rec, out, "--gesture", "0");
    await refused(2, "E_CLI_OPTION", "--sample", "convert", rec, out, "--sample", "0", "--labels", labels, "--gesture", "0");
    const bad = await cli("convert", h5, out, "--sample", "-1");
    expect(bad.code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });
});

describe("run --sample and --labels/--gesture", () => {
  it("a compiled program reads the SHD sample asked for, and rerun reproduces it", async () => {
    const dir = tmp();
    const model = join(dir, "shd.json");
    const weights = Array.from({ length: 700 }, (_, i) => [i % 2 === 0 ? 0.6 : 0, i % 2 === 1 ? 0.6 : 0]);
    writeFileSync(model, JSON.stringify({
      format: "aerchip-model-1", name: "shd", steps: 10,
      populations: [{ name: "in", kind: "input", size: 700, spikes: [] }, { name: "out", kind: "neuron", size: 2, voltageDecay: 0.9, vThreshold: 1, reset: "zero" }],
      projections: [{ name: "in_out", pre: "in", post: "out", dense: { weights, delays: 1 } }],
    }));
    const c = await cli("compile", model, "--arch", "generic", "--out", join(dir, "c"), "--quiet");
    expect(c.code, c.stderr).toBe(0);
    const prog = join(dir, "c", "program.aerprog");
    const h5 = shd(dir);
    const steps: number[] = [];
    for (const sample of ["0", "1", "2"]) {
      const out = join(dir, `o${sample}`);
      const r = await cli("run", prog, "--arch", "generic", "--input", h5, "--sample", sample, "--out", out, "--quiet");
      expect(r.code, r.stderr).toBe(0);
      const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
      steps.push(report.steps);
      expect(report.provenance.options.sample).toBe(Number(sample));
    }
    expect(steps).toEqual([5, 12, 20]);
    const rr = await cli("rerun", join(dir, "o2", "report.json"), "--out", join(dir, "rr"), "--quiet");
    expect(rr.code, rr.stderr).toBe(0);
    // Without --sample the report records no sample (and reads sample 0, as before).
    const plain = await cli("run", prog, "--arch", "generic", "--input", h5, "--out", join(dir, "p"), "--quiet");
    expect(plain.code).toBe(0);
    const pr = JSON.parse(readFileSync(join(dir, "p", "report.json"), "utf8"));
    expect(pr.steps).toBe(5);
    expect("sample" in pr.provenance.options).toBe(false);
  });

  it("a NIR graph runs one labelled gesture; the report records the label file and row, and rerun reproduces it", async () => {
    const dir = tmp();
    const { rec, labels } = gesture(dir);
    const out = join(dir, "o");
    const r = await cli("run", NIR, "--arch", "generic", "--input", rec, "--labels", labels, "--gesture", "1", "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    expect(report.nir.steps).toBe(20); // ticks 0, 10, 19 after re-basing to 10,000 µs
    expect(report.provenance.options.gesture).toBe(1);
    expect(report.provenance.inputs.map((i: { role: string }) => i.role)).toContain("labels");
    const rr = await cli("rerun", join(out, "report.json"), "--out", join(dir, "rr"), "--quiet");
    expect(rr.code, rr.stderr).toBe(0);
  });

  it("refuses them where --input does not apply, without --input, and on the wrong kind of file", async () => {
    const dir = tmp();
    const { rec, labels } = gesture(dir);
    const h5 = shd(dir);
    const out = join(dir, "o");
    writeFileSync(join(dir, "tiny.json"), JSON.stringify({ format: "aerchip-model-1", name: "t", steps: 5, populations: [{ name: "in", kind: "input", size: 1, spikes: [[0, 0]] }], projections: [] }));
    await refused(2, "E_CLI_OPTION", "--sample", "run", join(dir, "tiny.json"), "--arch", "generic", "--out", out, "--sample", "1");
    await refused(2, "E_CLI_OPTION", "--sample", "run", NIR, "--arch", "generic", "--out", out, "--sample", "1");
    await refused(2, "E_CLI_OPTION", "--sample", "run", NIR, "--arch", "generic", "--out", out, "--input", rec, "--sample", "1");
    await refused(2, "E_CLI_OPTION", "--labels", "run", NIR, "--arch", "generic", "--out", out, "--input", h5, "--labels", labels, "--gesture", "0");
    await refused(2, "E_CLI_OPTION", "--gesture", "compare", NIR, "--arch", "generic", "--out", out, "--input", rec, "--labels", labels);
    await refused(1, "E_EVENTS_OPTIONS", "--gesture", "run", NIR, "--arch", "generic", "--out", out, "--input", rec, "--labels", labels, "--gesture", "5");
    expect(existsSync(out)).toBe(false);
  });
});

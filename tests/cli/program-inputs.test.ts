/**
 * A program compiled from a JSON model with several input populations (`run PROGRAM.aerprog --input FILE
 * --input-population NAME`): --input drives the population named, chosen as `run MODEL.json --input` chooses it
 * (cli/model-input.ts chooseInputPopulation, same E_CLI_OPTION errors); the program's other input populations get
 * no spikes (W_PROGRAM_INPUTS_SILENT). The run equals the model's run with the same input and no embedded
 * spikes in the other population. Before, such programs were refused (E_INPUT_AMBIGUOUS).
 */
import { describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli } from "../helpers/cli.ts";
import { spikesNpy } from "../helpers/nir-dataset.ts";

const dir = mkdtempSync(join(tmpdir(), "aerchip-proginputs-"));
const text = (p: string): string => readFileSync(p, "utf8");

describe("run PROGRAM.aerprog of a JSON model with two input populations", () => {
  it("--input-population picks the one --input drives; without it, or with another name, E_CLI_OPTION as for the model", async () => {
    // a (2 neurons) and b (3 neurons) onto out (2 neurons); neither has embedded spikes, so the model run and the program run see the same.
    const model = join(dir, "two.json");
    writeFileSync(model, JSON.stringify({
      format: "aerchip-model-1", name: "two", steps: 12,
      populations: [
        { name: "a", kind: "input", size: 2 },
        { name: "b", kind: "input", size: 3 },
        { name: "out", kind: "neuron", size: 2, voltageDecay: 0.8, vThreshold: 1, reset: "zero" },
      ],
      projections: [
        { name: "a_out", pre: "a", post: "out", dense: { weights: [[0.6, 0.1], [0.1, 0.6]], delays: 1 } },
        { name: "b_out", pre: "b", post: "out", dense: { weights: [[0.5, 0.2], [0.2, 0.5], [0.7, 0.7]], delays: 1 } },
      ],
    }));
    const inB = join(dir, "b.npy");
    spikesNpy(inB, 12, 3, [[0, 0], [1, 0], [2, 2], [4, 1], [5, 1], [6, 2], [9, 0], [9, 2]]);
    expect((await cli("compile", model, "--arch", "loihi", "--out", join(dir, "cp"), "--quiet")).code).toBe(0);
    const prog = join(dir, "cp", "program.aerprog");

    const m = await cli("run", model, "--arch", "loihi", "--input", inB, "--input-population", "b", "--out", join(dir, "m"), "--quiet");
    expect(m.code, m.stderr).toBe(0);
    const p = await cli("run", prog, "--arch", "loihi", "--input", inB, "--input-population", "b", "--out", join(dir, "p"));
    expect(p.code, p.stderr).toBe(0);
    expect(p.stderr).toContain("W_PROGRAM_INPUTS_SILENT: --input drives input population \"b\"; the program's other input population (a) gets no spikes");
    expect(text(join(dir, "p", "spikes.json"))).toBe(text(join(dir, "m", "spikes.json")));
    // Not a silent run: b drives out (a alone has no spikes).
    expect((JSON.parse(text(join(dir, "p", "spikes.json"))) as { spikes: { out: unknown[] } }).spikes.out.length).toBeGreaterThan(0);
    // Recorded, so rerun drives the same population.
    const report = JSON.parse(text(join(dir, "p", "report.json"))) as { provenance: { options: Record<string, unknown> } };
    expect(report.provenance.options.inputPopulation).toBe("b");
    expect((report as unknown as { warnings: string[] }).warnings).toEqual([expect.stringMatching(/^W_PROGRAM_INPUTS_SILENT: --input drives input population "b"/)]);
    const re = await cli("rerun", join(dir, "p", "report.json"), "--out", join(dir, "pr"), "--quiet");
    expect(re.code, re.stderr + re.stdout).toBe(0);
    expect(text(join(dir, "pr", "spikes.json"))).toBe(text(join(dir, "p", "spikes.json")));

    // The model's errors, with the same code and field.
    for (const [extra, message] of [
      [[], /E_CLI_OPTION: the program has 2 input populations \(a, b\); --input drives one/],
      [["--input-population", "out"], /E_CLI_OPTION: --input-population out: that population is not an input population/],
      [["--input-population", "nope"], /E_CLI_OPTION: --input-population nope: the program has no population of that name/],
    ] as const) {
      const r = await cli("run", prog, "--arch", "loihi", "--input", inB, "--out", join(dir, "bad"), ...extra);
      expect(r.code, extra.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toContain("field: --input-population");
      expect(r.stderr).toMatch(/a, b/);
      expect(existsSync(join(dir, "bad"))).toBe(false);
    }
    // A file of the wrong shape for the population named: the reader's code, naming the population.
    const wrong = await cli("run", prog, "--arch", "loihi", "--input", inB, "--input-population", "a", "--out", join(dir, "bad"));
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/E_EVENTS_SHAPE[^\n]*input population "a"/);
  }, 120_000);
});

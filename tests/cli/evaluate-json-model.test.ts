/**
 * `aerchip evaluate MODEL.json --input DATASET` (cli/evaluate/dataset-model.ts): a JSON model over a data set,
 * each sample replacing its input population's spikes from the chip's initial state. Every row equals the
 * `aerchip run MODEL.json --input SAMPLE` of that sample (spikes, operations, energy, output counts); the dead
 * neurons of a layer are those silent in every sample; the output is the only population with no outgoing
 * projection unless --output names one; plastic models stay refused.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { writeNpy } from "../../core/io/npy.ts";

const AUTOENCODER = "examples/conv/autoencoder.model.json";
const tmp = (): string => mkdtempSync(join(tmpdir(), "aerchip-eval-json-"));

/** A T × 1 × 8 × 8 spike tensor with a spike wherever on(t, i). */
function tensor(T: number, on: (t: number, i: number) => boolean): Uint8Array {
  const d = new Uint8Array(T * 64);
  for (let t = 0; t < T; t++) for (let i = 0; i < 64; i++) if (on(t, i)) d[t * 64 + i] = 1;
  return writeNpy(d, [T, 1, 8, 8], { bool: true });
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

interface Row { id: string; label: number | null; steps: number; spikes: number; synOps: number; neuronUpdates: number; packets: number; energyPj: Record<string, number>; outputValues: number[] }
interface Report { steps: number; totals: { counters: { synOps: number; neuronUpdates: number; packetsOut: number }; energyPj: Record<string, number> }; perPopulation: Array<{ name: string; spikes: number }> }

describe("evaluate MODEL.json", () => {
  it("three .npy samples (label folders): each row equals `run --input` of the sample; dead = silent in all three; rerun is byte-identical", async () => {
    const dir = tmp();
    const data = join(dir, "data");
    const samples: Array<[string, Uint8Array]> = [
      ["0/a.npy", tensor(12, (t, i) => t % 2 === 0 && i >= 24 && i < 32)],
      ["1/b.npy", tensor(10, (t, i) => t % 2 === 0 && i % 8 === 3)],
      ["2/c.npy", tensor(14, (t, i) => t % 3 === 0 && i % 9 === 0)],
    ];
    for (const [id, bytes] of samples) {
      mkdirSync(join(data, id.split("/")[0]), { recursive: true });
      writeFileSync(join(data, id), bytes);
    }
    const ev = await cli("evaluate", AUTOENCODER, "--input", data, "--arch", "loihi", "--out", join(dir, "ev"), "--quiet");
    expect(ev.code, ev.stderr).toBe(0);
    const doc = readJson<{ output: { output: string; decode: string }; provenance: { options: Record<string, unknown> }; samples: Row[]; summary: { populations: Array<{ name: string; size: number; deadNeurons: number; spikes: number }> } }>(join(dir, "ev", "dataset.json"));
    expect(doc.output.output).toBe("recon"); // the only population with no outgoing projection
    expect(doc.output.decode).toBe("count");
    expect(doc.provenance.options.inputPopulation).toBe("image");
    expect(doc.samples.map((r) => [r.id, r.label])).toEqual([["0/a.npy", 0], ["1/b.npy", 1], ["2/c.npy", 2]]);

    const fired = new Map<string, Set<number>>([["code", new Set()], ["recon", new Set()]]);
    const layerSpikes = new Map<string, number>([["code", 0], ["recon", 0]]);
    for (let k = 0; k < samples.length; k++) {
      const out = join(dir, `run${k}`);
      const r = await cli("run", AUTOENCODER, "--input", join(data, samples[k][0]), "--arch", "loihi", "--out", out, "--quiet");
      expect(r.code, r.stderr).toBe(0);
      const rep = readJson<Report>(join(out, "report.json"));
      const sp = readJson<{ spikes: Record<string, Array<[number, number]>> }>(join(out, "spikes.json")).spikes;
      const row = doc.samples[k];
      expect(row.steps).toBe(rep.steps);
      expect(row.spikes).toBe(rep.perPopulation.filter((p) => p.name !== "image").reduce((a, p) => a + p.spikes, 0));
      expect(row.synOps).toBe(rep.totals.counters.synOps);
      expect(row.neuronUpdates).toBe(rep.totals.counters.neuronUpdates);
      expect(row.packets).toBe(rep.totals.counters.packetsOut);
      for (const key of ["synapse", "neuron", "network", "learning", "static", "total"]) expect(row.energyPj[key], key).toBe(rep.totals.energyPj[key]);
      const counts = new Array<number>(64).fill(0);
      for (const [, i] of sp.recon ?? []) counts[i]++;
      expect(row.outputValues).toEqual(counts);
      for (const name of ["code", "recon"]) {
        for (const [, i] of sp[name] ?? []) fired.get(name)!.add(i);
        layerSpikes.set(name, layerSpikes.get(name)! + (sp[name] ?? []).length);
      }
    }
    for (const name of ["code", "recon"]) {
      const p = doc.summary.populations.find((x) => x.name === name)!;
      expect(p.deadNeurons, name).toBe(64 - fired.get(name)!.size);
      expect(p.spikes, name).toBe(layerSpikes.get(name));
    }
    expect(fired.get("code")!.size).toBeGreaterThan(0);

    // --jobs 2 (worker threads that load the JSON model themselves, with dist/ built): the same bytes.
    const jobs = await cli("evaluate", AUTOENCODER, "--input", data, "--jobs", "2", "--arch", "loihi", "--out", join(dir, "jobs"), "--quiet");
    expect(jobs.code, jobs.stderr).toBe(0);
    expect(readFileSync(join(dir, "jobs", "dataset.json"), "utf8")).toBe(readFileSync(join(dir, "ev", "dataset.json"), "utf8"));

    const rr = await cli("rerun", join(dir, "ev", "dataset.json"), "--out", join(dir, "rr"));
    expect(rr.code, rr.stderr).toBe(0);
    expect(readFileSync(join(dir, "rr", "dataset.json"), "utf8")).toBe(readFileSync(join(dir, "ev", "dataset.json"), "utf8"));
  });

  it("the output: several populations with no outgoing projection is a usage error listing them; --output picks any non-input population; the other input populations keep their spikes", async () => {
    const dir = tmp();
    const model = join(dir, "two.json");
    writeFileSync(model, JSON.stringify({
      format: "aerchip-model-1", name: "two", steps: 5,
      populations: [
        { name: "a", kind: "input", size: 2 },
        { name: "b", kind: "input", size: 1, spikes: [[0, 0]] },
        { name: "n", kind: "neuron", size: 1, vThreshold: 0.5 },
        { name: "m", kind: "neuron", size: 2, vThreshold: 0.5 },
      ],
      projections: [
        { name: "an", pre: "a", post: "n", dense: { weights: [[1], [1]], delays: 1 } },
        { name: "bn", pre: "b", post: "n", dense: { weights: [[1]], delays: 1 } },
        { name: "am", pre: "a", post: "m", dense: { weights: [[1, 0], [0, 1]], delays: 1 } },
      ],
    }));
    const data = join(dir, "data");
    mkdirSync(join(data, "0"), { recursive: true });
    const x = new Uint8Array(4 * 2);
    x[2 * 2 + 1] = 1; // a[1] at tick 2
    writeFileSync(join(data, "0", "s.npy"), writeNpy(x, [4, 2], { bool: true }));
    const base = ["evaluate", model, "--input", data, "--input-population", "a", "--arch", "generic"];
    const none = await cli(...base, "--out", join(dir, "o0"));
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/E_CLI_OPTION/);
    expect(none.stderr).toContain("field: --output");
    expect(none.stderr).toContain("(n, m)");
    const bad = await cli(...base, "--output", "a", "--out", join(dir, "o1"));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("field: --output");
    const ok = await cli(...base, "--output", "n", "--label-from", "none", "--out", join(dir, "ok"), "--quiet");
    expect(ok.code, ok.stderr).toBe(0);
    // n fires at tick 1 (b's own spike at 0) and tick 3 (a[1] at 2): b's embedded spike is kept.
    const row = readJson<{ samples: Row[] }>(join(dir, "ok", "dataset.json")).samples[0];
    expect(row.outputValues).toEqual([2]);
    const m = await cli(...base, "--output", "m", "--label-from", "none", "--out", join(dir, "okm"), "--quiet");
    expect(m.code, m.stderr).toBe(0);
    expect(readJson<{ samples: Row[] }>(join(dir, "okm", "dataset.json")).samples[0].outputValues).toEqual([0, 1]);
    // NIR-only options are refused on a JSON model.
    const dt = await cli(...base, "--output", "n", "--dt", "0.001", "--out", join(dir, "o2"));
    expect(dt.code).toBe(2);
    expect(dt.stderr).toContain("field: --dt");
  });

  it("--input-population on a NIR graph names its Input node (audit s23a #4); another node is refused", async () => {
    const dir = tmp();
    const nir = join(dir, "m.nir");
    const { nirFile, writeH5 } = await import("../compiler/frontends/nir/write-h5.ts");
    await writeH5(nir, nirFile({
      input: { type: "Input", shape: [2n] },
      fc: { type: "Linear", weight: { f32: [1, 0, 0, 1], shape: [2, 2] } },
      li: { type: "LI", tau: [1e-3, 1e-3], r: [1, 1], v_leak: [0, 0] },
      output: { type: "Output", shape: [2n] },
    }, [["input", "fc"], ["fc", "li"], ["li", "output"]]));
    const data = join(dir, "data");
    mkdirSync(join(data, "0"), { recursive: true });
    writeFileSync(join(data, "0", "s.npy"), writeNpy(new Uint8Array(3 * 2), [3, 2], { bool: true }));
    const r = await cli("evaluate", nir, "--input", data, "--input-population", "li", "--arch", "generic", "--out", join(dir, "o"));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("field: --input-population");
    expect(r.stderr).toContain("that node is a LI node, not an Input node");
    const named = await cli("evaluate", nir, "--input", data, "--input-population", "input", "--arch", "generic", "--out", join(dir, "named"), "--quiet");
    expect(named.code, named.stderr).toBe(0);
    const ok = await cli("evaluate", nir, "--input", data, "--arch", "generic", "--out", join(dir, "ok"), "--quiet");
    expect(ok.code, ok.stderr).toBe(0);
  });

  it("a plastic JSON model stays refused (E_EVALUATE_PLASTIC); a compiled program is E_EVALUATE_MODEL", async () => {
    const dir = tmp();
    const data = join(dir, "data");
    mkdirSync(join(data, "0"), { recursive: true });
    writeFileSync(join(data, "0", "s.npy"), writeNpy(new Uint8Array(3 * 4), [3, 4], { bool: true }));
    const r = await cli("evaluate", "examples/learning/stdp-pair.model.json", "--input", data, "--arch", "loihi", "--out", join(dir, "o"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/E_EVALUATE_PLASTIC/);
    // Before any sample is read: a sample that does not fit is not what the user hears first (audit-s19 F3).
    writeFileSync(join(data, "0", "bad.npy"), writeNpy(new Uint8Array(3 * 5), [3, 5], { bool: true }));
    const first = await cli("evaluate", "examples/learning/stdp-pair.model.json", "--input", data, "--arch", "loihi", "--out", join(dir, "o"));
    expect(first.stderr).toMatch(/E_EVALUATE_PLASTIC/);
    const p = await cli("evaluate", join(dir, "x.aerprog"), "--input", data, "--arch", "loihi", "--out", join(dir, "o"));
    expect(p.code).toBe(1);
    expect(p.stderr).toMatch(/E_EVALUATE_MODEL/);
  });
});

describe("evaluate MODEL.json --frozen [--initial-weights W.json]", () => {
  it("a plastic model with weights learned by a run, learning off: each row equals `run --input` of a copy with those weights and no rule; rerun is byte-identical", async () => {
    const dir = tmp();
    const MODEL = "examples/learning/stdp-pair.model.json";
    // Train: one run of the model on its own spikes; its weights.json holds the learned weights.
    const train = join(dir, "train");
    expect((await cli("run", MODEL, "--arch", "loihi", "--out", train, "--quiet")).code).toBe(0);
    const weights = join(train, "weights.json");
    const learned: number[] = readJson<{ projections: { in_out: { weights: number[] } } }>(weights).projections.in_out.weights;
    // The frozen, trained copy written by hand: learned weights, no learning rule.
    const m = readJson<{ projections: Array<Record<string, unknown> & { dense: { weights: number[][] } }> }>(MODEL);
    const { learning: _l, ...plain } = m.projections[0];
    const frozenModel = join(dir, "frozen.model.json");
    writeFileSync(frozenModel, JSON.stringify({ ...m, projections: [{ ...plain, dense: { ...m.projections[0].dense, weights: [0, 1, 2, 3].map((i) => learned.slice(3 * i, 3 * i + 3)) } }] }));
    // Two samples of the 4 inputs.
    const data = join(dir, "data");
    mkdirSync(join(data, "0"), { recursive: true });
    mkdirSync(join(data, "2"), { recursive: true });
    const s = (T: number, on: (t: number, i: number) => boolean) => {
      const d = new Uint8Array(T * 4);
      for (let t = 0; t < T; t++) for (let i = 0; i < 4; i++) if (on(t, i)) d[t * 4 + i] = 1;
      return writeNpy(d, [T, 4], { bool: true });
    };
    writeFileSync(join(data, "0", "a.npy"), s(20, (t, i) => t % 4 === 0 && i < 2));
    writeFileSync(join(data, "2", "b.npy"), s(20, (t, i) => t % 4 === 1 && i >= 2));
    // Input 0 alone every 4th tick: its own weights (≤ 0.6) never reach the threshold 1 at decay 0.75, the learned ~0.9 do.
    writeFileSync(join(data, "2", "c.npy"), s(20, (t, i) => i === 0 && t % 4 === 0));
    // Without --frozen a plastic model stays refused, and the hint names --frozen.
    const refused = await cli("evaluate", MODEL, "--input", data, "--arch", "loihi", "--out", join(dir, "no"));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/E_EVALUATE_PLASTIC[\s\S]*--frozen/);
    const ev = join(dir, "ev");
    const r = await cli("evaluate", MODEL, "--input", data, "--frozen", "--initial-weights", weights, "--arch", "loihi", "--out", ev, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const doc = readJson<{ provenance: { inputs: Array<{ role: string }>; options: Record<string, unknown> }; samples: Row[] }>(join(ev, "dataset.json"));
    expect(doc.provenance.options.frozen).toBe(true);
    expect(doc.provenance.inputs.map((i) => i.role)).toContain("initial-weights");
    for (const [k, id] of ["0/a.npy", "2/b.npy", "2/c.npy"].entries()) {
      const out = join(dir, `run${k}`);
      const rr = await cli("run", frozenModel, "--input", join(data, id), "--arch", "loihi", "--out", out, "--quiet");
      expect(rr.code, rr.stderr).toBe(0);
      const rep = readJson<Report>(join(out, "report.json"));
      const row = doc.samples[k];
      expect(row.synOps).toBe(rep.totals.counters.synOps);
      expect(row.energyPj.total).toBe(rep.totals.energyPj.total);
      const sp = readJson<{ spikes: Record<string, Array<[number, number]>> }>(join(out, "spikes.json")).spikes.out;
      expect(row.outputValues).toEqual([0, 1, 2].map((n) => sp.filter(([, i]) => i === n).length));
    }
    // The learned weights matter: without them the model's own weights give other outputs.
    const own = join(dir, "own");
    expect((await cli("evaluate", MODEL, "--input", data, "--frozen", "--arch", "loihi", "--out", own, "--quiet")).code).toBe(0);
    expect(readJson<{ samples: Row[] }>(join(own, "dataset.json")).samples[2].outputValues).toEqual([0, 0, 0]);
    expect(doc.samples[2].outputValues.every((v) => v > 0)).toBe(true);
    const re = await cli("rerun", join(ev, "dataset.json"), "--out", join(dir, "re"));
    expect(re.code, re.stderr + re.stdout).toBe(0);
    // NIR graphs take neither option.
    const nir = await cli("evaluate", "tests/robustness/fixtures/small-valid.nir", "--input", data, "--frozen", "--arch", "loihi", "--out", join(dir, "n"));
    expect(nir.code).toBe(2);
    expect(nir.stderr).toMatch(/E_CLI_OPTION.*--frozen/);
  }, 60_000);
});

describe("evaluate: adaptive thresholds start from 0 every sample (audit s19 F2)", () => {
  it("a JSON model with thetaPlus: each row equals `run --input` of its sample, whatever came before", async () => {
    const dir = tmp();
    const m = readJson<{ populations: Array<Record<string, unknown>>; projections: Array<Record<string, unknown>> }>("examples/learning/stdp-pair.model.json");
    const { learning: _l, ...plain } = m.projections[0];
    const model = join(dir, "theta.model.json");
    writeFileSync(model, JSON.stringify({ ...m, populations: [m.populations[0], { ...m.populations[1], thetaPlus: 0.2 }], projections: [plain] }));
    const data = join(dir, "data", "0");
    mkdirSync(data, { recursive: true });
    const s = (T: number, on: (t: number, i: number) => boolean) => {
      const d = new Uint8Array(T * 4);
      for (let t = 0; t < T; t++) for (let i = 0; i < 4; i++) if (on(t, i)) d[t * 4 + i] = 1;
      return writeNpy(d, [T, 4], { bool: true });
    };
    for (let k = 0; k < 3; k++) writeFileSync(join(data, `s${k}.npy`), s(20, (t, i) => i < 2 && t % 2 === k % 2));
    const ev = join(dir, "ev");
    expect((await cli("evaluate", model, "--input", join(dir, "data"), "--arch", "loihi", "--out", ev, "--quiet")).code).toBe(0);
    const rows = readJson<{ samples: Row[] }>(join(ev, "dataset.json")).samples;
    for (let k = 0; k < 3; k++) {
      const out = join(dir, `r${k}`);
      expect((await cli("run", model, "--input", join(data, `s${k}.npy`), "--arch", "loihi", "--out", out, "--quiet")).code).toBe(0);
      const rep = readJson<Report>(join(out, "report.json"));
      expect(rows[k].neuronUpdates).toBe(rep.totals.counters.neuronUpdates);
      expect(rows[k].energyPj.total).toBe(rep.totals.energyPj.total);
    }
  }, 60_000);
});

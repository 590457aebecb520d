/** Audit 1.4: unknown or misspelt keys and wrong types in JSON models are refused, with the closest known key. */
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { errorOf as error } from "../../helpers/errors.ts";
import { parseAerchipModel } from "../../../compiler/frontends/aerchip-model.ts";
import { parseSnnref } from "../../../compiler/frontends/snnref.ts";
import { closestKey, type Json } from "../../../compiler/frontends/json-fields.ts";
import { loadJsonModel } from "../../../compiler/frontends/load-model.ts";
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../../helpers/shared.ts";

const SNNREF = sharedPath("fixtures/snnref");


const aerchip = (): Record<string, any> => ({
  format: "aerchip-model-1", name: "m", steps: 10,
  populations: [
    { name: "in", kind: "input", size: 2, spikes: [[0, 0], [1, 1]] },
    { name: "out", kind: "neuron", size: 2, vThreshold: 1, voltageDecay: 0.5 },
  ],
  projections: [{ name: "p", pre: "in", post: "out", dense: { weights: [[1, 0], [0, 1]], delays: 1 } }],
});

const snnref = (): Record<string, any> => ({
  format: "snnref-1", name: "s", steps: 10, description: "x",
  populations: [
    { name: "in", kind: "input", size: 2, spikes: [[0, 0]] },
    { name: "out", kind: "lif", size: 2, v_th: 1, decay: 0.5 },
  ],
  projections: [{ name: "p", pre: "in", post: "out", dtype: "float", sparse: { pre: [0], post: [1], weights: [1], delays: 1 } }],
});

describe("model keys", () => {
  it("the bases load (controls)", () => {
    expect(parseAerchipModel(aerchip() as Json, "m.json").graph.populations.length).toBe(2);
    expect(parseSnnref(snnref() as Json, "s.json").graph.populations.length).toBe(2);
  });

  it("every shipped model still loads", () => {
    for (const f of ["examples/demo/ei-small.net.json", "examples/learning/stdp-pair.model.json", "tests/golden/report/known-rates.net.json"]) expect(() => loadJsonModel(f), f).not.toThrow();
  });

  it.skipIf(!HAS_SHARED)(`every snnref fixture still loads ${SKIP_MSG}`, () => {
    const files = [
      ...readdirSync(SNNREF).filter((f) => f.endsWith(".net.json")).map((f) => join(SNNREF, f)),
      ...readdirSync(join(SNNREF, "bench")).filter((f) => f.endsWith(".net.json.gz")).map((f) => join(SNNREF, "bench", f))];
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(() => loadJsonModel(f), f).not.toThrow();
  });

  const cases: Array<[string, () => Record<string, any>, (m: Record<string, any>) => void, string, string | undefined]> = [
    ["aerchip population vThresh", aerchip, (m) => { m.populations[1].vThresh = 100; }, "populations[1].vThresh", "vThreshold"],
    ["aerchip top-level stepz", aerchip, (m) => { m.stepz = 5; }, "stepz", "steps"],
    ["aerchip dense.weight", aerchip, (m) => { m.projections[0].dense.weight = m.projections[0].dense.weights; delete m.projections[0].dense.weights; }, "projections[0].dense.weight", "weights"],
    ["aerchip input population vThreshold", aerchip, (m) => { m.populations[0].vThreshold = 2; }, "populations[0].vThreshold", undefined],
    ["aerchip projection delay", aerchip, (m) => { m.projections[0].delay = 2; }, "projections[0].delay", undefined],
    ["snnref v_thr", snnref, (m) => { m.populations[1].v_thr = 1000; }, "populations[1].v_thr", "v_th"],
    ["snnref sparse.weight", snnref, (m) => { m.projections[0].sparse.weight = 1; }, "projections[0].sparse.weight", "weights"],
    ["snnref stdp A_plu", snnref, (m) => { m.projections[0].stdp = { mode: "nearest", A_plus: 0.1, A_minus: 0.1, tau_pre: 2, tau_post: 2, A_plu: 1 }; }, "projections[0].stdp.A_plu", "A_plus"],
    ["snnref vThreshold (aerchip key in snnref)", snnref, (m) => { m.populations[1].vThreshold = 2; }, "populations[1].vThreshold", undefined],
  ];
  for (const [what, base, edit, field, near] of cases) {
    it(`refuses ${what} with E_MODEL_FIELD naming ${field}`, () => {
      const m = base();
      edit(m);
      const parse = m.format === "snnref-1" ? parseSnnref : parseAerchipModel;
      const e = error(() => parse(m as Json, "bad.json"));
      expect(e.code).toBe("E_MODEL_FIELD");
      expect(e.field).toBe(field);
      expect(e.file).toBe("bad.json");
      if (near !== undefined) expect(e.message).toContain(`did you mean ${near}?`);
    });
  }

  it("spiking must be a boolean (the string \"true\" made the population non-spiking)", () => {
    const m = aerchip();
    m.populations[1].spiking = "true";
    const e = error(() => parseAerchipModel(m as Json, "bad.json"));
    expect(e.code).toBe("E_MODEL_FIELD");
    expect(e.field).toBe("populations[1].spiking");
    m.populations[1].spiking = false;
    expect(parseAerchipModel(m as Json, "ok.json").graph.populations[1].spiking).toBe(false);
  });

  it("snnref dtype is int or float", () => {
    const m = snnref();
    m.projections[0].dtype = 3;
    expect(error(() => parseSnnref(m as Json, "bad.json")).field).toBe("projections[0].dtype");
  });

  it("an infinite number is reported as Infinity, not null", () => {
    const m = aerchip();
    m.populations[1].voltageDecay = Infinity; // what JSON.parse gives for 1e999
    const e = error(() => parseAerchipModel(m as Json, "bad.json"));
    expect(e.message).toContain("got Infinity");
    // Through the file reader (json-packed.ts reads long numeric lists itself).
    const dir = mkdtempSync(join(tmpdir(), "aerchip-keys-"));
    const f = join(dir, "inf.json");
    writeFileSync(f, JSON.stringify(aerchip()).replace('"voltageDecay":0.5', '"voltageDecay":1e999'));
    expect(error(() => loadJsonModel(f)).message).toContain("got Infinity");
    writeFileSync(f, JSON.stringify(aerchip()).replace('"voltageDecay":0.5', `"voltageDecay":[${Array(2).fill("1e999").join(",")}]`));
    expect(error(() => loadJsonModel(f)).message).toContain("got Infinity");
  });

  it("a per-neuron parameter that is null is refused, not read as its default", () => {
    const m = aerchip();
    m.populations[1].voltageDecay = null;
    const e = error(() => parseAerchipModel(m as Json, "bad.json"));
    expect(e.code).toBe("E_MODEL_FIELD");
    expect(e.field).toBe("populations[1].voltageDecay");
    const s = snnref();
    s.populations[1].v_th = null;
    expect(error(() => parseSnnref(s as Json, "bad.json")).field).toBe("populations[1].v_th");
    // snnref documents tau: null as "no leak" (decay 1); that still loads.
    const t = snnref();
    delete t.populations[1].decay;
    t.populations[1].tau = null;
    expect(() => parseSnnref(t as Json, "ok.json")).not.toThrow();
  });

  it("closestKey suggests near keys only", () => {
    expect(closestKey("vThresh", ["vThreshold", "vReset"])).toBe("vThreshold");
    expect(closestKey("stepz", ["steps", "name"])).toBe("steps");
    expect(closestKey("banana", ["steps", "name"])).toBeUndefined();
  });
});

describe("description", () => {
  it("is text when present", () => {
    const m = { ...aerchip(), description: 5 };
    expect(error(() => parseAerchipModel(m as Json, "bad.json")).field).toBe("description");
    expect(error(() => parseSnnref({ ...snnref(), description: [] } as Json, "bad.json")).field).toBe("description");
  });
});

describe("provenance (aerchip-model-1 only)", () => {
  it("an object of texts is accepted and changes nothing else", () => {
    const plain = parseAerchipModel(aerchip() as Json, "m.json");
    const tagged = parseAerchipModel({ ...aerchip(), provenance: { steps: "[M] chosen", "populations.out.vThreshold": "[C] code" } } as Json, "m.json");
    expect(tagged.graph).toEqual(plain.graph);
  });
  it("a number, a list or a nested object inside is refused, naming the entry", () => {
    for (const bad of [{ steps: 10 }, { steps: ["[C]"] }, { steps: { tag: "[C]" } }]) {
      const e = error(() => parseAerchipModel({ ...aerchip(), provenance: bad } as Json, "bad.json"));
      expect(e.code).toBe("E_MODEL_FIELD");
      expect(e.field).toBe("provenance.steps");
    }
    expect(error(() => parseAerchipModel({ ...aerchip(), provenance: "[C]" } as Json, "bad.json")).field).toBe("provenance");
  });
  it("snnref-1 has no such key", () => {
    expect(error(() => parseSnnref({ ...snnref(), provenance: {} } as Json, "bad.json")).code).toBe("E_MODEL_FIELD");
  });
});

describe("learning block", () => {
  it("a misspelt learning key names the closest one", () => {
    const m = aerchip();
    m.projections[0].learning = { rule: "dw = 2^-4*x1*y0", traces: { x1: { decay: 0.5, impulse: 1 } }, wMin: 0, wMaxx: 1 };
    const e = error(() => parseAerchipModel(m as Json, "bad.json"));
    expect(e.code).toBe("E_MODEL_FIELD");
    expect(e.message).toContain("did you mean wMax?");
  });
});

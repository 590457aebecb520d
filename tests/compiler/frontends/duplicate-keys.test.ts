/**
 * JSON models and chip specs refuse a key repeated in one object (audit s24a #5: JSON.parse kept the last, so a
 * second "vThreshold" silently changed the run), naming the file, the key's JSON path and its two lines, also
 * when large numeric lists were read apart from JSON.parse (json-packed.ts); and aerchip-model-1 refuses a
 * repeated projection name (audit s24a #1: weights.json then held one projection's weights under both names).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { errorOf as error } from "../../helpers/errors.ts";
import { loadJsonModel } from "../../../compiler/frontends/load-model.ts";
import { parseJsonBytes } from "../../../compiler/frontends/json-packed.ts";
import { loadChipSpecJson, loadPreset } from "../../../chip/spec/load.ts";

const dir = mkdtempSync(join(tmpdir(), "aerchip-dupkey-"));


const model = (neuron: string, projections = '[{"name": "in_h", "pre": "in", "post": "h", "dense": {"weights": [[1.5, 0], [0, 1.5], [1, 1]], "delays": 1}}]'): string => `{
  "format": "aerchip-model-1", "name": "tiny", "steps": 20,
  "populations": [
    {"name": "in", "kind": "input", "size": 3, "spikes": [[0, 0], [1, 1], [2, 2], [5, 0]]},
    ${neuron}
  ],
  "projections": ${projections}
}
`;

const write = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe("duplicate JSON keys", () => {
  it("a model with a repeated vThreshold is refused (E_MODEL_FIELD) naming the file, the key's path and lines", () => {
    const ok = write("ok.json", model('{"name": "h", "kind": "neuron", "size": 2, "voltageDecay": 0.9, "vThreshold": 1}'));
    expect(loadJsonModel(ok).graph.populations[1].params?.vThreshold[0]).toBe(1);
    const dup = write("dup.json", model('{"name": "h", "kind": "neuron", "size": 2, "voltageDecay": 0.9, "vThreshold": 1,\n     "vThreshold": 5}'));
    const e = error(() => loadJsonModel(dup));
    expect(e.code).toBe("E_MODEL_FIELD");
    expect(e.file).toBe(dup);
    expect(e.field).toBe("populations[1].vThreshold");
    expect(e.message).toMatch(/key "vThreshold" appears twice in populations\[1\] \(lines 5 and 6\)/);
  });

  it("finds the repeat and its file lines past packed numeric lists (json-packed.ts), and at the top level", () => {
    // A list of 2,000 numbers, one per line, is read apart from JSON.parse (MIN_PACKED_NUMBERS 1024); the repeat
    // after it is on line 2,000 + 4 of the file.
    const weights = Array.from({ length: 2000 }, (_, i) => String(i % 7)).join(",\n");
    const text = `{"a": 1,\n"big": [${weights}],\n"c": {"x": 1,\n"x": 2}}`;
    const e = error(() => parseJsonBytes(Buffer.from(text), "big.json"));
    expect(e.code).toBe("E_MODEL_FIELD");
    expect(e.field).toBe("c.x");
    expect(e.message).toMatch(/\(lines 2002 and 2003\)/);
    const top = error(() => parseJsonBytes(Buffer.from(`{"steps": 5, "big": [${weights}], "steps": 6}`), "top.json"));
    expect(top.field).toBe("steps");
    expect(top.message).toMatch(/in the top-level object/);
    // Without a repeat the packed list is read as before.
    expect(parseJsonBytes(Buffer.from(`{"big": [${weights}], "c": {"x": 1}}`), "fine.json")).toMatchObject({ c: { x: 1 } });
  });

  it("aerchip-model-1 refuses a projection name used twice (E_MODEL_FIELD naming projections[1].name and the name)", () => {
    const h = '{"name": "h", "kind": "neuron", "size": 2, "vThreshold": 1}';
    const p = (name: string) => `{"name": "${name}", "pre": "in", "post": "h", "dense": {"weights": [[1, 0], [0, 1], [1, 1]], "delays": 1}}`;
    expect(loadJsonModel(write("two.json", model(h, `[${p("a")}, ${p("b")}]`))).graph.projections.map((x) => x.name)).toEqual(["a", "b"]);
    const same = write("same.json", model(h, `[${p("a")}, ${p("a")}]`));
    const e = error(() => loadJsonModel(same));
    expect(e.code).toBe("E_MODEL_FIELD");
    expect(e.file).toBe(same);
    expect(e.field).toBe("projections[1].name");
    expect(e.message).toMatch(/projection name "a" is used twice/);
    // Populations are checked the same way (as before).
    const pops = write("pops.json", model(`${h}, {"name": "h", "kind": "neuron", "size": 1}`));
    expect(error(() => loadJsonModel(pops))).toMatchObject({ code: "E_MODEL_FIELD", field: "populations[2].name" });
  });

  it("a chip spec with a repeated key is refused (E_SPEC_INVALID) naming the key's path", () => {
    const spec = JSON.parse(JSON.stringify(loadPreset("loihi"))) as { core: { maxDelayTicks: number } };
    const text = JSON.stringify(spec, null, 2);
    expect(loadChipSpecJson(write("spec-ok.json", text)).core.maxDelayTicks).toBe(spec.core.maxDelayTicks);
    const dup = write("spec-dup.json", text.replace(/"maxDelayTicks": (\d+)/, '"maxDelayTicks": $1, "maxDelayTicks": 1'));
    const e = error(() => loadChipSpecJson(dup));
    expect(e.code).toBe("E_SPEC_INVALID");
    expect(e.file).toBe(dup);
    expect(e.field).toBe("core.maxDelayTicks");
  });
});

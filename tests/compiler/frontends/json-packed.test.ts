/**
 * JSON model files with their large numeric lists read straight into typed arrays (json-packed.ts) must
 * give what JSON.parse gives: the same numbers bit for bit, the same model out of the front ends, and the
 * same error (code, message, field) for every malformed file.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { createRng, type Rng } from "../../../core/rng.ts";
import { PackedNumbers, parseJsonText, type Json } from "../../../compiler/frontends/json-fields.ts";
import { parseJsonBytes } from "../../../compiler/frontends/json-packed.ts";
import { parseSnnref } from "../../../compiler/frontends/snnref.ts";
import { parseAerchipModel } from "../../../compiler/frontends/aerchip-model.ts";
import { SKIP_MSG } from "../../helpers/shared.ts";

const SHARED = resolve(process.cwd(), "../shared");
const hasShared = existsSync(SHARED);

const bytes = (text: string): Buffer => Buffer.from(text, "utf8");

/** Outcome of a front end on a parsed tree: the model's arrays, or the error's code, message and field. */
function outcome(parse: () => Json, file: string): string {
  try {
    const json = parse();
    const fmt = typeof json === "object" && json !== null && !Array.isArray(json) ? (json as Record<string, Json>).format : undefined;
    const m = fmt === "aerchip-model-1" ? parseAerchipModel(json, file) : parseSnnref(json, file);
    return JSON.stringify(m.graph, (_k, v: unknown) => (ArrayBuffer.isView(v) ? `${v.constructor.name}[${Array.from(v as Float64Array, (x) => (Object.is(x, -0) ? "-0" : String(x))).join(",")}]` : v));
  } catch (e) {
    const err = e as { code?: string; message: string; field?: string };
    return `error ${err.code} ${err.message} ${err.field}`;
  }
}

function same(text: string, minPacked = 4): void {
  const plain = outcome(() => parseJsonText(text, "m.json"), "m.json");
  const packed = outcome(() => parseJsonBytes(bytes(text), "m.json", minPacked), "m.json");
  expect(packed).toBe(plain);
}

describe("packed JSON numbers", () => {
  it("reads every number as JSON.parse does (bits and signs)", () => {
    const rng = createRng(17);
    const texts = ["0", "-0", "-0.0", "1", "-1", "0.5", "1e3", "1E-3", "2.5e+2", "123456789012345678901234567890", "0.1", "0.30000000000000004",
      "9007199254740993", "1.7976931348623157e308", "5e-324", "1e400", "-1e400", "4.9406564584124654e-324", "0.0185546875", "123.456e-7", "1e22", "1e23", "7e-22", "3e-23"];
    for (let i = 0; i < 3000; i++) texts.push(randomNumber(rng));
    const text = `{"x": [${texts.join(", ")}]}`;
    const tree = parseJsonBytes(bytes(text), "n.json", 4) as unknown as { x: PackedNumbers };
    expect(tree.x).toBeInstanceOf(PackedNumbers);
    const want = (JSON.parse(text) as { x: number[] }).x;
    expect(tree.x.values.length).toBe(want.length);
    for (let i = 0; i < want.length; i++) if (!Object.is(tree.x.values[i], want[i])) expect.fail(`${texts[i]}: ${tree.x.values[i]} vs ${want[i]}`);
  });

  it("packs only flat numeric lists in value positions, and leaves the rest to JSON.parse", () => {
    const text = '{"a": [1, 2, 3, 4, 5], "b": "[1, 2, 3, 4, 5]", "c": [[1, 2], [3, 4]], "d": [1, 2, "x", 4, 5], "e": [1, 2, 3], "f": [1,2,3,4,5,]}';
    expect(() => JSON.parse(text)).toThrow();
    expect(() => parseJsonBytes(bytes(text), "x.json", 4)).toThrow(/not valid JSON/);
    const ok = '{"a": [1, 2, 3, 4, 5], "b": "[1, 2, 3, 4, 5]", "c": [[1, 2], [3, 4]], "d": [1, 2, "x", 4, 5], "e": [1, 2, 3], "g": [ 6 ,7,8 , 9 ]}';
    const t = parseJsonBytes(bytes(ok), "x.json", 4) as Record<string, unknown>;
    expect(t.a).toBeInstanceOf(PackedNumbers);
    expect(t.g).toBeInstanceOf(PackedNumbers);
    expect(t.b).toBe("[1, 2, 3, 4, 5]");
    expect(t.c).toEqual([[1, 2], [3, 4]]);
    expect(t.d).toEqual([1, 2, "x", 4, 5]);
    expect(t.e).toEqual([1, 2, 3]);
    // A top-level list, or a list used as a key, is never packed.
    expect(Array.isArray(parseJsonBytes(bytes("[1, 2, 3, 4, 5]"), "x.json", 4))).toBe(true);
    const bad = '{"a": 1, [1, 2, 3, 4, 5]: 2}';
    expect(() => parseJsonBytes(bytes(bad), "x.json", 4)).toThrow((() => { try { parseJsonText(bad, "x.json"); } catch (e) { return (e as Error).message; } return "?"; })());
    // Files that write a NUL escape are parsed plainly (a placeholder could not be told from their strings).
    const nul = '{"s": "\\u0000aerchip-packed:0", "a": [1, 2, 3, 4, 5]}';
    const tn = parseJsonBytes(bytes(nul), "x.json", 4) as Record<string, unknown>;
    expect(tn.s).toBe("\u0000aerchip-packed:0");
    expect(tn.a).toEqual([1, 2, 3, 4, 5]);
  });

  it("gives the same models and the same errors as JSON.parse on corrupted snnref files", () => {
    const base = {
      format: "snnref-1", name: "t", steps: 30,
      populations: [
        { name: "in", kind: "input", size: 6, spikes: [[0, 1], [2, 5], [3, 0]] },
        { name: "a", kind: "lif", size: 6, decay: 0.5, v_th: 1, v_init: [0, 0.1, 0.2, -0, 0.4, 0.5], reset: "subtract", refractory: [0, 1, 0, 1, 2, 0] },
      ],
      projections: [
        { name: "p", pre: "in", post: "a", sparse: { pre: [0, 1, 2, 3, 4, 5, 0, 1], post: [0, 1, 2, 3, 4, 5, 5, 4], weights: [1, 2, 3, 0.5, -1.25, 1e-3, 2, 3], delays: [1, 2, 3, 1, 2, 3, 1, 2] } },
        { name: "q", pre: "a", post: "a", dense: { weights: Array.from({ length: 6 }, (_, i) => Array.from({ length: 6 }, (_, j) => (i === j ? 0 : (i + j) / 8))), delays: 1 } },
      ],
    };
    const text = JSON.stringify(base);
    same(text);
    const rng = createRng(99);
    const hostile = ["1.5", "-1", "1e400", "\"x\"", "null", "[]", "{}", "0", "70000", "4294967296", "-0", ""];
    for (let i = 0; i < 600; i++) {
      // Replace one number, or drop/insert one character: a different model or a different error.
      let t = text;
      const r = rng.nextFloat();
      if (r < 0.6) {
        const nums = [...t.matchAll(/-?\d+(\.\d+)?(e-?\d+)?/g)];
        const m = nums[rng.nextBelow(nums.length)];
        t = t.slice(0, m.index) + hostile[rng.nextBelow(hostile.length)] + t.slice((m.index as number) + m[0].length);
      } else {
        const p = rng.nextBelow(t.length);
        t = r < 0.8 ? t.slice(0, p) + t.slice(p + 1) : t.slice(0, p) + pick(rng, [",", "]", "[", "1", " ", "\"", "-", "."]) + t.slice(p);
      }
      same(t);
    }
  });
});

describe.skipIf(!hasShared)(`packed JSON on the snnref fixtures ${SKIP_MSG}`, () => {
  it("every case and bench_lif10k give the same model", () => {
    const dir = resolve(SHARED, "fixtures/snnref");
    for (const f of ["c01_if_dense_tiny.net.json", "c02_lif_subtract_sparse.net.json", "c04_ei_2000_int.net.json", "c05_stdp_all2all_dense.net.json", "c08_bias_chain.net.json"]) {
      same(readFileSync(resolve(dir, f), "utf8"), 64);
    }
    same(gunzipSync(readFileSync(resolve(dir, "bench/bench_lif10k.net.json.gz"))).toString("utf8"), 1024);
  });
});

const pick = <T>(rng: Rng, a: readonly T[]): T => a[rng.nextBelow(a.length)];

function randomNumber(rng: Rng): string {
  const digits = (n: number): string => Array.from({ length: n }, () => String(rng.nextBelow(10))).join("");
  const sign = rng.nextFloat() < 0.3 ? "-" : "";
  const int = rng.nextFloat() < 0.3 ? "0" : `${1 + rng.nextBelow(9)}${digits(rng.nextBelow(20))}`;
  const frac = rng.nextFloat() < 0.6 ? `.${digits(1 + rng.nextBelow(20))}` : "";
  const exp = rng.nextFloat() < 0.3 ? `${pick(rng, ["e", "E"])}${pick(rng, ["", "+", "-"])}${rng.nextBelow(40)}` : "";
  return `${sign}${int}${frac}${exp}`;
}

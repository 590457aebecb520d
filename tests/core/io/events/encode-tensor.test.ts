/**
 * Encoding a static tensor as input spikes (core/io/events/encode-tensor.ts; audit-papers §19): the spike
 * statistics each encoding defines (docs/events.md, "Encoding static inputs"), checked with fixed seeds
 * against bounds computed from the binomial distribution of a count of independent per-tick draws
 * (mean n·p, sd √(n·p·(1 − p)); 5 sd), TTFS times worked out by hand, and the value/dtype/shape errors.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { encodeTensorFile, encodeTensorValues, readTensor, TENSOR_ENCODINGS, type EncodeTensorOptions } from "../../../../core/io/events/encode-tensor.ts";
import { writeNpy } from "../../../../core/io/npy.ts";
import { isAerchipError } from "../../../../core/diagnostics.ts";
import { ENCODINGS, MAX_ENCODE_STEPS, MAX_RUN_TICKS } from "../../../../cli/option-limits.ts";

const encode = (values: number[], shape: number[], o: EncodeTensorOptions) => encodeTensorValues("x.npy", Float64Array.from(values), shape, o);

/** Spikes per channel. */
function counts(s: { channel: Int32Array }, n: number): number[] {
  const c = new Array<number>(n).fill(0);
  for (const ch of s.channel) c[ch]++;
  return c;
}

/** |observed − n·p| must lie within 5 binomial standard deviations. */
function expectBinomial(observed: number, n: number, p: number): void {
  const mean = n * p;
  const sd = Math.sqrt(n * p * (1 - p));
  expect(Math.abs(observed - mean), `observed ${observed}, expected ${mean} ± 5 × ${sd.toFixed(1)}`).toBeLessThanOrEqual(5 * sd);
}

function codeOf(fn: () => unknown): { code: string; field?: string; file?: string } {
  try {
    fn();
  } catch (e) {
    if (isAerchipError(e)) return { code: e.code, ...(e.field === undefined ? {} : { field: e.field }), ...(e.file === undefined ? {} : { file: e.file }) };
    throw e;
  }
  throw new Error("no error");
}

describe("poisson: P(spike per tick) = x / maxValue · maxRateHz · tickUs · 10⁻⁶", () => {
  it("Diehl & Cook's scaling: 784 pixels of 255 (of 255) at 63.75 Hz over 2,000 ticks of 1 ms; pixels of 128 at half that", () => {
    const n = 784;
    const values = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 255 : 128));
    const s = encode(values, [28, 28], { encoding: "poisson", steps: 2000, maxValue: 255, maxRateHz: 63.75, tickUs: 1000, seed: 3 });
    const c = counts(s, n);
    const full = c.filter((_, i) => i % 2 === 0).reduce((a, b) => a + b, 0);
    const half = c.filter((_, i) => i % 2 === 1).reduce((a, b) => a + b, 0);
    // p = 63.75 Hz × 1 ms = 0.06375 (rate 255/8 × intensity 2); 392 pixels × 2,000 ticks each.
    // 1 − exp(−0.06375) = 0.06176 (chip/learning/encoders.ts's form) would be 7 sd too few: this fails.
    expectBinomial(full, 392 * 2000, 0.06375);
    expectBinomial(half, 392 * 2000, (128 / 255) * 0.06375);
    expect(s.steps).toBe(2000);
  });

  it("Δt enters the probability: the same rate at 500 µs ticks gives half the spikes per tick", () => {
    const s = encode(new Array<number>(500).fill(1), [500], { encoding: "poisson", steps: 1000, maxRateHz: 100, tickUs: 500, seed: 9 });
    expectBinomial(s.tick.length, 500 * 1000, 0.05);
  });

  it("a rate × tick above 1 is refused, not clipped", () => {
    expect(codeOf(() => encode([1], [1], { encoding: "poisson", steps: 3, maxRateHz: 2000, tickUs: 1000 })).code).toBe("E_ENCODE_RATE");
    expect(encode([1], [1], { encoding: "poisson", steps: 3, maxRateHz: 1000, tickUs: 1000 }).tick.length).toBe(3);
  });
});

describe("bernoulli: P(spike per tick) = x / maxValue", () => {
  it("the spiking auto-encoder's p = 0.2x (maxValue 5): 1,000 inputs at x = 1 fire on ~20 % of 100 ticks; x = 0 never, x = 5 always", () => {
    const values = [...new Array<number>(1000).fill(1), 0, 5];
    const s = encode(values, [1002], { encoding: "bernoulli", steps: 100, maxValue: 5, seed: 11 });
    const c = counts(s, 1002);
    expectBinomial(c.slice(0, 1000).reduce((a, b) => a + b, 0), 1000 * 100, 0.2);
    expect([c[1000], c[1001]]).toEqual([0, 100]);
  });
});

describe("first-spike: one spike at round((1 − x / maxValue) · (steps − 1)), none at x = 0", () => {
  it("gives the hand-computed ticks", () => {
    // steps 11: u = 1 → tick 0; 0.5 → 5; 0.2 → round(8) = 8; 0.04 → round(9.6) = 10; 0 → none.
    const s = encode([0, 255, 127.5, 51, 10.2], [5], { encoding: "first-spike", steps: 11, maxValue: 255 });
    expect(Array.from(s.channel)).toEqual([1, 2, 3, 4]);
    expect(Array.from(s.tick)).toEqual([0, 5, 8, 10]);
  });
});

describe("determinism", () => {
  it("same values and seed → the same spikes; another seed → others; a channel's train does not depend on the others", () => {
    const o: EncodeTensorOptions = { encoding: "bernoulli", steps: 200, seed: 5 };
    const a = encode([0.3, 0.6, 0.9], [3], o);
    const b = encode([0.3, 0.6, 0.9], [3], o);
    expect([Array.from(b.tick), Array.from(b.channel)]).toEqual([Array.from(a.tick), Array.from(a.channel)]);
    const c = encode([0.3, 0.6, 0.9], [3], { ...o, seed: 6 });
    expect(Array.from(c.tick)).not.toEqual(Array.from(a.tick));
    // Channel 1 alone (others zero) spikes exactly as with its neighbours.
    const alone = encode([0, 0.6, 0], [3], o);
    const ticksOf = (s: typeof a, ch: number) => Array.from(s.tick).filter((_, k) => s.channel[k] === ch);
    expect(ticksOf(alone, 1)).toEqual(ticksOf(a, 1));
  });
});

describe("errors name the file, the element and the limit", () => {
  it("NaN, ±∞, negative values and values above maxValue: E_ENCODE_VALUE with the element's position", () => {
    const cases: Array<[number, string]> = [[Number.NaN, "values[1, 0]"], [Number.POSITIVE_INFINITY, "values[1, 0]"], [-0.5, "values[1, 0]"], [256, "values[1, 0]"]];
    for (const [bad, field] of cases) {
      const e = codeOf(() => encode([1, 2, bad, 4], [2, 2], { encoding: "first-spike", steps: 4, maxValue: 255 }));
      expect(e).toEqual({ code: "E_ENCODE_VALUE", field, file: "x.npy" });
    }
    expect(encode([0, 255], [2], { encoding: "first-spike", steps: 4, maxValue: 255 }).tick.length).toBe(1);
  });

  it("a structured array (an event list) is E_ENCODE_DTYPE, a 0-d or empty tensor E_ENCODE_SHAPE; bool, int and float tensors read", () => {
    const dir = mkdtempSync(join(tmpdir(), "aerchip-encode-"));
    const structured = join(dir, "events.npy");
    const header = "{'descr': [('x', '<u2'), ('t', '<i8')], 'fortran_order': False, 'shape': (1,), }";
    const pad = 64 - ((10 + header.length + 1) % 64);
    const h = `${header}${" ".repeat(pad % 64)}\n`;
    const bytes = Buffer.concat([Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, h.length & 0xff, h.length >> 8]), Buffer.from(h, "latin1"), Buffer.alloc(10)]);
    writeFileSync(structured, bytes);
    expect(codeOf(() => readTensor(structured))).toMatchObject({ code: "E_ENCODE_DTYPE", field: "dtype", file: structured });
    const scalar = join(dir, "scalar.npy");
    writeFileSync(scalar, writeNpy(Float64Array.of(1), []));
    expect(codeOf(() => readTensor(scalar))).toMatchObject({ code: "E_ENCODE_SHAPE", file: scalar });
    const empty = join(dir, "empty.npy");
    writeFileSync(empty, writeNpy(new Float32Array(0), [0, 3]));
    expect(codeOf(() => readTensor(empty))).toMatchObject({ code: "E_ENCODE_SHAPE" });
    const u8 = join(dir, "u8.npy");
    writeFileSync(u8, writeNpy(Uint8Array.of(0, 7, 255, 1), [2, 2]));
    expect(readTensor(u8)).toEqual({ values: Float64Array.of(0, 7, 255, 1), shape: [2, 2] });
    const b = join(dir, "b.npy");
    writeFileSync(b, writeNpy(Uint8Array.of(1, 0), [2], { bool: true }));
    expect(Array.from(readTensor(b).values)).toEqual([1, 0]);
  });
});

describe("output format", () => {
  it("a sensor event format (.bin, .aedat) is named as such, not as an unknown extension", () => {
    const dir = mkdtempSync(join(tmpdir(), "aerchip-enc-fmt-"));
    const img = join(dir, "img.npy");
    writeFileSync(img, writeNpy(Float64Array.of(0, 0.5), [2]));
    for (const [out, says] of [["o.bin", "sensor event format (.bin)"], ["o.aedat", "sensor event format (.aedat)"], ["o.txt", "extension .txt"]] as const) {
      let message = "";
      try {
        encodeTensorFile(img, join(dir, out), { encoding: "bernoulli", steps: 3 });
      } catch (e) {
        expect(isAerchipError(e) && e.code).toBe("E_EVENTS_FORMAT");
        message = (e as Error).message;
      }
      expect(message).toContain(says);
    }
  });
});

describe("limits", () => {
  it("the CLI's choice list and steps limit agree with the library's", () => {
    expect([...ENCODINGS]).toEqual([...TENSOR_ENCODINGS]);
    expect(MAX_ENCODE_STEPS).toBe(MAX_RUN_TICKS);
  });
});

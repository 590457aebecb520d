/**
 * The grid of a quantised learning trace (chip/program/trace-grid.ts), which the engine rounds onto and the
 * learning report warns about:
 *   - default LSB (audit s24b #4): add traces impulse/2^max(0, bits − 3) — lsb = impulse for bits ≤ 3, not the
 *     2·impulse (bits 2) or 4·impulse (bits 1) the docs once gave; set traces impulse/(2^bits − 1); the LSB has the
 *     impulse's sign (#9);
 *   - the largest fixed point k* of round-to-nearest decay (#5): k·lsb stays while k·(1 − decay) < ½.
 */
import { describe, expect, it } from "vitest";
import { nearestDecayFixedPointLsbs, traceLsb } from "../../../chip/program/trace-grid.ts";
import type { LearningTraceProgram } from "../../../chip/program/types.ts";

const tr = (o: Partial<LearningTraceProgram>): LearningTraceProgram => ({ trace: "x1", decay: 0.9, impulse: 1, mode: "add", input: "spike", ...o });

describe("trace LSB", () => {
  it("add traces: impulse/2^max(0, bits − 3); set traces: impulse/(2^bits − 1); signed; a given lsb is a magnitude", () => {
    expect(traceLsb(tr({ bits: 6 }))).toBe(1 / 8);
    expect(traceLsb(tr({ bits: 3 }))).toBe(1);
    expect(traceLsb(tr({ bits: 2 }))).toBe(1); // the old doc formula impulse/2^(bits − 3) said 2
    expect(traceLsb(tr({ bits: 1 }))).toBe(1); // … and 4
    expect(traceLsb(tr({ bits: 4, mode: "set", impulse: 0.75 }))).toBe(0.75 / 15);
    expect(traceLsb(tr({ bits: 6, impulse: -1 }))).toBe(-1 / 8);
    expect(traceLsb(tr({ bits: 6, impulse: -1, lsb: 0.0625 }))).toBe(-0.0625);
    expect(traceLsb(tr({}))).toBe(0);
  });
});

describe("fixed point of round-to-nearest decay", () => {
  it("8 bits, τ = 20: k* = 10 (0.5/(1 − e^(−1/20)) = 10.25), i.e. 10/32 = 0.3125 of an impulse", () => {
    const t = tr({ bits: 8, decay: Math.exp(-1 / 20) });
    expect(0.5 / (1 - t.decay)).toBeCloseTo(10.25, 2);
    expect(nearestDecayFixedPointLsbs(t)).toBe(10);
    expect(nearestDecayFixedPointLsbs(tr({ bits: 8, decay: Math.exp(-1 / 20), impulse: -1 }))).toBe(10);
  });

  it("τ = 2: k* = 1 (0.5/(1 − e^(−1/2)) = 1.27); τ = 1: none (0.79); capped at the grid's top (2 bits, τ = 100: 3)", () => {
    expect(nearestDecayFixedPointLsbs(tr({ bits: 6, decay: Math.exp(-1 / 2) }))).toBe(1);
    expect(nearestDecayFixedPointLsbs(tr({ bits: 6, decay: Math.exp(-1) }))).toBe(0);
    expect(nearestDecayFixedPointLsbs(tr({ bits: 2, decay: Math.exp(-1 / 100) }))).toBe(3);
  });

  it("no fixed point for a float trace, a trace that does not decay (decay 1) or one cleared every tick (decay 0)", () => {
    expect(nearestDecayFixedPointLsbs(tr({ decay: 0.99 }))).toBe(0);
    expect(nearestDecayFixedPointLsbs(tr({ bits: 8, decay: 1 }))).toBe(0);
    expect(nearestDecayFixedPointLsbs(tr({ bits: 8, decay: 0 }))).toBe(0);
  });

  it("every k ≤ k* is fixed and k* + 1 is not, in the engine's arithmetic round(k·lsb·decay/lsb)", () => {
    for (const [bits, tau] of [[8, 20], [7, 10], [5, 3], [12, 50]] as const) {
      const t = tr({ bits, decay: Math.exp(-1 / tau) });
      const lsb = traceLsb(t);
      const k = nearestDecayFixedPointLsbs(t);
      expect(k, `${bits} bits τ ${tau}`).toBeGreaterThan(0);
      for (let j = 1; j <= k; j++) expect(Math.round((j * lsb * t.decay) / lsb)).toBe(j);
      expect(Math.round(((k + 1) * lsb * t.decay) / lsb)).toBe(k);
    }
  });
});

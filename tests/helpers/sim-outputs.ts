/**
 * Every output array of a run, by name, and a bit-for-bit comparison of two such sets (Object.is per
 * element, so −0 and NaN count): the check any change of engine (threads, kernels) must pass.
 */
import { expect } from "vitest";
import type { SimResult } from "../../chip/sim/run.ts";
import type { AerPacketBuffer } from "../../core/aer.ts";

export function outputs(res: SimResult, trace?: AerPacketBuffer): Map<string, ArrayLike<number>> {
  const out = new Map<string, ArrayLike<number>>();
  for (const [name, sp] of res.spikes) { out.set(`spikes.${name}.tick`, sp.tick); out.set(`spikes.${name}.neuron`, sp.neuron); }
  const c = res.counters;
  for (const k of ["perCore", "perTick", "synOpsByEncoding", "synOpsByTickEncoding", "synOpsByProjection", "spikesPerNeuron"] as const) out.set(k, c[k]);
  out.set("tickLatencyNs", res.tickLatencyNs);
  out.set("delivered", res.synapticEventsDeliveredByProjection);
  for (const [name, v] of res.voltages) out.set(`voltages.${name}`, v);
  if (trace !== undefined) {
    out.set("packets.address", trace.address.subarray(0, trace.length));
    out.set("packets.source", trace.source.subarray(0, trace.length));
    out.set("packets.tick", trace.tick.subarray(0, trace.length));
  }
  return out;
}

export function expectSame(a: Map<string, ArrayLike<number>>, b: Map<string, ArrayLike<number>>, what: string): void {
  expect([...b.keys()], what).toEqual([...a.keys()]);
  for (const [key, x] of a) {
    const y = b.get(key)!;
    expect(y.length, `${what}: ${key}`).toBe(x.length);
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) expect(`${what}: ${key}[${i}] = ${y[i]}`).toBe(`${key}[${i}] = ${x[i]}`);
  }
}

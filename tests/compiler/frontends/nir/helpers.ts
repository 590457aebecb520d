/** Shared helpers for the NIR front-end tests. */
import { readFileSync } from "node:fs";
import { isAerchipError } from "../../../../core/diagnostics.ts";
import { npyToFloat64, readNpy } from "../../../../core/io/npy.ts";
import { join } from "node:path";
import { lowerNirDocument, readNirDocument, type LoadedNirModel, type NirLoadOptions, type NirPopulationInfo } from "../../../../compiler/frontends/nir/index.ts";
import { writeH5, type H5Tree } from "./write-h5.ts";
import type { NirDocument } from "../../../../compiler/frontends/nir/types.ts";
import { simulateNir } from "./nir-reference.ts";
import { stepGraph, type StepperResult } from "./stepper.ts";

/** Writes `tree` as `<dir>/<name>.nir` and lowers it as the CLI would (its document and lowered model). */
export async function writeAndLower(dir: string, name: string, tree: H5Tree, opts: NirLoadOptions = {}) {
  const p = join(dir, `${name}.nir`);
  await writeH5(p, tree);
  const { doc, warnings } = await readNirDocument(p);
  return { doc, m: lowerNirDocument(doc, opts, warnings) };
}

export function loadNpyF64(path: string): { shape: readonly number[]; data: Float64Array } {
  const a = readNpy(new Uint8Array(readFileSync(path)), path);
  if (a.kind !== "plain") throw new Error(`${path} is structured`);
  return { shape: a.shape, data: npyToFloat64(a.data, path) };
}

export function nodeInfo(m: LoadedNirModel, node: string): NirPopulationInfo {
  const i = m.nodes.find((n) => n.node === node);
  if (i === undefined) throw new Error(`no population for node ${node}`);
  return i;
}

/**
 * Spike raster of a node over NIR steps 0..steps−1, read from the stepper at tick t + latency.
 */
export function nodeSpikes(m: LoadedNirModel, r: StepperResult, node: string, steps: number): Uint8Array {
  const info = nodeInfo(m, node);
  const size = info.shape.reduce((a, b) => a * b, 1);
  const s = r.spikes.get(info.population)!;
  return s.slice(info.latencyTicks * size, (info.latencyTicks + steps) * size);
}

export function nodeTrace(m: LoadedNirModel, r: StepperResult, node: string, steps: number): Float64Array {
  const info = nodeInfo(m, node);
  const size = info.shape.reduce((a, b) => a * b, 1);
  return r.v.get(info.population)!.slice(info.latencyTicks * size, (info.latencyTicks + steps) * size);
}

export function countMismatches(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let n = 0;
  for (let i = 0; i < a.length; i++) if ((a[i] !== 0) !== (b[i] !== 0)) n++;
  return n;
}

export function countSpikes(a: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== 0) n++;
  return n;
}

/** Stimulus of `steps` steps padded with zeros to `ticks` ticks. */
export function padStimulus(x: ArrayLike<number>, size: number, steps: number, ticks: number): Float64Array {
  const out = new Float64Array(ticks * size);
  for (let i = 0; i < steps * size; i++) out[i] = x[i];
  return out;
}

export async function errorCode(p: Promise<unknown> | (() => unknown)): Promise<{ code: string; field?: string; message: string; byteOffset?: number }> {
  try {
    if (typeof p === "function") p();
    else await p;
  } catch (e) {
    if (isAerchipError(e)) return { code: e.code, message: e.message, ...(e.field === undefined ? {} : { field: e.field }), ...(e.byteOffset === undefined ? {} : { byteOffset: e.byteOffset }) };
    throw e;
  }
  throw new Error("expected an AerchipError");
}

/**
 * Steps the lowered model and the NIR-literal reference on the same input and compares every node
 * population: spike mismatches for spiking nodes, max |Δv| for non-spiking ones.
 */
export function compareWithReference(
  doc: NirDocument, m: LoadedNirModel, input: ReadonlyMap<string, ArrayLike<number>>, steps: number,
  startTicks?: ReadonlyMap<string, number>,
): { mismatches: Map<string, number>; maxVError: Map<string, number>; spikes: Map<string, number> } {
  const ref = simulateNir(doc, input, steps, {
    dtSeconds: m.options.dtSeconds, reset: m.options.reset, recurrentBias: m.options.recurrentBias, lenient: m.options.lenient,
  });
  const ticks = steps + m.extraTicks;
  const stim = new Map<string, Float64Array>();
  for (const i of m.inputs) {
    const size = i.shape.reduce((a, b) => a * b, 1);
    stim.set(i.population, padStimulus(input.get(i.node) ?? new Float64Array(0), size, input.has(i.node) ? steps : 0, ticks));
  }
  const r = stepGraph(m.graph, stim, ticks, startTicks === undefined ? {} : { startTicks });
  const mismatches = new Map<string, number>();
  const maxVError = new Map<string, number>();
  const spikes = new Map<string, number>();
  for (const info of m.nodes) {
    if (info.type === "Input") continue;
    const want = ref.out.get(info.node)!;
    if (info.spiking) {
      const got = nodeSpikes(m, r, info.node, steps);
      mismatches.set(info.node, countMismatches(got, want));
      spikes.set(info.node, countSpikes(want));
    } else {
      const got = nodeTrace(m, r, info.node, steps);
      let e = 0;
      for (let k = 0; k < got.length; k++) e = Math.max(e, Math.abs(got[k] - want[k]));
      maxVError.set(info.node, e);
    }
  }
  return { mismatches, maxVError, spikes };
}

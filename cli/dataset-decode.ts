/**
 * How `aerchip evaluate` reads a sample's class and its layers' activity from a run (docs/evaluate.md,
 * "The class of a sample"): which Output node, which decoder, each neuron's value over the inference's
 * NIR steps 0 … T−1 (chip ticks latency … latency + T − 1), and the argmax rule.
 */
import { AerchipError } from "../core/diagnostics.ts";
import type { SimResult } from "../chip/sim/run.ts";
import { argmaxIndex, readoutDecoders } from "../chip/report/readout-decoders.ts";
import type { DecodeMode } from "../chip/report/dataset.ts";
import type { NirOutputInfo } from "../compiler/frontends/nir/lower.ts";

/**
 * The Output node whose class is decoded: the only one, or the one --output names. A JSON model has one
 * output, chosen when it is read (cli/evaluate/dataset-model.ts).
 */
export function chooseOutput(m: { readonly outputs: readonly NirOutputInfo[] }, name: string | undefined, file: string): NirOutputInfo {
  if (name !== undefined) {
    const o = m.outputs.find((x) => x.output === name || x.node === name);
    if (o === undefined) throw new AerchipError("E_CLI_OPTION", `--output ${name}: the graph has no such Output node`, { file, field: "--output", hint: `use one of: ${m.outputs.map((x) => x.output).join(", ")}` });
    return o;
  }
  if (m.outputs.length !== 1) throw new AerchipError("E_CLI_OPTION", `the graph has ${m.outputs.length} Output nodes; evaluate decodes one`, { file, field: "--output", hint: `give --output NAME, one of: ${m.outputs.map((x) => x.output).join(", ") || "(none)"}` });
  return m.outputs[0];
}

export function chooseDecode(out: NirOutputInfo, asked: DecodeMode | undefined, file: string): DecodeMode {
  if (asked === undefined) return out.spiking ? "count" : "sum";
  if (out.spiking !== (asked === "count")) {
    throw new AerchipError("E_CLI_OPTION", `--decode ${asked} does not apply to output ${out.output}, which is ${out.spiking ? "spiking" : "a non-spiking readout"}`, { file, field: "--decode", hint: out.spiking ? "spiking outputs decode by spike count: drop --decode or give count" : "readouts decode by their membrane: --decode sum, max or last" });
  }
  return asked;
}

/** The neuron indices of a population's spikes in its own steps 0 … T−1 (chip ticks latency … latency + T − 1). */
export function spikesInSteps(sim: SimResult, population: string, latency: number, T: number): Int32Array {
  const sp = sim.spikes.get(population);
  if (sp === undefined) return new Int32Array(0);
  let n = 0;
  for (let k = 0; k < sp.tick.length; k++) if (sp.tick[k] >= latency && sp.tick[k] < latency + T) n++;
  const out = new Int32Array(n);
  n = 0;
  for (let k = 0; k < sp.tick.length; k++) if (sp.tick[k] >= latency && sp.tick[k] < latency + T) out[n++] = sp.neuron[k];
  return out;
}

/**
 * The decoder's value per output neuron over NIR steps 0 … T−1 of one sample: always `size` values. A
 * sample of 0 steps has a spike count and Σ_t v of 0 (an empty sum) but no max_t v and no last v: those
 * are null (a readout that never ran; the sample decodes to no class).
 */
export function outputValues(sim: SimResult, out: NirOutputInfo, size: number, T: number, decode: DecodeMode): Array<number | null> {
  if (decode === "count") {
    const counts = new Array<number>(size).fill(0);
    const sp = sim.spikes.get(out.population);
    if (sp !== undefined) {
      for (let k = 0; k < sp.tick.length; k++) {
        const t = sp.tick[k] - out.latencyTicks;
        if (t >= 0 && t < T) counts[sp.neuron[k]]++;
      }
    }
    return counts;
  }
  const trace = sim.voltages.get(out.population);
  if (trace === undefined) throw new AerchipError("E_INTERNAL", `no membrane trace was recorded for ${out.population}`, { field: "recordVoltages" });
  const full = new Float64Array(T * size);
  const v = trace.subarray(out.latencyTicks * size, (out.latencyTicks + T) * size);
  full.set(v.subarray(0, Math.min(v.length, full.length)));
  const d = readoutDecoders(full, T, size);
  const undefinedValues = (): null[] => new Array<null>(size).fill(null);
  return decode === "sum" ? d.sumV : decode === "max" ? d.maxV ?? undefinedValues() : d.lastV ?? undefinedValues();
}

/**
 * The decoded class and whether a tie decided it: argmax, the lowest index when several (not all) outputs
 * share the largest value. Outputs that are all equal (a spiking output that never fired, a readout that
 * never moved) give no evidence for any class: no class (numpy's argmax would say 0), as do values that are
 * null (max or last of a 0-step readout). A one-neuron output decodes to 0 unless it is a spike count of 0.
 */
export function decodeClass(values: readonly (number | null)[], decode: DecodeMode): { readonly prediction: number | null; readonly tie: boolean } {
  // A readout of 0 steps has no max or last value (outputValues): no class.
  if (values.length === 0 || !values.every((v): v is number => v !== null)) return { prediction: null, tie: false };
  if (values.length === 1) return { prediction: decode === "count" && values[0] === 0 ? null : 0, tie: false };
  const best = argmaxIndex(values) as number;
  let shared = 0;
  for (const v of values) if (v === values[best]) shared++;
  if (shared === values.length) return { prediction: null, tie: false };
  return { prediction: best, tie: shared > 1 };
}

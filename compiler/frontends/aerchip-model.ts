/**
 * Front end for aerchip's own model format, `aerchip-model-1` (JSON; documented in docs/model-format.md).
 * It is snnref-1 with the chip's full compartment model: populations give the compartment parameters
 * directly (scalar or one value per neuron), projections are written as in snnref-1 (`dense` or
 * `sparse`, optional `stdp`) or as a kernel (`conv2d`, `convTranspose2d`: model-conv.ts), input populations carry their spikes, and shapes may be given. A projection
 * may instead carry a general on-chip learning rule, `learning` (aerchip-model-learning.ts).
 */
import { AerchipError } from "../../core/diagnostics.ts";
import { MAX_RUN_TICKS } from "../../core/run-limits.ts";
import { ResetMode, ThresholdOp } from "../../chip/program/types.ts";
import type { PopulationIR, ProjectionIR } from "../ir/types.ts";
import { FieldReader, MAX_JSON_ELEMENTS, type Json, type JsonObject } from "./json-fields.ts";
import { parseProjection, SNNREF_KEYS, type LoadedModel } from "./snnref.ts";
import { learningPsi, parseLearning } from "./aerchip-model-learning.ts";
import { withWeightStandardisation } from "./weight-standardisation.ts";
import { CONV_KINDS } from "./model-conv.ts";
import { COND_POPULATION_KEYS, MODEL_NAMES, parseCondParams } from "./model-cond.ts";

export const AERCHIP_MODEL_FORMAT = "aerchip-model-1";

/**
 * Keys each object of aerchip-model-1 may carry (docs/model-format.md); anything else is refused with the
 * closest known key, so a misspelt `vThresh` cannot silently leave the default threshold. Dense, sparse,
 * stdp and learning blocks are checked by their readers (snnref.ts, aerchip-model-learning.ts).
 */
export const AERCHIP_MODEL_KEYS = {
  top: ["format", "name", "description", "provenance", "steps", "populations", "projections"],
  input: ["name", "kind", "size", "shape", "spikes"],
  neuron: ["name", "kind", "size", "shape", "spiking", "voltageDecay", "currentDecay", "inputGain", "bias", "vThreshold", "thresholdOp", "reset", "vReset", "vInit", "refractoryTicks", "thetaPlus", "thetaDecay", "thetaDrift", "thetaMin", "thetaMax", "vMin", "model"],
  /** A neuron population of `"model": "lif-cond"` (model-cond.ts). */
  neuronCond: COND_POPULATION_KEYS,
  projection: [...SNNREF_KEYS.projection, "encoding", "learning", "weightStandardisation", ...Object.keys(CONV_KINDS)],
} as const;

const RESETS: Record<string, ResetMode> = { zero: ResetMode.zero, subtract: ResetMode.subtract, none: ResetMode.none };

function parseShape(r: FieldReader, raw: Json | undefined, field: string, size: number): number[] {
  if (raw === undefined) return [size];
  const dims = Array.from(r.intList(raw, field, 1, MAX_JSON_ELEMENTS));
  const n = dims.reduce((a, b) => a * b, 1);
  if (n !== size) r.fail(field, `${field} ${JSON.stringify(dims)} has ${n} elements, the population has ${size} neurons`, "make the shape's product equal the size");
  return dims;
}

/**
 * `provenance` (informational, like `description`): where each number of the model comes from, as an
 * object of texts keyed by what they describe (papers.md requirement 28: a [C]/[S]/[A]/[M] tag and the
 * source per number). Only its form is checked, so that a reference file's record cannot hold a number
 * or a nested object a reader would take for a setting.
 */
function checkProvenance(r: FieldReader, raw: Json): void {
  const o = r.object(raw, "provenance");
  for (const [key, text] of Object.entries(o)) r.string(text, `provenance.${key}`);
}

export function parseAerchipModel(raw: Json, file: string): LoadedModel {
  const r = new FieldReader(file);
  const o = r.object(raw, "(top level)");
  if (o.format !== AERCHIP_MODEL_FORMAT) {
    throw new AerchipError("E_MODEL_FORMAT", `format must be "${AERCHIP_MODEL_FORMAT}", got ${JSON.stringify(o.format)}`, { file, field: "format", hint: "see docs/model-format.md" });
  }
  r.knownKeys(o, "", AERCHIP_MODEL_KEYS.top, "an aerchip-model-1 model");
  if (o.description !== undefined) r.string(o.description, "description");
  if (o.provenance !== undefined) checkProvenance(r, o.provenance);
  const steps = r.int(o.steps, "steps", 0, MAX_RUN_TICKS, 100);
  const pops = new Map<string, PopulationIR>();
  const stim = new Map<string, { tick: Int32Array; neuron: Int32Array }>();
  let condDtMs: { dt: number; field: string } | undefined;
  r.array(o.populations, "populations").forEach((raw2, k) => {
    const field = `populations[${k}]`;
    const p = r.object(raw2, field);
    const name = r.string(p.name, `${field}.name`);
    if (pops.has(name)) r.fail(`${field}.name`, `population name "${name}" is used twice`, "give every population a unique name");
    const kind = r.string(p.kind, `${field}.kind`);
    const size = r.int(p.size, `${field}.size`, 1, MAX_JSON_ELEMENTS);
    const shape = parseShape(r, p.shape, `${field}.shape`, size);
    if (kind === "input") {
      r.knownKeys(p, field, AERCHIP_MODEL_KEYS.input, "an input population");
      const list = r.array(p.spikes ?? [], `${field}.spikes`);
      const ticks = new Int32Array(list.length);
      const neurons = new Int32Array(list.length);
      list.forEach((pair, j) => {
        const pr = r.array(pair, `${field}.spikes[${j}]`);
        if (pr.length !== 2) r.fail(`${field}.spikes[${j}]`, "each spike is [tick, neuron]", "give [tick, neuron] pairs");
        ticks[j] = r.int(pr[0], `${field}.spikes[${j}][0]`, 0, 2 ** 31 - 1);
        neurons[j] = r.int(pr[1], `${field}.spikes[${j}][1]`, 0, size - 1);
      });
      stim.set(name, { tick: ticks, neuron: neurons });
      pops.set(name, { name, kind: "input", size, shape, spiking: true });
      return;
    }
    if (kind !== "neuron") r.fail(`${field}.kind`, `${field}.kind must be "input" or "neuron"`, "choose a population kind");
    const model = r.string(p.model, `${field}.model`, "lif");
    if (!(MODEL_NAMES as readonly string[]).includes(model)) r.fail(`${field}.model`, `${field}.model must be ${MODEL_NAMES.map((m) => `"${m}"`).join(" or ")}, got ${JSON.stringify(model)}`, "\"lif\" (the default) is the chip's compartment; \"lif-cond\" the conductance-based LIF");
    const cond = model === "lif-cond";
    if (cond) r.knownKeys(p, field, AERCHIP_MODEL_KEYS.neuronCond, "a lif-cond population");
    else r.knownKeys(p, field, AERCHIP_MODEL_KEYS.neuron, "a neuron population");
    const condParams = cond ? parseCondParams(r, p, field, size) : undefined;
    if (condParams !== undefined) {
      // One tick length per model: the Euler step of every lif-cond population is the same tick.
      const dt = condParams.condDtMs![0];
      if (condDtMs === undefined) condDtMs = { dt, field };
      else if (condDtMs.dt !== dt) r.fail(`${field}.dtMs`, `${field}.dtMs ${dt} differs from ${condDtMs.field}.dtMs ${condDtMs.dt}; all lif-cond populations step by the one tick`, `give both the tick's length in ms (${condDtMs.dt})`);
    }
    const reset = r.string(p.reset, `${field}.reset`, "zero");
    if (!(reset in RESETS)) r.fail(`${field}.reset`, `${field}.reset must be zero, subtract or none`, "choose a reset mode");
    const op = r.string(p.thresholdOp, `${field}.thresholdOp`, ">=");
    if (op !== ">=" && op !== ">") r.fail(`${field}.thresholdOp`, `${field}.thresholdOp must be ">=" or ">"`, "choose a threshold comparison");
    const refr = r.perNeuron(p.refractoryTicks, `${field}.refractoryTicks`, size, 0);
    const refractoryTicks = new Uint32Array(size);
    for (let i = 0; i < size; i++) {
      if (!Number.isInteger(refr[i]) || refr[i] < 0 || refr[i] > 0xffff) r.fail(`${field}.refractoryTicks`, "refractoryTicks must be integers in [0, 65535]", "refractory periods are whole ticks");
      refractoryTicks[i] = refr[i];
    }
    const spiking = r.boolean(p.spiking, `${field}.spiking`, true);
    const theta = adaptiveThreshold(r, p, field, size);
    const vThreshold = r.perNeuron(p.vThreshold, `${field}.vThreshold`, size, 1);
    // A lif-cond neuron rests at eRest: it starts and resets there unless the model says otherwise.
    const vReset = condParams === undefined || p.vReset !== undefined ? r.perNeuron(p.vReset, `${field}.vReset`, size, 0) : condParams.condERest!.slice();
    const vInit = condParams === undefined || p.vInit !== undefined ? r.perNeuron(p.vInit, `${field}.vInit`, size, 0) : condParams.condERest!.slice();
    const bound = membraneBound(r, p, field, size, { vThreshold, vReset, vInit, resetsToValue: RESETS[reset] === ResetMode.zero, spiking });
    pops.set(name, {
      name, kind: "neuron", size, shape, spiking,
      params: {
        voltageDecay: r.perNeuron(p.voltageDecay, `${field}.voltageDecay`, size, 1),
        currentDecay: r.perNeuron(p.currentDecay, `${field}.currentDecay`, size, 0),
        inputGain: r.perNeuron(p.inputGain, `${field}.inputGain`, size, 1),
        bias: r.perNeuron(p.bias, `${field}.bias`, size, 0),
        vThreshold,
        vReset,
        vInit,
        resetMode: new Uint8Array(size).fill(RESETS[reset]),
        thresholdOp: new Uint8Array(size).fill(op === ">=" ? ThresholdOp.ge : ThresholdOp.gt),
        refractoryTicks,
        ...theta,
        ...bound,
        ...condParams,
      },
    });
  });
  const sizes = new Map([...pops.values()].map((pop) => [pop.name, pop.size] as const));
  const projections: ProjectionIR[] = r.array(o.projections ?? [], "projections").map((raw, k) => {
    // Scaled weight standardisation folded into the weights first (compiler/frontends/weight-standardisation.ts).
    const p = withWeightStandardisation(r, raw, k, sizes);
    const pr = parseProjection(r, p, k, pops, AERCHIP_MODEL_KEYS.projection, CONV_KINDS);
    const po = p as Record<string, Json>;
    // A kernel's synapses would learn one by one (each copy of a tap on its own), which no chip's shared
    // kernel does and a convolutional STDP layer does not mean: refused rather than silently untied.
    const kernelKind = Object.keys(CONV_KINDS).find((key) => po[key] !== undefined);
    if (kernelKind !== undefined && ((po.learning !== undefined && po.learning !== null) || (po.stdp !== undefined && po.stdp !== null))) {
      r.fail(`projections[${k}].${po.learning !== undefined && po.learning !== null ? "learning" : "stdp"}`, `projections[${k}] is a ${kernelKind} kernel with a learning rule: its expanded synapses would each learn on their own, untying the shared kernel`, "learn on a dense or sparse projection (one weight per synapse, as written), or keep the kernel static");
    }
    const enc = po.encoding;
    const withEnc = enc === undefined ? pr : { ...pr, encoding: r.string(enc, `projections[${k}].encoding`) };
    if (po.learning === undefined || po.learning === null) return withEnc;
    // One rule per projection (the program codec and the engine refuse both).
    if (pr.plasticity !== undefined) r.fail(`projections[${k}].learning`, `projections[${k}] has both "stdp" and "learning"`, "give one rule: write the pair rule as learning {\"named\": \"pair-stdp\", …}", "E_LEARNING_MIXED");
    const learning = parseLearning(r, po.learning, `projections[${k}].learning`);
    const psi = learningPsi(po.learning);
    return { ...withEnc, learning, ...(psi === undefined ? {} : { learningPsi: psi }) };
  });
  // Projection names key the learned weights (weights.json, --initial-weights): a repeated one would write one
  // projection's weights under both names and lose the other's (audit s24a #1), so it is refused, as in snnref-1.
  const names = new Set<string>();
  projections.forEach((p, k) => {
    if (names.has(p.name)) r.fail(`projections[${k}].name`, `projection name "${p.name}" is used twice`, "give every projection a unique name");
    names.add(p.name);
  });
  // The engine runs either snnref pair STDP or general rules in one program, not both (chip/sim/learning.ts).
  const pairAt = projections.findIndex((p) => p.plasticity !== undefined);
  const ruleAt = projections.findIndex((p) => p.learning !== undefined);
  if (pairAt >= 0 && ruleAt >= 0) {
    r.fail(`projections[${ruleAt}].learning`, `projections[${ruleAt}] has a learning rule while projections[${pairAt}] uses "stdp"; a model runs one kind`, "write the pair rule as learning {\"named\": \"pair-stdp\", …} too", "E_LEARNING_MIXED");
  }
  return {
    graph: { name: r.string(o.name, "name", "model"), defaultSteps: steps, populations: [...pops.values()], projections },
    stimulus: { spikes: stim },
  };
}

/**
 * The membrane lower bound vMin (papers.md requirement 5, the spiking auto-encoder's clamp): after the
 * tick's integration, threshold and reset, v ← max(v, vMin). Carried in the program's reverse-threshold
 * fields (vReverseThreshold = vMin, reverseResetMode = saturate; chip/program/types.ts). Absent when the
 * population has no `vMin` (no bound). Each neuron's bound must lie at or below the values the potential
 * is set to: vInit, and for spiking neurons below the threshold and at or below vReset when the reset sets
 * v to it (reset "zero"); a readout neither fires nor resets, so only vInit bounds it.
 */
function membraneBound(r: FieldReader, p: JsonObject, field: string, size: number,
  n: { vThreshold: Float64Array; vReset: Float64Array; vInit: Float64Array; resetsToValue: boolean; spiking: boolean }): { vReverseThreshold?: Float64Array; reverseResetMode?: Uint8Array } {
  if (p.vMin === undefined) return {};
  const f = `${field}.vMin`;
  if (p.vMin === null || typeof p.vMin === "string" || typeof p.vMin === "boolean") {
    r.fail(f, `${f} is ${JSON.stringify(p.vMin)}; it is a number or one number per neuron`, "give the lower bound of the potential (e.g. −1), or leave the key out for no bound");
  }
  const vMin = r.perNeuron(p.vMin, f, size, 0);
  for (let i = 0; i < size; i++) {
    const at = size === 1 ? "" : ` (neuron ${i})`;
    if (n.spiking && !(vMin[i] < n.vThreshold[i])) r.fail(f, `${f} ${vMin[i]} must be below vThreshold ${n.vThreshold[i]}${at}`, "vMin bounds the potential from below; give a value under the threshold (e.g. −vThreshold)");
    if (n.spiking && n.resetsToValue && !(vMin[i] <= n.vReset[i])) r.fail(f, `${f} ${vMin[i]} must be ≤ vReset ${n.vReset[i]}${at}`, "the reset sets v to vReset, which must lie within the bound; lower vMin or raise vReset");
    if (!(vMin[i] <= n.vInit[i])) r.fail(f, `${f} ${vMin[i]} must be ≤ vInit ${n.vInit[i]}${at}`, "the potential starts at vInit (default 0), which must lie within the bound; lower vMin or raise vInit");
  }
  return { vReverseThreshold: vMin, reverseResetMode: new Uint8Array(size).fill(ResetMode.saturate) };
}

/**
 * The adaptive threshold (homeostasis, Diehl & Cook 2015; chip/program/types.ts): the neuron fires at
 * v ≥ vThreshold + θ, θ ← θ + thetaPlus on each spike and θ ← thetaDecay · θ every tick (θ starts at 0).
 * Absent when the population gives none of the keys; a key left out then takes its neutral value (thetaPlus 0,
 * thetaDecay 1, thetaDrift 0, thetaMin −∞, thetaMax +∞).
 * Bounded rate-target homeostasis (the spiking auto-encoder's θ += δθ·s − δθ·ε clipped to θ0 ± 0.1:
 * thetaPlus δθ, thetaDrift δθ·ε, thetaMin −0.1, thetaMax 0.1): at the end of each tick, after the spike's
 * increment, θ ← min(thetaMax, max(thetaMin, θ − thetaDrift)). Its three arrays are present when any of
 * thetaDrift, thetaMin, thetaMax is given; θ starts at 0, so thetaMin ≤ 0 ≤ thetaMax.
 */
function adaptiveThreshold(r: FieldReader, p: JsonObject, field: string, size: number): { thetaPlus?: Float64Array; thetaDecay?: Float64Array; thetaDrift?: Float64Array; thetaMin?: Float64Array; thetaMax?: Float64Array } {
  const bounded = p.thetaDrift !== undefined || p.thetaMin !== undefined || p.thetaMax !== undefined;
  if (p.thetaPlus === undefined && p.thetaDecay === undefined && !bounded) return {};
  const thetaPlus = r.perNeuron(p.thetaPlus, `${field}.thetaPlus`, size, 0);
  const thetaDecay = r.perNeuron(p.thetaDecay, `${field}.thetaDecay`, size, 1);
  for (let i = 0; i < size; i++) {
    if (!(thetaPlus[i] >= 0)) r.fail(`${field}.thetaPlus`, `${field}.thetaPlus must be ≥ 0, got ${thetaPlus[i]}`, "the threshold rises by thetaPlus on each spike; give 0 for no adaptation");
    if (!(thetaDecay[i] >= 0 && thetaDecay[i] <= 1)) r.fail(`${field}.thetaDecay`, `${field}.thetaDecay must be in [0, 1], got ${thetaDecay[i]}`, "θ is multiplied by thetaDecay every tick: exp(−tick/τθ) for a time constant τθ");
  }
  if (!bounded) return { thetaPlus, thetaDecay };
  const thetaDrift = r.perNeuron(p.thetaDrift, `${field}.thetaDrift`, size, 0);
  const thetaMin = p.thetaMin === undefined ? new Float64Array(size).fill(-Infinity) : r.perNeuron(p.thetaMin, `${field}.thetaMin`, size, 0);
  const thetaMax = p.thetaMax === undefined ? new Float64Array(size).fill(Infinity) : r.perNeuron(p.thetaMax, `${field}.thetaMax`, size, 0);
  for (let i = 0; i < size; i++) {
    const at = size === 1 ? "" : ` (neuron ${i})`;
    if (!Number.isFinite(thetaDrift[i])) r.fail(`${field}.thetaDrift`, `${field}.thetaDrift must be a finite number, got ${thetaDrift[i]}${at}`, "θ falls by thetaDrift every tick (the rate target: thetaPlus × target spikes per tick)");
    if (!(thetaMin[i] <= 0)) r.fail(`${field}.thetaMin`, `${field}.thetaMin must be ≤ 0, got ${thetaMin[i]}${at}`, "θ starts at 0 and is kept in [thetaMin, thetaMax]; give a bound at or below 0 (the auto-encoder's −0.1)");
    if (!(thetaMax[i] >= 0)) r.fail(`${field}.thetaMax`, `${field}.thetaMax must be ≥ 0, got ${thetaMax[i]}${at}`, "θ starts at 0 and is kept in [thetaMin, thetaMax]; give a bound at or above 0 (the auto-encoder's 0.1)");
  }
  return { thetaPlus, thetaDecay, thetaDrift, thetaMin, thetaMax };
}

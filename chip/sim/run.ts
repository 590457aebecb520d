/**
 * The chip's time-stepped, event-driven run. One tick (the chip's algorithmic time step, barrier
 * synchronised as on Loihi and in SANA-FE):
 *   0. learn    – trace decay of the learning engine (plastic programs only);
 *   1. deliver  – apply every synapse group due at t (scheduled when its spike was emitted):
 *                 acc[target] += weight (plastic synapses are depressed on arrival);
 *   2. update   – each core's neurons in local order: compartments integrate and may fire (chip/program
 *                 compartment equations, or SANA-FE's soma for `sanafeLif`); input neurons fire when the
 *                 stimulus says so; fired compartments potentiate their plastic synapses;
 *   3. emit     – each spike becomes one AER packet per destination core (XY-routed: hops counted per
 *                 direction). The destination core reads the packet's whole axon row at once, so its
 *                 synaptic ops are counted in this tick; the row's delay groups go on the timing wheel
 *                 at t + delay.
 * Spikes depend only on the program and the stimulus; the timing model only reads the work counted.
 */
import type { ChipSpec } from "../spec/types.ts";
import { AerchipError } from "../../core/diagnostics.ts";
import type { ChipProgram, ChipStimulus } from "../program/types.ts";
import { TimingWheel } from "../../core/timing-wheel.ts";
import { aerLayoutFor, encodeAer, type AerLayout, type AerPacketBuffer } from "../../core/aer.ts";
import { NeuronDynamics, NeuronKind, ResetMode, ThresholdOp, populationIndexAt } from "../program/types.ts";
import { TickWork, type TimingModel } from "../timing/types.ts";
import { allocateCounters, COUNTER_COUNT, CounterKind, type CounterArrays } from "./counters.ts";
import { buildSimState, type SimState } from "./state.ts";
import { resolveStimulus } from "./stimulus.ts";
import { buildPlasticity, hasPlasticity, readPlasticWeights } from "./plasticity.ts";
import {
  addGradedTraces, applyTagsAtRunEnd, buildLearningEngine, decayTraces, deliverLearningGroup, hasGeneralLearning, learnEpochEnd,
  learnOnPostSpikes, readLearningWeights, type LearningEngine,
} from "./learning.ts";

export interface SimulateOptions {
  readonly steps: number;
  /** Populations whose membrane potential (after the update of each tick) is recorded. */
  readonly recordVoltages?: readonly string[];
  /** Per-tick latency model (chip/timing); absent = latency not modelled (0). */
  readonly timing?: TimingModel;
  /** The timing model needs per-packet records (the `detailed` model). */
  readonly timingPerPacket?: boolean;
  /** When given, every AER packet (destination address, sending neuron, tick) is appended here. */
  readonly tracePackets?: AerPacketBuffer;
  /** Called every `progressEveryTicks` ticks (and after the last) with the ticks done; never per event. */
  readonly onProgress?: (ticksDone: number) => void;
  readonly progressEveryTicks?: number;
  /**
   * A general learning engine built by buildLearningEngine(program, state) and kept across runs of the
   * same state (training schedules); absent = built for this run when the program has `learning` rules.
   */
  readonly learningEngine?: LearningEngine;
  /** false = weights, traces and tags frozen for this run (inference); plastic synapses act as static ones. */
  readonly learningEnabled?: boolean;
  /**
   * Called at the start of every tick when a rule reads the third factor m or has graded post traces:
   * write m and g per global neuron (arrays keep their values until overwritten).
   */
  readonly learningInput?: (tick: number, thirdFactor: Float64Array, graded: Float64Array) => void;
}

/**
 * AER destination address of every route (chip/program routing), packed with the mesh's layout
 * [axon | core | y | x] (core/aer.ts). Computed only when packets are traced.
 */
export function routeAddresses(spec: ChipSpec, program: ChipProgram, st: SimState): { layout: AerLayout; address: Uint32Array } {
  let maxAxons = 1;
  for (const cp of program.cores) if (cp.crossbar.axonCount > maxAxons) maxAxons = cp.crossbar.axonCount;
  const layout = aerLayoutFor({ widthTiles: spec.mesh.widthTiles, heightTiles: spec.mesh.heightTiles, coresPerTile: spec.mesh.coresPerTile, maxAxons });
  const address = new Uint32Array(st.routeDestCore.length);
  for (let n = 0; n < st.neuronCount; n++) {
    const c = st.coreOfNeuron[n];
    const rt = program.cores[c].routing;
    const local = n - st.coreNeuronStart[c];
    for (let r = st.routePtr[n], k = rt.routePtr[local]; r < st.routePtr[n + 1]; r++, k++) {
      const dc = st.routeDestCore[r];
      address[r] = encodeAer(layout, st.coreTileX[dc], st.coreTileY[dc], st.coreId[dc] % spec.mesh.coresPerTile, rt.routeDestAxon[k]);
    }
  }
  return { layout, address };
}

export interface PopulationSpikes {
  /** Sorted by tick, then neuron index in the population. */
  readonly tick: Int32Array;
  readonly neuron: Int32Array;
}

export interface SimResult {
  readonly steps: number;
  readonly state: SimState;
  readonly spikes: ReadonlyMap<string, PopulationSpikes>;
  /** steps × population size, row-major. */
  readonly voltages: ReadonlyMap<string, Float64Array>;
  readonly counters: CounterArrays;
  readonly tickLatencyNs: Float64Array;
  /** Weights of plastic projections after the last tick, in the model's synapse order. */
  readonly finalWeights: ReadonlyMap<string, Float64Array>;
  /**
   * Synaptic events applied before the run ended (arrival t + delay < steps), per projection: the
   * reference simulators' count. `counters` count ops when the packet is read (emission tick).
   */
  readonly synapticEventsDeliveredByProjection: Float64Array;
  /** The general learning engine of the run, when the program has `learning` rules. */
  readonly learning?: LearningEngine;
}

class GrowableInt32 {
  data = new Int32Array(1024);
  length = 0;
  push(x: number): void {
    if (this.length === this.data.length) {
      const g = new Int32Array(this.data.length * 2);
      g.set(this.data);
      this.data = g;
    }
    this.data[this.length++] = x;
  }
}

export function simulate(spec: ChipSpec, program: ChipProgram, stimulus: ChipStimulus, opts: SimulateOptions): SimResult {
  const st = buildSimState(spec, program);
  return runState(spec, program, st, stimulus, opts);
}

export function runState(spec: ChipSpec, program: ChipProgram, st: SimState, stimulus: ChipStimulus, opts: SimulateOptions): SimResult {
  const T = opts.steps;
  const C = st.coreCount;
  const K = COUNTER_COUNT;
  const E = Math.max(1, st.encodingNames.length);
  const counters = allocateCounters(C, T, E, program.projections.length, st.neuronCount);
  const { perCore, perTick, tickCore, synOpsByEncoding, synOpsByTickEncoding, synOpsByProjection, spikesPerNeuron } = counters;
  const tickSynOpsByEncoding = new Float64Array(C * E);
  const stim = resolveStimulus(program, st.coreNeuronStart, stimulus, T);
  const wheel = new TimingWheel(st.maxDelayTicks + 1, 256);
  const tickLatencyNs = new Float64Array(T);
  const weightBits = spec.precision.weightBits;

  // Hot-loop locals.
  const { kind, spiking, voltageDecay, currentDecay, inputGain, bias, vThreshold, vReset, resetMode, thresholdOp, refractoryTicks } = st;
  const { v, u, acc, refractoryLeft, coreNeuronStart, coreOfNeuron, synTarget, synWeight, synCore } = st;
  const { neuronGroupStart, groupSynStart, groupDelay, routeCellStart, routeCellId, routeCellCount, cellCore, cellEncoding, cellProjection } = st;
  const { routePtr, routeDestCore, neuronHopsEast, neuronHopsWest, neuronHopsNorth, neuronHopsSouth, neuronPacketsLocal, neuronPacketsInTile } = st;
  const { dynamics, vTruncScale, vReverseThreshold, reverseResetMode, vReverseReset, forceUpdate, theta, thetaPlus, thetaDecay } = st;
  const nCells = cellCore.length;
  const cellCount = new Float64Array(nCells);
  /** Input-side packet counter slot of each route: destination core × K + packetsIn. */
  const routeInSlot = new Uint32Array(routeDestCore.length);
  for (let r = 0; r < routeDestCore.length; r++) routeInSlot[r] = routeDestCore[r] * K + CounterKind.packetsIn;
  const fired = new Uint32Array(Math.max(1, st.neuronCount));
  // Running soma work of the firing neuron's core when it fired (accessed, updated, fired so far).
  const firedAccessed = new Uint32Array(Math.max(1, st.neuronCount));
  const firedUpdated = new Uint32Array(Math.max(1, st.neuronCount));
  const firedFired = new Uint32Array(Math.max(1, st.neuronCount));
  const inputNow = new Uint8Array(st.neuronCount);
  // SANA-FE's soma counts a neuron as updated when any synapse reached it, even with weight 0.
  const gotInput = dynamics !== undefined ? new Uint8Array(st.neuronCount) : undefined;
  const spikeT = new GrowableInt32();
  const spikeN = new GrowableInt32();
  const work = opts.timing === undefined ? undefined : new TickWork(spec, st.coreId, st.encodingNames);
  const perPacket = work !== undefined && opts.timingPerPacket === true;
  // Which compartments the timing model counts as "updated": Loihi-style specs (an inactive-update
  // cost) count those that received input; others every integrating compartment.
  const updatedKind = spec.costs.energyNeuronInactivePj !== undefined || spec.costs.latencyNeuronInactiveNs !== undefined ? CounterKind.neuronUpdatesWithInput : CounterKind.neuronUpdates;
  if (work !== undefined) work.syncTiles = mappedTileCount(st, spec);
  const fx = program.fixedPoint;
  const fixed = fx !== undefined;
  const decayDen = fx === undefined ? 1 : 2 ** fx.decayBits;
  const stateLim = fx === undefined ? Infinity : 2 ** (fx.stateBits - 1) - 1;
  const curLim = fx === undefined ? Infinity : 2 ** (fx.currentBits - 1) - 1;
  let overflows = 0;

  const recorded = (opts.recordVoltages ?? []).map((name) => {
    const pi = program.populations.findIndex((p) => p.name === name);
    if (pi < 0) throw new AerchipError("E_RECORD_UNKNOWN_POPULATION", `cannot record the potential of "${name}": no such population`, { field: "recordVoltages", hint: `use one of: ${program.populations.map((p) => p.name).join(", ")}` });
    const pop = program.populations[pi];
    const globalOf = new Uint32Array(pop.size);
    for (const b of pop.blocks) for (let i = 0; i < b.count; i++) globalOf[populationIndexAt(pop, b.populationStart + i)] = coreNeuronStart[b.coreIndex] + b.neuronStart + i;
    return { name, globalOf, trace: new Float64Array(T * pop.size), unit: 2 ** -(pop.stateScaleExp ?? 0) };
  });

  const pl = hasPlasticity(program) ? buildPlasticity(program, st) : undefined;
  const le = opts.learningEnabled === false ? undefined : opts.learningEngine ?? (hasGeneralLearning(program) ? buildLearningEngine(program, st) : undefined);
  const learningInput = le !== undefined && le.needsInput ? opts.learningInput : undefined;
  const trace = opts.tracePackets;
  const routeAddress = trace === undefined ? new Uint32Array(0) : routeAddresses(spec, program, st).address;
  const progressEvery = Math.max(1, opts.progressEveryTicks ?? Math.ceil(T / 100));

  for (let t = 0; t < T; t++) {
    tickCore.fill(0);
    tickSynOpsByEncoding.fill(0);
    work?.reset();
    // 0. learning-engine trace decay (P1): x ← decayPre·x, y ← decayPost·y.
    if (pl !== undefined) {
      const { x, xDecay, y, yDecay } = pl;
      for (let i = 0; i < x.length; i++) x[i] = x[i] * xDecay[i];
      for (let i = 0; i < y.length; i++) y[i] = y[i] * yDecay[i];
    }
    if (le !== undefined) {
      if (learningInput !== undefined) learningInput(t, le.thirdFactor, le.graded);
      decayTraces(le, tickCore, K);
    }
    // 1. deliver
    const bucket = wheel.bucket(t);
    const nGroups = wheel.length(t);
    for (let k = 0; k < nGroups; k++) {
      const g = bucket[k];
      const hi = groupSynStart[g + 1];
      if (le !== undefined && le.groupPlastic[g] === 1) {
        deliverLearningGroup(le, g, groupSynStart[g], hi, t, acc, synTarget, synWeight, synCore, tickCore, K);
        if (gotInput !== undefined) for (let s = groupSynStart[g]; s < hi; s++) gotInput[synTarget[s]] = 1;
      } else if (pl !== undefined && pl.groupPlastic[g] === 1) {
        deliverPlasticGroup(pl, g, groupSynStart[g], hi, acc, synTarget, synWeight, synCore, tickCore, K);
      } else if (gotInput !== undefined) {
        for (let s = groupSynStart[g]; s < hi; s++) {
          const tg = synTarget[s];
          acc[tg] += synWeight[s];
          gotInput[tg] = 1;
        }
      } else {
        for (let s = groupSynStart[g]; s < hi; s++) acc[synTarget[s]] += synWeight[s];
      }
    }
    if (pl !== undefined && gotInput !== undefined) {
      for (let k = 0; k < nGroups; k++) {
        const g = bucket[k];
        if (pl.groupPlastic[g] === 1) for (let s = groupSynStart[g]; s < groupSynStart[g + 1]; s++) gotInput[synTarget[s]] = 1;
      }
    }
    wheel.clear(t);
    // 2. update (each core's neurons in local order; input neurons fire in place)
    for (let k = stim.tickPtr[t]; k < stim.tickPtr[t + 1]; k++) inputNow[stim.neuron[k]] = 1;
    let nFired = 0;
    for (let c = 0; c < C; c++) {
      let accesses = 0;
      let updates = 0;
      let withInput = 0;
      let firedHere = 0;
      const hiN = coreNeuronStart[c + 1];
      for (let n = coreNeuronStart[c]; n < hiN; n++) {
        if (kind[n] === NeuronKind.input) {
          if (inputNow[n] === 1) {
            inputNow[n] = 0;
            firedAccessed[nFired] = accesses;
            firedUpdated[nFired] = updatedKind === CounterKind.neuronUpdates ? updates : withInput;
            firedFired[nFired] = firedHere;
            fired[nFired++] = n;
          }
          continue;
        }
        accesses++;
        const I = acc[n];
        acc[n] = 0;
        let didFire = false;
        if (dynamics !== undefined && dynamics[n] === NeuronDynamics.sanafeLif) {
          // SANA-FE leaky_integrate_fire (docs/sanafe.md §4).
          let vn = v[n];
          let updated = vn !== 0 || gotInput![n] === 1 || bias[n] !== 0 || forceUpdate![n] === 1;
          gotInput![n] = 0;
          let un = u[n];
          if (t > 0) {
            un = currentDecay[n] * un;
            vn = voltageDecay[n] * vn;
          }
          const scale = vTruncScale![n];
          if (scale > 0) vn = Math.trunc(vn * scale) / scale;
          if (refractoryLeft[n] > 0) {
            refractoryLeft[n]--;
          } else {
            vn = vn + bias[n];
            un = un + inputGain[n] * I;
            vn = vn + un;
            const th = vThreshold[n];
            if (spiking[n] === 1 && (thresholdOp[n] === ThresholdOp.gt ? vn > th : vn >= th)) {
              const rm = resetMode[n];
              if (rm === ResetMode.zero) vn = vReset[n];
              else if (rm === ResetMode.subtract) vn = vn - th;
              refractoryLeft[n] = refractoryTicks[n];
              didFire = true;
            }
            const rth = vReverseThreshold![n];
            if (vn < rth) {
              const rr = reverseResetMode![n];
              if (rr === ResetMode.zero) vn = vReverseReset![n];
              else if (rr === ResetMode.subtract) vn = vn - rth;
              else if (rr === ResetMode.saturate) vn = rth;
            }
          }
          u[n] = un;
          v[n] = vn;
          if (didFire) updated = true;
          if (updated) updates++;
          if (I !== 0) withInput++;
        } else {
          if (gotInput !== undefined) gotInput[n] = 0;
          // Adaptive threshold decays every tick, refractory or not: θ ← thetaDecay·θ.
          if (theta !== undefined) theta[n] *= thetaDecay![n];
          if (refractoryLeft[n] > 0) {
            refractoryLeft[n]--;
            continue;
          }
          updates++;
          if (I !== 0) withInput++;
          let un: number;
          let vn: number;
          if (fixed) {
            // Integer arithmetic (FixedPointProgram): decays truncate toward zero, u and v saturate.
            un = Math.trunc((u[n] * currentDecay[n]) / decayDen) + I;
            if (un > curLim) { un = curLim; overflows++; } else if (un < -curLim) { un = -curLim; overflows++; }
            vn = Math.trunc((v[n] * voltageDecay[n]) / decayDen) + un + bias[n];
            if (vn > stateLim) { vn = stateLim; overflows++; } else if (vn < -stateLim) { vn = -stateLim; overflows++; }
          } else {
            un = currentDecay[n] * u[n] + inputGain[n] * I;
            vn = voltageDecay[n] * v[n] + un + bias[n];
          }
          u[n] = un;
          if (spiking[n] === 1) {
            const th = theta === undefined ? vThreshold[n] : vThreshold[n] + theta[n];
            if (thresholdOp[n] === ThresholdOp.ge ? vn >= th : vn > th) {
              const rm = resetMode[n];
              if (rm === ResetMode.zero) vn = vReset[n];
              else if (rm === ResetMode.subtract) vn = vn - th;
              refractoryLeft[n] = refractoryTicks[n];
              didFire = true;
              if (theta !== undefined) theta[n] += thetaPlus![n];
            }
          }
          v[n] = vn;
        }
        if (didFire) {
          firedHere++;
          firedAccessed[nFired] = accesses;
          firedUpdated[nFired] = updatedKind === CounterKind.neuronUpdates ? updates : withInput;
          firedFired[nFired] = firedHere;
          fired[nFired++] = n;
        }
      }
      const o = c * K;
      tickCore[o + CounterKind.neuronAccesses] += accesses;
      tickCore[o + CounterKind.neuronUpdates] += updates;
      tickCore[o + CounterKind.neuronUpdatesWithInput] += withInput;
      tickCore[o + CounterKind.neuronsFired] += firedHere;
      if (overflows > 0) { tickCore[o + CounterKind.overflows] += overflows; overflows = 0; }
    }
    // 2b. potentiation (P5) for compartments that fired, then their post traces.
    if (pl !== undefined) potentiate(pl, fired, nFired, synWeight, coreOfNeuron, tickCore, K);
    // 2c. general learning engine: y0 products and post-trace jumps, graded traces, epoch end.
    if (le !== undefined) {
      learnOnPostSpikes(le, fired, nFired, t, synWeight, synTarget, synCore, coreOfNeuron, tickCore, K);
      if (le.needsInput) addGradedTraces(le, coreOfNeuron, tickCore, K);
      learnEpochEnd(le, t, synWeight, synTarget, synCore, tickCore, K);
    }
    // 3. emit
    for (let f = 0; f < nFired; f++) {
      const n = fired[f];
      spikesPerNeuron[n]++;
      spikeT.push(t);
      spikeN.push(n);
      const c = coreOfNeuron[n];
      const o = c * K;
      tickCore[o + CounterKind.spikes]++;
      const rLo = routePtr[n];
      const rHi = routePtr[n + 1];
      if (rHi > rLo) {
        tickCore[o + CounterKind.packetsOut] += rHi - rLo;
        tickCore[o + CounterKind.hopsEast] += neuronHopsEast[n];
        tickCore[o + CounterKind.hopsWest] += neuronHopsWest[n];
        tickCore[o + CounterKind.hopsNorth] += neuronHopsNorth[n];
        tickCore[o + CounterKind.hopsSouth] += neuronHopsSouth[n];
        tickCore[o + CounterKind.packetsLocal] += neuronPacketsLocal[n];
        tickCore[o + CounterKind.packetsInTile] += neuronPacketsInTile[n];
        for (let r = rLo; r < rHi; r++) {
          tickCore[routeInSlot[r]]++;
          for (let k = routeCellStart[r]; k < routeCellStart[r + 1]; k++) cellCount[routeCellId[k]] += routeCellCount[k];
        }
        if (perPacket) {
          for (let r = rLo; r < rHi; r++) {
            const p = work!.addPacket(c, routeDestCore[r], firedAccessed[f], firedUpdated[f], firedFired[f]);
            for (let k = routeCellStart[r]; k < routeCellStart[r + 1]; k++) work!.addPacketSynOps(p, cellEncoding[routeCellId[k]], routeCellCount[k]);
          }
        }
        if (trace !== undefined) for (let r = rLo; r < rHi; r++) trace.push(routeAddress[r], n, t);
      }
      const gHi = neuronGroupStart[n + 1];
      for (let g = neuronGroupStart[n]; g < gHi; g++) wheel.schedule(t + groupDelay[g], g);
    }
    // Fold the synaptic-op cells into per-core, per-encoding and per-projection counters.
    for (let cell = 0; cell < nCells; cell++) {
      const x = cellCount[cell];
      if (x === 0) continue;
      cellCount[cell] = 0;
      const c = cellCore[cell];
      tickCore[c * K + CounterKind.synOps] += x;
      tickSynOpsByEncoding[c * E + cellEncoding[cell]] += x;
      synOpsByProjection[cellProjection[cell]] += x;
    }
    for (const rec of recorded) {
      const size = rec.globalOf.length;
      const off = t * size;
      for (let i = 0; i < size; i++) rec.trace[off + i] = v[rec.globalOf[i]] * rec.unit;
    }
    // Close the tick: derived counters, totals, latency.
    const pt = t * K;
    for (let c = 0; c < C; c++) {
      const o = c * K;
      tickCore[o + CounterKind.weightReadBits] = tickCore[o + CounterKind.synOps] * weightBits;
      for (let k = 0; k < K; k++) {
        const x = tickCore[o + k];
        if (x !== 0) {
          perCore[o + k] += x;
          perTick[pt + k] += x;
        }
      }
      for (let e = 0; e < E; e++) {
        const x = tickSynOpsByEncoding[c * E + e];
        synOpsByEncoding[c * E + e] += x;
        synOpsByTickEncoding[t * E + e] += x;
      }
    }
    if (work !== undefined && opts.timing !== undefined) {
      for (let c = 0; c < C; c++) {
        const o = c * K;
        work.neuronsAccessed[c] = tickCore[o + CounterKind.neuronAccesses];
        work.neuronsUpdated[c] = tickCore[o + updatedKind];
        work.neuronsFired[c] = tickCore[o + CounterKind.neuronsFired];
        if (!perPacket) {
          work.packetsOut[c] = tickCore[o + CounterKind.packetsOut];
          work.packetsIn[c] = tickCore[o + CounterKind.packetsIn];
          for (let e = 0; e < E; e++) work.synOps[c * E + e] = tickSynOpsByEncoding[c * E + e];
        }
      }
      tickLatencyNs[t] = opts.timing.tickLatencyNs(work, spec);
    }
    if (opts.onProgress !== undefined && ((t + 1) % progressEvery === 0 || t + 1 === T)) opts.onProgress(t + 1);
  }

  // Synaptic events still in flight at the end (arrival >= steps) were counted at emission but never applied.
  const delivered = Float64Array.from(synOpsByProjection);
  for (let t = T; t < T + wheel.slots - 1; t++) {
    const bucket = wheel.bucket(t);
    for (let k = 0; k < wheel.length(t); k++) {
      const g = bucket[k];
      for (let s = groupSynStart[g]; s < groupSynStart[g + 1]; s++) delivered[st.synProjection[s]]--;
    }
  }

  // Spikes by population, sorted by (tick, index in population).
  const P = program.populations.length;
  const counts = new Uint32Array(P);
  for (let k = 0; k < spikeT.length; k++) counts[st.populationOfNeuron[spikeN.data[k]]]++;
  const byPop = program.populations.map((_, p) => ({ tick: new Int32Array(counts[p]), neuron: new Int32Array(counts[p]), n: 0 }));
  for (let k = 0; k < spikeT.length; k++) {
    const g = spikeN.data[k];
    const bp = byPop[st.populationOfNeuron[g]];
    bp.tick[bp.n] = spikeT.data[k];
    bp.neuron[bp.n] = st.indexInPopulation[g];
    bp.n++;
  }
  const spikes = new Map<string, PopulationSpikes>();
  program.populations.forEach((pop, p) => {
    const { tick, neuron } = byPop[p];
    // Spikes were recorded in tick order; within a tick they come in core order, so sort each tick's run of
    // neuron indices (a numeric typed-array sort: no comparator, no index permutation).
    for (let a = 0; a < tick.length;) {
      let b = a + 1;
      while (b < tick.length && tick[b] === tick[a]) b++;
      if (b - a > 1) neuron.subarray(a, b).sort();
      a = b;
    }
    spikes.set(pop.name, { tick, neuron });
  });
  const voltages = new Map<string, Float64Array>();
  for (const rec of recorded) voltages.set(rec.name, rec.trace);
  if (le !== undefined) applyTagsAtRunEnd(le, synWeight, synCore);
  const finalWeights = pl === undefined ? new Map<string, Float64Array>() : readPlasticWeights(program, st, pl);
  if (le !== undefined || hasGeneralLearning(program)) for (const [name, w] of readLearningWeights(program, st)) finalWeights.set(name, w);
  return {
    steps: T, state: st, spikes, voltages, counters, tickLatencyNs, finalWeights, synapticEventsDeliveredByProjection: delivered,
    ...(le === undefined ? {} : { learning: le }),
  };
}

/** Tiles holding at least one program core (SANA-FE's sync-table key). */
export function mappedTileCount(st: SimState, spec: ChipSpec): number {
  const tiles = new Set<number>();
  for (let c = 0; c < st.coreCount; c++) tiles.add(Math.floor(st.coreId[c] / spec.mesh.coresPerTile));
  return tiles.size;
}

/**
 * A group with plastic synapses arrives (P2): each synapse adds its weight as read, then plastic ones are
 * depressed w ← clip(w − A−·y_post); finally the group's pre traces jump (x ← x + 1, or 1 for nearest).
 */
function deliverPlasticGroup(
  pl: NonNullable<ReturnType<typeof buildPlasticity>>, g: number, lo: number, hi: number,
  acc: Float64Array, synTarget: Uint32Array, synWeight: Float64Array, synCore: Uint32Array, tickCore: Float64Array, K: number,
): void {
  const { synTrace, synProjection, synYSlot, y, aMinus, wMin, wMax, x, xNearest, groupTraceStart, groupTraceId } = pl;
  for (let s = lo; s < hi; s++) {
    const w = synWeight[s];
    acc[synTarget[s]] += w;
    if (synTrace[s] >= 0) {
      const k = synProjection[s];
      synWeight[s] = Math.min(Math.max(w - aMinus[k] * y[synYSlot[s]], wMin[k]), wMax[k]);
      tickCore[synCore[s] * K + CounterKind.synUpdates]++;
    }
  }
  for (let i = groupTraceStart[g]; i < groupTraceStart[g + 1]; i++) {
    const id = groupTraceId[i];
    x[id] = xNearest[id] === 1 ? 1 : x[id] + 1;
  }
}

/** P5: for each fired compartment j, w ← clip(w + A+·x) on its plastic synapses, then y_j ← y_j + 1 (or 1). */
function potentiate(
  pl: NonNullable<ReturnType<typeof buildPlasticity>>, fired: Uint32Array, nFired: number, synWeight: Float64Array,
  coreOfNeuron: Uint32Array, tickCore: Float64Array, K: number,
): void {
  const { postPtr, postSyn, synTrace, synProjection, x, aPlus, wMin, wMax, neuronYPtr, neuronYSlot, y, yNearest } = pl;
  for (let f = 0; f < nFired; f++) {
    const n = fired[f];
    const lo = postPtr[n];
    const hi = postPtr[n + 1];
    for (let i = lo; i < hi; i++) {
      const s = postSyn[i];
      const k = synProjection[s];
      synWeight[s] = Math.min(Math.max(synWeight[s] + aPlus[k] * x[synTrace[s]], wMin[k]), wMax[k]);
    }
    if (hi > lo) tickCore[coreOfNeuron[n] * K + CounterKind.synUpdates] += hi - lo;
    for (let i = neuronYPtr[n]; i < neuronYPtr[n + 1]; i++) {
      const slot = neuronYSlot[i];
      y[slot] = yNearest[slot] === 1 ? 1 : y[slot] + 1;
    }
  }
}

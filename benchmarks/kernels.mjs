// Kernel experiments behind the profile of bench_lif10k (not a target benchmark; a measuring tool for the
// engine work of issue 8; these are the stand-alone loops the proposals were measured with, before the
// engine was rewritten — the state is built in the `wide` layout they index). Runs the network once with the real simulator to get which neurons fire at
// which tick, then replays that exact spike train through stand-alone versions of the three hot loops
// of chip/sim/run.js, each as it is now and in a proposed layout, and prints ns per unit of work:
//   deliver  – acc[target[s]] += weight[s] over every group a spike schedules (delays ignored: same work)
//              f64 weights + u32 targets (now) vs f32 weights + u16/u32 targets;
//   count    – per spike, per route: packetsIn slot and counter cells (now) vs per-neuron totals
//              precomputed once (synOps, packets: one add each per spike);
//   update   – the float compartment update over all neurons (now: one loop with kind/dynamics/fixed
//              branches) vs a loop specialised for float `compartment` neurons only.
// Usage: node benchmarks/kernels.mjs <net.json[.gz]> [arch=generic] [reps=3]
import { closingFields, dist, emit, now } from "./lib.mjs";

const [file, arch = "generic", repsArg = "3"] = process.argv.slice(2);
const reps = Number(repsArg);
const { loadJsonModel } = await dist("compiler/frontends/load-model.js");
const { compileModel } = await dist("compiler/compile.js");
const { buildSimState } = await dist("chip/sim/state.js");
const { runState } = await dist("chip/sim/run.js");
const { loadChipSpecJson } = await dist("chip/spec/load.js");
const { COUNTER_COUNT: K, CounterKind } = await dist("chip/sim/counters.js");
const { TimingWheel } = await dist("core/timing-wheel.js");

const model = loadJsonModel(file);
const spec = loadChipSpecJson(arch);
const { program } = compileModel(model.graph, spec, {});
const st = buildSimState(spec, program, { layout: "wide" });
const T = model.graph.defaultSteps;
const t0 = now();
const res = runState(spec, program, st, model.stimulus, { steps: T });
const fullRunMs = now() - t0;
// Re-read the spike train as global neuron ids per tick (CSR by tick).
const N = st.neuronCount;
const globalOf = program.populations.map((p) => new Int32Array(p.size));
for (let n = 0; n < N; n++) globalOf[st.populationOfNeuron[n]][st.indexInPopulation[n]] = n;
const perTick = new Uint32Array(T + 1);
let total = 0;
program.populations.forEach((p, pi) => { const s = res.spikes.get(p.name); for (let k = 0; k < s.tick.length; k++) perTick[s.tick[k] + 1]++; total += s.tick.length; void pi; });
for (let t = 0; t < T; t++) perTick[t + 1] += perTick[t];
const firedAt = new Uint32Array(total);
const fill = perTick.slice(0, T);
program.populations.forEach((p, pi) => { const s = res.spikes.get(p.name); for (let k = 0; k < s.tick.length; k++) firedAt[fill[s.tick[k]]++] = globalOf[pi][s.neuron[k]]; });

const { synTarget, synWeight, neuronGroupStart, groupSynStart, routePtr, routeSynapses, routeDestCore } = st;
const acc = new Float64Array(N);
const acc32 = new Float32Array(N);
const w32 = Float32Array.from(synWeight);
const tgt16 = N <= 65536 ? Uint16Array.from(synTarget) : null;

function deliverF64(lo, hi) {
  let ev = 0;
  for (let f = lo; f < hi; f++) {
    const n = firedAt[f];
    const a = groupSynStart[neuronGroupStart[n]];
    const b = groupSynStart[neuronGroupStart[n + 1]];
    for (let s = a; s < b; s++) acc[synTarget[s]] += synWeight[s];
    ev += b - a;
  }
  return ev;
}
function deliverF32(lo, hi) {
  let ev = 0;
  for (let f = lo; f < hi; f++) {
    const n = firedAt[f];
    const a = groupSynStart[neuronGroupStart[n]];
    const b = groupSynStart[neuronGroupStart[n + 1]];
    for (let s = a; s < b; s++) acc[synTarget[s]] += w32[s];
    ev += b - a;
  }
  return ev;
}
function deliverF32U16(lo, hi) {
  let ev = 0;
  for (let f = lo; f < hi; f++) {
    const n = firedAt[f];
    const a = groupSynStart[neuronGroupStart[n]];
    const b = groupSynStart[neuronGroupStart[n + 1]];
    for (let s = a; s < b; s++) acc32[tgt16[s]] += w32[s];
    ev += b - a;
  }
  return ev;
}
// Counting per spike and route (as run.js did before the rewrite; one cell per destination core here).
const nCells = st.coreCount;
const cellCount = new Float64Array(nCells);
const tickCore = new Float64Array(st.coreCount * K);
const routeInSlot = new Uint32Array(routeDestCore.length);
for (let r = 0; r < routeDestCore.length; r++) routeInSlot[r] = routeDestCore[r] * K + CounterKind.packetsIn;
function countRoutes(lo, hi) {
  for (let f = lo; f < hi; f++) {
    const n = firedAt[f];
    for (let r = routePtr[n]; r < routePtr[n + 1]; r++) {
      tickCore[routeInSlot[r]]++;
      cellCount[routeDestCore[r]] += routeSynapses[r];
    }
  }
  for (let c = 0; c < nCells; c++) cellCount[c] = 0;
}
// Proposed: per-neuron totals (exact for the per-tick totals; per-core totals follow at the end from
// spikesPerNeuron × the neuron's route cells, or per tick only when a timing model needs them).
const neuronSynOps = new Float64Array(N);
for (let n = 0; n < N; n++) for (let r = routePtr[n]; r < routePtr[n + 1]; r++) neuronSynOps[n] += routeSynapses[r];
const spikesPerNeuron = new Uint32Array(N);
let tickSynOps = 0;
let tickPackets = 0;
function countNeuron(lo, hi) {
  for (let f = lo; f < hi; f++) {
    const n = firedAt[f];
    spikesPerNeuron[n]++;
    tickSynOps += neuronSynOps[n];
    tickPackets += routePtr[n + 1] - routePtr[n];
  }
}
// Neuron update, as run.js does it for float compartments (all branches present), vs specialised.
const { kind, spiking, voltageDecay, currentDecay, inputGain, bias, vThreshold, vReset, resetMode, thresholdOp, refractoryTicks, coreNeuronStart } = st;
const v = Float64Array.from(st.vInit);
const u = new Float64Array(N);
const refr = new Uint32Array(N);
const fired = new Uint32Array(N);
const dynamics = st.dynamics;
function updateNow() {
  let nf = 0;
  for (let c = 0; c < st.coreCount; c++) {
    let updates = 0;
    let withInput = 0;
    for (let n = coreNeuronStart[c]; n < coreNeuronStart[c + 1]; n++) {
      if (kind[n] === 0 /* input? see NeuronKind */ && false) continue;
      const I = acc[n];
      acc[n] = 0;
      if (dynamics !== undefined && dynamics[n] === 1) continue;
      if (refr[n] > 0) { refr[n]--; continue; }
      updates++;
      if (I !== 0) withInput++;
      const un = currentDecay[n] * u[n] + inputGain[n] * I;
      let vn = voltageDecay[n] * v[n] + un + bias[n];
      u[n] = un;
      if (spiking[n] === 1) {
        const th = vThreshold[n];
        if (thresholdOp[n] === 0 ? vn >= th : vn > th) {
          const rm = resetMode[n];
          if (rm === 0) vn = vReset[n]; else if (rm === 1) vn = vn - th;
          refr[n] = refractoryTicks[n];
          fired[nf++] = n;
        }
      }
      v[n] = vn;
    }
    tickCore[c * K + CounterKind.neuronUpdates] += updates;
    tickCore[c * K + CounterKind.neuronUpdatesWithInput] += withInput;
  }
  return nf;
}
// Specialised: one tight loop per core over compartment neurons (inputs kept out of the range), the
// counters taken from the loop's own tallies.
function updateTight(lo, hi) {
  let nf = 0;
  for (let n = lo; n < hi; n++) {
    const I = acc[n];
    acc[n] = 0;
    const un = currentDecay[n] * u[n] + inputGain[n] * I;
    let vn = voltageDecay[n] * v[n] + un + bias[n];
    u[n] = un;
    if (vn >= vThreshold[n] && refr[n] === 0) { vn = vReset[n]; refr[n] = refractoryTicks[n]; fired[nf++] = n; } else if (refr[n] > 0) refr[n]--;
    v[n] = vn;
  }
  return nf;
}
// Specialised further: the core's neurons share one parameter set (a Loihi-style compartment config; true
// for every core of bench_lif10k), so the parameters are scalars and the loop touches acc, u, v, refr only.
function updateUniform(lo, hi, cd, g, vd, b, th, vr, rt) {
  let nf = 0;
  for (let n = lo; n < hi; n++) {
    const I = acc[n];
    acc[n] = 0;
    const r = refr[n];
    if (r > 0) { refr[n] = r - 1; continue; }
    const un = cd * u[n] + g * I;
    const vn = vd * v[n] + un + b;
    u[n] = un;
    if (vn >= th) { v[n] = vr; refr[n] = rt; fired[nf++] = n; } else v[n] = vn;
  }
  return nf;
}
const coreParams = [];
for (let c = 0; c < st.coreCount; c++) {
  let lo = coreNeuronStart[c];
  const hi = coreNeuronStart[c + 1];
  while (lo < hi && kind[lo] !== kind[hi - 1]) lo++; // inputs first (none share a core with lif here)
  coreParams.push([lo, hi, currentDecay[hi - 1], inputGain[hi - 1], voltageDecay[hi - 1], bias[hi - 1], vThreshold[hi - 1], vReset[hi - 1], refractoryTicks[hi - 1]]);
}

const time = (fn) => {
  let best = Infinity;
  let work = 0;
  for (let r = 0; r < reps; r++) {
    const a = now();
    work = fn();
    best = Math.min(best, now() - a);
  }
  return { ms: Math.round(best * 10) / 10, work };
};
const runDeliver = (k) => () => { let ev = 0; for (let t = 0; t < T; t++) ev += k(perTick[t], perTick[t + 1]); return ev; };
const dF64 = time(runDeliver(deliverF64));
const dF32 = time(runDeliver(deliverF32));
const dF32U16 = tgt16 === null ? null : time(runDeliver(deliverF32U16));
const cRoutes = time(() => { for (let t = 0; t < T; t++) countRoutes(perTick[t], perTick[t + 1]); return total; });
const cNeuron = time(() => { for (let t = 0; t < T; t++) { countNeuron(perTick[t], perTick[t + 1]); tickSynOps = 0; tickPackets = 0; } return total; });
const uNow = time(() => { for (let t = 0; t < T; t++) updateNow(); return T * N; });
const uTight = time(() => { for (let t = 0; t < T; t++) for (let c = 0; c < st.coreCount; c++) updateTight(coreNeuronStart[c], coreNeuronStart[c + 1]); return T * N; });
const uUniform = time(() => { for (let t = 0; t < T; t++) for (let c = 0; c < coreParams.length; c++) { const p = coreParams[c]; updateUniform(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8]); } return T * N; });
// Wheel: schedule every group of every spike at t + delay, drain the bucket of t (as run.js does).
const wheel = new TimingWheel(st.maxDelayTicks + 1, 256);
const { groupDelay } = st;
const wheelRun = time(() => {
  let handles = 0;
  for (let t = 0; t < T; t++) {
    handles += wheel.length(t);
    wheel.clear(t);
    for (let f = perTick[t]; f < perTick[t + 1]; f++) {
      const n = firedAt[f];
      for (let g = neuronGroupStart[n]; g < neuronGroupStart[n + 1]; g++) wheel.schedule(t + groupDelay[g], g);
    }
  }
  wheel.clearAll();
  return handles;
});
// Tick close: fold C × K per-tick counters into per-core and per-tick totals, as run.js does.
const perCoreTot = new Float64Array(st.coreCount * K);
const perTickTot = new Float64Array(T * K);
const closeRun = time(() => {
  for (let t = 0; t < T; t++) {
    tickCore.fill(0);
    tickCore[(t % st.coreCount) * K] = 1;
    for (let c = 0; c < st.coreCount; c++) {
      const o = c * K;
      for (let k = 0; k < K; k++) { const x = tickCore[o + k]; if (x !== 0) { perCoreTot[o + k] += x; perTickTot[t * K + k] += x; } }
    }
  }
  return T;
});
const ns = (r) => (r === null ? null : Math.round((r.ms * 1e6 / r.work) * 100) / 100);
emit({
  benchmark: `kernels_${model.graph.name}`, neurons: N, synapses: synTarget.length, cores: st.coreCount, routes: routeDestCore.length,
  spikes: total, fullRunMs: Math.round(fullRunMs),
  deliver: { events: dF64.work, f64u32: { ms: dF64.ms, nsPerEvent: ns(dF64) }, f32u32: { ms: dF32.ms, nsPerEvent: ns(dF32) }, f32u16: dF32U16 === null ? null : { ms: dF32U16.ms, nsPerEvent: ns(dF32U16) } },
  count: { spikes: total, perRouteNow: { ms: cRoutes.ms, nsPerSpike: ns(cRoutes) }, perNeuronTotals: { ms: cNeuron.ms, nsPerSpike: ns(cNeuron) } },
  update: { neuronTicks: T * N, now: { ms: uNow.ms, nsPerNeuron: ns(uNow) }, tight: { ms: uTight.ms, nsPerNeuron: ns(uTight) }, uniformParamsPerCore: { ms: uUniform.ms, nsPerNeuron: ns(uUniform) } },
  wheel: { groupsScheduled: wheelRun.work, ms: wheelRun.ms }, tickClose: { ticks: T, ms: closeRun.ms },
  ...closingFields(),
});

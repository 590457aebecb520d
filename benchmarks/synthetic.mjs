// One benchmark process: a seeded synthetic recurrent network built directly as a ModelGraph (no JSON),
// compiled onto the generic chip with a mesh large enough for it, then run. One JSON record: build,
// compile and simulation times, synaptic events/s, and memory per synapse (typed-array bytes of the
// ChipProgram and of the SimState, and the RSS / heap deltas), with the arrays that dominate.
//
// The network: `neurons` integrate-and-fire neurons (v ← v + bias + I; fire when v ≥ 1, reset to 0) with
// per-neuron bias uniform in [0.5, 1.5]·rateHz/1000 per 1-ms tick and uniform initial v, so each fires at
// about rateHz on its own; every neuron sends `fanOut` synapses with weights uniform in ±wMax and delays
// uniform in 1..maxDelay ticks to targets drawn uniformly from a window of `window` neurons centred on it
// (ring topology). window = neurons gives uniform random connectivity; a window of a few cores' worth of
// neurons is the local connectivity chips are designed for (one axon row per source and core, many
// synapses per row). Weights are small and zero-mean, so the rate stays near rateHz while recurrent input
// makes the spike trains irregular.
//
// Weights are quantised to the chip's weight precision (spec.precision.weightBits, signed: w = k·lsb with
// |k| ≤ 2^(bits−1) − 1, lsb = wMax / (2^(bits−1) − 1)), as a chip stores them; --weightBits=0 keeps float64
// weights. After the state is built the program's per-synapse arrays are released
// (releaseProgramSynapses), so the memory record is what the simulation keeps: the SimState and the
// program's skeleton (--keepProgram=1 keeps the full program, as before).
//
// Usage: node [--expose-gc] benchmarks/synthetic.mjs [--neurons=1000000] [--fanOut=100] [--window=4096]
//   [--ticks=300] [--rateHz=10] [--maxDelay=4] [--wMax=0.002] [--seed=1] [--meshWidth=auto]
//   [--placement=linear] [--coreNeurons=] [--heapEvery=0] [--weightBits=chip] [--keepProgram=0] [--note=]
import { closingFields, dist, emit, settle, memoryNow, now, perSynapseTable, programBytesByField, seconds, simStateBytesByField, typedArrayBytes, counterTotal } from "./lib.mjs";

const args = Object.fromEntries(process.argv.slice(2).map((a) => {
  const m = /^--([^=]+)=(.*)$/.exec(a);
  if (m === null) { process.stderr.write(`bad argument ${a} (use --key=value)\n`); process.exit(2); }
  return [m[1], m[2]];
}));
const num = (k, d) => (args[k] === undefined ? d : Number(args[k]));
const N = num("neurons", 1_000_000);
const F = num("fanOut", 100);
const W = Math.min(N, num("window", 4096));
const T = num("ticks", 300);
const rateHz = num("rateHz", 10);
const D = num("maxDelay", 4);
const wMax = num("wMax", 0.002);
const seed = num("seed", 1);
const placement = args.placement ?? "linear";
const heapEvery = num("heapEvery", 0);
const keepProgram = num("keepProgram", 0) === 1;

const { createRng } = await dist("core/rng.js");
const { loadChipSpecJson } = await dist("chip/spec/load.js");
const { compileModel } = await dist("compiler/compile.js");
const { buildSimState, releaseProgramSynapses } = await dist("chip/sim/state.js");
const { runState } = await dist("chip/sim/run.js");
const { COUNTER_COUNT: K, CounterKind } = await dist("chip/sim/counters.js");
const { uniformNeuronParams } = await dist("compiler/ir/types.js");
const { ResetMode } = await dist("chip/program/types.js");

const baseSpec = loadChipSpecJson("generic");
const weightBits = args.weightBits === undefined ? baseSpec.precision.weightBits : Number(args.weightBits);
// Signed weightBits-bit weights: k·lsb, |k| ≤ 2^(bits−1) − 1.
const levels = weightBits > 0 ? 2 ** (weightBits - 1) - 1 : 0;
const lsb = levels > 0 ? wMax / levels : 0;
await settle();
const mBase = memoryNow();
const t0 = now();
// --- the model graph (built in a function so that dropping `graph` frees every array of it) ---
function buildGraph() {
const rng = createRng(seed);
const params = uniformNeuronParams(N, { voltageDecay: 1, currentDecay: 0, vThreshold: 1, resetMode: ResetMode.zero });
for (let i = 0; i < N; i++) {
  params.bias[i] = (0.5 + rng.nextFloat()) * (rateHz / 1000);
  params.vInit[i] = rng.nextFloat();
}
const preIndex = new Uint32Array(S);
const postIndex = new Uint32Array(S);
const weight = new Float64Array(S);
const delayTicks = new Uint16Array(S);
const half = Math.floor(W / 2);
for (let i = 0, s = 0; i < N; i++) {
  for (let k = 0; k < F; k++, s++) {
    preIndex[s] = i;
    let j = i - half + rng.nextBelow(W);
    j %= N;
    if (j < 0) j += N;
    postIndex[s] = j;
    const w = (2 * rng.nextFloat() - 1) * wMax;
    weight[s] = levels > 0 ? Math.round(w / lsb) * lsb : w;
    delayTicks[s] = 1 + rng.nextBelow(D);
  }
}
return {
  name: `synthetic_${N}_${F}`, defaultSteps: T,
  populations: [{ name: "net", kind: "neuron", size: N, shape: [N], spiking: true, params }],
  projections: [{ name: "rec", pre: "net", post: "net", encoding: "sparse", preIndex, postIndex, weight, delayTicks }],
};
}
const S = N * F;
let graph = buildGraph();
const graphBytes = typedArrayBytes(graph);
const t1 = now();
await settle();
const mGraph = memoryNow();

// --- the chip: generic, with enough tiles. Synapse memory bounds neurons per core (≈ 1 Mbit / ~27 bits per
// synapse / fan-in), so size the mesh for ~3× the cores that N·F synapses need, rounded to a square.
const base = baseSpec;
const coreNeurons = args.coreNeurons === undefined ? base.core.maxNeurons : Number(args.coreNeurons);
const coresNeeded = Math.max(Math.ceil(N / coreNeurons), Math.ceil((S * 27) / base.core.synapseMemoryBits));
const side = args.meshWidth !== undefined ? Number(args.meshWidth) : Math.max(base.mesh.widthTiles, Math.ceil(Math.sqrt((3 * coresNeeded) / base.mesh.coresPerTile)));
const spec = { ...base, name: `generic-${side}x${side}`, mesh: { ...base.mesh, widthTiles: side, heightTiles: side }, core: { ...base.core, maxNeurons: coreNeurons } };

let program;
let mapping;
try {
  ({ program, mapping } = compileModel(graph, spec, { placement, seed }));
} catch (e) {
  emit({ benchmark: "synthetic", neurons: N, synapses: S, fanOut: F, window: W, failed: `compile: ${e.code ?? ""} ${e.message}`, compileSeconds: seconds(t1, now()), ...closingFields() });
  process.exit(0);
}
const t2 = now();
const programBytesCompiled = typedArrayBytes(program);
const programArraysCompiled = perSynapseTable(programBytesByField(program), S, 8);
graph = null; // the IR is not needed to run; what stays is the program and the simulator state
await settle();
const mProgram = memoryNow();
const st = buildSimState(spec, program);
const t3 = now();
// The state holds everything the run needs: drop the compiled crossbars, keep the program's skeleton.
if (!keepProgram) program = releaseProgramSynapses(program);
await settle();
const mState = memoryNow();
// A state built for the WebAssembly kernels lives in one WebAssembly memory: its arrays are views into it
// (views made between grows hold different SharedArrayBuffer objects over the same memory, so summing
// buffers would count it several times). Its size is what the arena handed out.
const stateBytes = st.wasm !== undefined ? st.wasm.arena.usedBytes : typedArrayBytes(st);
const wasmMemoryBytes = st.wasm !== undefined ? st.wasm.memory.buffer.byteLength : 0;
const programBytes = typedArrayBytes(program);

// --- run ---
const heapSamples = [];
const opts = { steps: T };
if (heapEvery > 0) {
  opts.progressEveryTicks = heapEvery;
  opts.onProgress = (ticks) => { heapSamples.push({ ticks, heapUsedMb: Math.round(process.memoryUsage().heapUsed / 1e4) / 100 }); };
}
const res = runState(spec, program, st, { spikes: new Map() }, opts);
const t4 = now();
const synOps = counterTotal(res.counters.perCore, st.coreCount, K, CounterKind.synOps);
const spikes = counterTotal(res.counters.perCore, st.coreCount, K, CounterKind.spikes);
const routes = st.routeDestCore.length;
const simS = seconds(t3, t4);
const mb = (b) => Math.round(b / 1e4) / 100;
emit({
  benchmark: `synthetic_${N >= 1e6 ? `${N / 1e6}M` : `${N / 1e3}k`}_${S >= 1e6 ? `${S / 1e6}M` : `${S / 1e3}k`}`,
  note: args.note ?? null,
  neurons: N, synapses: mapping.synapses, fanOut: F, window: W, maxDelayTicks: D, seed, placement,
  arch: spec.name, coresUsed: mapping.coresUsed, coresAvailable: side * side * base.mesh.coresPerTile, routes, routesPerNeuron: routes / N,
  steps: T, spikes, meanRateHz: (spikes / N / T) * 1000, synapticEvents: synOps,
  buildGraphSeconds: seconds(t0, t1), compileSeconds: seconds(t1, t2), buildSeconds: seconds(t2, t3), simulationSeconds: simS,
  synapticEventsPerSecond: synOps / simS,
  weights: weightBits > 0 ? `quantised to the chip's ${weightBits}-bit signed weights (${2 * levels + 1} levels, lsb ${lsb})` : "float64 (not quantised)",
  stateLayout: { synapses: st.synapses.kind, weights: st.synapses.weights.kind, bytesPerWeight: st.synapses.weights.kind === "palette" ? st.synapses.weights.code.BYTES_PER_ELEMENT : st.synapses.weights.w.BYTES_PER_ELEMENT, weightTable: st.synapses.weights.kind === "palette" ? st.synapses.weights.table.length : null },
  programReleased: !keepProgram,
  memory: {
    graphMb: mb(graphBytes), programCompiledMb: mb(programBytesCompiled), programMb: mb(programBytes), stateMb: mb(stateBytes),
    bytesPerSynapse: {
      program: programBytes / S, state: stateBytes / S, programPlusState: (programBytes + stateBytes) / S,
      programCompiled: programBytesCompiled / S,
      // Live memory (array buffers + the state's WebAssembly memory + JS heap) after the state is built and the program
      // released, minus the same before the model was built. RSS below also holds allocator pages freed
      // by the graph and the compiler that glibc keeps mapped.
      liveAfterStateMinusBase: (mState.arrayBuffers + wasmMemoryBytes + mState.heapUsed - mBase.arrayBuffers - mBase.heapUsed) / S,
      rssAfterStateMinusBase: (mState.rss - mBase.rss) / S,
      rssDeltaProgram: (mProgram.rss - mGraph.rss + graphBytes) / S,
      rssDeltaState: (mState.rss - mProgram.rss) / S,
    },
    rssMb: { base: mb(mBase.rss), afterGraph: mb(mGraph.rss), afterCompile: mb(mProgram.rss), afterState: mb(mState.rss) },
    heapUsedMb: { base: mb(mBase.heapUsed), afterGraph: mb(mGraph.heapUsed), afterCompile: mb(mProgram.heapUsed), afterState: mb(mState.heapUsed) },
    // After the build (the first run adds its buffers: fired lists, tallies, record buffer).
    wasmMemoryMb: { used: mb(stateBytes), committed: mb(wasmMemoryBytes), usedAfterRun: mb(st.wasm !== undefined ? st.wasm.arena.usedBytes : 0) },
    arrayBuffersMb: { base: mb(mBase.arrayBuffers), afterGraph: mb(mGraph.arrayBuffers), afterCompile: mb(mProgram.arrayBuffers), afterState: mb(mState.arrayBuffers) },
    programArraysCompiled,
    stateArrays: perSynapseTable(simStateBytesByField(st), S, 40),
  },
  ...(heapSamples.length > 0 ? { heapSamples } : {}),
  ...closingFields(),
});

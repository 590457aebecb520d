// One benchmark process: heap growth over a long run. Loads an snnref-1 network, repeats its stimulus
// `repeat` times back to back (tick offsets of defaultSteps), runs repeat × defaultSteps ticks and samples
// process.memoryUsage() every `every` ticks from the simulator's onProgress hook (never per event).
// The hot loop should allocate nothing per event: after warm-up, heapUsed must stay flat. Typed-array
// memory (arrayBuffers) may grow only by the recorded spikes (4 bytes per spike, doubling buffers).
// Usage: node --expose-gc benchmarks/heap.mjs <net.json[.gz]> [repeat=5] [every=500] [arch=generic]
import { closingFields, counterTotal, dist, emit, gc, now, seconds } from "./lib.mjs";

const [file, repeatArg = "5", everyArg = "500", arch = "generic"] = process.argv.slice(2);
if (file === undefined) {
  process.stderr.write("usage: node --expose-gc benchmarks/heap.mjs <net.json[.gz]> [repeat] [every] [arch]\n");
  process.exit(2);
}
const repeat = Number(repeatArg);
const every = Number(everyArg);
const { loadJsonModel } = await dist("compiler/frontends/load-model.js");
const { compileModel } = await dist("compiler/compile.js");
const { buildSimState } = await dist("chip/sim/state.js");
const { runState } = await dist("chip/sim/run.js");
const { loadChipSpecJson } = await dist("chip/spec/load.js");
const { COUNTER_COUNT: K, CounterKind } = await dist("chip/sim/counters.js");

const model = loadJsonModel(file);
const spec = loadChipSpecJson(arch);
const { program } = compileModel(model.graph, spec, {});
const st = buildSimState(spec, program);
const T0 = model.graph.defaultSteps;
const steps = T0 * repeat;
const spikes = new Map();
for (const [name, s] of model.stimulus.spikes) {
  const n = s.tick.length;
  const tick = new Int32Array(n * repeat);
  const neuron = new Int32Array(n * repeat);
  for (let r = 0; r < repeat; r++) {
    for (let i = 0; i < n; i++) { tick[r * n + i] = s.tick[i] + r * T0; neuron[r * n + i] = s.neuron[i]; }
  }
  spikes.set(name, { tick, neuron });
}
gc();
const samples = [];
const mb = (b) => Math.round(b / 1e4) / 100;
const t0 = now();
const res = runState(spec, program, st, { spikes }, {
  steps, progressEveryTicks: every,
  onProgress: (ticks) => {
    const m = process.memoryUsage();
    samples.push({ ticks, heapUsedMb: mb(m.heapUsed), arrayBuffersMb: mb(m.arrayBuffers), rssMb: mb(m.rss) });
  },
});
const t1 = now();
// Growth after warm-up: from the first sample at or after one repetition (T0 ticks) to the last.
const warm = samples.find((s) => s.ticks >= T0) ?? samples[0];
const last = samples[samples.length - 1];
const synOps = counterTotal(res.counters.perCore, st.coreCount, K, CounterKind.synOps);
const nSpikes = counterTotal(res.counters.perCore, st.coreCount, K, CounterKind.spikes);
emit({
  benchmark: `heap_${model.graph.name}_x${repeat}`, arch: spec.name, steps, sampleEveryTicks: every,
  spikes: nSpikes, synapticEvents: synOps, simulationSeconds: seconds(t0, t1), synapticEventsPerSecond: synOps / seconds(t0, t1),
  heapGrowthAfterWarmupMb: Math.round((last.heapUsedMb - warm.heapUsedMb) * 100) / 100,
  heapGrowthPerKiloTickKb: Math.round(((last.heapUsedMb - warm.heapUsedMb) * 1e6) / Math.max(1, last.ticks - warm.ticks)) / 1000,
  arrayBuffersGrowthAfterWarmupMb: Math.round((last.arrayBuffersMb - warm.arrayBuffersMb) * 100) / 100,
  warmupTicks: warm.ticks, samples,
  ...closingFields(),
});

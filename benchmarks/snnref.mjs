// One benchmark process: load an snnref-1 network, compile it for a chip and run it, then print one JSON
// record: phase times, synaptic events/s in the simulation phase, whole-process time and peak RSS.
// Usage: node benchmarks/snnref.mjs <net.json[.gz]> [arch=generic] [expectedSpikes] [threads=1]
import { performance } from "node:perf_hooks";
import { closingFields, dist, emit } from "./lib.mjs";

const { loadJsonModel } = await dist("compiler/frontends/load-model.js");
const { compileModel } = await dist("compiler/compile.js");
const { buildSimState } = await dist("chip/sim/state.js");
const { runState } = await dist("chip/sim/run.js");
const { loadChipSpecJson } = await dist("chip/spec/load.js");
const { COUNTER_COUNT, CounterKind } = await dist("chip/sim/counters.js");
const { threadTeamFor } = await dist("chip/sim/threads/team.js");

const [file, arch = "generic", expected, threadsArg = "1"] = process.argv.slice(2);
const threads = Number(threadsArg);
const t0 = performance.now();
const model = loadJsonModel(file);
const t1 = performance.now();
const spec = loadChipSpecJson(arch);
const { program, mapping } = compileModel(model.graph, spec, {});
const t2 = performance.now();
const st = buildSimState(spec, program, { shared: threads > 1 });
// Threads: the workers start and build their parts here (part of loading the chip, like the state).
const team = threads > 1 ? threadTeamFor(spec, program, st, threads) : undefined;
team?.awaitStart();
const t3 = performance.now();
const res = runState(spec, program, st, model.stimulus, { steps: model.graph.defaultSteps, ...(team === undefined ? {} : { team }) });
team?.close();
const t4 = performance.now();
let synOps = 0;
for (let c = 0; c < st.coreCount; c++) synOps += res.counters.perCore[c * COUNTER_COUNT + CounterKind.synOps];
let spikes = 0;
for (const p of program.populations) if (p.kind !== "input") spikes += res.spikes.get(p.name).tick.length;
const simS = (t4 - t3) / 1000;
let finalWeightSum = null;
for (const w of res.finalWeights.values()) { finalWeightSum ??= 0; for (let i = 0; i < w.length; i++) finalWeightSum += w[i]; }
const record = {
  benchmark: model.graph.name, arch: spec.name, steps: model.graph.defaultSteps, threads: res.threads,
  neurons: mapping.neurons, synapses: mapping.synapses, coresUsed: mapping.coresUsed,
  spikes, synapticEvents: synOps, spikesMatchExpected: expected === undefined ? null : spikes === Number(expected),
  loadSeconds: (t1 - t0) / 1000, compileSeconds: (t2 - t1) / 1000, buildSeconds: (t3 - t2) / 1000, simulationSeconds: simS,
  synapticEventsPerSecond: synOps / simS,
  finalWeightSum,
  ...closingFields(),
};
emit(record);

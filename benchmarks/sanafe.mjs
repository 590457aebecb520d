// One benchmark process: a SANA-FE network on its SANA-FE architecture, with the file's own (hand)
// mapping, as `aerchip run dvs.yaml --arch loihi.yaml --timing <t>` does (cli/commands/run.ts), then one
// JSON record: phase times, synaptic events/s, the five counters SANA-FE reports (computed as in
// chip/report/run-report.ts) next to SANA-FE v2.2.1's own values, and the simulated time.
// Usage: node benchmarks/sanafe.mjs <network.yaml> <arch.yaml> [timing=simple|detailed] [steps]
import { basename } from "node:path";
import { closingFields, counterTotal, dist, emit, now, seconds } from "./lib.mjs";

const [netPath, archPath, timingName = "simple", stepsArg, threadsArg = "1"] = process.argv.slice(2);
const threads = Number(threadsArg);
if (netPath === undefined || archPath === undefined) {
  process.stderr.write("usage: node benchmarks/sanafe.mjs <network.yaml> <arch.yaml> [simple|detailed] [steps] [threads]\n");
  process.exit(2);
}
const { loadSanafe, loadSanafeArch } = await dist("compiler/frontends/sanafe/index.js");
const { compileModel } = await dist("compiler/compile.js");
const { buildSimState, releaseProgramSynapses } = await dist("chip/sim/state.js");
const { runState } = await dist("chip/sim/run.js");
const { createTimingModel } = await dist("chip/timing/index.js");
const { COUNTER_COUNT: K, CounterKind } = await dist("chip/sim/counters.js");
const { threadTeamFor } = await dist("chip/sim/threads/team.js");
const { collectReleased, graphReleaseRefs, programReleaseRefs } = await dist("cli/release.js");
const { prestartTimingWorkers } = await dist("chip/timing/thread.js");
// As `aerchip run --threads N --timing detailed`: the timing workers start before the model is loaded.
if (threads > 1 && timingName === "detailed") prestartTimingWorkers(threads - 1);

// SANA-FE v2.2.1 on dvs.yaml + loihi.yaml, 1000 steps (../shared/docs/sanafe-notes.md).
const SANAFE_DVS_1000 = {
  synapticEvents: 51_366_924, packets: 3_724_738, hops: 8_851_223, neuronUpdates: 15_552_561, neuronsFired: 364_088,
  simulatedTimeMs: { simple: 16.647, detailed: 18.938 },
};

// Load and compile in one function so that the loaded network (its IR graph: about 64 MB of per-synapse
// arrays; the parsed YAML; sm.stimulus, which closes over all of it) becomes garbage when it returns:
// the run keeps only the program (its skeleton once the state is built), the stimulus and the counts, as
// `aerchip run` does (cli/commands/run.ts
// hands the model to the pipeline and keeps no reference; cli/pipeline.ts drops it once compiled and
// collects it before building the state, cli/release.ts). A module-scope `const sm` would stay
// reachable to the end and add the graph to peakRssMb.
function loadAndCompile() {
  const t0 = now();
  const arch = loadSanafeArch(archPath);
  const sm = loadSanafe(netPath, arch);
  const steps = stepsArg === undefined ? sm.graph.defaultSteps : Number(stepsArg);
  const stimulus = sm.stimulus(steps);
  const t1 = now();
  const { program, mapping } = compileModel(sm.graph, arch.spec, { fixedPlacement: sm.placement.coreOf, fixedOrder: sm.placement.orderInCore, file: netPath });
  const t2 = now();
  return { spec: arch.spec, steps, stimulus, program, mapping, graphRefs: graphReleaseRefs(sm.graph), t0, t1, t2 };
}
// Builds the state, then swaps the compiled program for its skeleton, as cli/pipeline.ts buildReleasing
// does (in a function of its own: no frame of this module keeps the full program).
function buildReleasing(loaded) {
  const st = buildSimState(loaded.spec, loaded.program, { shared: threads > 1 });
  const programRefs = programReleaseRefs(loaded.program);
  if (programRefs.length > 0) loaded.program = releaseProgramSynapses(loaded.program);
  return { st, programRefs };
}
const loaded = loadAndCompile();
const { spec, steps, stimulus, mapping, graphRefs, t0, t1, t2 } = loaded;
// As the CLI's pipeline (both collections counted in buildSeconds): the graph is collected before the
// state is built; once it is built, the program's per-synapse arrays are released and collected.
const graphReleased = await collectReleased("IR graph", graphRefs);
const { st, programRefs } = buildReleasing(loaded);
const program = loaded.program;
const programReleased = programRefs.length > 0 && await collectReleased("program arrays", programRefs);
// Threads: the workers start and build their parts here (part of loading the chip, like the state). With
// the detailed model the extra threads schedule the ticks instead (timing threads, the CLI's default: the
// run starts them, so their start-up is in simulationSeconds).
const timingThreads = threads > 1 && timingName === "detailed";
const team = threads > 1 && !timingThreads ? threadTeamFor(spec, program, st, threads) : undefined;
team?.awaitStart();
const t3 = now();
const res = runState(spec, program, st, stimulus, { steps, timing: createTimingModel(timingName), timingPerPacket: timingName === "detailed", ...(team !== undefined ? { team } : timingThreads ? { threads } : {}) });
team?.close();
const t4 = now();

const tot = (k) => counterTotal(res.counters.perCore, st.coreCount, K, k);
const counters = {
  synapticEvents: tot(CounterKind.synOps),
  packets: tot(CounterKind.packetsOut),
  hops: tot(CounterKind.hopsEast) + tot(CounterKind.hopsWest) + tot(CounterKind.hopsNorth) + tot(CounterKind.hopsSouth),
  neuronUpdates: tot(CounterKind.neuronUpdates) + tot(CounterKind.spikes) - tot(CounterKind.neuronsFired),
  neuronsFired: tot(CounterKind.spikes),
};
let simulatedTimeNs = 0;
for (let t = 0; t < res.tickLatencyNs.length; t++) simulatedTimeNs += res.tickLatencyNs[t];
const isDvs1000 = basename(netPath) === "dvs.yaml" && basename(archPath) === "loihi.yaml" && steps === 1000;
const simS = seconds(t3, t4);
emit({
  benchmark: `sanafe_${basename(netPath).replace(/\.ya?ml$/, "")}_${timingName}`, arch: spec.name, steps, timing: timingName, threads: res.threads, timingThreads: res.timingThreads,
  neurons: mapping.neurons, synapses: mapping.synapses, coresUsed: mapping.coresUsed,
  counters,
  countersMatchSanafe: isDvs1000 ? Object.keys(counters).every((k) => counters[k] === SANAFE_DVS_1000[k]) : null,
  simulatedTimeMs: simulatedTimeNs / 1e6,
  sanafeSimulatedTimeMs: isDvs1000 ? SANAFE_DVS_1000.simulatedTimeMs[timingName] ?? null : null,
  synapticEvents: counters.synapticEvents,
  loadSeconds: seconds(t0, t1), compileSeconds: seconds(t1, t2), buildSeconds: seconds(t2, t3), simulationSeconds: simS, graphReleased, programReleased,
  synapticEventsPerSecond: counters.synapticEvents / simS,
  ...closingFields(),
});

// The work of a multi-threaded run's parts without the threads (issue 8): a team's parts run one after the
// other on the main thread, each tick's partTick kernel call timed, their fired lists combined as the team
// does. Two threads on this project's 2-vCPU VMs see the host's noise (a part's busy time swings by a third
// between runs); one thread running every part measures the parts' work itself: what the split duplicates
// (a part reads one record per group of every spike, and every group reaches every part) and how evenly it
// divides. Variants (a part count, and part 0's share: ThreadTeamOptions.mainShare) run alternately, one
// run each in turn, so that the machine's drift hits them alike; one JSON record per variant:
//   partSecondsMedian / partSecondsMin – the sum over its parts of their partTick time per run;
//   perPartSeconds – each part's median;
//   overFirst – the median of the run-by-run ratios of partSeconds to the first variant's;
//   part0OverRest – the median of the run-by-run ratios of part 0's time to the mean of the others'.
// The team's workers exist (a team needs them) but idle. Checks that every variant fires the same neurons
// per tick as the first. The main thread's counting of each tick (teamTick) is not included.
// Caveat: on one core the parts share its caches, and each group's synapses of all parts lie on the same
// lines (segments.ts), so a part finds lines the previous part of the tick loaded: part 0 runs first and
// pays those misses (bench_lif10k: part 0 ~13 % above part 1 at equal shares, while two threads show the
// opposite, the worker's part being the slower). Per-part times here say nothing about the balance of a
// two-thread run; the sums measure the work the split adds.
// Usage: node benchmarks/parts-sequential.mjs [net=bench_lif10k] [arch=generic] [variants=1,2,2@0.9,3,4] [runs=9] [steps]
//   a variant: parts, or parts@share.
import { closingFields, dist, emit, now } from "./lib.mjs";

const args = process.argv.slice(2);
const net = args[0] || new URL("../../shared/fixtures/snnref/bench/bench_lif10k.net.json.gz", import.meta.url).pathname;
const arch = args[1] || "generic";
const variants = (args[2] ?? "1,2,2@0.9,3,4").split(",").map((v) => { const [p, s] = v.split("@"); return { name: v, parts: Number(p), share: s === undefined ? undefined : Number(s) }; });
const runs = Number(args[3] ?? 9);
const { loadJsonModel } = await dist("compiler/frontends/load-model.js");
const { compileModel } = await dist("compiler/compile.js");
const { buildSimState, resetNeuronState } = await dist("chip/sim/state.js");
const { threadTeamFor } = await dist("chip/sim/threads/team.js");
const { loadChipSpecJson } = await dist("chip/spec/load.js");
const { resolveStimulus } = await dist("chip/sim/stimulus.js");
const { kernelsFor } = await dist("chip/sim/wasm/kernels.js");
const { runBuffers } = await dist("chip/sim/wasm/binding.js");
const model = loadJsonModel(net);
const spec = loadChipSpecJson(arch);
const { program } = compileModel(model.graph, spec, {});
const steps = args[4] !== undefined ? Number(args[4]) : model.graph.defaultSteps;
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };

const setups = variants.map((v) => {
  const st = buildSimState(spec, program, { shared: true });
  const team = threadTeamFor(spec, program, st, v.parts, undefined, v.share === undefined ? {} : { mainShare: v.share });
  const { parts, combined } = st.wasm.runs.teamParts;
  if (parts.some((p) => p === undefined)) throw new Error(`${v.name}: a part without the part kernel: nothing to time`);
  const P = parts.length;
  return {
    v, st, team, parts, P, comb: combined.fired, k: kernelsFor(st.wasm.memory), fired: runBuffers(st.wasm, st).fired,
    n0: Array.from({ length: P }, (_, p) => st.coreNeuronStart[team.bounds[p]]),
    sums: [], perPart: Array.from({ length: P }, () => []), firedPerTick: new Int32Array(steps),
  };
});

function runOnce(s, keep) {
  const { st, team, parts, P, comb, k, fired, n0 } = s;
  resetNeuronState(st);
  team.begin(resolveStimulus(program, st.coreNeuronStart, model.stimulus, steps));
  const busy = new Float64Array(P);
  const counts = new Int32Array(P);
  let prev = 0;
  for (let t = 0; t < steps; t++) {
    // Every part reads the combined list of t − 1: combine only after the last part's tick.
    for (let p = 0; p < P; p++) {
      const a = now();
      const c = k.partTick(parts[p].rt.byteOffset, t, prev);
      busy[p] += now() - a;
      if (c < 0) throw new Error(`${s.v.name}: part ${p} ran out of wheel room at tick ${t}`);
      counts[p] = c;
    }
    let n = 0;
    for (let p = 0; p < P; p++) {
      comb.set(fired.subarray(n0[p], n0[p] + counts[p]), n);
      n += counts[p];
    }
    s.firedPerTick[t] = n;
    prev = n;
  }
  if (!keep) return;
  s.sums.push(busy.reduce((a, b) => a + b, 0) / 1000);
  busy.forEach((b, p) => s.perPart[p].push(b / 1000));
}

// The first round warms the kernels up.
for (let r = 0; r < runs + 1; r++) {
  for (const s of r % 2 === 0 ? setups : [...setups].reverse()) runOnce(s, r > 0);
}
const first = setups[0];
for (const s of setups) {
  s.team.close();
  const i = first.firedPerTick.findIndex((x, t) => x !== s.firedPerTick[t]);
  if (i >= 0) throw new Error(`${s.v.name}: ${s.firedPerTick[i]} neurons fired at tick ${i}, ${first.v.name}: ${first.firedPerTick[i]}`);
  const rest = (r) => { let x = 0; for (let p = 1; p < s.P; p++) x += s.perPart[p][r]; return x / Math.max(1, s.P - 1); };
  emit({
    benchmark: "parts-sequential", network: net, arch, steps, variant: s.v.name, parts: s.P, bounds: Array.from(s.team.bounds), runs,
    partSecondsMedian: median(s.sums), partSecondsMin: Math.min(...s.sums), perPartSeconds: s.perPart.map(median),
    overFirst: median(s.sums.map((x, r) => x / first.sums[r])),
    part0OverRest: s.P > 1 ? median(s.perPart[0].map((x, r) => x / rest(r))) : null,
    ...closingFields(),
  });
}

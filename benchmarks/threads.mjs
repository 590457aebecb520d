// Multi-threaded simulation (issue 8): the same network run with 1 and N threads, alternating, in fresh
// processes. Prints one JSON record per thread count and one summary record:
//   cold  – the first run of a process (JIT warm-up and GC of the load/compile phases included), as a
//           one-off CLI run sees it;
//   warm  – later runs of the same state in the same process (the team of threads reused), the steady
//           state of sweeps and repeated runs;
//   teamStartSeconds – starting the workers and building their parts (outside the simulation phase, as
//           building the state is);
//   identical – every thread count produced the same SHA-256 of spikes, counters and latencies;
//   machineParallelEfficiency – two independent one-thread processes at once vs one alone (warm runs):
//           1.0 means the machine runs two threads at full speed; the speed-up of N threads is bounded
//           by about N × this.
//   paired – one process per round holding both a one-thread state and a team of N threads, their warm runs
//           alternating (order swapped every pair, a pause before each): the speed-up as the median of the
//           pairs' ratios. On this project's 2-vCPU VMs whole-run times swing by ~30 % between processes
//           and over minutes; runs side by side in one process see the same machine, so this is the
//           steadier measure. The separate-process figures above stay, as a one-off CLI run sees them.
// Usage: node benchmarks/threads.mjs [--pairs N] [net=bench_lif10k] [arch=generic] [threads=2] [rounds=3] [warmRuns=4] [timing=none] [steps]
//   --pairs N: pairs per round of the paired measure (default warmRuns).
//   timing: none (as bench_lif10k), simple (the main thread counts and times each tick) or detailed (as the
//   CLI runs it: the extra threads are timing threads, chip/timing/thread.ts, started by each run; no team).
// Child modes (internal): node benchmarks/threads.mjs --child|--paired <net> <arch> <threads> <warmRuns> <timing> [steps]
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { closingFields, dist, emit, now, seconds, takeOption } from "./lib.mjs";

const self = fileURLToPath(import.meta.url);
/** Pause before each run of a paired child, ms: longer than the workers' longest spin (control.ts SPIN_MS, 2 ms). */
const PAIR_PAUSE_MS = 40;
const root = resolve(dirname(self), "..");

if (process.argv[2] === "--child" || process.argv[2] === "--paired") {
  const paired = process.argv[2] === "--paired";
  const [net, arch, threadsArg, warmArg, timingName, stepsArg] = process.argv.slice(3);
  const { loadJsonModel } = await dist("compiler/frontends/load-model.js");
  const { compileModel } = await dist("compiler/compile.js");
  const { buildSimState, resetNeuronState } = await dist("chip/sim/state.js");
  const { runState } = await dist("chip/sim/run.js");
  const { threadTeamFor } = await dist("chip/sim/threads/team.js");
  const { loadChipSpecJson } = await dist("chip/spec/load.js");
  const { createTimingModel } = await dist("chip/timing/index.js");
  const model = loadJsonModel(net);
  const spec = loadChipSpecJson(arch);
  const { program } = compileModel(model.graph, spec, {});
  const steps = stepsArg === undefined ? model.graph.defaultSteps : Number(stepsArg);
  const threads = Number(threadsArg);
  const timing = timingName === "none" ? {} : { timing: createTimingModel(timingName), timingPerPacket: timingName === "detailed" };
  // The detailed model's extra threads schedule the ticks (timing threads) rather than run the cores.
  const timingThreads = timingName === "detailed";
  const makeTeam = (st) => (threads > 1 && !timingThreads ? threadTeamFor(spec, program, st, threads) : undefined);
  const threadOpts = (team) => (team !== undefined ? { team } : timingThreads && threads > 1 ? { threads } : {});
  // One run of a state (and team): seconds and the SHA-256 of spikes, counters and latencies.
  const runOnce = (st, team, many) => {
    resetNeuronState(st);
    if (team !== undefined) { team.busySeconds.fill(0); team.waitSeconds = 0; }
    const a = now();
    const res = runState(spec, program, st, model.stimulus, { steps, ...timing, ...(many ? threadOpts(team) : {}) });
    const s = seconds(a, now());
    const h = createHash("sha256");
    for (const [name, p] of res.spikes) h.update(name).update(new Uint8Array(p.tick.buffer, p.tick.byteOffset, p.tick.byteLength)).update(new Uint8Array(p.neuron.buffer, p.neuron.byteOffset, p.neuron.byteLength));
    for (const a of [res.counters.perCore, res.counters.perTick, res.tickLatencyNs, res.synapticEventsDeliveredByProjection]) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    return { seconds: s, digest: h.digest("hex"), synapticEvents: res.counters.synOpsByTickEncoding.reduce((x, y) => x + y, 0), kernels: res.kernels };
  };
  if (paired) {
    // One process, two states of the network: one run by this thread alone, one by a team of `threads`.
    // Their runs alternate (the order swapped every pair), each after a pause in which the idle team's
    // workers stop spinning and sleep, so both see the same machine; the first pair warms up and is dropped.
    const st1 = buildSimState(spec, program, { shared: true });
    const stN = buildSimState(spec, program, { shared: true });
    const team = makeTeam(stN);
    team?.awaitStart();
    const one = [];
    const many = [];
    const digests = new Set();
    let synapticEvents = 0;
    for (let i = 0; i < 1 + Number(warmArg); i++) {
      const order = i % 2 === 0 ? [false, true] : [true, false];
      for (const isMany of order) {
        await new Promise((ok) => setTimeout(ok, PAIR_PAUSE_MS));
        const r = runOnce(isMany ? stN : st1, isMany ? team : undefined, isMany);
        digests.add(r.digest);
        synapticEvents = r.synapticEvents;
        if (i > 0) (isMany ? many : one).push(r.seconds);
      }
    }
    team?.close();
    process.stdout.write(`${JSON.stringify({ threads, oneSeconds: one, manySeconds: many, digest: digests.size === 1 ? [...digests][0] : "differ", synapticEvents, steps })}\n`);
    process.exit(0);
  }
  const st = buildSimState(spec, program, { shared: true });
  const t0 = now();
  const team = makeTeam(st);
  team?.awaitStart();
  const teamStartSeconds = seconds(t0, now());
  const runs = [];
  const busy = [];
  let digest = "";
  let synapticEvents = 0;
  let kernels = "";
  for (let r = 0; r < 1 + Number(warmArg); r++) {
    const res = runOnce(st, team, threads > 1);
    runs.push(res.seconds);
    if (team !== undefined) busy.push({ partSeconds: Array.from(team.busySeconds), mainWaitSeconds: team.waitSeconds });
    if (digest !== "" && res.digest !== digest) throw new Error("outputs differ between runs of one process");
    digest = res.digest;
    synapticEvents = res.synapticEvents;
    kernels = res.kernels;
  }
  team?.close();
  process.stdout.write(`${JSON.stringify({ threads: team?.threads ?? threads, timingThreads: team === undefined && timingThreads && threads > 1 ? threads - 1 : 0, kernels, teamStartSeconds, coldSeconds: runs[0], warmSeconds: runs.slice(1), busy, digest, synapticEvents, steps, ...closingFields() })}\n`);
  process.exit(0);
}

const cliArgs = process.argv.slice(2);
// Pairs per round of the paired measure (default: warmRuns); more pairs narrow its median on a noisy host.
const pairsArg = takeOption(cliArgs, "--pairs", undefined);
const [netArg = "bench_lif10k", arch = "generic", threadsArg = "2", roundsArg = "3", warmArg = "4", timingName = "none", stepsArg] = cliArgs;
const net = existsSync(netArg) ? netArg : join(root, "../shared/fixtures/snnref/bench", `${netArg}.net.json.gz`);
if (!existsSync(net)) {
  emit({ benchmark: "threads", skipped: `${net} not found (../shared absent)` });
  process.exit(0);
}
const counts = [1, ...threadsArg.split(",").map(Number).filter((n) => n > 1)];

function child(threads, mode = "--child", warm = warmArg) {
  return new Promise((ok, fail) => {
    const p = spawn(process.execPath, [self, mode, net, arch, String(threads), warm, timingName, ...(stepsArg === undefined ? [] : [stepsArg])], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    p.stdout.on("data", (d) => { out += d; });
    p.on("close", (code) => (code === 0 ? ok(JSON.parse(out)) : fail(new Error(`child (${threads} threads) exited ${code}`))));
  });
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const results = new Map(counts.map((c) => [c, []]));
for (let round = 0; round < Number(roundsArg); round++) {
  for (const c of counts) results.get(c).push(await child(c));
}
// The machine's own parallel efficiency: two one-thread processes at once.
const alone = results.get(1).flatMap((r) => r.warmSeconds);
const pair = (await Promise.all([child(1), child(1)])).flatMap((r) => r.warmSeconds);
const machineParallelEfficiency = median(alone) / median(pair);

// 1 and N threads side by side in one process per round (N: the largest count asked for).
const pairedThreads = counts[counts.length - 1];
const pairedRuns = [];
if (pairedThreads > 1) for (let round = 0; round < Number(roundsArg); round++) pairedRuns.push(await child(pairedThreads, "--paired", pairsArg ?? warmArg));

const digests = new Set([...[...results.values()].flat(), ...pairedRuns].map((r) => r.digest));
const base = results.get(1);
const summary = { benchmark: "threads", network: net.replace(`${root}/`, ""), arch, timing: timingName, steps: base[0].steps, synapticEvents: base[0].synapticEvents, rounds: Number(roundsArg), identical: digests.size === 1, byThreads: [] };
for (const c of counts) {
  const rs = results.get(c);
  const cold = rs.map((r) => r.coldSeconds);
  const warm = rs.flatMap((r) => r.warmSeconds);
  const rec = {
    threads: c, threadsUsed: rs[0].threads, timingThreads: rs[0].timingThreads ?? 0, kernels: rs[0].kernels,
    coldSecondsBest: Math.min(...cold), coldSecondsMedian: median(cold),
    warmSecondsBest: Math.min(...warm), warmSecondsMedian: median(warm),
    warmEventsPerSecond: base[0].synapticEvents / median(warm),
    teamStartSecondsMedian: median(rs.map((r) => r.teamStartSeconds)),
    speedupColdMedian: median(base.map((r) => r.coldSeconds)) / median(cold),
    speedupWarmMedian: median(base.flatMap((r) => r.warmSeconds)) / median(warm),
    speedupWarmBest: Math.min(...base.flatMap((r) => r.warmSeconds)) / Math.min(...warm),
  };
  summary.byThreads.push(rec);
}
if (pairedRuns.length > 0) {
  const one = pairedRuns.flatMap((r) => r.oneSeconds);
  const many = pairedRuns.flatMap((r) => r.manySeconds);
  const ratios = one.map((s, i) => s / many[i]);
  summary.paired = {
    threads: pairedThreads, threadsUsed: pairedRuns[0].threads, pairs: ratios.length,
    oneThreadWarmSecondsMedian: median(one), threadsWarmSecondsMedian: median(many),
    speedupMedianOfPairs: median(ratios), speedupBestPair: Math.max(...ratios), speedupWorstPair: Math.min(...ratios),
  };
}
emit({ ...summary, machineParallelEfficiency, oneThreadWarmAloneMedian: median(alone), oneThreadWarmPairedMedian: median(pair), ...closingFields() });
if (digests.size !== 1) process.exitCode = 1;

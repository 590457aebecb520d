// Compares builds of the engine within one process (a tool, not part of the suite): each build (a dist
// directory inside the repository, e.g. one made with `npx tsc -p tsconfig.build.json --outDir
// .bench-out/<name>`) loads its own modules, builds its own state of the network and, with --threads N,
// its own team of workers. Runs alternate between the builds, with a pause before each so that the idle
// team's workers have gone to sleep.
//
// Why: on the 2-vCPU VMs this project is measured on, whole-run times of one build swing by 30 % between
// processes and over minutes (the host), so one process per build, even alternately, cannot resolve
// differences of a few percent. Runs of two builds minutes apart differ by the machine; runs next to each
// other in one process see the same machine. The paired ratio (build / first build, run by run) is the
// measure; the first argument is the baseline. An A/A comparison (the same build twice) gave paired
// medians of 0.99–1.01.
//
// Usage: node benchmarks/compare-builds.mjs [--threads N] [--runs R] [--pause MS] [--net file] [--arch name] [--timing none|simple|detailed] <dist>[@share] <dist>[@share] ...
//   @share: that build's team with part 0's share of the work set (team.ts MAIN_SHARE), e.g. dist@0.9.
// Prints one JSON record per build: step (simulation) and whole-run (start + step + finish) medians and
// minima in ms, the medians of the run-by-run ratios to the first build, how many runs were faster, and
// with threads each part's busy time and the main thread's wait (team.busySeconds, team.waitSeconds).
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { emit, takeOption } from "./lib.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const opt = (name, fallback) => takeOption(args, name, fallback);
const threads = Number(opt("--threads", "2"));
const runs = Number(opt("--runs", "20"));
const pauseMs = Number(opt("--pause", "40"));
const net = opt("--net", join(root, "../shared/fixtures/snnref/bench/bench_lif10k.net.json.gz"));
const arch = opt("--arch", "generic");
const timingName = opt("--timing", "none");
const WARMUP = 2;
if (args.length < 2) {
  process.stderr.write("usage: node benchmarks/compare-builds.mjs [--threads N] [--runs R] [--pause MS] [--net file] [--arch name] [--timing none|simple|detailed] <dist> <dist> ...\n");
  process.exit(2);
}
if (!existsSync(net)) {
  emit({ benchmark: "compare-builds", skipped: `${net} not found (../shared absent)` });
  process.exit(0);
}

const builds = [];
for (const arg of args) {
  // <dist>@<share>: that build with part 0's share of the work (team.ts MAIN_SHARE) set to <share>.
  const [dir, shareArg] = arg.split("@");
  const base = `${pathToFileURL(resolve(dir)).href}/`;
  const d = (rel) => import(new URL(rel, base).href);
  const { loadJsonModel } = await d("compiler/frontends/load-model.js");
  const { compileModel } = await d("compiler/compile.js");
  const { buildSimState, resetNeuronState } = await d("chip/sim/state.js");
  const { startRun } = await d("chip/sim/run.js");
  const { threadTeamFor, createThreadTeam } = await d("chip/sim/threads/team.js");
  const { coreClassesOf } = await d("chip/sim/update.js");
  const { countsUpdatesWithInput } = await d("chip/sim/update-context.js");
  const { loadChipSpecJson } = await d("chip/spec/load.js");
  const { createTimingModel } = await d("chip/timing/index.js");
  const model = loadJsonModel(net);
  const spec = loadChipSpecJson(arch);
  const { program } = compileModel(model.graph, spec, {});
  const st = buildSimState(spec, program, { shared: true });
  const team = threads <= 1 ? undefined : shareArg === undefined ? threadTeamFor(spec, program, st, threads)
    : createThreadTeam(st, { threads, mainShare: Number(shareArg), coreClass: coreClassesOf(st, program.fixedPoint !== undefined), fixedPoint: program.fixedPoint, updatedWithInput: countsUpdatesWithInput(spec) });
  team?.awaitStart();
  const timing = timingName === "none" ? {} : { timing: createTimingModel(timingName), timingPerPacket: timingName === "detailed" };
  builds.push({ dir: arg, model, spec, program, st, team, timing, resetNeuronState, startRun, step: [], whole: [], busy: [] });
}

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
for (let r = 0; r < WARMUP + runs; r++) {
  for (const b of builds) {
    await sleep(pauseMs);
    b.resetNeuronState(b.st);
    if (b.team !== undefined) { b.team.busySeconds.fill(0); b.team.waitSeconds = 0; }
    const t0 = performance.now();
    const run = b.startRun(b.spec, b.program, b.st, b.model.stimulus, { steps: b.model.graph.defaultSteps, ...b.timing, ...(b.team === undefined ? {} : { team: b.team }) });
    const t1 = performance.now();
    run.step();
    const t2 = performance.now();
    run.finish();
    const t3 = performance.now();
    if (r < WARMUP) continue;
    b.step.push(t2 - t1);
    b.whole.push(t3 - t0);
    if (b.team !== undefined) b.busy.push([...Array.from(b.team.busySeconds, (s) => s * 1e3), b.team.waitSeconds * 1e3]);
  }
}
for (const b of builds) b.team?.close();

const median = (xs) => { const s = [...xs].sort((x, y) => x - y); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const round = (x) => Math.round(x * 1000) / 1000;
const first = builds[0];
for (const b of builds) {
  const stepRatio = b.step.map((s, i) => s / first.step[i]);
  const wholeRatio = b.whole.map((s, i) => s / first.whole[i]);
  emit({
    benchmark: "compare-builds", build: b.dir, baseline: first.dir, network: net.replace(`${root}/`, ""), arch, timing: timingName, threads: b.team?.threads ?? 1, runs,
    stepMsMedian: round(median(b.step)), stepMsMin: round(Math.min(...b.step)), wholeMsMedian: round(median(b.whole)), wholeMsMin: round(Math.min(...b.whole)),
    stepRatioMedian: round(median(stepRatio)), wholeRatioMedian: round(median(wholeRatio)), runsFaster: stepRatio.filter((x) => x < 1).length,
    ...(b.team === undefined ? {} : { partBusyMsMedian: b.busy[0].slice(0, -1).map((_, j) => round(median(b.busy.map((x) => x[j])))), mainWaitMsMedian: round(median(b.busy.map((x) => x.at(-1)))) }),
  });
}
process.exit(0);

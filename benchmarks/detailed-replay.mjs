// Replays the ticks of SANA-FE's DVS network (1000 steps on its Loihi file) through the `detailed` timing
// model's WebAssembly scheduler of one or more builds, in one process (a tool, not part of the suite).
// The simulation runs once, with the first build, recording every tick's TickWork (packet records and
// per-core counts); then each build's WasmDetailedScheduler schedules all ticks, builds alternating run by
// run. Checks that every build gives the first build's latency, tick by tick, bit for bit.
//
// Why: the schedule is ~60% of the DVS detailed simulation (3.7M packets); a whole run mixes it with the
// simulation's own time and this VM's drift, so small changes to the kernel are measured here.
// Usage: node benchmarks/detailed-replay.mjs [--runs R] [--steps S] <dist> [<dist> ...]
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { emit, takeOption } from "./lib.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const opt = (name, fallback) => takeOption(args, name, fallback);
const runs = Number(opt("--runs", "9"));
const steps = Number(opt("--steps", "1000"));
const sanafe = join(root, "../shared/fixtures/sanafe");
if (args.length < 1) {
  process.stderr.write("usage: node benchmarks/detailed-replay.mjs [--runs R] [--steps S] <dist> [<dist> ...]\n");
  process.exit(2);
}
if (!existsSync(join(sanafe, "dvs.yaml"))) {
  emit({ benchmark: "detailed-replay", skipped: `${sanafe}/dvs.yaml not found (../shared absent)` });
  process.exit(0);
}
const modules = async (dir) => {
  const base = `${pathToFileURL(resolve(dir)).href}/`;
  return (rel) => import(new URL(rel, base).href);
};

// Record every tick's work with the first build.
const d0 = await modules(args[0]);
const { loadSanafe, loadSanafeArch } = await d0("compiler/frontends/sanafe/index.js");
const { compileModel } = await d0("compiler/compile.js");
const { buildSimState } = await d0("chip/sim/state.js");
const { runState } = await d0("chip/sim/run.js");
const arch = loadSanafeArch(join(sanafe, "loihi.yaml"));
const sm = loadSanafe(join(sanafe, "dvs.yaml"), arch);
const { program } = compileModel(sm.graph, arch.spec, { fixedPlacement: sm.placement.coreOf, fixedOrder: sm.placement.orderInCore });
const st = buildSimState(arch.spec, program, {});
const ticks = [];
let coreIds;
let encodings;
const PACKET_FIELDS = ["packetSrc", "packetDst", "packetDx", "packetDy", "packetAccessed", "packetUpdated", "packetFired"];
const CORE_FIELDS = ["neuronsAccessed", "neuronsUpdated", "neuronsFired", "synUpdates"];
const recorder = {
  name: "detailed",
  tickLatencyNs(w) {
    coreIds ??= Uint32Array.from(w.coreIds);
    encodings ??= [...w.encodings];
    const P = w.packetCount;
    const E = w.encodings.length;
    const rec = { P, syncTiles: w.syncTiles, packetSynOps: w.packetSynOps.slice(0, P * E) };
    for (const f of PACKET_FIELDS) rec[f] = w[f].slice(0, P);
    for (const f of CORE_FIELDS) rec[f] = w[f].slice();
    ticks.push(rec);
    return 0;
  },
};
runState(arch.spec, program, st, sm.stimulus(steps), { steps, timing: recorder, timingPerPacket: true });
const packets = ticks.reduce((s, t) => s + t.P, 0);

// Each build: its own TickWork (filled per tick) and scheduler.
const builds = [];
for (const dir of args) {
  const d = await modules(dir);
  const { TickWork } = await d("chip/timing/types.js");
  const { WasmDetailedScheduler } = await d("chip/timing/detailed-wasm.js");
  const work = new TickWork(arch.spec, coreIds, encodings, Math.max(1, ...ticks.map((t) => t.P)));
  builds.push({ dir, work, scheduler: new WasmDetailedScheduler(), ms: [] });
}
const fill = (w, rec) => {
  w.packetCount = rec.P;
  w.syncTiles = rec.syncTiles;
  for (const f of PACKET_FIELDS) w[f].set(rec[f]);
  w.packetSynOps.set(rec.packetSynOps);
  for (const f of CORE_FIELDS) w[f].set(rec[f]);
};
const latencies = builds.map(() => new Float64Array(ticks.length));
const once = (b, bi) => {
  let busy = 0;
  for (let i = 0; i < ticks.length; i++) {
    fill(b.work, ticks[i]);
    const t0 = performance.now();
    latencies[bi][i] = b.scheduler.tickLatencyNs(b.work, arch.spec);
    busy += performance.now() - t0;
  }
  return busy;
};
for (let r = 0; r < runs + 1; r++) {
  const order = r % 2 === 0 ? builds.map((_, i) => i) : builds.map((_, i) => builds.length - 1 - i);
  for (const bi of order) {
    const ms = once(builds[bi], bi);
    if (r > 0) builds[bi].ms.push(ms);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
for (let bi = 0; bi < builds.length; bi++) {
  const b = builds[bi];
  let mismatches = 0;
  for (let i = 0; i < ticks.length; i++) if (!Object.is(latencies[bi][i], latencies[0][i])) mismatches++;
  const ratios = b.ms.map((ms, i) => ms / builds[0].ms[i]);
  emit({
    benchmark: "detailed-replay", dist: b.dir, ticks: ticks.length, packets, medianMs: median(b.ms), minMs: Math.min(...b.ms),
    nsPerPacket: (median(b.ms) * 1e6) / packets, ratioToFirst: median(ratios), latencyMismatches: mismatches,
  });
}

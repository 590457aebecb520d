// `npm run bench`: runs each benchmark in its own Node process (so whole-process time and peak RSS are
// its own) and prints one JSON record per line. Never part of `npm test`. Needs ../shared for the
// reference networks; skipped benchmarks print {"benchmark": ..., "skipped": reason}.
//   node benchmarks/run.mjs                 every benchmark, in order
//   node benchmarks/run.mjs sanafe_dvs_simple bench_lif10k   only these (names as below)
//   node benchmarks/run.mjs --list          the names
//   node benchmarks/run.mjs --repeat 3 ...  run each benchmark's process 3 times (default: `repeat` below)
// A benchmark run several times prints the record of its median run (by simulation time, else by whole-
// process time) with `repeat`: every run's simulation and whole-process seconds, their median and best.
// This VM's neighbours make one process's time vary by ±30%, so single cold runs mislead.
// AERCHIP_DIST=<dir> runs against another build of the tree (see benchmarks/lib.mjs).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const shared = resolve(root, "../shared");
const snn = (f) => join(shared, "fixtures/snnref/bench", f);
const sanafe = (f) => join(shared, "fixtures/sanafe", f);
const GC = ["--expose-gc"];
const BIG_HEAP = ["--expose-gc", "--max-old-space-size=16000"];

const benches = [
  { name: "bench_lif10k", script: "snnref.mjs", repeat: 5, args: [snn("bench_lif10k.net.json.gz"), "generic", "140885"], needs: snn("bench_lif10k.net.json.gz") },
  { name: "bench_stdp2l", script: "snnref.mjs", repeat: 5, args: [snn("bench_stdp2l.net.json.gz"), "generic", "13547"], needs: snn("bench_stdp2l.net.json.gz") },
  { name: "sanafe_dvs_simple", script: "sanafe.mjs", repeat: 3, args: [sanafe("dvs.yaml"), sanafe("loihi.yaml"), "simple", "1000"], needs: sanafe("dvs.yaml") },
  { name: "sanafe_dvs_detailed", script: "sanafe.mjs", repeat: 3, args: [sanafe("dvs.yaml"), sanafe("loihi.yaml"), "detailed", "1000"], needs: sanafe("dvs.yaml") },
  // 1M neurons × fan-out 100 (local window of 1024 neurons), ~10 Hz, 300 one-ms ticks. ~3 min and ~8 GB RSS.
  { name: "synthetic_1M_100M", script: "synthetic.mjs", node: BIG_HEAP, args: ["--neurons=1000000", "--fanOut=100", "--window=1024", "--ticks=300"] },
  { name: "compile_cnn_sinabs", script: "compile.mjs", args: ["nir", join(shared, "fixtures/nir/paper_cnn/cnn_sinabs.nir"), "generic"], needs: join(shared, "fixtures/nir/paper_cnn/cnn_sinabs.nir") },
  { name: "compile_conv_1M", script: "compile.mjs", node: BIG_HEAP, args: ["conv", "generic", "--side=128"] },
  // Multi-threaded runs (--threads 2): the same networks; outputs identical to one thread.
  { name: "bench_lif10k_2threads", script: "snnref.mjs", repeat: 5, args: [snn("bench_lif10k.net.json.gz"), "generic", "140885", "2"], needs: snn("bench_lif10k.net.json.gz") },
  { name: "sanafe_dvs_simple_2threads", script: "sanafe.mjs", args: [sanafe("dvs.yaml"), sanafe("loihi.yaml"), "simple", "1000", "2"], needs: sanafe("dvs.yaml") },
  { name: "sanafe_dvs_detailed_2threads", script: "sanafe.mjs", args: [sanafe("dvs.yaml"), sanafe("loihi.yaml"), "detailed", "1000", "2"], needs: sanafe("dvs.yaml") },
  // 1 vs 2 threads alternating in fresh processes, cold and warm, with the machine's own parallel efficiency.
  { name: "threads_lif10k", script: "threads.mjs", args: ["--pairs", "12", "bench_lif10k", "generic", "2", "3", "4", "none"], needs: snn("bench_lif10k.net.json.gz") },
  // The same with the `simple` latency, the CLI's default timing (the parts count their spikes' routes).
  { name: "threads_lif10k_simple", script: "threads.mjs", args: ["--pairs", "12", "bench_lif10k", "generic", "2", "3", "4", "simple"], needs: snn("bench_lif10k.net.json.gz") },
  // The detailed model (SANA-FE's message schedule) on bench_lif10k: the second thread is a timing thread.
  { name: "threads_lif10k_detailed", script: "threads.mjs", args: ["bench_lif10k", "generic", "2", "3", "2", "detailed"], needs: snn("bench_lif10k.net.json.gz") },
  { name: "heap_lif10k_5000", script: "heap.mjs", node: GC, args: [snn("bench_lif10k.net.json.gz"), "5", "500"], needs: snn("bench_lif10k.net.json.gz") },
];

let argv = process.argv.slice(2);
let repeatAll;
const ri = argv.indexOf("--repeat");
if (ri >= 0) {
  repeatAll = Number(argv[ri + 1]);
  if (!Number.isInteger(repeatAll) || repeatAll < 1) {
    process.stderr.write(`--repeat needs a whole number ≥ 1, got ${argv[ri + 1]}\n`);
    process.exit(2);
  }
  argv = [...argv.slice(0, ri), ...argv.slice(ri + 2)];
}
if (argv.includes("--list")) {
  for (const b of benches) process.stdout.write(`${b.name}\n`);
  process.exit(0);
}
const unknown = argv.filter((a) => !benches.some((b) => b.name === a));
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark(s): ${unknown.join(", ")}; known: ${benches.map((b) => b.name).join(", ")}\n`);
  process.exit(2);
}
let failed = 0;
for (const b of benches) {
  if (argv.length > 0 && !argv.includes(b.name)) continue;
  if (b.needs !== undefined && !existsSync(b.needs)) {
    process.stdout.write(`${JSON.stringify({ benchmark: b.name, skipped: `${b.needs} not found (../shared absent)` })}\n`);
    continue;
  }
  const times = repeatAll ?? b.repeat ?? 1;
  const outputs = [];
  for (let i = 0; i < times; i++) {
    const r = spawnSync(process.execPath, [...(b.node ?? []), join(root, "benchmarks", b.script), ...b.args], { cwd: root, encoding: "utf8", maxBuffer: 1 << 26, stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, AERCHIP_BENCH_NAME: b.name } });
    if (r.status !== 0) {
      outputs.length = 0;
      process.stdout.write(`${JSON.stringify({ benchmark: b.name, failed: `exit ${r.status ?? r.signal}` })}\n`);
      break;
    }
    outputs.push(r.stdout);
  }
  if (outputs.length === 0) {
    failed++;
    continue;
  }
  process.stdout.write(times === 1 ? outputs[0] : medianRecords(outputs));
}

/** The records of several runs of one benchmark process: each record of the median run, with `repeat`. */
function medianRecords(outputs) {
  const runs = outputs.map((o) => o.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l)));
  const key = (recs) => recs[0].simulationSeconds ?? recs[0].wholeProcessSeconds ?? 0;
  const order = runs.map((_, i) => i).sort((a, b) => key(runs[a]) - key(runs[b]));
  const mid = runs[order[(order.length - 1) >> 1]];
  const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
  return mid.map((rec, j) => {
    const repeat = { runs: runs.length };
    for (const field of ["simulationSeconds", "wholeProcessSeconds", "synapticEventsPerSecond", "peakRssMb"]) {
      const xs = runs.map((rs) => rs[j]?.[field]).filter((x) => typeof x === "number");
      if (xs.length === 0) continue;
      repeat[field] = { all: xs, median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
    }
    return `${JSON.stringify({ ...rec, repeat })}\n`;
  }).join("");
}
process.exitCode = failed > 0 ? 1 : 0;

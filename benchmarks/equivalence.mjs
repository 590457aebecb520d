// Bit-for-bit equivalence of two builds of the simulator: runs a set of networks through a reference
// build and the build under test (same compiled program, same stimulus) and compares every output array
// of the SimResult — spikes, every counter array, per-tick latency, final weights, delivered events,
// recorded potentials — element by element with Object.is (so −0 ≠ +0 and NaN = NaN). The build under
// test is also run with every synapse layout it can take (layout option of buildSimState), and in
// chunks (startRun + step) when it has startRun. Prints one line per case and exits 1 on any mismatch.
// Usage: node benchmarks/equivalence.mjs --base=<reference dist> [--test=<dist, default dist/>] [--quick]
// Needs ../shared. Example: npx tsc -p tsconfig.build.json --outDir .bench-out/base (from a clean
// checkout), then `npm run build && node benchmarks/equivalence.mjs --base=.bench-out/base`.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const args = Object.fromEntries(process.argv.slice(2).map((a) => { const m = /^--([^=]+)(?:=(.*))?$/.exec(a); return m === null ? [a, true] : [m[1], m[2] ?? true]; }));
if (args.base === undefined) { process.stderr.write("usage: node benchmarks/equivalence.mjs --base=<reference dist> [--test=<dist>] [--quick]\n"); process.exit(2); }
const root = resolve(new URL("..", import.meta.url).pathname);
const shared = resolve(root, "../shared");
if (!existsSync(shared)) { process.stdout.write("skipped: ../shared not found\n"); process.exit(0); }
const quick = args.quick === true;

async function build(dir) {
  const base = `${pathToFileURL(resolve(dir)).href}/`;
  const im = (rel) => import(new URL(rel, base).href);
  return {
    dir,
    ...(await im("compiler/frontends/load-model.js")),
    ...(await im("compiler/compile.js")),
    ...(await im("chip/sim/state.js")),
    ...(await im("chip/sim/run.js")),
    ...(await im("chip/spec/load.js")),
    ...(await im("chip/timing/index.js")),
    ...(await im("compiler/frontends/sanafe/index.js")),
    ...(await im("compiler/frontends/nir/index.js")),
    ...(await im("core/rng.js")),
  };
}
const ref = await build(args.base);
const test = await build(args.test ?? join(root, "dist"));

/** Flattens a SimResult into named arrays. */
function arraysOf(res) {
  const out = new Map();
  for (const [name, sp] of res.spikes) { out.set(`spikes.${name}.tick`, sp.tick); out.set(`spikes.${name}.neuron`, sp.neuron); }
  for (const [k, v] of Object.entries(res.counters)) if (k !== "tickCore") out.set(`counters.${k}`, v);
  out.set("tickLatencyNs", res.tickLatencyNs);
  out.set("delivered", res.synapticEventsDeliveredByProjection);
  for (const [name, w] of res.finalWeights) out.set(`finalWeights.${name}`, w);
  for (const [name, v] of res.voltages) out.set(`voltages.${name}`, v);
  return out;
}

function compare(a, b) {
  const A = arraysOf(a);
  const B = arraysOf(b);
  const diffs = [];
  for (const key of new Set([...A.keys(), ...B.keys()])) {
    const x = A.get(key);
    const y = B.get(key);
    if (x === undefined || y === undefined) { diffs.push(`${key}: missing in ${x === undefined ? "reference" : "test"}`); continue; }
    if (x.length !== y.length) { diffs.push(`${key}: length ${x.length} vs ${y.length}`); continue; }
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) { diffs.push(`${key}[${i}]: ${x[i]} vs ${y[i]}`); break; }
  }
  if (a.steps !== b.steps) diffs.push(`steps ${a.steps} vs ${b.steps}`);
  return diffs;
}

const cases = [];
const snn = (f) => join(shared, "fixtures/snnref", f);
for (const f of ["c01_if_dense_tiny", "c02_lif_subtract_sparse", "c04_ei_2000_int", "c05_stdp_all2all_dense", "c08_bias_chain"]) {
  cases.push({ name: `${f} generic`, kind: "json", file: snn(`${f}.net.json`), arch: "generic" });
  cases.push({ name: `${f} generic detailed`, kind: "json", file: snn(`${f}.net.json`), arch: "generic", timing: "detailed" });
}
cases.push({ name: "c04 fixed loihi", kind: "json", file: snn("c04_ei_2000_int.net.json"), arch: "loihi", compile: { precision: "fixed" } });
cases.push({ name: "demo 37/core simple+voltages", kind: "json", file: join(root, "examples/demo/ei-small.net.json"), arch: "generic", maxNeurons: 37, timing: "simple", record: ["E"] });
cases.push({ name: "demo 37/core detailed", kind: "json", file: join(root, "examples/demo/ei-small.net.json"), arch: "generic", maxNeurons: 37, timing: "detailed" });
cases.push({ name: "sanafe example_snn simple", kind: "sanafe", file: join(shared, "fixtures/sanafe/example_snn.yaml"), arch: join(shared, "fixtures/sanafe/example_chip.yaml"), timing: "simple", steps: 100 });
cases.push({ name: "sanafe dvs detailed 200", kind: "sanafe", file: join(shared, "fixtures/sanafe/dvs.yaml"), arch: join(shared, "fixtures/sanafe/loihi.yaml"), timing: "detailed", steps: quick ? 50 : 200 });
cases.push({ name: "sanafe dvs simple 200", kind: "sanafe", file: join(shared, "fixtures/sanafe/dvs.yaml"), arch: join(shared, "fixtures/sanafe/loihi.yaml"), timing: "simple", steps: quick ? 50 : 200 });
cases.push({ name: "nir cnn_sinabs random input", kind: "nir", file: join(shared, "fixtures/nir/paper_cnn/cnn_sinabs.nir"), arch: "generic", steps: 20 });
if (!quick) {
  cases.push({ name: "bench_lif10k", kind: "json", file: snn("bench/bench_lif10k.net.json.gz"), arch: "generic" });
  cases.push({ name: "bench_stdp2l", kind: "json", file: snn("bench/bench_stdp2l.net.json.gz"), arch: "generic" });
}

async function prepare(c) {
  if (c.kind === "json") {
    const model = ref.loadJsonModel(c.file);
    let spec = ref.loadChipSpecJson(c.arch);
    if (c.maxNeurons !== undefined) spec = { ...spec, core: { ...spec.core, maxNeurons: c.maxNeurons } };
    return { spec, graph: model.graph, stimulus: model.stimulus, steps: model.graph.defaultSteps, compile: c.compile ?? {} };
  }
  if (c.kind === "sanafe") {
    const sm = ref.loadSanafe(c.file, c.arch);
    return { spec: sm.arch.spec, graph: sm.graph, stimulus: sm.stimulus(c.steps), steps: c.steps, compile: { fixedPlacement: sm.placement.coreOf, fixedOrder: sm.placement.orderInCore } };
  }
  const m = await ref.loadNirModel(c.file);
  const rng = ref.createRng(7);
  const size = m.inputShape.reduce((a, b) => a * b, 1);
  const tick = [];
  const neuron = [];
  for (let t = 0; t < c.steps; t++) for (let i = 0; i < size; i++) if (rng.nextFloat() < 0.05) { tick.push(t); neuron.push(i); }
  const stimulus = { spikes: new Map([[m.inputPopulation, { tick: Int32Array.from(tick), neuron: Int32Array.from(neuron) }]]) };
  const readouts = m.nodes.filter((n) => !n.spiking && n.type !== "Input").map((n) => n.population);
  return { spec: ref.loadChipSpecJson(c.arch), graph: m.graph, stimulus, steps: c.steps + m.extraTicks, compile: {}, record: readouts };
}

let failures = 0;
for (const c of cases) {
  if (!existsSync(c.file)) { process.stdout.write(`skip  ${c.name}: ${c.file} not found\n`); continue; }
  const p = await prepare(c);
  const { program } = ref.compileModel(p.graph, p.spec, p.compile);
  const opts = (b) => ({
    steps: p.steps,
    ...(c.timing === undefined ? {} : { timing: b.createTimingModel(c.timing), timingPerPacket: c.timing === "detailed" }),
    ...((c.record ?? p.record) === undefined ? {} : { recordVoltages: c.record ?? p.record }),
  });
  const want = ref.runState(p.spec, program, ref.buildSimState(p.spec, program), p.stimulus, opts(ref));
  const plastic = program.projections.some((pr) => pr.plasticity !== undefined || pr.learning !== undefined);
  const variants = [{ label: "default", build: {} }];
  if (!plastic && test.startRun !== undefined) {
    variants.push({ label: "flat32", build: { layout: "flat32" } }, { label: "offset16", build: { layout: "offset16" } }, { label: "float64", build: { float64Weights: true } });
  }
  for (const v of variants) {
    let got;
    let layout = "";
    try {
      const st = test.buildSimState(p.spec, program, v.build);
      layout = st.synapses === undefined ? "" : `${st.synapses.kind}/${st.synapses.weights.kind}`;
      if (test.startRun !== undefined && v.label === "default") {
        // In uneven chunks, as the CLI runs it.
        const run = test.startRun(p.spec, program, st, p.stimulus, opts(test));
        let chunk = 1;
        while (!run.done) { run.step(chunk); chunk = (chunk * 3) % 17 + 1; }
        got = run.finish();
      } else got = test.runState(p.spec, program, st, p.stimulus, opts(test));
    } catch (e) {
      failures++;
      process.stdout.write(`FAIL  ${c.name} [${v.label}]: ${e.code ?? ""} ${e.message}\n`);
      continue;
    }
    const diffs = compare(want, got);
    if (diffs.length > 0) failures++;
    process.stdout.write(`${diffs.length === 0 ? "ok   " : "FAIL "} ${c.name} [${v.label} ${layout}]${diffs.length === 0 ? "" : `: ${diffs.slice(0, 5).join("; ")}`}\n`);
  }
}
process.stdout.write(failures === 0 ? "all equal\n" : `${failures} mismatching case(s)\n`);
process.exitCode = failures === 0 ? 0 : 1;

// Guard for compiler speed work (issue 8): compiles a fixed set of inputs and prints, per case, the SHA-256
// of the encoded ChipProgram (chip/program/codec.ts encodeProgram), of the mapping report (as mapping.json
// is written), of the stimulus the front end produced and of the fixed-point quantisation report. A change
// to the front ends or the passes that is meant to be a pure speed-up must leave every line unchanged.
//
//   node benchmarks/program-digest.mjs > before.txt      (after `npm run build`, or with AERCHIP_DIST=<dir>)
//   node benchmarks/program-digest.mjs > after.txt && diff before.txt after.txt
//   node benchmarks/program-digest.mjs --only=dvs        only cases whose name contains "dvs"
//
// Cases: the demo network, every snnref fixture (incl. bench_lif10k and bench_stdp2l), the SANA-FE
// fixtures on their architectures (the file's own mapping and aerchip's remapping), the NIR fixtures, a
// small grouped-conv stack and a synthetic local/random recurrent net, each with the default (greedy)
// placement and with others (random, linear, no packing, fewer neurons per core, fixed point). Cases whose
// input is missing (../shared absent) print `skipped`.
import { createHash } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { dist } from "./lib.mjs";

const only = process.argv.slice(2).find((a) => a.startsWith("--only="))?.slice(7);
const SHARED = resolve(process.cwd(), "../shared");
const sh = (p) => join(SHARED, p);

const { encodeProgram } = await dist("chip/program/codec.js");
const { compileModel } = await dist("compiler/compile.js");
const { loadJsonModel } = await dist("compiler/frontends/load-model.js");
const { loadChipSpecJson } = await dist("chip/spec/load.js");
const { loadSanafe, loadSanafeArch } = await dist("compiler/frontends/sanafe/index.js");
const { loadNirModel } = await dist("compiler/frontends/nir/index.js");
const { createRng } = await dist("core/rng.js");
const { uniformNeuronParams } = await dist("compiler/ir/types.js");
const { ResetMode } = await dist("chip/program/types.js");

const sha = (bytes) => createHash("sha256").update(bytes).digest("hex").slice(0, 16);
const shaText = (s) => sha(Buffer.from(s, "utf8"));

function stimulusDigest(stimulus) {
  if (stimulus === undefined) return "-";
  const h = createHash("sha256");
  for (const [name, { tick, neuron }] of [...stimulus.spikes].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    h.update(name);
    h.update(new Uint8Array(tick.buffer, tick.byteOffset, tick.byteLength));
    h.update(new Uint8Array(neuron.buffer, neuron.byteOffset, neuron.byteLength));
  }
  return h.digest("hex").slice(0, 16);
}

/** Digest of the graph IR a front end produced (all arrays and scalars, in order). */
function graphDigest(graph) {
  const h = createHash("sha256");
  const put = (v) => {
    if (ArrayBuffer.isView(v)) { h.update(v.constructor.name); h.update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)); return; }
    if (Array.isArray(v)) { h.update("["); v.forEach(put); h.update("]"); return; }
    if (v !== null && typeof v === "object") { for (const k of Object.keys(v).sort()) { h.update(k); put(v[k]); } return; }
    h.update(JSON.stringify(v) ?? "undefined");
  };
  put(graph);
  return h.digest("hex").slice(0, 16);
}

const lines = [];
function record(name, loaded, spec, opts) {
  if (only !== undefined && !name.includes(only)) return;
  let out;
  try {
    const res = compileModel(loaded.graph, spec, opts);
    out = [
      `program=${sha(encodeProgram(res.program))}`,
      `mapping=${shaText(`${JSON.stringify(res.mapping, null, 2)}\n`)}`,
      `graph=${graphDigest(loaded.graph)}`,
      `stimulus=${stimulusDigest(loaded.stimulus)}`,
      `quant=${res.quantisation === undefined ? "-" : shaText(JSON.stringify(res.quantisation))}`,
      `cores=${res.mapping.coresUsed}`,
      `synapses=${res.mapping.synapses}`,
    ].join(" ");
  } catch (e) {
    out = `error=${e.code ?? e.name}: ${e.message}`;
  }
  lines.push(`${name} ${out}`);
  process.stdout.write(`${name} ${out}\n`);
}
const skip = (name, why) => { if (only === undefined || name.includes(only)) process.stdout.write(`${name} skipped: ${why}\n`); };

const generic = loadChipSpecJson("generic");
const small = (spec, maxNeurons) => ({ ...spec, name: `${spec.name}-n${maxNeurons}`, core: { ...spec.core, maxNeurons } });
const placements = (name, loaded, spec, extra = {}) => {
  record(`${name}|greedy`, loaded, spec, { ...extra });
  record(`${name}|random7`, loaded, spec, { ...extra, placement: "random", seed: 7 });
  record(`${name}|linear-nopack`, loaded, spec, { ...extra, placement: "linear", pack: false });
};

// --- JSON models ---
const jsonCases = [["demo", "examples/demo/ei-small.net.json"]];
if (existsSync(sh("fixtures/snnref"))) {
  for (const f of readdirSync(sh("fixtures/snnref")).filter((f) => f.endsWith(".net.json")).sort()) jsonCases.push([f.replace(/\.net\.json$/, ""), sh(`fixtures/snnref/${f}`)]);
  for (const f of readdirSync(sh("fixtures/snnref/bench")).filter((f) => f.endsWith(".net.json.gz")).sort()) jsonCases.push([f.replace(/\.net\.json\.gz$/, ""), sh(`fixtures/snnref/bench/${f}`)]);
} else skip("snnref", "../shared not found");
for (const [name, path] of jsonCases) {
  if (only !== undefined && !name.includes(only)) continue;
  const m = loadJsonModel(path);
  placements(name, m, generic);
  record(`${name}|n64`, m, small(generic, 64), {});
  record(`${name}|fixed`, m, generic, { precision: "fixed" });
  record(`${name}|loihi`, m, loadChipSpecJson("loihi"), {});
}

// --- SANA-FE ---
const sanafeCases = [["dvs", "dvs.yaml", "loihi.yaml"], ["example_snn", "example_snn.yaml", "example_chip.yaml"], ["conv", "conv.yaml", "example_chip.yaml"], ["conv-loihi", "conv.yaml", "loihi.yaml"]];
for (const [name, net, archFile] of sanafeCases) {
  if (only !== undefined && !`sanafe-${name}`.includes(only)) continue;
  if (!existsSync(sh(`fixtures/sanafe/${net}`))) { skip(`sanafe-${name}`, "../shared not found"); continue; }
  const arch = loadSanafeArch(sh(`fixtures/sanafe/${archFile}`));
  const sm = loadSanafe(sh(`fixtures/sanafe/${net}`), arch);
  const loaded = { graph: sm.graph, stimulus: sm.stimulus(Math.min(sm.graph.defaultSteps, 200)) };
  record(`sanafe-${name}|fixed-mapping`, loaded, arch.spec, { fixedPlacement: sm.placement.coreOf, fixedOrder: sm.placement.orderInCore, file: net });
  record(`sanafe-${name}|remap`, loaded, arch.spec, { file: net });
  record(`sanafe-${name}|remap-random3`, loaded, arch.spec, { file: net, placement: "random", seed: 3 });
}

// --- NIR ---
const nirFiles = [
  "paper_cnn/cnn_sinabs.nir", "paper_lif/lif_norse.nir", "paper_lif/lif_rockpool.nir", "paper_lif/two_lif_neurons.nir",
  "paper_rnn/braille_noDelay_bias_zero.nir", "paper_rnn/braille_noDelay_noBias_subtract.nir",
  "snntorch/snntorch_conv_lif.nir", "snntorch/snntorch_dense_lif.nir", "snntorch/snntorch_rleaky_cuba.nir",
];
for (const f of nirFiles) {
  const name = `nir-${f.replace(/^.*\//, "").replace(/\.nir$/, "")}`;
  if (only !== undefined && !name.includes(only)) continue;
  if (!existsSync(sh(`fixtures/nir/${f}`))) { skip(name, "../shared not found"); continue; }
  const m = await loadNirModel(sh(`fixtures/nir/${f}`), { lenient: true });
  placements(name, m, generic);
  record(`${name}|n64`, m, small(generic, 64), {});
  record(`${name}|fixed`, m, generic, { precision: "fixed" });
  const mc = await loadNirModel(sh(`fixtures/nir/${f}`), { lenient: true, bias: "compartment", reset: "subtract" });
  record(`${name}|compartment-bias`, mc, generic, {});
}

// --- synthetic graphs (as benchmarks/compile.mjs conv and benchmarks/synthetic.mjs build them, smaller) ---
function convStack(side, seed) {
  const rng = createRng(seed);
  const layers = [{ c: 8, stride: 1, groups: 1 }, { c: 16, stride: 2, groups: 4 }, { c: 32, stride: 2, groups: 8 }];
  const populations = [{ name: "input", kind: "input", size: 2 * side * side, shape: [2, side, side], spiking: true }];
  const projections = [];
  let [inC, inH, inW] = [2, side, side];
  let prev = "input";
  layers.forEach((L, li) => {
    const outH = Math.floor((inH + 2 - 3) / L.stride) + 1;
    const outW = Math.floor((inW + 2 - 3) / L.stride) + 1;
    const size = L.c * outH * outW;
    const name = `c${li + 1}`;
    populations.push({ name, kind: "neuron", size, shape: [L.c, outH, outW], spiking: true, params: uniformNeuronParams(size, { voltageDecay: 0.9, vThreshold: 1, resetMode: ResetMode.subtract }) });
    const inPerGroup = inC / L.groups;
    const outPerGroup = L.c / L.groups;
    const pre = []; const post = []; const w = []; const d = [];
    for (let oc = 0; oc < L.c; oc++) {
      const g = Math.floor(oc / outPerGroup);
      for (let oy = 0; oy < outH; oy++) for (let ox = 0; ox < outW; ox++) {
        for (let icg = 0; icg < inPerGroup; icg++) for (let ky = 0; ky < 3; ky++) for (let kx = 0; kx < 3; kx++) {
          const iy = oy * L.stride + ky - 1;
          const ix = ox * L.stride + kx - 1;
          if (iy < 0 || iy >= inH || ix < 0 || ix >= inW) continue;
          pre.push(((g * inPerGroup + icg) * inH + iy) * inW + ix);
          post.push((oc * outH + oy) * outW + ox);
          w.push(rng.nextFloat() - 0.5);
          d.push(1 + rng.nextBelow(3));
        }
      }
    }
    projections.push({ name: `${prev}->${name}`, pre: prev, post: name, encoding: "conv", preIndex: Uint32Array.from(pre), postIndex: Uint32Array.from(post), weight: Float64Array.from(w), delayTicks: Uint16Array.from(d) });
    [inC, inH, inW] = [L.c, outH, outW];
    prev = name;
  });
  return { name: `conv_stack_${side}`, defaultSteps: 100, populations, projections };
}
function recurrent(N, F, W, seed) {
  const rng = createRng(seed);
  const params = uniformNeuronParams(N, { voltageDecay: 1, vThreshold: 1, resetMode: ResetMode.zero });
  for (let i = 0; i < N; i++) { params.bias[i] = (0.5 + rng.nextFloat()) * 0.01; params.vInit[i] = rng.nextFloat(); }
  const S = N * F;
  const preIndex = new Uint32Array(S); const postIndex = new Uint32Array(S); const weight = new Float64Array(S); const delayTicks = new Uint16Array(S);
  const half = Math.floor(W / 2);
  for (let i = 0, s = 0; i < N; i++) {
    for (let k = 0; k < F; k++, s++) {
      preIndex[s] = i;
      let j = (i - half + rng.nextBelow(W)) % N;
      if (j < 0) j += N;
      postIndex[s] = j;
      weight[s] = (2 * rng.nextFloat() - 1) * 0.002;
      delayTicks[s] = 1 + rng.nextBelow(4);
    }
  }
  return { name: `recurrent_${N}_${F}_${W}`, defaultSteps: 100, populations: [{ name: "net", kind: "neuron", size: N, shape: [N], spiking: true, params }], projections: [{ name: "rec", pre: "net", post: "net", encoding: "sparse", preIndex, postIndex, weight, delayTicks }] };
}
const big = { ...generic, name: "generic-16x16", mesh: { ...generic.mesh, widthTiles: 16, heightTiles: 16 } };
if (only === undefined || "conv_stack".includes(only) || only.startsWith("conv_stack")) placements("conv_stack_32", { graph: convStack(32, 1) }, big);
if (only === undefined || only.startsWith("recurrent")) {
  placements("recurrent_local", { graph: recurrent(20000, 40, 1024, 2) }, big);
  record("recurrent_random|linear", { graph: recurrent(5000, 40, 5000, 3) }, big, { placement: "linear" });
}

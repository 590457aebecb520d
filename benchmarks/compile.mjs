// One benchmark process: compile time of a model (no simulation). One JSON record with load and compile
// times, the network's size and the cores used.
//   node benchmarks/compile.mjs nir <file.nir> [arch=generic]
//     a NIR graph through the NIR front end (compiler/frontends/nir, loadNirModel); a record with
//     `skipped` when the front end is not in the build.
//   node benchmarks/compile.mjs conv [arch=generic] [--side=128] [--seed=1]
//     a seeded synthetic convolutional stack built directly as a ModelGraph, encoding "conv"
//     (~1.03M neurons at side 128, see convStack below).
import { existsSync } from "node:fs";
import { closingFields, dist, emit, now, seconds } from "./lib.mjs";

const [what, ...rest] = process.argv.slice(2);
const flags = Object.fromEntries(rest.filter((a) => a.startsWith("--")).map((a) => a.slice(2).split("=")));
const positional = rest.filter((a) => !a.startsWith("--"));
const { compileModel } = await dist("compiler/compile.js");
const { loadChipSpecJson } = await dist("chip/spec/load.js");

/**
 * Conv layers (C order [channels, height, width]), 3×3 kernels, padding 1, grouped convolution (each
 * output channel sees inC/groups input channels) so the synapse count stays ~26M:
 *   input 2×S×S → c1 32×S×S (s1, g1, fan-in 18) → c2 64×S/2² (s2, g8, fan-in 36) → c3 128×S/4² (s2, g16)
 *   → c4 256×S/8² (s2, g32) → c5 256×S/16² (s2, g64, fan-in 36).
 * At S = 128: 32,768 inputs + 999,424 neurons, 26.5M synapses. Out neuron (oc, oy, ox) receives
 * w[oc, icg, ky, kx] from input (g·inPerGroup + icg, oy·s + ky − 1, ox·s + kx − 1) when inside the image.
 */
function convStack(side, seed, createRng, uniformNeuronParams, ResetMode) {
  const rng = createRng(seed);
  const layers = [
    { c: 32, stride: 1, groups: 1 }, { c: 64, stride: 2, groups: 8 }, { c: 128, stride: 2, groups: 16 },
    { c: 256, stride: 2, groups: 32 }, { c: 256, stride: 2, groups: 64 },
  ];
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
    const kernel = new Float64Array(L.c * inPerGroup * 9);
    for (let i = 0; i < kernel.length; i++) kernel[i] = (2 * rng.nextFloat() - 1) * 0.5;
    // Count, then fill the coordinate list.
    let S = 0;
    const valid = (y, x) => y >= 0 && y < inH && x >= 0 && x < inW;
    for (let oy = 0; oy < outH; oy++) for (let ox = 0; ox < outW; ox++) for (let ky = 0; ky < 3; ky++) for (let kx = 0; kx < 3; kx++) if (valid(oy * L.stride + ky - 1, ox * L.stride + kx - 1)) S += L.c * inPerGroup;
    const preIndex = new Uint32Array(S);
    const postIndex = new Uint32Array(S);
    const weight = new Float64Array(S);
    const delayTicks = new Uint16Array(S).fill(1);
    let s = 0;
    for (let oc = 0; oc < L.c; oc++) {
      const g = Math.floor(oc / outPerGroup);
      for (let oy = 0; oy < outH; oy++) {
        for (let ox = 0; ox < outW; ox++) {
          const post = (oc * outH + oy) * outW + ox;
          for (let icg = 0; icg < inPerGroup; icg++) {
            const ic = g * inPerGroup + icg;
            for (let ky = 0; ky < 3; ky++) {
              const iy = oy * L.stride + ky - 1;
              if (iy < 0 || iy >= inH) continue;
              for (let kx = 0; kx < 3; kx++) {
                const ix = ox * L.stride + kx - 1;
                if (ix < 0 || ix >= inW) continue;
                preIndex[s] = (ic * inH + iy) * inW + ix;
                postIndex[s] = post;
                weight[s] = kernel[((oc * inPerGroup + icg) * 3 + ky) * 3 + kx];
                s++;
              }
            }
          }
        }
      }
    }
    projections.push({ name: `${prev}->${name}`, pre: prev, post: name, encoding: "conv", preIndex, postIndex, weight, delayTicks });
    [inC, inH, inW] = [L.c, outH, outW];
    prev = name;
  });
  return { name: `conv_stack_${side}`, defaultSteps: 100, populations, projections };
}

const t0 = now();
let graph;
let arch;
let extra = {};
if (what === "nir") {
  const file = positional[0];
  arch = positional[1] ?? "generic";
  let nir;
  try {
    nir = await dist("compiler/frontends/nir/index.js");
  } catch (e) {
    emit({ benchmark: `compile_nir`, skipped: `the NIR front end is not in the build (${e.code ?? e.message})`, ...closingFields() });
    process.exit(0);
  }
  if (file === undefined || !existsSync(file)) {
    emit({ benchmark: "compile_nir", skipped: `${file} not found (../shared absent)`, ...closingFields() });
    process.exit(0);
  }
  const loaded = await nir.loadNirModel(file);
  graph = loaded.graph;
  extra = { file: file.replace(/^.*fixtures\//, "fixtures/"), nirVersion: loaded.nirVersion, warnings: loaded.warnings.length };
} else if (what === "conv") {
  arch = positional[0] ?? "generic";
  const { createRng } = await dist("core/rng.js");
  const { uniformNeuronParams } = await dist("compiler/ir/types.js");
  const { ResetMode } = await dist("chip/program/types.js");
  graph = convStack(Number(flags.side ?? 128), Number(flags.seed ?? 1), createRng, uniformNeuronParams, ResetMode);
} else {
  process.stderr.write("usage: node benchmarks/compile.mjs nir <file.nir> [arch] | conv [arch] [--side=128] [--seed=1]\n");
  process.exit(2);
}
const t1 = now();
let spec = loadChipSpecJson(arch);
const neurons = graph.populations.reduce((a, p) => a + (p.kind === "neuron" ? p.size : 0), 0);
const inputs = graph.populations.reduce((a, p) => a + (p.kind === "input" ? p.size : 0), 0);
const synapses = graph.projections.reduce((a, p) => a + p.preIndex.length, 0);
// A chip big enough: enough tiles for ~3× the cores the synapse memory alone needs (the preset's mesh otherwise).
const coresNeeded = Math.ceil(((neurons + inputs) * 1.0) / spec.core.maxNeurons) + Math.ceil((synapses * 27) / spec.core.synapseMemoryBits);
const side = Math.max(spec.mesh.widthTiles, Math.ceil(Math.sqrt((3 * coresNeeded) / spec.mesh.coresPerTile)));
if (side > spec.mesh.widthTiles) spec = { ...spec, name: `${spec.name}-${side}x${side}`, mesh: { ...spec.mesh, widthTiles: side, heightTiles: side } };
let result;
try {
  result = compileModel(graph, spec, flags.placement === undefined ? {} : { placement: flags.placement });
} catch (e) {
  emit({ benchmark: `compile_${graph.name}`, arch: spec.name, neurons, inputs, synapses, failed: `${e.code ?? ""} ${e.message}`, compileSeconds: seconds(t1, now()), ...closingFields() });
  process.exit(0);
}
const t2 = now();
emit({
  benchmark: `compile_${graph.name}`, ...extra, arch: spec.name, neurons, inputs, synapses,
  synapsesStored: result.mapping.synapses, coresUsed: result.mapping.coresUsed,
  loadSeconds: seconds(t0, t1), compileSeconds: seconds(t1, t2),
  ...closingFields(),
});

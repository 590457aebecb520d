/**
 * What `aerchip learn FEATURES.npy` reports: per weight width, each sample's cluster (the winner of the
 * frozen pass, chip/learning/clusters.ts), their sizes and, with --labels, purity, NMI and the Diehl & Cook
 * label-assignment accuracy over the same samples; the learning cost per training sample; and the k-means
 * baseline's multiply-accumulates per iteration for the same K (papers.md §2: "so the hardware win can be
 * stated"). Written as learn-features.json (deterministic: no wall times), clusters.csv and, per weight
 * width, responses_<width>.npy (the frozen pass's spike counts, samples × neurons).
 */
import { condRecord, learnNeuronModel } from "./diehl-cook-cond.ts";
import { writeOutputDir } from "../earlier-outputs.ts";
import { join, resolve } from "node:path";
import { stableJson } from "../../core/atomic-write.ts";
import { clusterSizes, clustersOf, kmeansMacsPerIteration, normalizedMutualInformation, purity } from "../../chip/learning/clusters.ts";
import { assignLabels, accuracy } from "../../chip/learning/readout.ts";
import { fmtInt, table } from "../format.ts";
import { writeNpy } from "../../core/io/npy.ts";
import { sha256File } from "../provenance.ts";
import { diehlCookRule, type DiehlCookParams, type DiehlCookResult } from "./diehl-cook.ts";
import type { LearnSplit } from "./mnist-data.ts";
import { PROVENANCE_TAGS, paramsProvenance } from "./diehl-cook-defaults.ts";
import { LEARN_PARAM_SET_HARNESS, paramSetName, paramSetSourcesForRule } from "./param-sets.ts";
import { recordedParams } from "./rule-names.ts";
import { curveFiles, curveText } from "./curve.ts";
import type { AutoGainChoice } from "./auto-gain.ts";
import { learningUj } from "./learning-energy.ts";

/**
 * The silent samples of every width, as a share of all samples, for the summary's first lines: a silent sample
 * (no spike in the frozen pass, cluster −1) is a failure of the input drive rather than of STDP, so a
 * clustering score with many of them measures the encoder (audit s19 G14); the hint names the gain search.
 */
export function silentLine(results: readonly DiehlCookResult[], samples: number, autoGain: boolean): string {
  const parts = results.map((r) => {
    const k = r.clustering!.silentSamples;
    return `${r.weightBits === "float" ? "float" : `${r.weightBits} b`} ${k} of ${samples} (${(100 * k / Math.max(1, samples)).toFixed(1)}%)`;
  });
  const any = results.some((r) => r.clustering!.silentSamples > 0);
  const hint = any && !autoGain ? "; raise the input gain: --set rateHzPerPixel=auto (or a larger rateHzPerPixel)" : "";
  return `silent samples (no output spike in the frozen pass, cluster -1; scored as misclustered): ${parts.join(", ")}${hint}`;
}

export interface Clustering {
  /** Per sample: the neuron that spiked most in the frozen pass (lowest on ties), −1 when none spiked. */
  readonly clusters: number[];
  /** Samples per neuron. */
  readonly sizes: number[];
  readonly usedClusters: number;
  readonly silentSamples: number;
  /** With labels (else null): purity, NMI, and the label-assignment accuracy (chip/learning/readout.ts). */
  readonly purity: number | null;
  readonly nmi: number | null;
  readonly labelAssignmentAccuracy: number | null;
  /** N·K·D: one Lloyd iteration of k-means with K = the neurons, on the same samples. */
  readonly kmeansMacsPerIteration: number;
  /**
   * The frozen pass's spike counts, samples × neurons row-major, which the clusters and scores come from
   * (written as responses_<width>.npy, not into learn-features.json; kept here so a checkpoint has them).
   */
  readonly responses: number[];
}

/** The clustering of a finished run from its frozen responses (samples × neurons). */
export function clusteringOf(responses: Float64Array, data: LearnSplit, neurons: number): Clustering {
  const n = data.trainLabels.length;
  const clusters = clustersOf(responses, n, neurons);
  const { sizes, silent } = clusterSizes(clusters, neurons);
  const labelled = data.classes > 0;
  return {
    clusters: Array.from(clusters), sizes, usedClusters: sizes.filter((x) => x > 0).length, silentSamples: silent,
    purity: labelled ? purity(clusters, data.trainLabels, neurons, data.classes) : null,
    nmi: labelled ? normalizedMutualInformation(clusters, data.trainLabels, neurons, data.classes) : null,
    labelAssignmentAccuracy: labelled ? accuracy(responses, data.trainLabels, assignLabels(responses, data.trainLabels, neurons, data.classes), data.classes) : null,
    kmeansMacsPerIteration: kmeansMacsPerIteration(n, neurons, data.inputs),
    responses: Array.from(responses.subarray(0, n * neurons)),
  };
}

/** "float" or "6b": the width's name in file and column names. */
const widthName = (r: Pick<DiehlCookResult, "weightBits">): string => (r.weightBits === "float" ? "float" : `${r.weightBits}b`);

const pct = (x: number | null): string => (x === null ? "—" : `${(100 * x).toFixed(1)}%`);
const uj = (pj: number): string => (pj / 1e6).toFixed(2);

/** `countsOnly` (`learn --costs counts`): no energy columns. */
export function featuresTable(results: readonly DiehlCookResult[], countsOnly = false): string {
  const rows = results.map((r) => {
    const c = r.clustering!;
    return [
      r.weightBits === "float" ? "float" : `${r.weightBits} b`, fmtInt(c.usedClusters), fmtInt(c.silentSamples),
      pct(c.purity), c.nmi === null ? "—" : c.nmi.toFixed(3), pct(c.labelAssignmentAccuracy),
      ...(countsOnly ? [] : [uj(r.energyPerTrainSamplePj), learningUj(r.learningEnergyPerTrainSamplePj)]),
      fmtInt(Math.round(r.opsPerTrainSample.synUpdates)), fmtInt(Math.round(r.opsPerTrainSample.synOps)), fmtInt(Math.round(r.opsPerTrainSample.normalisationOps)),
    ];
  });
  const hdr = ["weights", "clusters used", "silent samples", "purity", "NMI", "label-assign acc", ...(countsOnly ? [] : ["µJ/train", "learn µJ/train"]), "syn updates", "syn ops", "norm ops"];
  return table(rows, hdr, `l${"r".repeat(hdr.length - 1)}`);
}

/** learn-features.json and clusters.csv (one output set), and the printed table. */
export function writeFeatureResults(
  dataset: string, o: { readonly out: string; readonly labels?: string; readonly neurons: number; readonly passes: number; readonly json: boolean; readonly quiet: boolean; readonly rounding: string; readonly params?: string; readonly neuronModel?: string },
  arch: string, params: DiehlCookParams, data: LearnSplit, results: readonly DiehlCookResult[],
  /** --set rateHzPerPixel=auto: the chosen value's provenance, the search (cli/learn/auto-gain.ts) and its summary line. */
  gain?: { readonly chosen: Partial<Record<keyof DiehlCookParams, string>>; readonly search: AutoGainChoice; readonly line: string },
  /** `learn --costs counts`: `results` carry no energy (cli/learn/counts-only.ts); the document says so. */
  countsOnly = false,
  /** Parameters the harness chose (--rule's mu), with their provenance. */
  chosen: Partial<Record<keyof DiehlCookParams, string>> = {},
): void {
  const out = resolve(o.out);
  const n = data.trainLabels.length;
  // Checked by learnCommand already (absent = "lif"); with lif-cond, params omit what it does not read (recordedParams).
  const neuronModel = learnNeuronModel(o.neuronModel);
  // The responses go to their .npy file; the clustering names it instead.
  const withoutResponses = <R extends Pick<DiehlCookResult, "weightBits" | "clustering">>(r: R) => {
    const { responses: _r, ...c } = r.clustering!;
    return { ...r, clustering: { ...c, responsesFile: `responses_${widthName(r)}.npy` } };
  };
  const strip = ({ wallSeconds: _w, accuracy: _a, trainAccuracy: _t, testSamples: _ts, energyPerInferencePj: _e, ...rest }: DiehlCookResult) => withoutResponses(rest);
  const doc = {
    format: "aerchip-learn-features", version: 1, arch, ...(countsOnly ? { costs: "counts" } : {}), rule: diehlCookRule(params).name, params: recordedParams(params, params.mu, neuronModel),
    ...(o.params === undefined ? {} : { paramSet: paramSetName(o.params), harness: LEARN_PARAM_SET_HARNESS[paramSetName(o.params)] }),
    // D&C's conductance neurons (--neuron-model lif-cond) only when chosen, so every other file is as before the option.
    ...(neuronModel === "lif-cond" ? { neuronModel, conductance: condRecord(params) } : {}),
    paramsProvenance: recordedParams(paramsProvenance(params, { ...chosen, ...gain?.chosen }, paramSetSourcesForRule(paramSetName(o.params), params.mu)), params.mu, neuronModel), provenanceTags: PROVENANCE_TAGS,
    ...(gain === undefined ? {} : { inputGainSearch: gain.search }),
    features: {
      path: dataset, sha256: sha256File(dataset), samples: n, dims: data.inputs,
      ...(o.labels === undefined ? {} : { labels: o.labels, labelsSha256: sha256File(o.labels), classes: data.classes }),
      rate: "x / max(X) of rateHzPerPixel, Poisson (cli/learn/features-data.ts)",
    },
    definitions: "cluster = the neuron with most spikes in the frozen pass (lowest index on ties, -1 if none spiked); purity counts silent samples as misclustered; NMI = 2I/(H(K)+H(C)) with silent samples as one cluster; kmeansMacsPerIteration = samples x clusters x features (chip/learning/clusters.ts)",
    results: results.map(strip),
  };
  const csv = [["sample", ...results.map((r) => `cluster_${widthName(r)}`), ...(o.labels === undefined ? [] : ["label"])].join(",")];
  for (let s = 0; s < n; s++) csv.push([s, ...results.map((r) => r.clustering!.clusters[s]), ...(o.labels === undefined ? [] : [data.trainLabels[s]])].join(","));
  const file = join(out, "learn-features.json");
  const csvFile = join(out, "clusters.csv");
  // Per width, the frozen pass's spike counts (samples × neurons, float64): every score can be recomputed from them.
  const responseFiles = results.map((r) => ({ path: join(out, `responses_${widthName(r)}.npy`), data: writeNpy(Float64Array.from(r.clustering!.responses), [n, o.neurons]) }));
  const curve = curveFiles(out, results);
  writeOutputDir("learn-features", [{ path: file, data: stableJson(doc, file) }, { path: csvFile, data: `${csv.join("\n")}\n` }, ...responseFiles, ...curve], out, { quiet: o.quiet || o.json, inputs: [dataset] });
  if (o.json) {
    process.stdout.write(`${JSON.stringify({ file, clusters: csvFile, responses: responseFiles.map((f) => f.path), results: results.map(withoutResponses) })}\n`);
    return;
  }
  if (o.quiet) return;
  const wall = results.map((r) => `${r.weightBits === "float" ? "float" : `${r.weightBits} b`} ${r.wallSeconds.toFixed(0)} s`).join(", ");
  const k = results[0]?.clustering?.kmeansMacsPerIteration ?? 0;
  process.stdout.write(`STDP winner-take-all clustering (Diehl & Cook 2015 style) on ${arch}: ${n} samples × ${data.inputs} features, ${o.neurons} clusters (excitatory neurons), ${o.passes} pass(es), ${o.rounding} rounding${o.labels === undefined ? "" : `, scored against ${data.classes} classes`}\n${gain === undefined ? "" : `${gain.line}\n`}${silentLine(results, n, gain !== undefined)}\n\n${featuresTable(results, countsOnly)}${countsOnly ? "\ncosts counts: energy not reported (--costs counts)" : ""}\n${curveText(results)}\nk-means baseline: ${fmtInt(k)} multiply-accumulates per Lloyd iteration (samples × clusters × features)\nwall time: ${wall}\nwrote ${join(o.out, "learn-features.json")}, ${join(o.out, "clusters.csv")}, ${results.map((r) => join(o.out, `responses_${widthName(r)}.npy`)).join(", ")}${curve.length > 0 ? `, ${join(o.out, "curve.csv")}` : ""}\n`);
}

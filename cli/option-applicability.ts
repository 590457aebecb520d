/**
 * Options that cannot change anything for the model given are refused (E_CLI_OPTION, exit 2) instead of
 * silently ignored: `--input` on a SANA-FE network, NIR-only options on other
 * models, `--sanafe-arch` and `--remap` on models without a SANA-FE mapping, compile options on a
 * compiled program, `--placement`/`--seed` on a SANA-FE network that keeps its own mapping (no --remap),
 * `--tick-us` where no event file is binned onto ticks, `--realtime` on models that take no --input (on a JSON model: without --input; and, checked once
 * the input is read, cli/tick-period.ts, on a dense spike tensor), `--sample`/`--labels`/`--gesture` where `--input` is
 * refused (cli/input-selection.ts checks them against the input file), and options that contradict
 * each other (`--realtime` with `--tick-period-us`), options that need another (`learning-cost --weight-bytes` without optimizer state, `run --input-population` without --input); `convert`'s --spikes, --counts and --encode options (checkConvertOptions). Only options the user gave count (commander's
 * value source "cli" or "env"), so defaults such as `--placement greedy` are never mistaken for a choice.
 */
import type { Command } from "commander";
import { AerchipError } from "../core/diagnostics.ts";
import { isYamlPath, sniffFile } from "./sanafe-inputs.ts";

export type ModelKind = "nir" | "program" | "sanafe" | "json";

/** What `aerchip run` would load MODEL as (an unreadable YAML counts as JSON: its loader reports it). */
export function modelKind(path: string): ModelKind {
  if (/\.nir$/i.test(path)) return "nir";
  if (/\.aerprog$/i.test(path)) return "program";
  if (isYamlPath(path)) {
    try {
      if (sniffFile(path) === "network") return "sanafe";
    } catch {
      // The model loader reports an unreadable file with its own code.
    }
  }
  return "json";
}

/**
 * What a rule is checked against: the model's kind, with a SANA-FE network split by --remap (without it
 * the file's own mapping is used, so aerchip's placement options change nothing).
 */
type Target = ModelKind | "sanafe-remap";

const KIND_NAME: Record<Target, string> = { nir: "NIR graphs", program: "compiled programs (.aerprog)", sanafe: "SANA-FE networks", "sanafe-remap": "SANA-FE networks", json: "JSON models" };

/** The options of a command, by attribute name, that apply only to some kinds of model, and why. */
interface Rule {
  readonly option: string;
  readonly flag: string;
  readonly appliesTo: readonly Target[];
  readonly why: (kind: Target) => string;
  /** What to change (default: drop the flag). */
  readonly hint?: (kind: Target) => string;
  /** The option also applies, to any model, when this other option (attribute name) is given. */
  readonly alsoWith?: string;
  /** Kinds it also applies to when --input is given (JSON models: the input that replaces an input population's spikes). */
  readonly withInputOn?: readonly Target[];
}

const NIR_ONLY = (option: string, flag: string): Rule => ({ option, flag, appliesTo: ["nir"], why: () => "it sets how a NIR graph is read" });
const NIR_RULES: readonly Rule[] = [NIR_ONLY("dt", "--dt"), NIR_ONLY("reset", "--reset"), NIR_ONLY("recurrentBias", "--recurrent-bias"), NIR_ONLY("nirBias", "--nir-bias"), NIR_ONLY("ifMultiSpike", "--if-multi-spike"), NIR_ONLY("lenient", "--lenient")];
const INPUT_RULE = (kinds: readonly Target[]): Rule => ({
  option: "input", flag: "--input", appliesTo: kinds,
  why: (k) => (k === "sanafe" || k === "sanafe-remap" ? "a SANA-FE network's input spikes come from its own input neurons" : "here a JSON model runs on the input spikes in its file (its input populations' \"spikes\"; `aerchip run --input` replaces them)"),
});
/** Why an option that reads an --input file does not apply to a model of kind `k` (given without --input, for a JSON model). */
const NO_INPUT_FILE = (k: Target, withInput: boolean): string => (k === "sanafe" || k === "sanafe-remap" ? "a SANA-FE network's input spikes come from its own input neurons"
  : withInput ? "no --input was given, and a JSON model's own input spikes are in the model file" : "a JSON model's input spikes are in the model file");
/** The hint of such an option: on a JSON model that takes --input, adding one is the other way out. */
const NO_INPUT_HINT = (flag: string, withInput: boolean) => (k: Target): string => (withInput && k === "json" ? `add --input FILE (it replaces an input population's spikes), or drop ${flag}` : `drop ${flag}`);
/** --sample, --labels, --gesture pick part of an --input file, so they apply where --input does. */
const SELECTION_RULES = (kinds: readonly Target[], withInputOn: readonly Target[] = []): Rule[] => [["sample", "--sample"], ["labels", "--labels"], ["gesture", "--gesture"]].map(([option, flag]) => ({
  option, flag, appliesTo: kinds, withInputOn,
  why: (k: Target) => `it picks part of an --input file, and ${NO_INPUT_FILE(k, withInputOn.includes(k))}`,
  hint: NO_INPUT_HINT(flag, withInputOn.length > 0),
}));
const COMPILED = (option: string, flag: string, why: string): Rule => ({ option, flag, appliesTo: ["nir", "sanafe", "sanafe-remap", "json"], why: () => why });
/** --placement and --seed: aerchip's placement, which neither a compiled program nor a SANA-FE network's own mapping goes through. */
const PLACEMENT = (option: string, flag: string, onProgram: string, runHasRemap: boolean): Rule => ({
  option, flag, appliesTo: ["nir", "json", "sanafe-remap"],
  why: (k) => (k === "program" ? onProgram : `${runHasRemap ? "without --remap" : "in a comparison"} a SANA-FE network runs on the file's own mapping, not on aerchip's placement${option === "seed" ? " (which the seed drives)" : ""}`),
  hint: (k) => (k === "sanafe" ? (runHasRemap ? `add --remap to map with aerchip's compiler, or drop ${flag}` : `drop ${flag} (\`aerchip run --remap\` maps a SANA-FE network with aerchip's compiler)`) : `drop ${flag}`),
});
/** --tick-us bins the events of an event-file --input onto ticks (and stamps a --packets-out stream). */
const TICK_US = (kinds: readonly Target[], alsoWith?: string, withInputOn: readonly Target[] = []): Rule => ({
  option: "tickUs", flag: "--tick-us", appliesTo: kinds, withInputOn, ...(alsoWith === undefined ? {} : { alsoWith }),
  why: () => `it bins the events of an event-file --input (of a NIR graph${kinds.includes("program") ? " or a compiled program" : ""}${withInputOn.includes("json") ? " or a JSON model" : ""}) onto ticks, and this model's input spikes are on ticks already${withInputOn.includes("json") ? " (no --input was given)" : ""}`,
  hint: () => `drop --tick-us${alsoWith === undefined ? "" : " (with --packets-out it sets the packet stream's tick length, and is accepted)"}`,
});

/** --crop, --downsample, --polarity, --time-bins transform an event-file --input (cli/event-transforms.ts). */
const TRANSFORM_RULES = (kinds: readonly Target[], withInputOn: readonly Target[] = []): Rule[] => [["sensorSize", "--sensor-size"], ["crop", "--crop"], ["downsample", "--downsample"], ["spatialFactor", "--spatial-factor"], ["polarity", "--polarity"], ["timeBins", "--time-bins"], ["eventCount", "--event-count"], ["eventBins", "--event-bins"], ["eventOverlap", "--event-overlap"], ["tickOrigin", "--tick-origin"]].map(([option, flag]) => ({
  option, flag, appliesTo: kinds, withInputOn,
  why: (k: Target) => `it transforms the events of an --input file, and ${NO_INPUT_FILE(k, withInputOn.includes(k))}`,
  hint: NO_INPUT_HINT(flag, withInputOn.length > 0),
}));

/** --input-counts says how an --input file's events (or a count tensor) become spikes (cli/input-counts.ts). */
const INPUT_COUNTS_RULE = (kinds: readonly Target[], withInputOn: readonly Target[] = []): Rule => ({
  option: "inputCounts", flag: "--input-counts", appliesTo: kinds, withInputOn,
  why: (k: Target) => `it delivers every event of an --input file, and ${NO_INPUT_FILE(k, withInputOn.includes(k))}`,
  hint: NO_INPUT_HINT("--input-counts", withInputOn.length > 0),
});

const RULES: Record<string, readonly Rule[]> = {
  // JSON models take --input too (it replaces an input population's spikes, cli/model-input.ts), and with it
  // the options that read the input file; SANA-FE networks do not.
  run: [
    INPUT_RULE(["nir", "program", "json"]),
    // On a program it names an Input node of the NIR graph it was compiled from (cli/commands/run-program.ts refuses it for others).
    { option: "inputPopulation", flag: "--input-population", appliesTo: ["json", "nir", "program"], why: () => "it names the input population of a JSON model, or the Input node of a NIR graph (or of a program compiled from one), that --input drives" },
    ...SELECTION_RULES(["nir", "program"], ["json"]),
    ...TRANSFORM_RULES(["nir", "program"], ["json"]),
    INPUT_COUNTS_RULE(["nir", "program"], ["json"]),
    { option: "thirdFactor", flag: "--third-factor", appliesTo: ["json"], why: () => "it drives learning rules, which aerchip-model-1 JSON models carry" },
    { option: "psi", flag: "--psi", appliesTo: ["json"], why: () => "it drives learning rules' graded traces, which aerchip-model-1 JSON models carry" },
    { option: "billLearning", flag: "--bill-learning", appliesTo: ["json"], why: (k) => (k === "program" ? "a compiled program's run bills learning as its chip spec's learningBilledOn says" : "it sets what the learning energy of plastic projections bills, and this model has none (plastic projections come from JSON models)"), hint: (k) => (k === "program" ? "give a chip spec file whose learningBilledOn is \"changes\", or run the JSON model with --bill-learning" : "drop --bill-learning") },
    // A program of a JSON model loads them by projection and population name (cli/program-initial-weights.ts: a fixed-point one onto its weight grid; a NIR one refuses there).
    { option: "initialWeights", flag: "--initial-weights", appliesTo: ["json", "program"], why: () => "it replaces the weights of a JSON model's or a compiled program's projections, which the weights.json of their runs names" },
    ...NIR_RULES,
    { option: "sanafeArch", flag: "--sanafe-arch", appliesTo: ["sanafe", "sanafe-remap"], why: () => "it names the architecture a SANA-FE network's units refer to" },
    { option: "remap", flag: "--remap", appliesTo: ["sanafe", "sanafe-remap"], why: () => "only SANA-FE networks carry their own mapping; aerchip maps other models itself" },
    COMPILED("coreNeurons", "--core-neurons", "the program's cores were filled when it was compiled; compile the model again with --core-neurons"),
    COMPILED("precision", "--precision", "a program carries the precision it was compiled with; compile the model again with --precision"),
    PLACEMENT("placement", "--placement", "the program's cores were placed when it was compiled; compile the model again with --placement", true),
    PLACEMENT("seed", "--seed", "the seed only drives placement, which was done when the program was compiled; compile the model again with --seed", true),
    TICK_US(["nir", "program"], "packetsOut", ["json"]),
    {
      option: "realtime", flag: "--realtime", appliesTo: ["nir", "program"], withInputOn: ["json"],
      why: () => "it paces the ticks at the length an event-file --input was binned at, and this model's input spikes are on ticks of no stated length",
      hint: () => "give the tick length itself: --tick-period-us <us>",
    },
  ],
  // compare runs each chip as `aerchip run` without --remap (a compiled program is refused before these: programNotComparable).
  // JSON models with --input as in run (each chip's run is `aerchip run MODEL.json --input FILE`).
  compare: [
    INPUT_RULE(["nir", "json"]),
    { option: "inputPopulation", flag: "--input-population", appliesTo: ["json", "nir"], why: () => "it names the input population of a JSON model or the Input node of a NIR graph that --input drives" },
    ...SELECTION_RULES(["nir"], ["json"]), ...TRANSFORM_RULES(["nir"], ["json"]), INPUT_COUNTS_RULE(["nir"], ["json"]), ...NIR_RULES,
    PLACEMENT("placement", "--placement", "", false), PLACEMENT("seed", "--seed", "", false),
    TICK_US(["nir"], undefined, ["json"]),
    // Each chip's run takes the learning drive `aerchip run` takes (a plastic JSON model learns the same on every chip).
    { option: "thirdFactor", flag: "--third-factor", appliesTo: ["json"], why: () => "it drives learning rules, which aerchip-model-1 JSON models carry" },
    { option: "psi", flag: "--psi", appliesTo: ["json"], why: () => "it drives learning rules' graded traces, which aerchip-model-1 JSON models carry" },
    { option: "initialWeights", flag: "--initial-weights", appliesTo: ["json"], why: () => "it replaces the weights of a JSON model's projections, which the weights.json of a JSON model's run names" },
    { option: "billLearning", flag: "--bill-learning", appliesTo: ["json"], why: (k) => (k === "program" ? "a compiled program's run bills learning as its chip spec's learningBilledOn says" : "it sets what the learning energy of plastic projections bills, and this model has none (plastic projections come from JSON models)"), hint: (k) => (k === "program" ? "give a chip spec file whose learningBilledOn is \"changes\", or run the JSON model with --bill-learning" : "drop --bill-learning") },
  ],
  // evaluate runs NIR graphs and JSON models (a compiled program or a SANA-FE network is E_EVALUATE_MODEL).
  evaluate: [
    ...NIR_RULES, { option: "inputPopulation", flag: "--input-population", appliesTo: ["json", "nir"], why: () => "it names the input population of a JSON model or the Input node of a NIR graph that each sample drives" },
    { option: "frozen", flag: "--frozen", appliesTo: ["json"], why: () => "it turns off a JSON model's learning rules, and a NIR graph has none" },
    { option: "initialWeights", flag: "--initial-weights", appliesTo: ["json"], why: () => "it replaces the weights of a JSON model's projections (the weights.json of a JSON model's run)" },
  ],
  compile: NIR_RULES,
  // train takes JSON models only (cli/main.ts refuses others before): nothing here depends on the model.
  train: [],
  "learning-cost": NIR_RULES,
};

/** The rules that bin an event --input onto ticks: exactly one applies (cli/event-transforms.ts). */
const BINNINGS = [["timeBins", "--time-bins"], ["tickUs", "--tick-us"], ["eventCount", "--event-count"], ["eventBins", "--event-bins"]] as const;
const BINNING_HINT = "give one: --tick-us ticks of a fixed length, --time-bins N equal time bins per recording, --event-count N events per tick, or --event-bins N bins of equal event counts";
/** Every pair of binning rules given together. */
const TIME_BINS_VS_TICK_US = BINNINGS.flatMap(([a, aFlag], i) => BINNINGS.slice(i + 1).map(([b, bFlag]) => ({ a, aFlag, b, bFlag, both: "both set how events are binned onto ticks", hint: BINNING_HINT })));

/** --realtime paces at --tick-us; the other rules' bins have no one length. */
const TIME_BINS_VS_REALTIME = BINNINGS.filter(([a]) => a !== "tickUs").map(([a, aFlag]) => ({ a, aFlag, b: "realtime", bFlag: "--realtime", both: `cannot go together: --realtime paces at the --tick-us the events were binned at, and ${aFlag} bins of each recording's own length`, hint: "give --tick-period-us P to pace the ticks, or bin at --tick-us" }));

/** Options of a command that cannot be given together (attribute names, flags), and what to do instead. */
const CONFLICTS: Record<string, ReadonlyArray<{ readonly a: string; readonly aFlag: string; readonly b: string; readonly bFlag: string; readonly both: string; readonly hint: string }>> = {
  compare: TIME_BINS_VS_TICK_US,
  evaluate: [...TIME_BINS_VS_TICK_US, ...TIME_BINS_VS_REALTIME],
  train: [
    { a: "realtime", aFlag: "--realtime", b: "tickPeriodUs", bFlag: "--tick-period-us", both: "both set the tick period", hint: "give one: --realtime paces at --tick-us, --tick-period-us at the period given" },
    ...TIME_BINS_VS_TICK_US,
    ...TIME_BINS_VS_REALTIME,
  ],
  run: [
    { a: "realtime", aFlag: "--realtime", b: "tickPeriodUs", bFlag: "--tick-period-us", both: "both set the tick period", hint: "give one: --realtime paces at --tick-us, --tick-period-us at the period given" },
    ...TIME_BINS_VS_TICK_US,
    ...TIME_BINS_VS_REALTIME,
  ],
};

/** --time-bins-rule says how --time-bins cuts, and means nothing without it. */
const TIME_BINS_RULE_NEEDS_BINS = {
  option: "timeBinsRule", flag: "--time-bins-rule", needs: "timeBins", needsFlag: "--time-bins",
  met: (v: unknown) => typeof v === "number" && v > 0,
  why: "it says how --time-bins cuts a recording, and events are binned at --tick-us", hint: "add --time-bins N, or drop --time-bins-rule",
};

/**
 * Options that only mean something when another option has a value (attribute names, flags): given
 * without it they would change nothing, so they are refused.
 */
const REQUIRES: Record<string, ReadonlyArray<{ readonly option: string; readonly flag: string; readonly needs: string; readonly needsFlag: string; readonly met: (value: unknown, cmd: Command) => boolean; readonly why: string; readonly hint: string }>> = {
  run: [TIME_BINS_RULE_NEEDS_BINS, {
    option: "inputPopulation", flag: "--input-population", needs: "input", needsFlag: "--input",
    met: (v) => typeof v === "string", why: "it names the input population --input drives", hint: "add --input FILE, or drop --input-population",
  }],
  compare: [TIME_BINS_RULE_NEEDS_BINS, {
    option: "inputPopulation", flag: "--input-population", needs: "input", needsFlag: "--input",
    met: (v) => typeof v === "string", why: "it names the input population --input drives", hint: "add --input FILE, or drop --input-population",
  }],
  evaluate: [TIME_BINS_RULE_NEEDS_BINS],
  train: [TIME_BINS_RULE_NEEDS_BINS],
  "learning-cost": [{
    option: "weightBytes", flag: "--weight-bytes", needs: "optimizerStatePerWeight", needsFlag: "--optimizer-state-per-weight",
    // --optimizer fo-stdgd keeps w(k−1): one weight-sized array of state without --optimizer-state-per-weight.
    met: (v, cmd) => (typeof v === "number" && v > 0) || (v === undefined && cmd.getOptionValue("optimizer") === "fo-stdgd"),
    why: "it sizes the optimizer state's weights, and there is none to size",
    hint: "add --optimizer-state-per-weight K (1 for FO-STDGD's w(k-1), 2 for Adam) or --optimizer fo-stdgd, or drop --weight-bytes",
  }],
};

/**
 * `evaluate --jobs N --threads M` with both above 1: the samples would run on N threads that each split their
 * run over M more, on a machine that has far fewer cores; refused rather than oversubscribed. --jobs is the
 * one that pays on a data set (samples are independent), --threads on one large model.
 */
export function checkJobsWithThreads(jobs: number, threads: number): void {
  if (jobs <= 1 || threads <= 1) return;
  throw new AerchipError("E_CLI_OPTION", `--jobs ${jobs} and --threads ${threads} both spread the work over threads; give one of them`, {
    field: "--jobs", hint: "use --jobs N to evaluate N samples at once (the faster on a data set), or --threads N to split each sample's run over N threads",
  });
}

/** Commands whose event --input takes --event-overlap (cli/event-transforms.ts). */
const EVENT_OVERLAP_COMMANDS = new Set(["run", "compare", "evaluate", "train"]);

/**
 * --event-overlap X in the unit and range tonic gives its `overlap` for the binning rule in force (tonic's
 * slicers assert or raise outside them): µs in [0, W) with --tick-us W (default 1000), a whole number of
 * events in [0, N) with --event-count N, a fraction of a bin in [0, 1) with --event-bins or with --time-bins
 * under --time-bins-rule tonic. aerchip's proportional --time-bins have no tonic overlap to follow: refused,
 * except 0 (no overlap, which every rule takes).
 */
function checkEventOverlap(cmd: Command, given: (option: string) => boolean): void {
  const x = cmd.getOptionValue("eventOverlap") as number;
  const refuse = (why: string, hint: string): never => {
    throw new AerchipError("E_CLI_OPTION", `--event-overlap ${x} ${why}`, { field: "--event-overlap", hint });
  };
  if (given("eventCount")) {
    const n = cmd.getOptionValue("eventCount") as number;
    if (!Number.isInteger(x) || x >= n) refuse(`is not a whole number of events in [0, ${n}): with --event-count ${n} the overlap counts events shared by neighbouring ticks (tonic's stride ${n} − overlap must stay ≥ 1)`, `give a whole number below ${n}, e.g. --event-overlap ${Math.floor(n / 2)}`);
    return;
  }
  // Overlap 0 changes nothing (the frames without overlap, byte for byte: docs/events.md §4), so it is taken with every rule.
  if (given("timeBins") && cmd.getOptionValue("timeBinsRule") !== "tonic" && x !== 0) {
    refuse("does not apply to proportional --time-bins: tonic's n_time_bins overlap enlarges its integer window ⌊(t₁ − t₀)/N⌋ µs by the fraction, and proportional bins have no such window", "add --time-bins-rule tonic (tonic's own bins), or drop --event-overlap");
  }
  if (given("timeBins") || given("eventBins")) {
    const flag = given("timeBins") ? "--time-bins" : "--event-bins";
    if (!(x < 1)) refuse(`is not a fraction of a bin in [0, 1): with ${flag} the overlap enlarges each bin by that fraction (tonic asserts overlap < 1)`, "give a fraction below 1, e.g. --event-overlap 0.5");
    return;
  }
  const w = given("tickUs") ? (cmd.getOptionValue("tickUs") as number) : 1000;
  if (!(x < w)) refuse(`is not in [0, ${w}) µs: with ticks of --tick-us ${w}${given("tickUs") ? "" : " (the default)"} the overlap is the µs neighbouring ticks share, and ticks start every ${w} − overlap µs (tonic asserts a stride > 0)`, `give fewer µs than the tick, e.g. --event-overlap ${w / 2}`);
}

/**
 * --tick-origin places tick 0 of --tick-us ticks (t = 0, or the first event as tonic's time_window frames);
 * --time-bins, --event-count and --event-bins cut from the first event or by rank already: refused there.
 */
function checkTickOrigin(cmd: Command, given: (option: string) => boolean): void {
  const rule = given("timeBins") ? "--time-bins" : given("eventCount") ? "--event-count" : given("eventBins") ? "--event-bins" : undefined;
  if (rule === undefined) return;
  throw new AerchipError("E_CLI_OPTION", `--tick-origin does not apply with ${rule}: it places tick 0 of --tick-us ticks, and ${rule} cuts ${rule === "--time-bins" ? "from the first event" : "by the events' ranks"} already`, { field: "--tick-origin", hint: `drop --tick-origin, or bin with --tick-us instead of ${rule}` });
}

/** `aerchip compare` on a compiled program: refused (E_CLI_OPTION), as it runs on the one chip it was compiled for. */
export function programNotComparable(modelPath: string): AerchipError {
  return new AerchipError("E_CLI_OPTION", "a compiled program is bound to the chip it was compiled for, so it cannot be compared across chips", { file: modelPath, hint: "compare the model file instead (the .nir or .json file the program was compiled from)" });
}

/** Throws E_CLI_OPTION for the first option the user gave that does not apply to `modelPath`. */
export function checkOptionsApply(command: string, modelPath: string | undefined, cmd: Command): void {
  // compare refuses a program whatever the options: said first, so the user is not sent to drop an option
  // (whose refusal would describe another kind of model) only to be refused again (audit s23x #11).
  if (command === "compare" && modelPath !== undefined && modelKind(modelPath) === "program") throw programNotComparable(modelPath);
  const rules = RULES[command];
  if (rules === undefined) return;
  const given = (option: string): boolean => {
    const source = cmd.getOptionValueSource(option);
    return source !== undefined && source !== "default";
  };
  for (const c of CONFLICTS[command] ?? []) {
    if (given(c.a) && given(c.b)) throw new AerchipError("E_CLI_OPTION", `${c.aFlag} and ${c.bFlag} ${c.both}`, { field: c.aFlag, hint: c.hint });
  }
  for (const q of REQUIRES[command] ?? []) {
    if (!given(q.option) || q.met(cmd.getOptionValue(q.needs), cmd)) continue;
    const value = cmd.getOptionValue(q.needs) as unknown;
    const needs = q.needsFlag === "--input" ? `${q.needsFlag}, which was not given` : `${q.needsFlag} of at least 1 (it is ${value === undefined ? "not given" : String(value)})`;
    throw new AerchipError("E_CLI_OPTION", `${q.flag} needs ${needs}: ${q.why}`, { field: q.flag, hint: q.hint });
  }
  if (EVENT_OVERLAP_COMMANDS.has(command) && given("eventOverlap")) checkEventOverlap(cmd, given);
  if (EVENT_OVERLAP_COMMANDS.has(command) && given("tickOrigin")) checkTickOrigin(cmd, given);
  const used = rules.filter((r) => given(r.option));
  if (used.length === 0) return;
  const modelAs: ModelKind | undefined = modelPath === undefined ? undefined : modelKind(modelPath);
  const kind: Target | undefined = modelAs === "sanafe" && cmd.getOptionValue("remap") === true ? "sanafe-remap" : modelAs;
  for (const r of used) {
    if (kind !== undefined && r.appliesTo.includes(kind)) continue;
    if (r.alsoWith !== undefined && given(r.alsoWith)) continue;
    if (kind !== undefined && r.withInputOn?.includes(kind) === true && given("input")) continue;
    const to = kind === undefined ? "without a model" : `to ${KIND_NAME[kind]}`;
    throw new AerchipError("E_CLI_OPTION", `${r.flag} does not apply ${to}: ${kind === undefined ? "it sets how a NIR graph is read" : r.why(kind)}`, {
      field: r.flag, ...(modelPath === undefined ? {} : { file: modelPath }), hint: kind !== undefined && r.hint !== undefined ? r.hint(kind) : `drop ${r.flag}`,
    });
  }
}

/** `convert` options that only --encode reads (attribute name, flag). */
const ENCODE_ONLY = [["steps", "--steps"], ["maxRateHz", "--max-rate-hz"], ["maxValue", "--max-value"], ["seed", "--seed"]] as const;
/** `convert` options that pick or shape events, which a tensor to encode has none of. */
const EVENTS_ONLY = [["spikes", "--spikes"], ["counts", "--counts"], ["sample", "--sample"], ["labels", "--labels"], ["gesture", "--gesture"]] as const;

/**
 * `aerchip convert --encode E`: --steps is required; --max-rate-hz is required with poisson (and refused
 * otherwise), with --max-rate-hz × --tick-us × 10⁻⁶ ≤ 1 (one spike per tick at most: a larger product
 * would have to be clipped, changing the rate asked for); --seed is refused with first-spike (no
 * randomness); --tick-us is refused with bernoulli and first-spike unless the output is an AER stream,
 * whose header records it (it changes no spike); --spikes, --counts and the event selections are refused.
 */
function checkEncodeOptions(cmd: Command, output: string, given: (option: string) => boolean): void {
  const encoding = cmd.getOptionValue("encode") as string;
  const refuse = (flag: string, why: string, hint = `drop ${flag}`): never => {
    throw new AerchipError("E_CLI_OPTION", `${flag} does not apply to --encode ${encoding}: ${why}`, { field: flag, hint });
  };
  for (const [option, flag] of EVENTS_ONLY) {
    if (given(option)) refuse(flag, flag === "--spikes" || flag === "--counts" ? "it bins the events of an event file, and a tensor to encode has none (each tick holds 0 or 1 spike)" : "it picks a sample of an event file, and a tensor to encode is one sample");
  }
  if (!given("steps")) {
    throw new AerchipError("E_CLI_OPTION", `--encode ${encoding} needs --steps: the number of ticks T to generate`, { field: "--steps", hint: "add --steps T (e.g. 350 ticks of 1 ms, Diehl & Cook's presentation)" });
  }
  const aer = /\.aers?$/i.test(output);
  if (encoding === "poisson") {
    if (!given("maxRateHz")) {
      throw new AerchipError("E_CLI_OPTION", "--encode poisson needs --max-rate-hz: the firing rate of an input at --max-value", { field: "--max-rate-hz", hint: "add --max-rate-hz R (Diehl & Cook 2015: 63.75 with --max-value 255)" });
    }
    const rateHz = cmd.getOptionValue("maxRateHz") as number;
    const tickUs = (cmd.getOptionValue("tickUs") as number | undefined) ?? 1000;
    const perTick = rateHz * tickUs * 1e-6;
    if (perTick > 1) {
      throw new AerchipError("E_CLI_OPTION", `--max-rate-hz ${rateHz} at --tick-us ${tickUs} is a spike probability of ${perTick} per tick; it must be at most 1 (at most one spike per tick)`, {
        field: "--max-rate-hz", hint: `lower --max-rate-hz to at most ${1e6 / tickUs}, or use a shorter --tick-us (at most ${1e6 / rateHz})`,
      });
    }
    return;
  }
  if (given("maxRateHz")) refuse("--max-rate-hz", encoding === "bernoulli" ? "the spike probability per tick is x / --max-value itself, not a rate" : "the spike time depends on x / --max-value only");
  if (encoding === "first-spike" && given("seed")) refuse("--seed", "first-spike encoding is deterministic (no random draws)");
  if (given("tickUs") && !aer) {
    refuse("--tick-us", `it changes no spike (the probability per tick is x / --max-value${encoding === "first-spike" ? " and the time round((1 − x / --max-value)(T − 1))" : ""}), and a ${output.toLowerCase().endsWith(".csv") ? ".csv" : ".npy"} tensor records no tick length`, "drop --tick-us, or write an .aer stream, which records it");
  }
}

/**
 * `aerchip convert`: --counts and --tick-us shape the spikes written with --spikes only, and an AER stream
 * (.aer/.aers) has no place for an event count, so --counts is refused there too. --encode has its own
 * rules (checkEncodeOptions); its options are refused without it.
 */
export function checkConvertOptions(cmd: Command, output: string): void {
  const given = (option: string): boolean => {
    const source = cmd.getOptionValueSource(option);
    return source !== undefined && source !== "default";
  };
  if (given("encode")) {
    checkEncodeOptions(cmd, output, given);
    return;
  }
  for (const [option, flag] of ENCODE_ONLY) {
    if (given(option)) throw new AerchipError("E_CLI_OPTION", `${flag} applies only with --encode (a static tensor encoded as spikes); converting events keeps their own times`, { field: flag, hint: `add --encode poisson|bernoulli|first-spike, or drop ${flag}` });
  }
  if (cmd.getOptionValueSource("spikes") !== "cli") {
    for (const [option, flag] of [["counts", "--counts"], ["tickUs", "--tick-us"]] as const) {
      if (given(option)) {
        throw new AerchipError("E_CLI_OPTION", `${flag} applies only with --spikes (binning events onto ticks); an event-to-event conversion keeps the events' own timestamps`, { field: flag, hint: `add --spikes, or drop ${flag}` });
      }
    }
    return;
  }
  if (given("counts") && /\.aers?$/i.test(output)) {
    throw new AerchipError("E_CLI_OPTION", `--counts does not apply to an AER stream output (${output}): a stream holds one address per spike and no event count`, {
      field: "--counts", file: output, hint: "write the counts as .npy (a uint32 tensor) or .csv (a count column), or drop --counts",
    });
  }
}

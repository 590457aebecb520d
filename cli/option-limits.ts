/**
 * Limits and choices of the command-line options that more than one place checks: the option parsers
 * (cli/main.ts), sweep files (cli/sweep/config.ts) and `aerchip rerun`, which applies the same rules to
 * the options a report recorded.
 */
import { MAX_LAYER_TICK_ROWS, MAX_RUN_TICKS } from "../core/run-limits.ts";
/** MAX_LAYER_TICK_ROWS: rows of `run --per-layer-ticks`'s layer-ticks.csv (checked in chip/report/layer-ticks.ts). */
export { MAX_LAYER_TICK_ROWS, MAX_RUN_TICKS };

/** Seeds are 32-bit (core/rng.ts seeds xoshiro128** from one 32-bit word): larger ones would collide. */
export const MAX_SEED = 2 ** 32 - 1;
/** chip/sim/threads/team.ts MAX_THREADS (not imported: it would load the simulator at start-up; a test checks they agree). */
export const MAX_RUN_THREADS = 64;
/** chip/spec/validate.ts's limit on core.maxNeurons (--core-neurons; crossbar chips allow fewer, see cli/load-arch.ts). */
export const MAX_CORE_NEURONS = 1 << 20;
/** Learning-trace and weight widths, as model files allow (docs/model-format.md). */
export const MAX_TRACE_BITS = 24;
/**
 * `learn --neurons`: Diehl & Cook 2015's largest network. The inhibitory projection is all-to-all
 * (N·(N−1) synapses), so memory grows with N²: 6,400 neurons are already ~41 M synapses.
 */
export const MAX_LEARN_NEURONS = 6400;
/** `learn --passes`: most passes over the training samples (BindsNET users trained 6400 neurons for 15 epochs, papers.md §5). */
export const MAX_LEARN_PASSES = 20;

/**
 * `learning-cost --T`: time steps per training sample. As many as one run simulates (MAX_RUN_TICKS): far
 * beyond any published setting (T = 20 to 100), and low enough that every count stays a finite, exact
 * double (a --T of 1e300 printed Infinity and NaN).
 */
export const MAX_LEARNING_COST_T = 1_000_000;

/**
 * `run --tick-period-us`: chip/spec/validate.ts's limit on tickPeriodNs (SYNC_LATENCY_MAX_NS, 1e12 ns),
 * in µs (not imported: it would load the spec validator at start-up; a test checks they agree).
 */
export const MAX_TICK_PERIOD_US = 1e9;
/**
 * `learning-cost --bytes-per-value` and `--weight-bytes`: bytes per stored value or weight, > 0 (a fraction
 * is allowed: the S-TLLR paper's memory implies ≈ 1.97). 64 is eight float64s per value, above any
 * storage format in use, and keeps every byte count finite.
 */
export const MAX_LEARNING_COST_BYTES = 64;
/** `learning-cost --batch`: samples per batch. Far above any batch in use; × T ≤ 10⁶ keeps the counts finite doubles. */
export const MAX_LEARNING_COST_BATCH = 1_000_000;
/**
 * `learning-cost --optimizer-state-per-weight`: extra weight-sized arrays the optimizer keeps (1: FO-STDGD's
 * w(k−1); 2: Adam's moments; 3: e.g. AMSGrad's running maximum). 16 is well above any optimizer's.
 */
export const MAX_OPTIMIZER_STATE_PER_WEIGHT = 16;

/** `learning-cost --fan-in`: how a layer's synapses are counted (compiler/analysis/learning-cost.ts, which loads nothing else). */
export { FAN_IN_CONVENTIONS as LEARNING_COST_FAN_IN } from "../compiler/analysis/learning-cost.ts";
/** `learning-cost --signal` and `--optimizer` (compiler/analysis/learning-cost-signal.ts, which loads nothing else). */
export { LEARNING_SIGNALS as LEARNING_COST_SIGNALS, LEARNING_OPTIMIZERS as LEARNING_COST_OPTIMIZERS } from "../compiler/analysis/learning-cost-signal.ts";

/** `run --bill-learning`: what the learning energy bills (ChipSpec.learningBilledOn; chip/spec/types.ts imports nothing). */
export { LEARNING_BILLING_BASES as BILL_LEARNING } from "../chip/spec/types.ts";

/** `--costs`: energy (the default) or counts (no energy or power; chip/report/counts-only.ts, which imports nothing at run time). */
export { COST_MODES } from "../chip/report/counts-only.ts";

/** --placement (compiler/passes/place.ts strategies). */
export const PLACEMENTS = ["greedy", "linear", "random"] as const;
/** --precision. */
export const PRECISIONS = ["float", "fixed"] as const;
/** --timing (chip/timing/types.ts TIMING_MODEL_NAMES; not imported: it would load the simulator at start-up; a test checks they agree). */
export const TIMINGS = ["simple", "detailed"] as const;
/** NIR --reset. */
export const NIR_RESETS = ["to-v-reset", "subtract", "snntorch-subtract"] as const;
/** NIR --recurrent-bias. */
export const NIR_RECURRENT_BIASES = ["nirtorch", "snntorch"] as const;
/** NIR --nir-bias: where constant drives go (compiler/frontends/nir/options.ts `bias`; docs/nir.md "Constant drives"). */
export const NIR_BIASES = ["source", "compartment"] as const;

/**
 * A whole number given on the command line: decimal digits only ("16", "007"). Number() would also take
 * "0x10", "1e1", "0b1", " 5" and "" (as 0), so `--steps 1e6` meant as something else would run (audit s24a #8);
 * those give undefined, and the option's parser refuses them (E_CLI_OPTION naming the option and the value).
 */
export function wholeNumberText(text: string): number | undefined {
  return /^[0-9]+$/.test(text) ? Number(text) : undefined;
}

/** Why `value` is not a whole number in min..max, or undefined when it is. */
export function wholeNumberProblem(value: unknown, min: number, max: number): string | undefined {
  if (typeof value !== "number" || !Number.isInteger(value)) return `it must be a whole number from ${min} to ${max}`;
  if (value < min || value > max) return `it must be from ${min} to ${max}`;
  return undefined;
}

/**
 * `--sample` (an SHD/SSC sample) and `--gesture` (a DVS Gesture label row): 0-based indices. The file's own
 * count is checked when it is read (SHD has 8,156 training samples, SSC 75,466); this bound only keeps the
 * index an exact int32.
 */
export const MAX_INPUT_SAMPLE = 2 ** 31 - 1;

/**
 * `convert --encode` (core/io/events/encode-tensor.ts TENSOR_ENCODINGS; not imported: it would load the .npy
 * reader at start-up; a test checks they agree): how a static tensor becomes input spikes (docs/events.md).
 */
export const ENCODINGS = ["poisson", "bernoulli", "first-spike"] as const;
/** `convert --encode --steps`: ticks generated, 1 to as many as one run simulates. */
export const MAX_ENCODE_STEPS = MAX_RUN_TICKS;
/**
 * `convert --encode poisson --max-rate-hz`: at most one spike per µs (10⁶ Hz). The binding limit is the
 * spike probability per tick, --max-rate-hz × --tick-us × 10⁻⁶ ≤ 1, checked with both options.
 */
export const MAX_ENCODE_RATE_HZ = 1e6;

/**
 * `evaluate --jobs`: samples evaluated at once, one worker thread (with its own compiled model and state)
 * each. As many as --threads allows (MAX_RUN_THREADS); more than the machine's cores only costs memory.
 */
export const MAX_EVALUATE_JOBS = 64;

/** `learn --params`: the named parameter sets (cli/learn/param-sets.ts; checked by the command: E_CLI_OPTION). */
export { LEARN_PARAM_SET_NAMES } from "./learn/param-sets.ts";

/**
 * Input spikes for `aerchip run --input FILE`, mapped onto a model's input population (flat C-order index in
 * its shape), through the event readers of core/io/events: dense `.npy` spike tensors (T × input shape),
 * structured `.npy` event arrays, the AER protobuf stream, N-MNIST / N-CALTECH101 `.bin`, AEDAT 2.0 / 3.1,
 * CSV events and SHD / SSC HDF5. Events are binned into ticks of `tickUs` (at most one spike per input neuron
 * and tick: the events read, dropped and merged are counted, cli/input-accounting.ts; with --input-counts one
 * spike per event, cli/input-counts.ts) and pixels map to inputs with channel = polarity (docs/events.md). `--sample` picks an SHD / SSC
 * sample and `--labels`/`--gesture` one labelled DVS Gesture sample (cli/input-selection.ts).
 */
import { readEventsForInput, type InputEventCounts, type InputSpikes as CoreInputSpikes } from "../core/io/events/index.ts";
import { AerchipError, isAerchipError } from "../core/diagnostics.ts";
import { MAX_RUN_TICKS } from "../core/run-limits.ts";
import { inputSelectionReadOptions, renameSelectionError, type InputSelection } from "./input-selection.ts";
import { eventReadOptions, type EventTransformChoice } from "./event-transforms.ts";
import type { ChipStimulus, StimulusSpikes } from "../chip/program/types.ts";
import { deliveredEventCounts, expandCounts } from "./input-counts.ts";

export interface InputSpikes {
  readonly tick: Int32Array;
  readonly neuron: Int32Array;
  /** Steps the input covers (T of a tensor, or the last tick + 1). */
  readonly steps: number;
  /** The tick length (µs) timed events were binned at; absent for a dense spike tensor (`run --realtime` needs it). */
  readonly tickUs?: number;
  /** The events behind the spikes (read, dropped, binned, merged); absent for a dense spike tensor (cli/input-accounting.ts). */
  readonly events?: InputEventCounts;
  /** --input-counts: a neuron is listed once per event (or count) of its tick, and fires that often (cli/input-counts.ts). */
  readonly inputCounts?: true;
}

/** An input's spikes for a chip stimulus: with --input-counts, the stimulus keeps a neuron's repeats in a tick. */
export function stimulusSpikesOf(input: Pick<InputSpikes, "tick" | "neuron" | "inputCounts">): StimulusSpikes {
  return { tick: input.tick, neuron: input.neuron, ...(input.inputCounts === true ? { keepRepeats: true } : {}) };
}

/**
 * A NIR graph's chip stimulus from its input spikes: NIR step t of the Input node is chip tick t + its
 * latency (every chip synapse delays ≥ 1 tick; docs/nir.md).
 */
export function nirStimulus(m: { readonly inputPopulation: string; readonly inputs: ReadonlyArray<{ readonly latencyTicks: number }> }, input: Pick<InputSpikes, "tick" | "neuron" | "inputCounts">): ChipStimulus {
  const lat = m.inputs[0].latencyTicks;
  return { spikes: new Map([[m.inputPopulation, stimulusSpikesOf({ ...input, tick: Int32Array.from(input.tick, (t) => t + lat) })]]) };
}

export interface InputOptions extends InputSelection {
  readonly tickUs?: number;
  /** --crop, --downsample, --polarity, --time-bins (cli/event-transforms.ts). */
  readonly transforms?: EventTransformChoice;
}

export async function readInputSpikes(path: string, inputShape: readonly number[], opts: InputOptions = {}): Promise<InputSpikes> {
  const tickUs = opts.tickUs ?? 1000;
  const selection = await inputSelectionReadOptions(path, opts);
  return cliInputSpikes(path, opts, () => readEventsForInput(path, { inputShape: [...inputShape], tickUs, ...selection, ...eventReadOptions(opts.transforms ?? {}) }));
}

/**
 * The spikes a core read of `path` (`read`) gives, with its errors named by the flags the command line
 * gave (--sample, --tick-us): readInputSpikes' read, and an SHD data set's read of a file kept open
 * (cli/dataset-reader.ts), which must give the same spikes and the same errors.
 */
export async function cliInputSpikes(path: string, opts: InputOptions, read: () => Promise<CoreInputSpikes>): Promise<InputSpikes> {
  const tickUs = opts.tickUs ?? 1000;
  let r;
  try {
    r = await read();
  } catch (e) {
    if (isAerchipError(e) && e.field === "sample") throw renameSelectionError(e, opts);
    // The binning names its own fields (steps, tickUs); on the command line both come from --tick-us.
    if (isAerchipError(e) && /^E_EVENTS_/.test(e.code) && (e.field === "steps" || e.field === "tickUs")) {
      // With --event-overlap X the ticks start every --tick-us − X µs: a large overlap makes the many ticks.
      const x = opts.transforms?.eventOverlap;
      const at = x === undefined ? `at --tick-us ${tickUs}` : `at --tick-us ${tickUs} --event-overlap ${x}, a tick every ${+(tickUs - x).toPrecision(6)} µs`;
      const hint = x === undefined ? "use a longer --tick-us: the recording then spans fewer ticks" : "use a smaller --event-overlap or a longer --tick-us (the ticks start every --tick-us − overlap µs): the recording then spans fewer ticks";
      throw new AerchipError(e.code, `${e.message} (binning ${path} ${at})`, { file: path, field: "--tick-us", hint, cause: e });
    }
    throw e;
  }
  const tu = r.tickUs === undefined ? {} : { tickUs: r.tickUs };
  if (opts.transforms?.inputCounts === true && r.count !== undefined) {
    // Every event a spike: each (tick, neuron) listed as often as events fell on it (cli/input-counts.ts).
    const every = expandCounts(path, r.tick, r.neuron, r.count);
    return { ...every, steps: r.steps, ...tu, ...(r.events === undefined ? {} : { events: deliveredEventCounts(r.events) }), inputCounts: true };
  }
  return { tick: Int32Array.from(r.tick), neuron: Int32Array.from(r.neuron), steps: r.steps, ...tu, ...(r.events === undefined ? {} : { events: r.events }) };
}

/**
 * Throws E_SIM_STEPS_EXCEEDED, naming --tick-us (and --event-overlap X when given: the ticks then start every
 * --tick-us − X µs), when an input read without --steps spans more ticks than a run simulates
 * (core/run-limits.ts); the simulator checks again, without knowing where its steps came from.
 */
export function checkInputTicks(path: string, input: InputSpikes, o: { readonly tickUs?: number; readonly eventOverlap?: number }): void {
  if (input.steps <= MAX_RUN_TICKS) return;
  const x = o.eventOverlap;
  const at = o.tickUs === undefined && x === undefined ? "" : ` at --tick-us ${o.tickUs ?? 1000}${x === undefined ? "" : ` --event-overlap ${x}`}`;
  const longer = x === undefined ? "use a longer --tick-us (fewer ticks)" : "use a smaller --event-overlap or a longer --tick-us (the ticks start every --tick-us − overlap µs: fewer ticks)";
  throw new AerchipError("E_SIM_STEPS_EXCEEDED", `the input spans ${input.steps} ticks${at}; a run simulates at most ${MAX_RUN_TICKS}`, {
    file: path, field: "--tick-us", hint: `event recordings: ${longer}; or give --steps at most ${MAX_RUN_TICKS} to run the input's start`,
  });
}

/**
 * `run` without --steps: an input that gives no tick at all (an empty file, a 0-row tensor, or every event
 * dropped by the transforms) is refused, since a run of 0 ticks writes reports of nothing, which look like
 * results (audit-s19 F8). With --steps the model runs that long without it, as asked. (`evaluate` keeps such
 * a sample as an empty inference and counts it: docs/evaluate.md.)
 */
export function checkInputHasTicks(path: string, input: InputSpikes): void {
  if (input.steps > 0) return;
  const e = input.events;
  const why = e === undefined ? "it holds no tick (a tensor of 0 rows)"
    : e.eventsRead === 0 ? "it holds no event"
      : `all ${e.eventsRead} of its events were dropped (${e.eventsDroppedByTransforms} by the transforms, ${e.eventsOutsideTicks} outside the ticks)`;
  throw new AerchipError("E_INPUT_EMPTY", `the input gives the run no tick: ${why}`, {
    file: path, field: "--input", hint: "check the --crop box, --polarity and --sample/--gesture choices, or give --steps N to run the model that many ticks without this input",
  });
}

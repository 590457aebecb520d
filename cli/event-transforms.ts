/**
 * Event-recording transforms on the command line (`run` and `evaluate` with an event --input): the
 * pipeline researchers apply with tonic before a model sees a recording (papers.md §1.3: DVS Gesture
 * 128×128 resized to 32×32, CIFAR10-DVS in 10 bins), done by the readers of core/io/events/transforms.ts
 * in their order — crop, then downsample, then polarity — before pixels map to input neurons:
 *
 *   --sensor-size W,H[,P] the recording's sensor, for files that do not state it (N-MNIST-format .bin default
 *                        34×34: N-CALTECH101 recordings are 240×180; CSV files take their largest coordinates)
 *   --crop X,Y,W,H       keep x ∈ [X, X + W), y ∈ [Y, Y + H), re-based to (0, 0)        (tonic CenterCrop / crop)
 *   --downsample F|FX,FY x' = ⌊x / FX⌋, y' = ⌊y / FY⌋: the sensor becomes ⌈W/FX⌉ × ⌈H/FY⌉      (integer factors)
 *   --spatial-factor F|FX,FY  x' = ⌊x·FX⌋, y' = ⌊y·FY⌋, F in (0, 1]: the sensor becomes the reachable
 *                        (⌊(W − 1)·FX⌋ + 1) × (⌊(H − 1)·FY⌋ + 1)
 *                        (tonic Downsample(spatial_factor), bit for bit; 0.375: 128×128 onto 48×48)
 *   --polarity merge|0|1 one channel: every event, or only that polarity
 *   --time-bins N        N equal bins from the first to the last event instead of --tick-us ticks:
 *                        bin = min(N − 1, ⌊(t − t_first) · N / (t_last − t_first)⌋)   (close to tonic's n_time_bins,
 *                        which uses an integer window and drops the events past N of them: docs/events.md §4)
 *   --event-count N      ticks of N consecutive events (rank r → tick ⌊r / N⌋, the incomplete last tick dropped)
 *                        (tonic's event_count; with --event-overlap, below, its overlapping slices)
 *   --event-bins N       N ticks of c = ⌊n / N⌋ consecutive events (rank r → tick ⌊r / c⌋, the last n − N·c dropped)
 *                        (tonic's n_event_bins; with --event-overlap, below, its overlapping slices)
 *   --event-overlap X    tonic's ToFrame `overlap` (core/io/events/overlap.ts): neighbouring ticks share events. In the
 *                        unit of the binning rule: µs in [0, W) with --tick-us W (ticks of W µs starting every W − X µs:
 *                        the run's tick length becomes W − X), a whole number of events in [0, N) with --event-count N,
 *                        a fraction of a bin in [0, 1) with --event-bins or --time-bins --time-bins-rule tonic
 *                        (cli/option-applicability.ts checks the range). An event in k ticks is delivered k times.
 *   --tick-origin first-event  --tick-us ticks (with or without --event-overlap) start at the recording's first
 *                        event, t0 = t_first, as tonic's ToFrame(time_window) frames do, instead of at t = 0 (the
 *                        default, which keeps earlier outputs): tick k holds [t0 + k·S, t0 + k·S + W), S = W − X
 *                        (core/io/events/transforms.ts BinOptions.t0Us "first"). The other rules start there already.
 *
 * Several events landing on one input neuron in one tick are one spike (a chip input fires at most once per
 * tick), as without transforms, unless --input-counts is given (cli/input-counts.ts: each event a spike). Dense spike tensors (.npy T × shape) are not events: the transforms are
 * refused there by the reader. Each option given is recorded in the report's provenance (only then, so
 * reports of runs without them keep their bytes) and `aerchip rerun` gives it back.
 */
import { InvalidArgumentError, Option, type Command } from "commander";
import type { CropBox } from "../core/io/events/transforms.ts";
import { wholeNumberText } from "./option-limits.ts";

export interface EventTransformChoice {
  /** The recording's sensor, width × height × polarities (files that do not state it: N-MNIST-format .bin, CSV). */
  readonly sensorSize?: { readonly width: number; readonly height: number; readonly polarities: number };
  readonly crop?: CropBox;
  readonly downsample?: { readonly x: number; readonly y: number };
  readonly spatialFactor?: { readonly x: number; readonly y: number };
  readonly polarity?: "merge" | number;
  readonly timeBins?: number;
  /** How --time-bins cuts the recording: proportional edges (default) or tonic's integer window. */
  readonly timeBinsRule?: "proportional" | "tonic";
  /** Ticks of this many events each (tonic's ToFrame(event_count)). */
  readonly eventCount?: number;
  /** This many ticks of equal event counts (tonic's ToFrame(n_event_bins)). */
  readonly eventBins?: number;
  /** tonic's overlap between neighbouring ticks, in the binning rule's unit (µs, events, or a fraction of a bin). */
  readonly eventOverlap?: number;
  /** --tick-origin first-event: --tick-us ticks start at the first event (tonic's time_window frames), not at t = 0. */
  readonly tickOrigin?: "first-event";
  /**
   * --input-counts: every event binned is delivered, an input neuron with c events in a tick firing c times
   * (a dense .npy's whole number c, c spikes), instead of one spike (cli/input-counts.ts). Not a transform,
   * but read, recorded and re-run with them; it also applies to dense tensors.
   */
  readonly inputCounts?: boolean;
}

/** Largest --event-count / --event-bins accepted (as --time-bins). */
const MAX_EVENT_BIN = 1_000_000;

/** commander parser of a whole number in 1..MAX_EVENT_BIN. */
const eventBinOption = (flag: string) => (v: string): number => {
  const n = wholeNumberText(v);
  if (n === undefined || n < 1 || n > MAX_EVENT_BIN) throw new InvalidArgumentError(`${flag} must be a whole number in 1..${MAX_EVENT_BIN}`);
  return n;
};

/** commander parser of --event-overlap: a finite number ≥ 0 (its upper limit depends on the binning rule: cli/option-applicability.ts). */
export const eventOverlapOption = (v: string): number => {
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError("--event-overlap must be a number ≥ 0 (µs with --tick-us, events with --event-count, a fraction below 1 with --event-bins or --time-bins)");
  return n;
};

/** Largest factor or coordinate accepted (events carry 16-bit coordinates). */
const MAX_COORD = 65535;

function ints(v: string, flag: string, count: number[], min: number): number[] {
  const parts = v.split(",").map((s) => s.trim());
  if (!count.includes(parts.length)) throw new InvalidArgumentError(`${flag} takes ${count.join(" or ")} comma-separated whole numbers, got "${v}"`);
  return parts.map((p) => {
    const n = wholeNumberText(p);
    if (n === undefined || n < min || n > MAX_COORD) throw new InvalidArgumentError(`${flag} has "${p}"; each value is a whole number in ${min}..${MAX_COORD}`);
    return n;
  });
}

/** commander parsers. */
export const cropOption = (v: string): CropBox => {
  const [x, y, w, h] = ints(v, "--crop", [4], 0);
  if (w < 1 || h < 1) throw new InvalidArgumentError(`--crop ${v}: the width and height must be at least 1`);
  return { x, y, width: w, height: h };
};
export const sensorSizeOption = (v: string): { width: number; height: number; polarities: number } => {
  const [width, height, polarities] = [...ints(v, "--sensor-size", [2, 3], 1), 2];
  return { width, height, polarities };
};
export const downsampleOption = (v: string): { x: number; y: number } => {
  const f = ints(v, "--downsample", [1, 2], 1);
  return { x: f[0], y: f[f.length - 1] };
};
export const spatialFactorOption = (v: string): { x: number; y: number } => {
  const parts = v.split(",").map((s) => s.trim());
  if (parts.length !== 1 && parts.length !== 2) throw new InvalidArgumentError(`--spatial-factor takes 1 or 2 comma-separated numbers, got "${v}"`);
  const f = parts.map((p) => {
    const n = Number(p);
    if (p === "" || !(n > 0 && n <= 1)) throw new InvalidArgumentError(`--spatial-factor has "${p}"; each factor is a number in (0, 1] (e.g. 0.375 for 128 pixels onto 48)`);
    return n;
  });
  return { x: f[0], y: f[f.length - 1] };
};
export const polarityOption = (v: string): "merge" | number => {
  if (v === "merge") return "merge";
  if (v === "0" || v === "1") return Number(v);
  throw new InvalidArgumentError(`--polarity is merge, 0 or 1, got "${v}"`);
};

/** The transforms of a command's parsed options. */
export function eventTransformsOf(o: EventTransformChoice): EventTransformChoice {
  return {
    ...(o.sensorSize === undefined ? {} : { sensorSize: o.sensorSize }),
    ...(o.crop === undefined ? {} : { crop: o.crop }),
    ...(o.downsample === undefined ? {} : { downsample: o.downsample }),
    ...(o.spatialFactor === undefined ? {} : { spatialFactor: o.spatialFactor }),
    ...(o.polarity === undefined ? {} : { polarity: o.polarity }),
    ...(o.timeBins === undefined ? {} : { timeBins: o.timeBins }),
    ...(o.timeBinsRule === undefined ? {} : { timeBinsRule: o.timeBinsRule }),
    ...(o.eventCount === undefined ? {} : { eventCount: o.eventCount }),
    ...(o.eventBins === undefined ? {} : { eventBins: o.eventBins }),
    ...(o.eventOverlap === undefined ? {} : { eventOverlap: o.eventOverlap }),
    ...(o.tickOrigin === "first-event" ? { tickOrigin: "first-event" as const } : {}),
    ...(o.inputCounts === true ? { inputCounts: true } : {}),
  };
}

/** A binning rule other than --tick-us (which one and its value), for messages and records; undefined with --tick-us. */
export interface EventBinning {
  readonly flag: "--time-bins" | "--event-count" | "--event-bins";
  readonly n: number;
}

export function eventBinningOf(t: EventTransformChoice): EventBinning | undefined {
  if (t.timeBins !== undefined) return { flag: "--time-bins", n: t.timeBins };
  if (t.eventCount !== undefined) return { flag: "--event-count", n: t.eventCount };
  if (t.eventBins !== undefined) return { flag: "--event-bins", n: t.eventBins };
  return undefined;
}

/**
 * The tick length (µs) a --packets-out stream records: --tick-us as given (default 1000 in the writer), except
 * that with --event-overlap the ticks start every --tick-us − overlap µs of the recording (`inputTickUs`, the
 * binned input's tick length), which the stream's times must follow.
 */
export function packetStreamTickUs(o: { readonly tickUs?: number; readonly eventOverlap?: number }, inputTickUs: number | undefined): number | undefined {
  return o.eventOverlap !== undefined && inputTickUs !== undefined ? inputTickUs : o.tickUs;
}

/** readEventsForInput options: the transforms, and `bins` for --time-bins. */
export function eventReadOptions(t: EventTransformChoice): { geometry?: { width: number; height: number; polarities: number }; crop?: CropBox; downsample?: { x: number; y: number }; spatialFactor?: { x: number; y: number }; polarity?: "merge" | number; bins?: number; binsRule?: "proportional" | "tonic"; eventCount?: number; eventBins?: number; overlap?: number; t0Us?: "first"; counts?: boolean; countTensor?: boolean } {
  return {
    // --input-counts: each spike's event count (and a dense tensor's counts), delivered by cli/input-counts.ts.
    ...(t.inputCounts === true ? { counts: true, countTensor: true } : {}),
    ...(t.sensorSize === undefined ? {} : { geometry: { ...t.sensorSize } }),
    ...(t.crop === undefined ? {} : { crop: t.crop }),
    ...(t.downsample === undefined ? {} : { downsample: t.downsample }),
    ...(t.spatialFactor === undefined ? {} : { spatialFactor: t.spatialFactor }),
    ...(t.polarity === undefined ? {} : { polarity: t.polarity }),
    ...(t.timeBins === undefined ? {} : { bins: t.timeBins, ...(t.timeBinsRule === undefined ? {} : { binsRule: t.timeBinsRule }) }),
    ...(t.eventCount === undefined ? {} : { eventCount: t.eventCount }),
    ...(t.eventBins === undefined ? {} : { eventBins: t.eventBins }),
    ...(t.eventOverlap === undefined ? {} : { overlap: t.eventOverlap }),
    // --tick-origin first-event: tick 0 starts at the first event kept (binToTicks' t0Us "first").
    ...(t.tickOrigin === "first-event" ? { t0Us: "first" as const } : {}),
  };
}

/** Provenance options of the transforms given (none: nothing, so older reports keep their bytes). */
export function eventTransformProvenance(t: EventTransformChoice): Record<string, string | number | boolean> {
  return {
    ...(t.sensorSize === undefined ? {} : { sensorSize: `${t.sensorSize.width},${t.sensorSize.height},${t.sensorSize.polarities}` }),
    ...(t.crop === undefined ? {} : { crop: `${t.crop.x},${t.crop.y},${t.crop.width},${t.crop.height}` }),
    ...(t.downsample === undefined ? {} : { downsample: `${t.downsample.x},${t.downsample.y}` }),
    ...(t.spatialFactor === undefined ? {} : { spatialFactor: `${t.spatialFactor.x},${t.spatialFactor.y}` }),
    ...(t.polarity === undefined ? {} : { polarity: t.polarity === "merge" ? "merge" : String(t.polarity) }),
    ...(t.timeBins === undefined ? {} : { timeBins: t.timeBins }),
    ...(t.timeBinsRule === undefined ? {} : { timeBinsRule: t.timeBinsRule }),
    ...(t.eventCount === undefined ? {} : { eventCount: t.eventCount }),
    ...(t.eventBins === undefined ? {} : { eventBins: t.eventBins }),
    ...(t.eventOverlap === undefined ? {} : { eventOverlap: t.eventOverlap }),
    ...(t.tickOrigin === undefined ? {} : { tickOrigin: t.tickOrigin }),
    ...(t.inputCounts === true ? { inputCounts: true } : {}),
  };
}

/** The transforms a report's provenance options recorded (for `aerchip rerun`); throws on a malformed value. */
export function eventTransformsFromProvenance(options: Readonly<Record<string, unknown>>, bad: (field: string) => never): EventTransformChoice {
  const str = (k: string): string | undefined => {
    const v = options[k];
    if (v === undefined) return undefined;
    if (typeof v !== "string") return bad(k);
    return v;
  };
  const parse = <T>(k: string, f: (v: string) => T): T | undefined => {
    const v = str(k);
    if (v === undefined) return undefined;
    try {
      return f(v);
    } catch {
      return bad(k);
    }
  };
  const sensorSize = parse("sensorSize", sensorSizeOption);
  const crop = parse("crop", cropOption);
  const downsample = parse("downsample", downsampleOption);
  const spatialFactor = parse("spatialFactor", spatialFactorOption);
  const polarity = parse("polarity", polarityOption);
  const tb = options.timeBins;
  if (tb !== undefined && !(typeof tb === "number" && Number.isInteger(tb) && tb >= 1)) bad("timeBins");
  const rule = options.timeBinsRule;
  if (rule !== undefined && rule !== "proportional" && rule !== "tonic") bad("timeBinsRule");
  const count = (k: "eventCount" | "eventBins"): number | undefined => {
    const v = options[k];
    if (v !== undefined && !(typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= MAX_EVENT_BIN)) bad(k);
    return v as number | undefined;
  };
  const eventCount = count("eventCount");
  const eventBins = count("eventBins");
  const counts = options.inputCounts;
  if (counts !== undefined && counts !== true) bad("inputCounts");
  const overlap = options.eventOverlap;
  if (overlap !== undefined && !(typeof overlap === "number" && Number.isFinite(overlap) && overlap >= 0)) bad("eventOverlap");
  const origin = options.tickOrigin;
  if (origin !== undefined && origin !== "first-event") bad("tickOrigin");
  return eventTransformsOf({ ...(origin === undefined ? {} : { tickOrigin: "first-event" }), ...(counts === true ? { inputCounts: true } : {}), ...(overlap === undefined ? {} : { eventOverlap: overlap as number }), ...(eventCount === undefined ? {} : { eventCount }), ...(eventBins === undefined ? {} : { eventBins }), ...(sensorSize === undefined ? {} : { sensorSize }), ...(crop === undefined ? {} : { crop }), ...(downsample === undefined ? {} : { downsample }), ...(spatialFactor === undefined ? {} : { spatialFactor }), ...(polarity === undefined ? {} : { polarity }), ...(tb === undefined ? {} : { timeBins: tb as number }), ...(rule === undefined ? {} : { timeBinsRule: rule as "proportional" | "tonic" }) });
}

/** Adds --crop, --downsample, --polarity and --time-bins to a command that reads an event --input. */
export function addEventTransformOptions(cmd: Command): Command {
  return cmd
    .option("--sensor-size <w,h[,p]>", "event --input: the recording's sensor size (width, height, polarities, default 2), for files that do not state it (N-MNIST-format .bin: N-CALTECH101 is 240,180; CSV otherwise takes the largest coordinates)", sensorSizeOption)
    .option("--crop <x,y,w,h>", "event --input: keep the pixels x in [x, x+w), y in [y, y+h), re-based to 0 (before --downsample)", cropOption)
    .option("--downsample <f|fx,fy>", "event --input: divide pixel coordinates by f (x' = floor(x/fx), y' = floor(y/fy)), e.g. 4 for a 128x128 DVS onto a 32x32 input", downsampleOption)
    .option("--spatial-factor <f|fx,fy>", "event --input: multiply pixel coordinates by f in (0, 1] and floor (tonic's Downsample(spatial_factor)), e.g. 0.375 for a 128x128 DVS onto a 48x48 input (after --crop and --downsample)", spatialFactorOption)
    .option("--polarity <merge|0|1>", "event --input: one channel, of every event (merge) or of one polarity", polarityOption)
    .addOption(new Option("--time-bins-rule <rule>", "how --time-bins cuts: proportional (default: edges at (t1 - t0)·i/n, every event kept) or tonic (tonic's ToFrame(n_time_bins): an integer window floor((t1 - t0)/n) µs, events past n windows dropped)").choices(["proportional", "tonic"]))
    .option("--time-bins <n>", "event --input: n equal time bins from the first to the last event (proportional edges, every event kept; close to tonic's n_time_bins) instead of --tick-us ticks", (v: string) => {
      const n = wholeNumberText(v);
      if (n === undefined || n < 1 || n > 1_000_000) throw new InvalidArgumentError("--time-bins must be a whole number in 1..1000000");
      return n;
    })
    .option("--event-count <n>", "event --input: ticks of n consecutive events each, in the recording's order, instead of --tick-us (tonic's ToFrame(event_count=n): the last, incomplete tick's events dropped)", eventBinOption("--event-count"))
    .option("--event-bins <n>", "event --input: n ticks of floor(events / n) consecutive events each, instead of --tick-us (tonic's ToFrame(n_event_bins=n): the remaining events dropped)", eventBinOption("--event-bins"))
    .option("--event-overlap <x>", "event --input: tonic's ToFrame overlap, neighbouring ticks sharing events (each delivered in every tick it is in): with --tick-us W, x µs in [0, W) (ticks of W µs every W - x µs); with --event-count n, x events in [0, n); with --event-bins or --time-bins --time-bins-rule tonic, a fraction of a bin in [0, 1). --tick-us ticks start at t = 0, tonic's at the first event: add --tick-origin first-event for tonic's frames", eventOverlapOption)
    .addOption(new Option("--tick-origin <origin>", "event --input with --tick-us ticks: where tick 0 starts, zero (t = 0 µs of the recording, the default) or first-event (the first event kept, as tonic's ToFrame(time_window, overlap) frames start); the event and bin rules start at the first event already").choices(["zero", "first-event"]));
}

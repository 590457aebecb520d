/**
 * Event transforms (pure functions of a batch, or of a stream batch by batch) and the two steps that
 * turn events into chip input: mapping pixels to input indices and binning times into ticks.
 *
 * Conventions:
 *  - Flat pixel channel of an event: (p·H + y)·W + x — C order over [P, H, W], channel = polarity.
 *  - Binning with `tickUs`: tick = ⌊(t − t0) / tickUs⌋ with t0 = 0 by default (the recording's own clock,
 *    as tonic's ToFrame(time_window) and aerchip's N-MNIST runs use), or the first event ("first").
 *    Binning into `bins`: t0 = first event, tEnd = last event, bin = min(bins − 1, ⌊(t − t0) · bins / (tEnd − t0)⌋)
 *    (tonic's n_time_bins without overlap); all events go to bin 0 when tEnd = t0.
 *  - A spike list holds each occupied (tick, channel) once — a chip input neuron emits at most one spike
 *    per tick — with `count` = the number of events merged into it. Consumers choose: chip input uses the
 *    (tick, channel) pairs (binary), dense frame tensors (tonic's ToFrame) can use the counts.
 */
import { EventsErrorCode, checkPositiveInt, checkPositiveNumber, eventsError } from "./errors.ts";
import { checkGeometry } from "./batch.ts";
import { MAX_INPUT_SPIKES } from "../../run-limits.ts";
import { eventBinFrames, eventCountFrames, framesHolding, timeBinFrames, timeWindowFrames, type OverlapFrames } from "./overlap.ts";
import type { EventBatch, SensorGeometry, SpikeList } from "./types.ts";

// ---------------------------------------------------------------------------------------------
// Per-batch transforms.

/** Keeps events where keep[i] is 1; `geometry` replaces the batch's (coordinates already remapped by the caller). */
function filterBatch(b: EventBatch, keep: Uint8Array, n: number, geometry: SensorGeometry, x = b.x, y = b.y, p = b.p, tUs = b.tUs): EventBatch {
  const out = { x: new Uint16Array(n), y: new Uint16Array(n), p: new Uint8Array(n), tUs: new Float64Array(n) };
  let j = 0;
  for (let i = 0; i < b.length; i++) {
    if (keep[i] === 0) continue;
    out.x[j] = x[i];
    out.y[j] = y[i];
    out.p[j] = p[i];
    out.tUs[j] = tUs[i];
    j++;
  }
  return { ...out, length: n, geometry };
}

/**
 * Spatial downsampling by integer factors: x' = ⌊x / fx⌋, y' = ⌊y / fy⌋; the geometry becomes
 * ⌈W / fx⌉ × ⌈H / fy⌉. Events keep their times (several pixels may now fire the same channel at once).
 */
export function downsample(b: EventBatch, factor: number | { readonly x: number; readonly y: number }): EventBatch {
  const fx = checkPositiveInt(typeof factor === "number" ? factor : factor.x, "downsample factor x", 65536);
  const fy = checkPositiveInt(typeof factor === "number" ? factor : factor.y, "downsample factor y", 65536);
  const g = b.geometry;
  const x = new Uint16Array(b.length);
  const y = new Uint16Array(b.length);
  for (let i = 0; i < b.length; i++) {
    x[i] = Math.floor(b.x[i] / fx);
    y[i] = Math.floor(b.y[i] / fy);
  }
  return { x, y, p: b.p.slice(), tUs: b.tUs.slice(), length: b.length, geometry: { width: Math.ceil(g.width / fx), height: Math.ceil(g.height / fy), polarities: g.polarities } };
}

/**
 * Spatial scaling by factors in (0, 1], tonic's Downsample(spatial_factor): x' = ⌊x·fx⌋, y' = ⌊y·fy⌋ (tonic
 * multiplies the integer coordinates by the float factor and stores the product back into the integer
 * field, which truncates; both products are float64 here too, so the pixels are tonic's bit for bit), e.g.
 * 0.375 for a 128×128 DVS onto 48×48 (CIFAR10-DVS in S-TLLR), which integer factors cannot give. The geometry
 * becomes the area the events can reach, (⌊(W − 1)·fx⌋ + 1) × (⌊(H − 1)·fy⌋ + 1), with the products taken as
 * the events' are: ⌈W·fx⌉ would be one too many where W·fx lands just above an integer in float64 (a DAVIS346's
 * 346 columns × 100/346 = 100.00000000000001) or where W·fx is not a whole number (34 × 0.9: 31, of which
 * only 30 columns can be reached).
 */
export function scaleCoordinates(b: EventBatch, factor: { readonly x: number; readonly y: number }): EventBatch {
  for (const [axis, f] of [["x", factor.x], ["y", factor.y]] as const) {
    if (!(f > 0 && f <= 1)) throw eventsError(EventsErrorCode.options, `spatial factor ${axis} is ${f}; it must be in (0, 1]`, "give a factor such as 0.375 (128 pixels onto 48)", { field: "spatialFactor" });
  }
  const g = b.geometry;
  const x = new Uint16Array(b.length);
  const y = new Uint16Array(b.length);
  for (let i = 0; i < b.length; i++) {
    x[i] = Math.floor(b.x[i] * factor.x);
    y[i] = Math.floor(b.y[i] * factor.y);
  }
  const reach = (size: number, f: number): number => Math.floor((size - 1) * f) + 1;
  return { x, y, p: b.p.slice(), tUs: b.tUs.slice(), length: b.length, geometry: { width: reach(g.width, factor.x), height: reach(g.height, factor.y), polarities: g.polarities } };
}

/** Maps every event to polarity 0 (one channel). */
export function mergePolarities(b: EventBatch): EventBatch {
  return { x: b.x.slice(), y: b.y.slice(), p: new Uint8Array(b.length), tUs: b.tUs.slice(), length: b.length, geometry: { ...b.geometry, polarities: 1 } };
}

/** Events of polarity `p` only, as a one-channel batch. */
export function selectPolarity(b: EventBatch, p: number): EventBatch {
  if (!Number.isInteger(p) || p < 0 || p >= b.geometry.polarities) {
    throw eventsError(EventsErrorCode.options, `polarity ${p} does not exist; the geometry has ${b.geometry.polarities}`, `choose a polarity in 0..${b.geometry.polarities - 1}`, { field: "polarity" });
  }
  const keep = new Uint8Array(b.length);
  let n = 0;
  for (let i = 0; i < b.length; i++) if (b.p[i] === p) { keep[i] = 1; n++; }
  return filterBatch(b, keep, n, { ...b.geometry, polarities: 1 }, b.x, b.y, new Uint8Array(b.length));
}

/** One single-channel batch per polarity (index = polarity). */
export function splitPolarities(b: EventBatch): EventBatch[] {
  return Array.from({ length: b.geometry.polarities }, (_, p) => selectPolarity(b, p));
}

export interface CropBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Events inside the box, shifted so the box's corner is (0, 0); the geometry becomes the box. */
export function crop(b: EventBatch, box: CropBox): EventBatch {
  const g = b.geometry;
  const ok = Number.isInteger(box.x) && Number.isInteger(box.y) && box.x >= 0 && box.y >= 0 && Number.isInteger(box.width) && Number.isInteger(box.height) && box.width >= 1 && box.height >= 1;
  if (!ok || box.x + box.width > g.width || box.y + box.height > g.height) {
    throw eventsError(EventsErrorCode.options, `crop box ${JSON.stringify(box)} does not fit inside the ${g.width}×${g.height} geometry`, "give integer x, y ≥ 0 and width, height ≥ 1 inside the sensor", { field: "crop" });
  }
  const keep = new Uint8Array(b.length);
  const x = new Uint16Array(b.length);
  const y = new Uint16Array(b.length);
  let n = 0;
  for (let i = 0; i < b.length; i++) {
    const xi = b.x[i] - box.x;
    const yi = b.y[i] - box.y;
    if (xi < 0 || yi < 0 || xi >= box.width || yi >= box.height) continue;
    keep[i] = 1;
    x[i] = xi;
    y[i] = yi;
    n++;
  }
  return filterBatch(b, keep, n, { width: box.width, height: box.height, polarities: g.polarities }, x, y);
}

/** A box of `width` × `height` centred on the sensor (as tonic's CenterCrop; odd margins favour the top-left). */
export function centerBox(g: SensorGeometry, width: number, height: number): CropBox {
  return { x: Math.floor((g.width - width) / 2), y: Math.floor((g.height - height) / 2), width, height };
}

/** Events with startUs ≤ t < endUs; with `rebase`, times become t − startUs. */
export function sliceTime(b: EventBatch, startUs: number, endUs: number, rebase = false): EventBatch {
  if (!(endUs > startUs) || Number.isNaN(startUs)) {
    throw eventsError(EventsErrorCode.options, `time slice [${startUs}, ${endUs}) µs is empty`, "give start < end", { field: "slice" });
  }
  const keep = new Uint8Array(b.length);
  let n = 0;
  for (let i = 0; i < b.length; i++) if (b.tUs[i] >= startUs && b.tUs[i] < endUs) { keep[i] = 1; n++; }
  const out = filterBatch(b, keep, n, b.geometry);
  if (rebase) for (let i = 0; i < n; i++) out.tUs[i] -= startUs;
  return out;
}

/** Cuts a batch into consecutive windows of `windowUs` starting at `startUs` (default: the first event). */
export function sliceByTime(b: EventBatch, windowUs: number, startUs?: number): EventBatch[] {
  checkPositiveNumber(windowUs, "windowUs");
  if (b.length === 0) return [];
  let t0 = startUs ?? Infinity;
  let tMax = -Infinity;
  for (let i = 0; i < b.length; i++) {
    if (startUs === undefined && b.tUs[i] < t0) t0 = b.tUs[i];
    if (b.tUs[i] > tMax) tMax = b.tUs[i];
  }
  const out: EventBatch[] = [];
  for (let s = t0; s <= tMax; s += windowUs) out.push(sliceTime(b, s, s + windowUs));
  return out;
}

/** The transforms `readEventsForInput` and `convertEventFile` apply, in this order. */
export interface EventTransformOptions {
  /** Keep [start, end) µs. */
  readonly timeSliceUs?: readonly [number, number];
  readonly crop?: CropBox;
  readonly downsample?: number | { readonly x: number; readonly y: number };
  /** Coordinates × factors in (0, 1], floored (scaleCoordinates); with a downsample, after it. */
  readonly spatialFactor?: { readonly x: number; readonly y: number };
  /** "merge" (one channel) or the one polarity to keep. */
  readonly polarity?: "merge" | number;
}

export function hasTransforms(o: EventTransformOptions): boolean {
  return o.timeSliceUs !== undefined || o.crop !== undefined || o.downsample !== undefined || o.spatialFactor !== undefined || o.polarity !== undefined;
}

/** Time slice, then crop, then downsample, then spatial factor, then polarity. */
export function applyTransforms(b: EventBatch, o: EventTransformOptions): EventBatch {
  let e = b;
  if (o.timeSliceUs !== undefined) e = sliceTime(e, o.timeSliceUs[0], o.timeSliceUs[1]);
  if (o.crop !== undefined) e = crop(e, o.crop);
  if (o.downsample !== undefined) e = downsample(e, o.downsample);
  if (o.spatialFactor !== undefined) e = scaleCoordinates(e, o.spatialFactor);
  if (o.polarity === "merge") e = mergePolarities(e);
  else if (typeof o.polarity === "number") e = selectPolarity(e, o.polarity);
  return e;
}

/** Applies a per-batch transform to a stream. */
export async function* mapBatches(stream: AsyncIterable<EventBatch>, fn: (b: EventBatch) => EventBatch): AsyncGenerator<EventBatch, void, undefined> {
  for await (const b of stream) yield fn(b);
}

// ---------------------------------------------------------------------------------------------
// Pixels → input indices.

/** Flat channel (p·H + y)·W + x of every event, in the batch's own geometry. */
export function flatChannels(b: EventBatch): Int32Array {
  const g = b.geometry;
  const out = new Int32Array(b.length);
  for (let i = 0; i < b.length; i++) out[i] = (b.p[i] * g.height + b.y[i]) * g.width + b.x[i];
  return out;
}

export type InputLayout = "chw" | "hwc";

export interface MapToInputsOptions {
  /**
   * How a rank-3 input shape is ordered: "chw" ([C, H, W], the PyTorch / NIR / sinabs convention) or
   * "hwc" ([H, W, C]). Default: "hwc" when the last dimension is ≤ 2 and the first is > 2, else "chw".
   */
  readonly layout?: InputLayout;
  /** What to do with an event outside the input: "error" (default) or "drop" (its index is −1). */
  readonly outOfRange?: "error" | "drop";
}

/** The layout mapToInputs uses for a rank-3 shape. */
export function inputLayoutOf(shape: readonly number[], layout?: InputLayout): InputLayout {
  if (layout !== undefined) return layout;
  return shape.length === 3 && shape[2] <= 2 && shape[0] > 2 ? "hwc" : "chw";
}

/**
 * Flat input index (C order in `inputShape`) of every event:
 *   [C, H, W]: (c·H + y)·W + x      [H, W, C]: (y·W + x)·C + c      with c = p, or 0 when C = 1
 *   [H, W]:    y·W + x (polarities merged)
 *   [N]:       (p·H_s + y)·W_s + x when N = P·H_s·W_s of the sensor geometry, y·W_s + x when N = H_s·W_s
 * Events beyond the input's H, W or C are an error (E_EVENTS_OUT_OF_RANGE) or, with outOfRange "drop", −1.
 */
export function mapToInputs(b: EventBatch, geometry: SensorGeometry, inputShape: readonly number[], options: MapToInputsOptions = {}): Int32Array {
  const g = checkGeometry(geometry);
  for (const d of inputShape) {
    if (!Number.isInteger(d) || d < 1) throw eventsError(EventsErrorCode.shape, `input shape [${inputShape.join(", ")}] has an invalid dimension`, "dimensions are positive integers", { field: "inputShape" });
  }
  const drop = options.outOfRange === "drop";
  const out = new Int32Array(b.length);
  let C = 1;
  let H = 1;
  let W = 1;
  let hwc = false;
  let mergeP = false;
  let flatKind: "none" | "full" | "merged" = "none";
  const rank = inputShape.length;
  if (rank === 3) {
    hwc = inputLayoutOf(inputShape, options.layout) === "hwc";
    [C, H, W] = hwc ? [inputShape[2], inputShape[0], inputShape[1]] : [inputShape[0], inputShape[1], inputShape[2]];
    mergeP = C === 1;
  } else if (rank === 2) {
    [H, W] = [inputShape[0], inputShape[1]];
    mergeP = true;
  } else if (rank === 1) {
    const N = inputShape[0];
    if (N === g.polarities * g.height * g.width) flatKind = "full";
    else if (N === g.height * g.width) flatKind = "merged";
    else {
      throw eventsError(EventsErrorCode.shape, `a flat input of ${N} neurons does not match the ${g.width}×${g.height}×${g.polarities} sensor (${g.polarities * g.height * g.width} pixels with polarity, ${g.height * g.width} without)`,
        "give the input as [C, H, W] or [H, W], or crop / downsample / scale (--spatial-factor) the events to the input's size", { field: "inputShape" });
    }
    [C, H, W] = flatKind === "full" ? [g.polarities, g.height, g.width] : [1, g.height, g.width];
    mergeP = flatKind === "merged";
  } else {
    throw eventsError(EventsErrorCode.shape, `input shape [${inputShape.join(", ")}] has rank ${rank}; events map onto [C, H, W], [H, W, C], [H, W] or [N]`, "reshape the model's input", { field: "inputShape" });
  }
  for (let i = 0; i < b.length; i++) {
    const x = b.x[i];
    const y = b.y[i];
    const c = mergeP ? 0 : b.p[i];
    if (x >= W || y >= H || c >= C) {
      if (drop) {
        out[i] = -1;
        continue;
      }
      throw eventsError(EventsErrorCode.outOfRange, `event ${i} at (x ${x}, y ${y}, p ${b.p[i]}) lies outside the input of shape [${inputShape.join(", ")}] (${W} wide, ${H} high, ${C} channel${C === 1 ? "" : "s"})`,
        "crop or downsample the events to the input's size, or choose outOfRange: \"drop\"", { field: `events[${i}]` });
    }
    out[i] = hwc ? (y * W + x) * C + c : (c * H + y) * W + x;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Times → ticks.

export interface BinOptions {
  /** Tick length in µs (give this or `bins`). */
  readonly tickUs?: number;
  /** Number of equal bins spanning the first to the last event (give this or `tickUs`). */
  readonly bins?: number;
  /**
   * How `bins` are cut: "proportional" (default) bin = min(bins − 1, ⌊(t − t0)·bins / (tEnd − t0)⌋), every event
   * kept; "tonic" tonic's SliceByTimeBins / ToFrame(n_time_bins): window w = ⌊(tEnd − t0) / bins⌋ µs,
   * bin = ⌊(t − t0) / w⌋, events at t0 + bins·w or later dropped (always the last one; all when w = 0).
   */
  readonly binsRule?: "proportional" | "tonic";
  /** Time of the start of tick 0: a number of µs, or "first" (the earliest event). Default 0 for tickUs, "first" for bins. */
  readonly t0Us?: number | "first";
  /** End of the last bin for `bins` (default: the last event). */
  readonly tEndUs?: number;
  /** Number of ticks kept: later events are dropped (default: up to the last event's tick). */
  readonly steps?: number;
  /**
   * Bins of a fixed number of events instead of a time rule (tonic's ToFrame(event_count = N), no overlap,
   * include_incomplete False): the n events kept (channel ≥ 0), in the recording's order, are cut into
   * ⌊(n − c) / N⌋ + 1 bins of c = min(N, n) consecutive events; the last, incomplete, bin's events are dropped
   * (all n in one bin when n < N). Give this, `eventBins`, `tickUs` or `bins`.
   */
  readonly eventCount?: number;
  /**
   * N bins of equal event counts (tonic's ToFrame(n_event_bins = N), no overlap): c = ⌊n / N⌋ consecutive
   * events per bin in the recording's order, the last n − N·c events dropped (every bin empty when n < N).
   */
  readonly eventBins?: number;
  /**
   * tonic's `overlap` between neighbouring frames (overlap.ts): with `tickUs` W, O µs in [0, W) (frames of W µs
   * starting every W − O µs); with `eventCount` N, a whole number of events in [0, N); with `bins` (binsRule
   * "tonic" only) or `eventBins`, a fraction of a frame in [0, 1). An event in several frames is in each
   * (SpikeList.eventsInTicks counts it once). Undefined or 0: the frames above, byte for byte.
   */
  readonly overlap?: number;
}

/** The tick of each kept event (channel ≥ 0) under BinOptions.eventCount / eventBins, −1 for dropped ones; and the ticks. */
function binByEventRank(channel: Int32Array, eventCount: number | undefined, eventBins: number | undefined, tick: Float64Array): number {
  let n = 0;
  for (let i = 0; i < channel.length; i++) if (channel[i] >= 0) n++;
  // Events per bin (c) and bins (steps): tonic's SliceByEventCount / SliceByEventBins without overlap.
  let c: number, steps: number;
  if (eventCount !== undefined) {
    c = Math.min(eventCount, n);
    steps = c === 0 ? 1 : Math.floor((n - c) / eventCount) + 1;
  } else {
    c = Math.floor(n / (eventBins as number));
    steps = eventBins as number;
  }
  const stride = eventCount ?? c;
  let r = 0;
  for (let i = 0; i < channel.length; i++) {
    if (channel[i] < 0) { tick[i] = -1; continue; }
    const k = stride === 0 ? -1 : Math.floor(r / stride);
    tick[i] = k >= 0 && k < steps && r - k * stride < c ? k : -1;
    r++;
  }
  return steps;
}

/**
 * Bins events (time `tUs[i]`, channel `channel[i]`, −1 = skip) into a spike list sorted by tick, then
 * channel: one entry per occupied (tick, channel), with the number of events in it.
 */
export function binToTicks(tUs: Float64Array, channel: Int32Array, options: BinOptions): SpikeList {
  if (tUs.length !== channel.length) throw eventsError(EventsErrorCode.options, `binToTicks: ${tUs.length} times but ${channel.length} channels`, "give one channel per event");
  const rules = [options.tickUs, options.bins, options.eventCount, options.eventBins].filter((x) => x !== undefined).length;
  if (rules !== 1) {
    throw eventsError(EventsErrorCode.options, "give exactly one of tickUs, bins, eventCount and eventBins", "e.g. tickUs: 1000 for 1 ms ticks, or bins: 300", { field: options.tickUs === undefined ? "tickUs" : "bins" });
  }
  const n = tUs.length;
  let tMin = Infinity;
  let tMax = -Infinity;
  let maxChannel = -1;
  for (let i = 0; i < n; i++) {
    if (channel[i] < 0) continue;
    const t = tUs[i];
    if (t < tMin) tMin = t;
    if (t > tMax) tMax = t;
    if (channel[i] > maxChannel) maxChannel = channel[i];
  }
  const t0 = options.t0Us === "first" || (options.t0Us === undefined && options.tickUs === undefined) ? (Number.isFinite(tMin) ? tMin : 0) : (options.t0Us ?? 0);
  if (!Number.isFinite(t0)) throw eventsError(EventsErrorCode.options, `t0Us is ${t0}`, "give a finite start time", { field: "t0Us" });
  if (options.overlap !== undefined && options.overlap !== 0) return binOverlapping(tUs, channel, options, t0, tMax, maxChannel);
  const tick = new Float64Array(n);
  let tickUs: number;
  let maxTick = -1;
  if (options.eventCount !== undefined || options.eventBins !== undefined) {
    if (options.eventCount !== undefined) checkPositiveInt(options.eventCount, "eventCount");
    else checkPositiveInt(options.eventBins as number, "eventBins");
    const bins = binByEventRank(channel, options.eventCount, options.eventBins, tick);
    // Bins of events have no one length: the mean, for the record.
    tickUs = Number.isFinite(tMax) && tMax > t0 ? (tMax - t0) / bins : 1;
    maxTick = bins - 1;
  } else if (options.tickUs !== undefined) {
    tickUs = checkPositiveNumber(options.tickUs, "tickUs");
    for (let i = 0; i < n; i++) {
      const k = channel[i] < 0 || tUs[i] < t0 ? -1 : Math.floor((tUs[i] - t0) / tickUs);
      tick[i] = k;
      if (k > maxTick) maxTick = k;
    }
  } else {
    const bins = checkPositiveInt(options.bins as number, "bins");
    const tEnd = options.tEndUs ?? (Number.isFinite(tMax) ? tMax : t0);
    const span = tEnd - t0;
    const tonic = options.binsRule === "tonic";
    const window = Math.floor(span / bins);
    tickUs = tonic ? Math.max(window, 1) : span > 0 ? span / bins : 1;
    for (let i = 0; i < n; i++) {
      let k = -1;
      if (channel[i] >= 0 && tUs[i] >= t0 && tUs[i] <= tEnd) {
        if (!tonic) k = span > 0 ? Math.min(bins - 1, Math.floor(((tUs[i] - t0) * bins) / span)) : 0;
        else if (window > 0) {
          const b = Math.floor((tUs[i] - t0) / window);
          k = b < bins ? b : -1;
        }
      }
      tick[i] = k;
      if (k > maxTick) maxTick = k;
    }
    maxTick = Math.max(maxTick, bins - 1);
  }
  const steps = options.steps ?? maxTick + 1;
  checkSteps(steps, maxChannel + 1);
  let kept = 0;
  for (let i = 0; i < n; i++) if (tick[i] >= 0 && tick[i] < steps) kept++;
  const keys = new Float64Array(kept);
  let j = 0;
  for (let i = 0; i < n; i++) if (tick[i] >= 0 && tick[i] < steps) keys[j++] = tick[i] * (maxChannel + 1) + channel[i];
  return { ...mergeKeys(keys, maxChannel + 1), steps, tickUs, t0Us: t0, ...(options.overlap === undefined ? {} : { eventsInTicks: kept }) };
}

/** `steps` is a tick count that can be indexed with `channels` channels (E_EVENTS_OPTIONS / E_EVENTS_RANGE otherwise). */
function checkSteps(steps: number, channels: number): void {
  if (!Number.isInteger(steps) || steps < 0) throw eventsError(EventsErrorCode.options, `steps is ${steps}`, "give a non-negative integer", { field: "steps" });
  if (steps > 2 ** 31 - 1) throw eventsError(EventsErrorCode.range, `the events span ${steps} ticks, more than 2^31 − 1`, "use a longer tickUs or fewer bins", { field: "tickUs" });
  if (steps * channels > Number.MAX_SAFE_INTEGER) throw eventsError(EventsErrorCode.range, `${steps} ticks × ${channels} channels is too many to index`, "use a longer tickUs", { field: "tickUs" });
}

/** Keys tick·C + channel (exact in float64 below 2^53), sorted, equal keys merged: one entry per occupied (tick, channel) with its count. */
function mergeKeys(keys: Float64Array, C: number): { tick: Int32Array; channel: Int32Array; count: Uint32Array } {
  keys.sort();
  const kept = keys.length;
  let unique = 0;
  for (let i = 0; i < kept; i++) if (i === 0 || keys[i] !== keys[i - 1]) unique++;
  const outTick = new Int32Array(unique);
  const outChannel = new Int32Array(unique);
  const count = new Uint32Array(unique);
  let u = -1;
  for (let i = 0; i < kept; i++) {
    if (i === 0 || keys[i] !== keys[i - 1]) {
      u++;
      const k = Math.floor(keys[i] / C);
      outTick[u] = k;
      outChannel[u] = keys[i] - k * C;
    }
    count[u]++;
  }
  return { tick: outTick, channel: outChannel, count };
}

/** E_EVENTS_OPTIONS unless `overlap` is in the range its rule allows (BinOptions.overlap). */
function checkOverlap(o: BinOptions): number {
  const v = o.overlap as number;
  const bad = (range: string, hint: string): never => {
    throw eventsError(EventsErrorCode.options, `overlap is ${v}; with ${range}`, hint, { field: "overlap" });
  };
  if (!Number.isFinite(v) || v < 0) bad("any rule it is a number ≥ 0", "give an overlap ≥ 0");
  if (o.tickUs !== undefined && !(v < o.tickUs)) bad(`tickUs ${o.tickUs} it is in [0, ${o.tickUs}) µs (frames start every tickUs − overlap µs)`, "give a smaller overlap than the tick");
  if (o.eventCount !== undefined && !(Number.isInteger(v) && v < o.eventCount)) bad(`eventCount ${o.eventCount} it is a whole number of events in [0, ${o.eventCount})`, "give a whole number of events below eventCount");
  if (o.bins !== undefined && o.binsRule !== "tonic") bad("proportional bins there is none to follow (tonic's n_time_bins overlap enlarges its integer window)", "use binsRule \"tonic\"");
  if ((o.bins !== undefined || o.eventBins !== undefined) && !(v < 1)) bad("bins it is a fraction of a bin in [0, 1)", "give a fraction below 1");
  return v;
}

/**
 * binToTicks with a nonzero `overlap` (overlap.ts): each kept event goes into every frame holding it, by
 * time (tickUs from t0, tonic-rule bins from the first event) or by rank among the kept events.
 */
function binOverlapping(tUs: Float64Array, channel: Int32Array, options: BinOptions, t0: number, tMax: number, maxChannel: number): SpikeList {
  const overlap = checkOverlap(options);
  const n = tUs.length;
  let kept = 0;
  let tLast: number | undefined;
  for (let i = 0; i < n; i++) {
    if (channel[i] < 0) continue;
    kept++;
    // The frames of --tick-us count from t0: events before it are in none (as without overlap).
    if (tUs[i] >= t0 && (tLast === undefined || tUs[i] > tLast)) tLast = tUs[i];
  }
  const byRank = options.eventCount !== undefined || options.eventBins !== undefined;
  let f: OverlapFrames;
  let tickUs: number;
  if (options.eventCount !== undefined) f = eventCountFrames(checkPositiveInt(options.eventCount, "eventCount"), overlap, kept);
  else if (options.eventBins !== undefined) f = eventBinFrames(checkPositiveInt(options.eventBins, "eventBins"), overlap, kept);
  else if (options.tickUs !== undefined) f = timeWindowFrames(checkPositiveNumber(options.tickUs, "tickUs"), overlap, t0, tLast);
  else f = timeBinFrames(checkPositiveInt(options.bins as number, "bins"), overlap, t0, options.tEndUs ?? (Number.isFinite(tMax) ? tMax : t0));
  if (byRank) tickUs = Number.isFinite(tMax) && tMax > t0 ? (tMax - t0) / f.frames : 1;
  // The frames start every stride µs: the time between ticks.
  else tickUs = f.stride > 0 ? f.stride : 1;
  const steps = options.steps ?? f.frames;
  checkSteps(steps, maxChannel + 1);
  const last = Math.min(steps, f.frames) - 1;
  const lo = new Int32Array(n);
  const hi = new Int32Array(n);
  let placements = 0;
  let inTicks = 0;
  let r = 0;
  for (let i = 0; i < n; i++) {
    if (channel[i] < 0) { hi[i] = -1; continue; }
    const [a, b] = framesHolding(f, byRank ? r++ : tUs[i]);
    lo[i] = a;
    hi[i] = Math.min(b, last);
    if (hi[i] >= lo[i]) { placements += hi[i] - lo[i] + 1; inTicks++; }
  }
  // Each placement is one (tick, channel) key before merging: bounded as a count tensor's spikes are.
  if (placements > MAX_INPUT_SPIKES) throw eventsError(EventsErrorCode.range, `the overlapping frames hold ${placements} event deliveries; at most ${MAX_INPUT_SPIKES} are binned`, "give a smaller overlap (each event is in about tick / (tick − overlap) frames)", { field: "overlap" });
  const C = maxChannel + 1;
  const keys = new Float64Array(placements);
  let j = 0;
  for (let i = 0; i < n; i++) for (let k = lo[i]; k <= hi[i]; k++) keys[j++] = k * C + channel[i];
  return { ...mergeKeys(keys, C), steps, tickUs, t0Us: t0, eventsInTicks: inTicks };
}

/** Bins a batch by its flat pixel channel (p·H + y)·W + x. */
export function binEvents(b: EventBatch, options: BinOptions): SpikeList {
  return binToTicks(b.tUs, flatChannels(b), options);
}

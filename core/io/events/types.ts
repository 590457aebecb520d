/**
 * Event streams: the in-memory form every event-file reader produces and every writer consumes.
 *
 * An event is (x, y, p, t): a pixel (x to the right, y down, (0, 0) the upper-left corner as the
 * sensors define it), a polarity channel p (0 = OFF, 1 = ON for a DVS; 0 for single-channel sources
 * such as SHD's cochlea units) and a time t in microseconds.
 *
 * A batch holds a run of events as a struct of arrays (one typed array per field, `length` events),
 * together with the sensor geometry the events live in. Readers are async generators of batches, so a
 * multi-gigabyte recording is read through a fixed-size buffer: memory is bounded by the chunk and batch
 * sizes, not by the file (see docs/events.md for the measured bound).
 *
 * Times are Float64 microseconds: integer-µs formats (AEDAT, N-MNIST) are exact up to 2^53 µs
 * (285 years); formats that store seconds as floats (SHD) keep their fractional microseconds.
 */

/** The sensor the events come from: x in [0, width), y in [0, height), p in [0, polarities). */
export interface SensorGeometry {
  readonly width: number;
  readonly height: number;
  readonly polarities: number;
}

export interface EventBatch {
  readonly x: Uint16Array;
  readonly y: Uint16Array;
  readonly p: Uint8Array;
  /** Event times in microseconds. */
  readonly tUs: Float64Array;
  /** Number of events; every array has exactly this length. */
  readonly length: number;
  readonly geometry: SensorGeometry;
}

/** Options every streaming reader accepts. */
export interface ReadEventsOptions {
  /** Bytes read from the file at a time (default 1 MiB). Memory used by a reader is O(chunkBytes + batchEvents). */
  readonly chunkBytes?: number;
  /** Events per yielded batch at most (default 65,536). */
  readonly batchEvents?: number;
  /**
   * Sensor geometry. Formats that do not record it use a documented default (N-MNIST 34×34×2, DVS128
   * 128×128×2); an event outside the geometry is an error (E_EVENTS_OUT_OF_RANGE) naming its byte offset.
   */
  readonly geometry?: SensorGeometry;
}

export type EventReader<O extends ReadEventsOptions = ReadEventsOptions> = (path: string, options?: O) => AsyncGenerator<EventBatch, void, undefined>;

/** Formats aerchip reads (detect.ts maps a file to one of these). */
export const EventFormat = {
  /** N-MNIST / N-CALTECH101 ATIS binary, 5 bytes per event. */
  nmnist: "nmnist",
  aedat2: "aedat2",
  aedat3: "aedat3",
  /** A .npy file: a structured event array (x, y, t, p) or a dense T × N spike tensor. */
  npy: "npy",
  csv: "csv",
  /** SHD / SSC HDF5. */
  hdf5: "hdf5",
  /** aerchip's AER protobuf stream (core/io/aer-stream.ts). */
  aerStream: "aer-stream",
} as const;
export type EventFormat = (typeof EventFormat)[keyof typeof EventFormat];

/**
 * Spikes on a discrete time grid: spike k is on `channel[k]` at `tick[k]`, sorted by tick, then channel.
 * Each (tick, channel) appears at most once (a chip input neuron emits at most one spike per tick);
 * `count` holds how many events were merged into it (the payload of a count frame).
 */
export interface SpikeList {
  readonly tick: Int32Array;
  readonly channel: Int32Array;
  /** Events that fell into this (tick, channel) bin (≥ 1). */
  readonly count: Uint32Array;
  /** Ticks covered: every tick is in [0, steps). */
  readonly steps: number;
  /** Tick duration in µs (for `bins`, the computed bin width; with an overlap, the time between the starts of neighbouring ticks). */
  readonly tickUs: number;
  /** Time of the start of tick 0, µs. */
  readonly t0Us: number;
  /**
   * With an overlap (BinOptions.overlap given): the events in at least one tick, each counted once, where
   * Σ count counts an event once per tick it is in.
   */
  readonly eventsInTicks?: number;
}

/** Spikes for a chip's input population: tick and flat input index (C order in the input's shape). */
export interface InputSpikes {
  readonly tick: Int32Array;
  readonly neuron: Int32Array;
  /** Steps the input covers. */
  readonly steps: number;
  /**
   * Length of one tick in µs of the recording's time, when the input was binned from timed events at a
   * tick length (`tickUs`, or an AER stream's own tick); absent for a dense spike tensor (already on ticks
   * of no stated length) and for binning into a number of `bins`.
   */
  readonly tickUs?: number;
  /** Events merged into each spike (≥ 1); only when asked for (`counts: true`). */
  readonly count?: Uint32Array;
  /** What happened to the events on the way to these spikes; absent for a dense spike tensor (it holds spikes, not events). */
  readonly events?: InputEventCounts;
}

/**
 * The events behind an input's spikes, step by step (docs/events.md "Events to spikes"):
 *   eventsRead − eventsDroppedByTransforms − eventsOutsideTicks = eventsBinned = spikes + eventsMerged
 * (with an overlap: eventsBinned + eventsRepeated = spikes + eventsMerged).
 * A chip input neuron emits at most one spike per tick, so the events of one input neuron (pixel and
 * polarity channel, after the transforms) in one tick become one spike: eventsMerged = eventsBinned − spikes.
 */
export interface InputEventCounts {
  /** Events the reader gave for this input (the file, the SHD/SSC sample or the labelled gesture), before any transform. */
  readonly eventsRead: number;
  /** Of eventsRead, removed by the transforms before binning (time slice, crop, one polarity only). Downsampling and merging polarities remove none. */
  readonly eventsDroppedByTransforms: number;
  /** Of the rest, not binned into any tick: before tick 0, at or after the last tick asked for, or past the last time bin (tonic's rule drops the last event). */
  readonly eventsOutsideTicks: number;
  /** Events binned into a (tick, input neuron): eventsRead − eventsDroppedByTransforms − eventsOutsideTicks. */
  readonly eventsBinned: number;
  /** Input spikes: occupied (tick, input neuron) pairs. */
  readonly spikes: number;
  /** eventsBinned − spikes: events that added no spike because their input neuron already had one in that tick. */
  readonly eventsMerged: number;
  /**
   * With --event-overlap only (tonic's overlapping frames): the extra deliveries of events that lie in more
   * than one tick, Σ over ticks of their events − eventsBinned. The ticks deliver eventsBinned + eventsRepeated
   * events = spikes + eventsMerged (eventsMerged then counts the copies merged).
   */
  readonly eventsRepeated?: number;
}

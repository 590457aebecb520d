/**
 * Overlapping frames: tonic's `overlap` of ToFrame / its slicers (tonic/slicers.py), where neighbouring frames
 * share events. Every rule cuts frames k = 0..K − 1 as half-open intervals [start(k), end(k)) of a position —
 * an event's time (time rules) or its rank among the kept events (event rules) — with start(k) = k·stride
 * (+ t0) and end(k) = start(k) + length, both non-decreasing in k, so an event at position x lies in the run
 * of frames lo..hi with hi = the last k with start(k) ≤ x and lo = the first k with end(k) > x (none when
 * lo > hi). That is tonic's `np.searchsorted(t, starts)` / `searchsorted(t, ends)` slicing of a time-sorted
 * array (searchsorted side "left": a frame keeps t ≥ start and t < end), and its `data[start:end]` index
 * slicing, with each product and sum taken in float64 as numpy takes them:
 *
 *   time window W, overlap O µs (SliceByTime): stride S = W − O, start(k) = k·S + t0, end = start + W;
 *     K = 1 when D = tLast − t0 < W, else ⌊(D − W)/S⌋ + 2 (aerchip's --tick-us: the frames up to the one
 *     holding the last event; tonic's include_incomplete True gives ⌈(D − W)/S⌉ + 1, the same except when
 *     (D − W)/S is whole, where tonic's last frame ends exactly at tLast and leaves that event out)
 *   n_time_bins N, overlap o ∈ [0, 1) (SliceByTimeBins): w = ⌊(tLast − t0)/N⌋, length = w·(1 + o),
 *     S = length·(1 − o), K = N
 *   event_count N, overlap O events (SliceByEventCount, include_incomplete False): c = min(N, n), S = N − O,
 *     K = ⌊(n − c)/S⌋ + 1, frame k = ranks [k·S, k·S + c)
 *   n_event_bins N, overlap o ∈ [0, 1) (SliceByEventBins): c = int(⌊n/N⌋·(1 + o)), S = int(c·(1 − o)),
 *     K = N, frame k = ranks [k·S, k·S + c) (ranks past n do not exist: numpy clips the slice)
 *
 * With an overlap an event can lie in several frames: each frame delivers it (the chip sees it once per
 * frame), which the input accounting says (InputEventCounts.eventsRepeated).
 */

/** Frames [k·stride + origin, k·stride + origin + length), k in [0, frames). */
export interface OverlapFrames {
  readonly frames: number;
  readonly stride: number;
  readonly length: number;
  readonly origin: number;
}

/** The frames lo..hi holding position x (lo > hi: none), by binary search on the monotone bounds. */
export function framesHolding(f: OverlapFrames, x: number): [number, number] {
  const start = (k: number): number => k * f.stride + f.origin;
  // hi: the last k < frames with start(k) ≤ x (−1 when none).
  let a = 0;
  let b = f.frames; // first k with start(k) > x lies in [a, b]
  while (a < b) {
    const m = (a + b) >>> 1;
    if (start(m) <= x) a = m + 1;
    else b = m;
  }
  const hi = a - 1;
  // lo: the first k < frames with end(k) = start(k) + length > x (frames when none).
  a = 0;
  b = f.frames;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (start(m) + f.length > x) b = m;
    else a = m + 1;
  }
  return [a, hi];
}

/** tonic's SliceByTime frames with aerchip's frame count (module comment); K = 0 without events. */
export function timeWindowFrames(windowUs: number, overlapUs: number, t0Us: number, tLastUs: number | undefined): OverlapFrames {
  const stride = windowUs - overlapUs;
  if (tLastUs === undefined) return { frames: 0, stride, length: windowUs, origin: t0Us };
  const duration = tLastUs - t0Us;
  const frames = duration < windowUs ? 1 : Math.floor((duration - windowUs) / stride) + 2;
  return { frames, stride, length: windowUs, origin: t0Us };
}

/** tonic's SliceByTimeBins: N frames of w·(1 + o) µs every w·(1 + o)·(1 − o) µs, w = ⌊(tLast − t0)/N⌋. */
export function timeBinFrames(bins: number, overlap: number, t0Us: number, tLastUs: number): OverlapFrames {
  const length = Math.floor((tLastUs - t0Us) / bins) * (1 + overlap);
  return { frames: bins, stride: length * (1 - overlap), length, origin: t0Us };
}

/** tonic's SliceByEventCount (include_incomplete False) over n kept events: frames of c = min(N, n) ranks every N − O. */
export function eventCountFrames(eventCount: number, overlap: number, n: number): OverlapFrames {
  const c = Math.min(eventCount, n);
  const stride = eventCount - overlap;
  return { frames: Math.floor((n - c) / stride) + 1, stride, length: c, origin: 0 };
}

/** tonic's SliceByEventBins over n kept events: N frames of c = int(⌊n/N⌋·(1 + o)) ranks every int(c·(1 − o)). */
export function eventBinFrames(bins: number, overlap: number, n: number): OverlapFrames {
  const c = Math.trunc(Math.floor(n / bins) * (1 + overlap));
  return { frames: bins, stride: Math.trunc(c * (1 - overlap)), length: c, origin: 0 };
}

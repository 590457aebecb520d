/**
 * The size of spikes.json, counted before its text is built, and the refusal when it cannot be built.
 *
 * spikes.json is one JSON text (cli/pipeline.ts spikesJsonFrom), and V8 cannot make a string longer than
 * 2^29 − 24 characters (0x1fffffe8, `Cannot create a string longer than …`): 50 neurons firing every tick
 * for 10^6 ticks (5·10^7 spikes, ~14 characters each) ended in E_INTERNAL after the run (audit s22b #20).
 * The length is counted exactly, digit by digit, so every run whose text fits is written as before and
 * only a run that would have crashed is refused, before its ~25 bytes per spike of buffer are allocated.
 */
import { AerchipError } from "../core/diagnostics.ts";

/** The longest string V8 (Node 20, 64-bit) can create: String::kMaxLength = 2^29 − 24 characters. */
export const MAX_SPIKES_JSON_CHARS = 2 ** 29 - 24;

/** One population's spike list, sorted by tick then neuron (as spikes.json writes it). */
export interface SpikeList { name: string; tick: ArrayLike<number>; neuron: ArrayLike<number> }

/** Characters of `x` as spikePairsJson writes it (decimal digits and sign; String(x) otherwise). */
export function integerChars(x: number): number {
  if (!Number.isInteger(x) || Math.abs(x) >= 2 ** 32) return String(x).length;
  // Comparisons, not divisions: this runs twice per spike (the check, then the buffer's exact length).
  const sign = x < 0 ? 1 : 0;
  const y = Math.abs(x);
  if (y < 1e5) return sign + (y < 10 ? 1 : y < 100 ? 2 : y < 1e3 ? 3 : y < 1e4 ? 4 : 5);
  return sign + (y < 1e6 ? 6 : y < 1e7 ? 7 : y < 1e8 ? 8 : y < 1e9 ? 9 : 10);
}

/** Characters of spike k's pair `[t,n]` plus the comma before it: 3 + digits(t) + digits(n) (+1). */
function pairChars(l: SpikeList, k: number): number {
  return (k > 0 ? 4 : 3) + integerChars(l.tick[k]) + integerChars(l.neuron[k]);
}

/** Characters of the pair lists of `lists` (the text between the brackets of each population's list). */
export function spikePairChars(lists: readonly SpikeList[]): number {
  let chars = 0;
  for (const l of lists) for (let k = 0; k < l.tick.length; k++) chars += pairChars(l, k);
  return chars;
}

/**
 * Throws E_SPIKES_JSON_SIZE when spikes.json (`fixedChars` of header, names and weights plus the pair
 * lists) would exceed `maxChars`. The hint names the largest tick count whose spikes fit: the run is
 * causal, so a run of T ticks has exactly the spikes with tick < T, and the header's "steps" only shrinks.
 */
export function checkSpikesJsonSize(lists: readonly SpikeList[], steps: number, fixedChars: number, maxChars: number = MAX_SPIKES_JSON_CHARS): void {
  const pairs = spikePairChars(lists);
  if (fixedChars + pairs <= maxChars) return;
  let spikes = 0;
  for (const l of lists) spikes += l.tick.length;
  throw new AerchipError("E_SPIKES_JSON_SIZE", `spikes.json would hold ${spikes} spikes in ${fixedChars + pairs} characters; one JSON text holds at most ${maxChars} characters`, {
    field: "spikes.json",
    hint: `lower the number of ticks to at most ${ticksThatFit(lists, steps, fixedChars - integerChars(steps), maxChars)} (--steps; for event inputs a shorter recording or a longer --tick-us), or run the input in pieces`,
  });
}

/**
 * The largest T ≤ steps whose spikes.json fits: (fixed text without the steps digits) + digits(T) + the
 * pairs with tick < T ≤ maxChars. Both terms grow with T, so the first T that does not fit ends the scan.
 */
function ticksThatFit(lists: readonly SpikeList[], steps: number, fixedWithoutSteps: number, maxChars: number): number {
  const perTick = new Float64Array(steps + 1);
  for (const l of lists) {
    for (let k = 0; k < l.tick.length; k++) {
      const t = l.tick[k];
      if (Number.isInteger(t) && t >= 0 && t <= steps) perTick[t] += pairChars(l, k);
    }
  }
  let pairs = 0; // characters of the pairs with tick < t
  for (let t = 0; t <= steps; t++) {
    if (fixedWithoutSteps + integerChars(t) + pairs > maxChars) return Math.max(0, t - 1);
    pairs += perTick[t];
  }
  return steps;
}

/**
 * `--input-counts` (run, compare, evaluate): every event of an --input is delivered. By default the events
 * of one input neuron (pixel and polarity channel, after the transforms) in one tick are one spike; a
 * framework's count frame (tonic ToFrame, as S-TLLR trains on) carries their number c instead. With the
 * option the input neuron fires c times in that tick: each firing is a spike of its own, sent as its own
 * AER packet (an event-driven chip that receives each sensor event as a packet and accumulates them within
 * the tick), so its targets integrate c·w and its packets, hops and synaptic ops are counted c times. A
 * chip with graded-spike payloads (Loihi 2) would send one packet carrying c instead; that is not modelled
 * (docs/events.md "Every event: --input-counts").
 *
 * A dense .npy tensor's element c (a whole number ≥ 0) at (t, i) is then c spikes of input i in tick t;
 * without the option only 0 and 1 are accepted. The spikes list a neuron once per event (the reader's
 * per-(tick, neuron) count expanded here, once per input: nothing per event in the simulator's loop), and
 * the chip stimulus keeps those repeats (chip/program/types.ts StimulusSpikes.keepRepeats).
 */
import type { Command } from "commander";
import { AerchipError } from "../core/diagnostics.ts";
import { MAX_INPUT_SPIKES } from "../core/run-limits.ts";
import type { InputEventCounts } from "../core/io/events/index.ts";

/** The spikes of an input read with counts, each (tick, neuron) listed `count` times, in the same order. */
export function expandCounts(path: string, tick: Int32Array, neuron: Int32Array, count: Uint32Array): { tick: Int32Array; neuron: Int32Array } {
  let total = 0;
  for (let k = 0; k < count.length; k++) total += count[k];
  if (total > MAX_INPUT_SPIKES) {
    throw new AerchipError("E_INPUT_COUNTS_LIMIT", `--input-counts would deliver ${total} input spikes; an input delivers at most ${MAX_INPUT_SPIKES}`, {
      file: path, field: "--input-counts", hint: "cut the recording (fewer ticks: --steps, --sample), or drop --input-counts (one spike per input neuron and tick)",
    });
  }
  const t2 = new Int32Array(total);
  const n2 = new Int32Array(total);
  let at = 0;
  for (let k = 0; k < count.length; k++) {
    const c = count[k];
    t2.fill(tick[k], at, at + c);
    n2.fill(neuron[k], at, at + c);
    at += c;
  }
  return { tick: t2, neuron: n2 };
}

/** The event accounting when every binned event is a spike: none merged (with an overlap, every delivery). */
export function deliveredEventCounts(e: InputEventCounts): InputEventCounts {
  return { ...e, spikes: e.eventsBinned + (e.eventsRepeated ?? 0), eventsMerged: 0 };
}

/** Adds --input-counts to a command that reads an --input (run, compare, evaluate). */
export function addInputCountsOption(cmd: Command): Command {
  return cmd.option("--input-counts", "deliver every event of --input: an input neuron with c events in one tick fires c times (its targets integrate c·w; packets and synaptic ops counted c times), as a tonic ToFrame count frame, instead of once; a dense .npy's whole number c is c spikes (docs/events.md)");
}

/**
 * Input spikes written in a JSON model (`populations[i].spikes`) at a tick the run does not reach: tick ≥ steps
 * (a model whose spikes outlast its "steps", or a shorter --steps). The chip never delivers them; an --input
 * file's late spikes are said in the summary's input line (cli/input-accounting.ts), and these are said as
 * W_MODEL_SPIKES_AFTER_STEPS (stderr and report.json `warnings`), so neither loss is silent (audit s24a #7).
 */
import type { Diagnostic } from "../core/diagnostics.ts";
import type { StimulusIR } from "../compiler/ir/types.ts";
import { fmtInt } from "./format.ts";

/**
 * The warning for the model's own input spikes at ticks ≥ `steps`, or undefined when there are none.
 * `replaced`: the population --input drives (its spikes in the model are not used). `stepsFrom`: where the
 * run's steps came from, for the hint ("--steps" or the model's "steps").
 */
export function lateEmbeddedSpikesWarning(stimulus: StimulusIR, steps: number, modelPath: string, replaced: string | undefined, stepsFrom: "--steps" | "model"): Diagnostic | undefined {
  const parts: string[] = [];
  let late = 0;
  let total = 0;
  let lastTick = -1;
  for (const [population, s] of stimulus.spikes) {
    if (population === replaced) continue;
    let k = 0;
    for (let i = 0; i < s.tick.length; i++) {
      const t = s.tick[i];
      if (t >= steps) { k++; if (t > lastTick) lastTick = t; }
    }
    total += s.tick.length;
    if (k > 0) parts.push(`"${population}" ${fmtInt(k)} of ${fmtInt(s.tick.length)}`);
    late += k;
  }
  if (late === 0) return undefined;
  return {
    code: "W_MODEL_SPIKES_AFTER_STEPS", severity: "warning", file: modelPath, field: "populations[].spikes",
    message: `${fmtInt(late)} of the model's ${fmtInt(total)} input spikes at or after ${stepsFrom === "--steps" ? "--steps" : "its steps"} ${steps}, outside the steps the run covers (${parts.join(", ")}; the latest at tick ${lastTick}): not delivered`,
    hint: stepsFrom === "--steps" ? `give --steps ${lastTick + 1} to deliver them all, unless the cut is meant` : `raise the model's "steps" to ${lastTick + 1} (or give --steps ${lastTick + 1}), or drop the spikes past the run`,
  };
}

/**
 * A timed input against a NIR graph's dt. Event recordings are binned at --tick-us per chip tick, and a
 * NIR graph's neurons advance by dt per tick (--dt, default 1e-4 s): a leaky neuron's decay per tick is
 * exp(−dt/τ) (or 1 − dt/τ). When the bin width is not dt, the recording's time and the neurons' time
 * disagree: with 1 ms bins and dt = 0.1 ms every time constant acts 10× faster against the input than in
 * the framework that trained the graph. Graphs without time constants (IF, Sinabs's IAF) do not care.
 * Not an error (a user may rescale time on purpose), but worth a line on stderr.
 */
import type { Diagnostic } from "../core/diagnostics.ts";
import type { LoadedNirModel } from "../compiler/frontends/nir/index.ts";

/** NIR node types whose dynamics have a time constant, so that dt matters. */
const TIMED_NODE_TYPES = new Set(["LIF", "CubaLIF", "LI", "CubaLI", "I"]);

/** Relative difference below which bin width and dt are the same (float parsing of --tick-us / --dt). */
const SAME = 1e-9;

/**
 * The warning for input binned at `tickUs` µs per tick into graph `m`, or undefined when they agree or dt cannot
 * matter. With --event-overlap O (`overlapUs`) the ticks start every tickUs = --tick-us − O µs, so the
 * --tick-us that matches dt is dt + O.
 */
export function dtBinningWarning(m: { readonly nodes: ReadonlyArray<Pick<LoadedNirModel["nodes"][number], "node" | "type">>; readonly options: Pick<LoadedNirModel["options"], "dtSeconds"> }, tickUs: number | undefined, file: string, overlapUs = 0): Diagnostic | undefined {
  if (tickUs === undefined) return undefined; // a dense spike tensor: one row per step, no stated length
  const timed = m.nodes.filter((n) => TIMED_NODE_TYPES.has(n.type)).map((n) => n.node);
  if (timed.length === 0) return undefined;
  const binS = tickUs * 1e-6;
  const dt = m.options.dtSeconds;
  if (Math.abs(binS - dt) <= SAME * Math.max(binS, dt)) return undefined;
  const ratio = binS / dt;
  return {
    code: "W_NIR_DT_BINNING", severity: "warning", file, field: "--dt",
    message: `the input ${overlapUs === 0 ? `is binned at ${tickUs} µs per tick` : `has a tick every ${tickUs} µs (--event-overlap ${overlapUs})`} but the graph integrates dt = ${dt} s per tick (${timed.length === 1 ? `node ${timed[0]}` : `nodes ${timed.slice(0, 3).join(", ")}${timed.length > 3 ? ", …" : ""}`} ha${timed.length === 1 ? "s" : "ve"} time constants): against the recording, they act ${ratio >= 1 ? `${ratio.toPrecision(3)}× faster` : `${(1 / ratio).toPrecision(3)}× slower`} than with dt equal to the ${overlapUs === 0 ? "bin width" : "time between ticks"}`,
    hint: `give --dt ${binS} (the ${overlapUs === 0 ? "bin width" : "time between ticks"}), or --tick-us ${dt * 1e6 + overlapUs} (${overlapUs === 0 ? "dt" : "dt + the overlap"}), unless the rescaling is meant`,
  };
}

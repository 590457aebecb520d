/**
 * One delay per source neuron on chips without per-synapse delays (synapseEncoding.delayPerSynapse false).
 *
 * TrueNorth's neuron sends each spike to one axon on one core (core.maxFanOutCores 1) with one delay: "delays are
 * per neuron output, not per synapse" and "are not stored in the crossbar" (chip/spec/presets/truenorth.json
 * fieldSources precision.delayBits and synapseEncoding.delayPerSynapse). So every synapse a neuron's spike reaches
 * must have the same delay:
 *   for each neuron n: |{ synDelayTicks[s] : s in the rows of the axons n routes to }| ≤ 1
 * The compiler refuses such a model with the same code (compiler/passes/normalise.ts); this is the check of a
 * compiled program run with another `--arch` (fits-spec.ts).
 *
 * Pure data: one pass over every routed axon row (each synapse read once per route reaching it).
 */
import { AerchipError } from "../../core/diagnostics.ts";
import type { ChipSpec } from "../spec/types.ts";
import { populationIndexAt, type ChipProgram, type CoreProgram } from "./types.ts";

/** The delays of the synapses neuron i of `cp` reaches, in route order (first stop at a second distinct delay when `stop`). */
function delaysOf(cp: CoreProgram, i: number, byId: ReadonlyMap<number, CoreProgram>, stop: boolean): number[] {
  const { routePtr, routeDestCore, routeDestAxon } = cp.routing;
  const out: number[] = [];
  for (let r = routePtr[i]; r < routePtr[i + 1]; r++) {
    const x = byId.get(routeDestCore[r])?.crossbar;
    const a = routeDestAxon[r];
    if (x === undefined || !(a < x.axonCount)) continue; // the codec refuses such routes; nothing to read here
    for (let s = x.axonRowPtr[a]; s < x.axonRowPtr[a + 1]; s++) {
      const d = x.synDelayTicks[s];
      if (!out.includes(d)) {
        out.push(d);
        if (stop && out.length > 1) return out;
      }
    }
  }
  return out;
}

/** "neuron 3 of population "in"" for local neuron i of the program's core ci, or "neuron i of core c" if no block holds it. */
function nameNeuron(program: ChipProgram, ci: number, i: number): string {
  for (const pop of program.populations) {
    for (const b of pop.blocks) {
      if (b.coreIndex === ci && i >= b.neuronStart && i < b.neuronStart + b.count) {
        return `neuron ${populationIndexAt(pop, b.populationStart + i - b.neuronStart)} of population "${pop.name}"`;
      }
    }
  }
  return `neuron ${i} of core ${program.cores[ci].coreId}`;
}

/** Throws E_CORE_DELAY_PER_NEURON when a neuron of `program` reaches synapses of different delays on a chip with one delay per neuron. */
export function checkDelayPerNeuron(spec: ChipSpec, program: ChipProgram, file: string | undefined): void {
  // Delays above 1 are refused on a chip with maxDelayTicks 1 before this (E_CORE_DELAY_EXCEEDED).
  if (spec.synapseEncoding.delayPerSynapse !== false || spec.core.maxDelayTicks <= 1) return;
  const byId = new Map<number, CoreProgram>(program.cores.map((cp) => [cp.coreId, cp]));
  program.cores.forEach((cp, ci) => {
    for (let i = 0; i < cp.neuronCount; i++) {
      if (delaysOf(cp, i, byId, true).length <= 1) continue;
      const delays = delaysOf(cp, i, byId, false).sort((x, y) => x - y);
      throw new AerchipError("E_CORE_DELAY_PER_NEURON", `${nameNeuron(program, ci, i)} (core ${cp.coreId}) sends with delays ${delays.join(", ")} ticks; chip "${spec.name}" keeps one delay per source neuron, not one per synapse (synapseEncoding.delayPerSynapse false)`, {
        ...(file === undefined ? {} : { file }), field: "synapseEncoding.delayPerSynapse",
        hint: "run the program on a chip with per-synapse delays (synapseEncoding.delayPerSynapse true, e.g. loihi or spinnaker2), or give all synapses of the neuron one delay and recompile (aerchip compile MODEL --arch ARCH)",
      });
    }
  });
}

/**
 * What drives a JSON model's learning rules in a run (`run`, and each chip's run of `compare`): the third
 * factor m (--third-factor, cli/third-factor.ts) and the Ψ of graded traces (--psi, cli/psi-drive.ts),
 * checked against the model: either option on a model with no learning rule is refused (E_CLI_OPTION), not
 * ignored. One function for both commands, so that `compare` refuses before any chip runs what each
 * chip's `run` would refuse.
 */
import type { StllrPsi } from "../chip/program/named-rules.ts";
import type { ThirdFactorSchedule } from "../chip/sim/run.ts";
import type { ModelGraph } from "../compiler/ir/types.ts";
import { AerchipError } from "../core/diagnostics.ts";
import { resolvePsi, type ModelPsi } from "./psi-drive.ts";
import { readThirdFactor, type ThirdFactorArg } from "./third-factor.ts";

/** What of a model the learning drive is checked against. */
export interface LearningFacts {
  /** Population name → size (a POP= third-factor file must fit its population). */
  readonly populationSizes: ReadonlyMap<string, number>;
  /** Whether any projection has a general learning rule (the rules m and Ψ drive). */
  readonly learns: boolean;
  /** Whether any projection has pair STDP (`stdp`), which counts no weight changes (--bill-learning changes). */
  readonly pairStdp: boolean;
  /** Projections whose learning rule names its Ψ (an s-tllr `psi`): the run's default Ψ. */
  readonly modelPsi: readonly ModelPsi[];
}

export function learningFacts(graph: Pick<ModelGraph, "populations" | "projections">): LearningFacts {
  return {
    populationSizes: new Map(graph.populations.map((p) => [p.name, p.size] as const)),
    learns: graph.projections.some((p) => p.learning !== undefined),
    pairStdp: graph.projections.some((p) => p.plasticity !== undefined),
    modelPsi: graph.projections.flatMap((p, index) => (p.learningPsi === undefined ? [] : [{ projection: p.name, index, psi: p.learningPsi }])),
  };
}

/** The run's Ψ and third-factor schedules, read and checked (files read, shapes checked against the model). */
export function checkLearningDrive(facts: LearningFacts, o: { readonly thirdFactor?: readonly ThirdFactorArg[]; readonly psi?: StllrPsi }, modelPath: string): { psi: StllrPsi | undefined; thirdFactor: ThirdFactorSchedule[] } {
  const args = o.thirdFactor ?? [];
  if ((args.length > 0 || o.psi !== undefined) && !facts.learns) {
    if (o.psi !== undefined && args.length === 0) throw new AerchipError("E_CLI_OPTION", "--psi drives learning rules' graded traces, and no projection of the model has a learning rule", { file: modelPath, field: "--psi", hint: "give a projection a learning rule with graded post traces (S-TLLR), or drop --psi" });
    throw new AerchipError("E_CLI_OPTION", "--third-factor drives learning rules, and no projection of the model has one", { file: modelPath, field: "--third-factor", hint: "give a projection a \"learning\" rule that reads m (docs/learning.md), or drop --third-factor" });
  }
  // Ψ of graded traces: --psi, or the model's own psi (a different --psi is refused).
  return { psi: resolvePsi(o.psi, facts.modelPsi, modelPath), thirdFactor: readThirdFactor(args, facts.populationSizes, modelPath) };
}

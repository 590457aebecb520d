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
import { learningBillingBasis, type ChipSpec } from "../chip/spec/types.ts";
import { RuleSlot, compileRule, parseRule } from "../chip/program/learning-rule.ts";
import { resolvePsi, type ModelPsi } from "./psi-drive.ts";
import { readThirdFactor, type ThirdFactorArg } from "./third-factor.ts";
import type { CostMode } from "../chip/report/counts-only.ts";

/** What of a model the learning drive is checked against. */
export interface LearningFacts {
  /** Population name → size (a POP= third-factor file must fit its population). */
  readonly populationSizes: ReadonlyMap<string, number>;
  /** Whether any projection has a general learning rule (the rules m and Ψ drive). */
  readonly learns: boolean;
  /** Whether any projection has pair STDP (`stdp`), which counts no weight changes (--bill-learning changes). */
  readonly pairStdp: boolean;
  /** Whether any learning rule has a graded post trace (S-TLLR's y1, y2), the traces Ψ drives (--psi). */
  readonly gradedPost: boolean;
  /** Whether any learning rule reads the third factor m (--third-factor). */
  readonly readsThirdFactor: boolean;
  /** The post populations of the rules that read m: a POP= third factor drives only these. */
  readonly thirdFactorPosts: readonly string[];
  /** Projections whose learning rule names its Ψ (an s-tllr `psi`): the run's default Ψ. */
  readonly modelPsi: readonly ModelPsi[];
}

export function learningFacts(graph: Pick<ModelGraph, "populations" | "projections">): LearningFacts {
  return {
    populationSizes: new Map(graph.populations.map((p) => [p.name, p.size] as const)),
    learns: graph.projections.some((p) => p.learning !== undefined),
    pairStdp: graph.projections.some((p) => p.plasticity !== undefined),
    gradedPost: graph.projections.some((p) => p.learning?.traces.some((t) => t.input === "graded" && t.trace.startsWith("y")) === true),
    // A boolean, not a closure over the graph (run.ts keeps these facts through the simulation, not the graph).
    ...((): { readsThirdFactor: boolean; thirdFactorPosts: string[] } => {
      const posts = graph.projections.filter((p) => p.learning?.ruleTexts.some((text) => compileRule(parseRule(text)).usedSlots.includes(RuleSlot.m)) === true).map((p) => p.post);
      return { readsThirdFactor: posts.length > 0, thirdFactorPosts: [...new Set(posts)] };
    })(),
    modelPsi: graph.projections.flatMap((p, index) => (p.learningPsi === undefined ? [] : [{ projection: p.name, index, psi: p.learningPsi }])),
  };
}

/**
 * The learning drive's options checked against the model, before anything is read: a third factor (`flag`:
 * run's --third-factor, train's --third-factor-dir) needs a rule that reads m, --psi a rule with graded post
 * traces; each refused (E_CLI_OPTION) where it would change nothing. Returns the run's Ψ (--psi, or the
 * model's own; a different --psi is refused).
 */
export function checkDriveApplies(facts: LearningFacts, thirdFactorArgs: readonly Pick<ThirdFactorArg, "population">[], cliPsi: StllrPsi | undefined, modelPath: string, flag: "--third-factor" | "--third-factor-dir" = "--third-factor"): StllrPsi | undefined {
  const thirdFactor = thirdFactorArgs.length > 0;
  if ((thirdFactor || cliPsi !== undefined) && !facts.learns) {
    if (cliPsi !== undefined && !thirdFactor) throw new AerchipError("E_CLI_OPTION", "--psi drives learning rules' graded traces, and no projection of the model has a learning rule", { file: modelPath, field: "--psi", hint: "give a projection a learning rule with graded post traces (S-TLLR), or drop --psi" });
    throw new AerchipError("E_CLI_OPTION", `${flag} drives learning rules, and no projection of the model has one (pair \`stdp\` reads no third factor)`, { file: modelPath, field: flag, hint: `give a projection a "learning" rule that reads m (docs/learning.md), or drop ${flag}` });
  }
  if (thirdFactor && !facts.readsThirdFactor) {
    throw new AerchipError("E_CLI_OPTION", `${flag} gives the factor m of learning rules that read it, and no learning rule of the model does`, { file: modelPath, field: flag, hint: `give a rule a term with m (reward-modulated STDP, S-TLLR: docs/learning.md), or drop ${flag}` });
  }
  // A population's own m drives only the rules whose post neurons it holds: one no m-reading rule ends on drives nothing.
  const idle = thirdFactorArgs.find((a) => a.population !== null && facts.populationSizes.has(a.population) && !facts.thirdFactorPosts.includes(a.population));
  if (idle !== undefined && facts.readsThirdFactor) {
    throw new AerchipError("E_CLI_OPTION", `${flag} ${idle.population}=…: no learning rule that reads m ends on population "${idle.population}", so its m would drive nothing`, { file: modelPath, field: flag, hint: `give m to ${facts.thirdFactorPosts.map((p) => `"${p}"`).join(", ")} (the post populations of the rules that read m), or a file for every neuron (no POP=)` });
  }
  if (cliPsi !== undefined && !facts.gradedPost) {
    throw new AerchipError("E_CLI_OPTION", "--psi drives graded post traces, and no learning rule of the model has one", { file: modelPath, field: "--psi", hint: "give a rule a post trace with input \"graded\" (S-TLLR's y1, y2), or drop --psi" });
  }
  return resolvePsi(cliPsi, facts.modelPsi, modelPath);
}

/** The run's Ψ and third-factor schedules, read and checked (files read, shapes checked against the model). */
export function checkLearningDrive(facts: LearningFacts, o: { readonly thirdFactor?: readonly ThirdFactorArg[]; readonly psi?: StllrPsi }, modelPath: string): { psi: StllrPsi | undefined; thirdFactor: ThirdFactorSchedule[] } {
  const args = o.thirdFactor ?? [];
  const psi = checkDriveApplies(facts, args, o.psi, modelPath);
  return { psi, thirdFactor: readThirdFactor(args, facts.populationSizes, modelPath) };
}

/**
 * Pair STDP (`stdp`) counts no weight changes, so a chip spec billing learning on them (learningBilledOn
 * "changes", not --bill-learning: that one is refused as an option) cannot bill it: refused before the run
 * (E_LEARNING_BILLING), not after simulating it (chip/report/energy.ts refuses it too, at report time).
 * A counts-only run (`--costs counts`, chip/report/counts-only.ts) bills nothing, so there is nothing to refuse.
 */
export function checkSpecBillsPairStdp(spec: ChipSpec, pairStdp: boolean, modelPath: string, costs?: CostMode): void {
  if (!pairStdp || costs === "counts" || learningBillingBasis(spec) !== "changes") return;
  throw new AerchipError("E_LEARNING_BILLING", `chip ${spec.name} bills learning on weight changes (learningBilledOn "changes"), and pair STDP ("stdp") projections of this model do not count them`, {
    file: modelPath, field: "learningBilledOn", hint: "bill learning on evaluations (--bill-learning evaluations), or write the rule as a \"learning\" rule (docs/learning.md)",
  });
}

/**
 * The Diehl & Cook harness's learning rules by name (`aerchip learn … --rule <name>`), the names being those
 * of the named rules they build (chip/program/named-rules.ts; model files' `learning.named`), so the `rule`
 * field learn-mnist.json and learn-features.json have always carried is the choice itself.
 *
 * Internally the rule is still DiehlCookParams.mu, whose numeric codes came first and keep working
 * (`--set mu=…` gives the same run, byte for byte, as the name that maps to it):
 *   diehl-cook-2015-code  mu −1   the released code's rule (the paper's "triplet" variant, two post traces):
 *                                 pre spike w −= nuPre·post1, post spike w += nuPost·x_pre·post2 (before its reset)
 *   pair-stdp             mu −2   BindsNET's PostPre, the paper's pre-and-post rule without weight dependence:
 *                                 pre spike w −= nuPre·x_post, post spike w += nuPost·x_pre
 *   diehl-cook-2015       mu ≥ 0  the paper's power-law rule, post spike Δw = nuPost·(x_pre − xTar)·(1 − w)^mu
 *                                 (mu 0.2 when --rule names it without a mu: the D&C code's exp_ee_post [C])
 *   diehl-cook-2015-exp   mu −3   the paper's exponential weight dependence, post spike
 *                                 Δw = nuPost·(x_pre·e^(−beta·w) − xTar·e^(−beta·(1 − w))), beta > 0 required
 *                                 (--set beta=β: papers.md gives no value, nor does the named rule)
 */
import { AerchipError } from "../../core/diagnostics.ts";
import type { DiehlCookParams } from "./diehl-cook.ts";
import { PARAMS_UNUSED_BY_COND, type LearnNeuronModel } from "./diehl-cook-cond.ts";

export const LEARN_RULE_NAMES = ["diehl-cook-2015-code", "pair-stdp", "diehl-cook-2015", "diehl-cook-2015-exp"] as const;
export type LearnRuleName = (typeof LEARN_RULE_NAMES)[number];

/** DiehlCookParams.mu of the exponential rule (it has no μ; the code only selects it). */
export const MU_EXP_RULE = -3;

/** The paper's power-law exponent when `--rule diehl-cook-2015` gives none: 0.2, the D&C code's exp_ee_post [C] (present, unused there). */
export const PAPER_MU = 0.2;

/** What a rule is, for messages and provenance. */
export const LEARN_RULE_TEXT: { readonly [K in LearnRuleName]: string } = {
  "diehl-cook-2015-code": "the released code's rule (mu −1: pre spike w −= nuPre·post1, post spike w += nuPost·x_pre·post2)",
  "pair-stdp": "BindsNET's PostPre (mu −2: pre spike w −= nuPre·x_post, post spike w += nuPost·x_pre)",
  "diehl-cook-2015": "the paper's power-law rule (mu ≥ 0: post spike Δw = nuPost·(x_pre − xTar)·(1 − w)^mu)",
  "diehl-cook-2015-exp": "the paper's exponential rule (mu −3: post spike Δw = nuPost·(x_pre·e^(−beta·w) − xTar·e^(−beta·(1 − w))))",
};

/** The rule a value of mu selects (an absent mu is the default, −1). */
export function learnRuleOfMu(mu: number): LearnRuleName {
  return mu === -2 ? "pair-stdp" : mu === MU_EXP_RULE ? "diehl-cook-2015-exp" : mu < 0 ? "diehl-cook-2015-code" : "diehl-cook-2015";
}

/** --rule's text checked (commander gives the choices; code calling learnCommand may not). */
export function learnRuleName(text: string | undefined): LearnRuleName | undefined {
  if (text === undefined) return undefined;
  if ((LEARN_RULE_NAMES as readonly string[]).includes(text)) return text as LearnRuleName;
  throw new AerchipError("E_CLI_OPTION", `--rule is "${text}"; the rules are ${LEARN_RULE_NAMES.join(", ")}`, { field: "--rule", hint: "e.g. --rule diehl-cook-2015-exp --set beta=3, or drop --rule (the parameter set's rule)" });
}

/**
 * The mu that `--rule` stands for, given the user's `--set` values: a mu given with --set must select the same
 * rule (else E_CLI_OPTION naming both), and the power-law rule keeps the user's exponent. `chosen` is mu's
 * provenance when --rule set it (not when it equals the parameter set's value, so `--rule` naming the set's own
 * rule writes the same file as no --rule).
 */
export function muForRule(rule: LearnRuleName | undefined, user: Partial<DiehlCookParams>, setMu: number): { mu?: number; chosen?: string } {
  if (rule === undefined) return {};
  if (user.mu !== undefined) {
    const byMu = learnRuleOfMu(user.mu);
    if (byMu !== rule) {
      throw new AerchipError("E_CLI_OPTION", `--rule ${rule} and --set mu=${user.mu} choose different rules: ${rule} is ${LEARN_RULE_TEXT[rule]}; mu ${user.mu} selects ${byMu}, ${LEARN_RULE_TEXT[byMu]}`, {
        field: "--rule", hint: rule === "diehl-cook-2015" ? "give the power-law exponent as --set mu=μ with μ ≥ 0 (e.g. 0.2), or drop --rule" : "drop --set mu (--rule chooses the rule), or drop --rule",
      });
    }
    return {};
  }
  const mu = rule === "diehl-cook-2015-code" ? -1 : rule === "pair-stdp" ? -2 : rule === "diehl-cook-2015-exp" ? MU_EXP_RULE : PAPER_MU;
  if (learnRuleOfMu(setMu) === rule) return {};
  const why = rule === "diehl-cook-2015" ? `the paper's default exponent ${PAPER_MU} ([C] D&C code: exp_ee_post = 0.2, present but unused there; [M] the paper's rule)` : `the harness's code for ${LEARN_RULE_TEXT[rule]}`;
  // Tagged "user:" as a --set value is (diehl-cook-defaults.ts PROVENANCE_TAGS): the command line chose it.
  return { mu, chosen: `user: --rule ${rule}: mu ${mu}, ${why}` };
}

/**
 * `params` (or their provenance) as written to the result files: beta only with the exponential rule, so the
 * files of every other rule are as before beta existed; and with `--neuron-model lif-cond` without the
 * current-based network's inputGainExc, inputGainInh and wInhExc (PARAMS_UNUSED_BY_COND: the conductance
 * network does not read them; what ran, e.g. inh→exc −17 onto g_i, is in the file's `conductance` block).
 */
export function recordedParams<T extends object>(values: T, mu: number, neuronModel: LearnNeuronModel = "lif"): T {
  const omit = new Set<string>([...(mu === MU_EXP_RULE ? [] : ["beta"]), ...(neuronModel === "lif-cond" ? PARAMS_UNUSED_BY_COND : [])]);
  if (omit.size === 0) return values;
  return Object.fromEntries(Object.entries(values).filter(([k]) => !omit.has(k))) as T;
}

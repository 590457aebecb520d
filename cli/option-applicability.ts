/**
 * Options that cannot change anything for the model given are refused (E_CLI_OPTION, exit 2) instead of
 * silently ignored: `--input` on a model that carries its own input spikes, NIR-only options on other
 * models, `--sanafe-arch` and `--remap` on models without a SANA-FE mapping, compile options on a
 * compiled program. Only options the user gave count (commander's value source "cli" or "env"), so
 * defaults such as `--placement greedy` are never mistaken for a choice.
 */
import type { Command } from "commander";
import { AerchipError } from "../core/diagnostics.ts";
import { isYamlPath, sniffFile } from "./sanafe-inputs.ts";

export type ModelKind = "nir" | "program" | "sanafe" | "json";

/** What `aerchip run` would load MODEL as (an unreadable YAML counts as JSON: its loader reports it). */
export function modelKind(path: string): ModelKind {
  if (/\.nir$/i.test(path)) return "nir";
  if (/\.aerprog$/i.test(path)) return "program";
  if (isYamlPath(path)) {
    try {
      if (sniffFile(path) === "network") return "sanafe";
    } catch {
      // The model loader reports an unreadable file with its own code.
    }
  }
  return "json";
}

const KIND_NAME: Record<ModelKind, string> = { nir: "NIR graphs", program: "compiled programs (.aerprog)", sanafe: "SANA-FE networks", json: "JSON models" };

/** The options of a command, by attribute name, that apply only to some kinds of model, and why. */
interface Rule {
  readonly option: string;
  readonly flag: string;
  readonly appliesTo: readonly ModelKind[];
  readonly why: (kind: ModelKind) => string;
}

const NIR_ONLY = (option: string, flag: string): Rule => ({ option, flag, appliesTo: ["nir"], why: () => "it sets how a NIR graph is read" });
const NIR_RULES: readonly Rule[] = [NIR_ONLY("dt", "--dt"), NIR_ONLY("reset", "--reset"), NIR_ONLY("recurrentBias", "--recurrent-bias"), NIR_ONLY("ifMultiSpike", "--if-multi-spike"), NIR_ONLY("lenient", "--lenient")];
const INPUT_RULE = (kinds: readonly ModelKind[]): Rule => ({
  option: "input", flag: "--input", appliesTo: kinds,
  why: (k) => (k === "sanafe" ? "a SANA-FE network's input spikes come from its own input neurons" : "a JSON model's input spikes are in the model file (its input populations' \"spikes\")"),
});
const COMPILED = (option: string, flag: string, why: string): Rule => ({ option, flag, appliesTo: ["nir", "sanafe", "json"], why: () => why });

const RULES: Record<string, readonly Rule[]> = {
  run: [
    INPUT_RULE(["nir", "program"]),
    ...NIR_RULES,
    { option: "sanafeArch", flag: "--sanafe-arch", appliesTo: ["sanafe"], why: () => "it names the architecture a SANA-FE network's units refer to" },
    { option: "remap", flag: "--remap", appliesTo: ["sanafe"], why: () => "only SANA-FE networks carry their own mapping; aerchip maps other models itself" },
    COMPILED("coreNeurons", "--core-neurons", "the program's cores were filled when it was compiled; compile the model again with --core-neurons"),
    COMPILED("precision", "--precision", "a program carries the precision it was compiled with; compile the model again with --precision"),
    COMPILED("placement", "--placement", "the program's cores were placed when it was compiled; compile the model again with --placement"),
    COMPILED("seed", "--seed", "the seed only drives placement, which was done when the program was compiled; compile the model again with --seed"),
  ],
  compare: [INPUT_RULE(["nir"]), ...NIR_RULES],
  compile: NIR_RULES,
  "learning-cost": NIR_RULES,
};

/** Throws E_CLI_OPTION for the first option the user gave that does not apply to `modelPath`. */
export function checkOptionsApply(command: string, modelPath: string | undefined, cmd: Command): void {
  const rules = RULES[command];
  if (rules === undefined) return;
  const given = (option: string): boolean => {
    const source = cmd.getOptionValueSource(option);
    return source !== undefined && source !== "default";
  };
  const used = rules.filter((r) => given(r.option));
  if (used.length === 0) return;
  const kind: ModelKind | undefined = modelPath === undefined ? undefined : modelKind(modelPath);
  for (const r of used) {
    if (kind !== undefined && r.appliesTo.includes(kind)) continue;
    const to = kind === undefined ? "without a model" : `to ${KIND_NAME[kind]}`;
    throw new AerchipError("E_CLI_OPTION", `${r.flag} does not apply ${to}: ${kind === undefined ? "it sets how a NIR graph is read" : r.why(kind)}`, {
      field: r.flag, ...(modelPath === undefined ? {} : { file: modelPath }), hint: `drop ${r.flag}`,
    });
  }
}

/** `aerchip convert`: --counts and --tick-us shape the spikes written with --spikes only. */
export function checkConvertOptions(cmd: Command): void {
  if (cmd.getOptionValueSource("spikes") === "cli") return;
  for (const [option, flag] of [["counts", "--counts"], ["tickUs", "--tick-us"]] as const) {
    const source = cmd.getOptionValueSource(option);
    if (source !== undefined && source !== "default") {
      throw new AerchipError("E_CLI_OPTION", `${flag} applies only with --spikes (binning events onto ticks); an event-to-event conversion keeps the events' own timestamps`, { field: flag, hint: `add --spikes, or drop ${flag}` });
    }
  }
}

/**
 * SANA-FE interop: read its architecture YAML (→ ChipSpec) and its network YAML (→ graph IR, SANA-FE's
 * own placement and input spike trains). Semantics and counters: docs/sanafe.md.
 */
import type { StimulusIR } from "../../ir/types.ts";
import { loadSanafeArch, type SanafeArch } from "./arch.ts";
import { loadSanafeNetwork, type SanafeNetwork } from "./snn-parse.ts";
import { lowerSanafeNetwork, type SanafeLowered } from "./snn.ts";
import { sanafeStimulus } from "./stimulus.ts";
import type { YamlLimits } from "./yaml-tree.ts";

export { loadSanafeArch, parseSanafeArch, floorToStep, syncFloorLookupNs, SANAFE_COMMIT } from "./arch.ts";
export type { SanafeArch, SanafeCore, SanafeTile, SanafeSomaUnit, SanafeSynapseUnit, SanafeDendriteUnit, HopCost } from "./arch.ts";
export { loadSanafeNetwork, parseSanafeNetwork } from "./snn-parse.ts";
export type { SanafeNetwork, SanafeGroup, SanafeEdge, SanafeMapping, Conv2dParams } from "./snn-parse.ts";
export { lowerSanafeNetwork, expandEdge, SANAFE_DEFAULT_STEPS } from "./snn.ts";
export type { SanafeLowered, SanafePlacement, SanafeInputUnit } from "./snn.ts";
export { sanafeStimulus } from "./stimulus.ts";
export type { YamlLimits } from "./yaml-tree.ts";

export interface SanafeModel extends SanafeLowered {
  readonly arch: SanafeArch;
  readonly network: SanafeNetwork;
  /** Input-soma spike trains for `steps` ticks (empty when the network has no input somas). */
  stimulus(steps: number): StimulusIR;
}

/** Reads a SANA-FE network and lowers it onto an architecture (a loaded one or a file path). */
export function loadSanafe(networkPath: string, arch: SanafeArch | string, limits: YamlLimits = {}): SanafeModel {
  const a = typeof arch === "string" ? loadSanafeArch(arch, limits) : arch;
  const network = loadSanafeNetwork(networkPath, limits);
  const lowered = lowerSanafeNetwork(network, a);
  return { ...lowered, arch: a, network, stimulus: (steps: number) => sanafeStimulus(lowered.inputUnits, steps) };
}

/** True when the text looks like a SANA-FE file (`architecture:` or `network:` at the top level). */
export function sniffSanafeYaml(text: string): "architecture" | "network" | undefined {
  const head = text.slice(0, 64 * 1024);
  if (/^architecture\s*:/m.test(head)) return "architecture";
  if (/^network\s*:/m.test(head)) return "network";
  return undefined;
}

/** Chip specs for tests: the generic preset with overridable limits. */
import { loadPreset } from "../../chip/spec/load.ts";
import type { ChipSpec, CoreLimits, MeshSpec } from "../../chip/spec/types.ts";

export function genericWith(core: Partial<CoreLimits> = {}, mesh: Partial<MeshSpec> = {}): ChipSpec {
  const base = loadPreset("generic");
  return { ...base, core: { ...base.core, ...core }, mesh: { ...base.mesh, ...mesh } };
}

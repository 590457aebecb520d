/**
 * --arch resolution: a preset name, a JSON chip spec file, or a SANA-FE architecture YAML file, with
 * optional overrides of per-core limits from the command line.
 */
import { existsSync } from "node:fs";
import { AerchipError } from "../core/diagnostics.ts";
import { loadChipSpecJson, listPresetNames } from "../chip/spec/load.ts";
import type { ChipSpec } from "../chip/spec/types.ts";
import { assertValidChipSpec } from "../chip/spec/validate.ts";
import { loadSanafeArch } from "../compiler/frontends/sanafe/index.ts";

export interface ArchOverrides {
  readonly coreNeurons?: number;
  readonly meshWidth?: number;
  readonly meshHeight?: number;
}

export function loadArch(arch: string, overrides: ArchOverrides = {}): ChipSpec {
  let spec: ChipSpec;
  if (/\.ya?ml$/i.test(arch)) {
    if (!existsSync(arch)) throw new AerchipError("E_SPEC_NOT_FOUND", `"${arch}" does not exist`, { field: "--arch", hint: `use a preset (${listPresetNames().join(", ")}), a JSON chip spec or a SANA-FE architecture YAML` });
    spec = loadSanafeArch(arch).spec;
  } else spec = loadChipSpecJson(arch);
  if (overrides.coreNeurons === undefined && overrides.meshWidth === undefined && overrides.meshHeight === undefined) return spec;
  const next = {
    ...spec,
    name: `${spec.name}*`,
    core: { ...spec.core, ...(overrides.coreNeurons === undefined ? {} : { maxNeurons: overrides.coreNeurons }) },
    mesh: {
      ...spec.mesh,
      ...(overrides.meshWidth === undefined ? {} : { widthTiles: overrides.meshWidth }),
      ...(overrides.meshHeight === undefined ? {} : { heightTiles: overrides.meshHeight }),
    },
  };
  return assertValidChipSpec(next, "--arch with command-line overrides");
}

/**
 * --arch resolution: a preset name, a JSON chip spec file, or a SANA-FE architecture YAML file, with
 * optional overrides of per-core limits from the command line.
 */
import { existsSync } from "node:fs";
import { AerchipError } from "../core/diagnostics.ts";
import { loadChipSpecJson, listPresetNames } from "../chip/spec/load.ts";
import { learningBillingBasis, type ChipSpec, type LearningBillingBasis } from "../chip/spec/types.ts";
import { assertValidChipSpec } from "../chip/spec/validate.ts";
import { loadSanafeArch } from "../compiler/frontends/sanafe/index.ts";
import { MAX_CORE_NEURONS } from "./option-limits.ts";

export interface ArchOverrides {
  readonly coreNeurons?: number;
  readonly meshWidth?: number;
  readonly meshHeight?: number;
}

/** The name of a spec changed on the command line: a `*` after the chip's name (once). */
function overriddenName(name: string): string {
  return name.endsWith("*") ? name : `${name}*`;
}

/**
 * `spec` paced at `tickPeriodNs` (`run --tick-period-us`, `--realtime`): each tick then lasts
 * max(period, its modelled latency), and simulated time, average power, static energy and inferences per
 * second are on the basis "tick-period" (chip/report/time-basis.ts); 0 turns a preset's own period off
 * ("modelled-latency"). A command-line override of the spec, so the chip's name gets a `*`.
 */
export function withTickPeriod(spec: ChipSpec, tickPeriodNs: number, flag: string): ChipSpec {
  const next = { ...spec, name: overriddenName(spec.name), tickPeriodNs };
  try {
    return assertValidChipSpec(next, "--arch with command-line overrides");
  } catch (e) {
    if (e instanceof AerchipError && e.field === "tickPeriodNs") {
      throw new AerchipError("E_CLI_OPTION", `${flag} sets a tick period of ${tickPeriodNs} ns: ${e.message.replace(/ \(in --arch with command-line overrides\)$/, "")}`, { field: flag, hint: "give a period from 0 to 1e9 µs", cause: e });
    }
    throw e;
  }
}

/**
 * `spec` billing its learning energy on `basis` (`run --bill-learning`, ChipSpec.learningBilledOn): a command-line
 * override of the spec (the chip's name gets a `*`) when it differs from the spec's own basis; else `spec` itself.
 */
export function withLearningBilling(spec: ChipSpec, basis: LearningBillingBasis | undefined): ChipSpec {
  if (basis === undefined || basis === learningBillingBasis(spec)) return spec;
  return assertValidChipSpec({ ...spec, name: overriddenName(spec.name), learningBilledOn: basis }, "--arch with command-line overrides");
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
    name: overriddenName(spec.name),
    core: { ...spec.core, ...(overrides.coreNeurons === undefined ? {} : { maxNeurons: overrides.coreNeurons }) },
    mesh: {
      ...spec.mesh,
      ...(overrides.meshWidth === undefined ? {} : { widthTiles: overrides.meshWidth }),
      ...(overrides.meshHeight === undefined ? {} : { heightTiles: overrides.meshHeight }),
    },
  };
  try {
    return assertValidChipSpec(next, "--arch with command-line overrides");
  } catch (e) {
    // The override is what broke the spec: name the option, not the spec field it sets.
    if (overrides.coreNeurons !== undefined && e instanceof AerchipError && e.field === "core.maxNeurons") {
      throw new AerchipError("E_CLI_OPTION", `--core-neurons ${overrides.coreNeurons} does not fit chip ${spec.name}: ${e.message.replace(/ \(in --arch with command-line overrides\)$/, "")}`, {
        field: "--core-neurons", hint: `give --core-neurons at most ${maxNeuronsLimit(spec)}`, cause: e,
      });
    }
    throw e;
  }
}

/** The largest neurons-per-core a spec accepts: the format's limit, or the crossbar's columns. */
function maxNeuronsLimit(spec: ChipSpec): number {
  const columns = spec.core.crossbarColumns;
  return columns === undefined ? MAX_CORE_NEURONS : Math.min(columns, MAX_CORE_NEURONS);
}

/**
 * describePresets: the data behind `aerchip presets` — for every preset (or any ChipSpec), its
 * mesh, its per-core limits and bit widths with where each comes from, and its cost table as
 * (key, value, unit, source, evidence) rows. Presentation is the CLI's business; this is data only.
 *
 * A limit's source is its `fieldSources` entry, else the spec's `source`; it counts as `assumed`
 * when that text starts with "assumed:" (a modelling choice, not a published figure).
 */
import { listPresetNames, loadPreset } from "./load.ts";
import { COST_KEYS, SYNAPSE_ENCODING_COST_KEYS, totalCores, type ChipSpec, type CostEntry, type Evidence, type SyncSpec } from "./types.ts";

export interface PresetCostRow {
  /** CostTable key, or `synapseEncodings.<name>.<key>` for a per-encoding override. */
  readonly key: string;
  readonly value: number;
  readonly unit: string;
  readonly source: string;
  readonly evidence: Evidence;
  readonly note?: string;
}

export interface PresetLimitRow {
  /** Field path, e.g. `core.maxNeurons`, `precision.weightBits`, `synapseEncoding.kind`. */
  readonly field: string;
  readonly value: number | boolean | string;
  readonly source: string;
  readonly assumed: boolean;
}

export interface PresetDescription {
  readonly name: string;
  readonly description: string;
  readonly source: string;
  readonly mesh: { readonly widthTiles: number; readonly heightTiles: number; readonly coresPerTile: number; readonly totalCores: number; readonly linkBufferPackets: number };
  /** mesh.*, core.*, precision.* and synapseEncoding.* fields present in the spec, in that order, then learningBilledOn, synOpsBilledOn and neuronModels when set. */
  readonly limits: readonly PresetLimitRow[];
  /** Costs in COST_KEYS order, then the per-encoding overrides. */
  readonly costs: readonly PresetCostRow[];
  /** Cost keys the spec leaves out (they cost nothing and a run report lists them as not modelled). */
  readonly notModelled: readonly string[];
  readonly sync: SyncSpec;
  readonly tickPeriodNs?: number;
}

/** Unit of a cost key from its suffix: `…Pj` pJ, `…Ns` ns, `…Mw` mW, `…PjPerBit` pJ/bit. */
export function costUnit(key: string): string {
  if (key.endsWith("PjPerBit")) return "pJ/bit";
  if (key.endsWith("Pj")) return "pJ";
  if (key.endsWith("Ns")) return "ns";
  if (key.endsWith("Mw")) return "mW";
  return "";
}

function costRow(key: string, unitKey: string, c: CostEntry): PresetCostRow {
  return { key, value: c.value, unit: costUnit(unitKey), source: c.source, evidence: c.evidence, ...(c.note === undefined ? {} : { note: c.note }) };
}

const SECTIONS = ["mesh", "core", "precision", "synapseEncoding"] as const;

/** The description of one ChipSpec (preset or user file). */
export function describeChipSpec(spec: ChipSpec): PresetDescription {
  const fieldSources = spec.fieldSources ?? {};
  const limits: PresetLimitRow[] = [];
  for (const section of SECTIONS) {
    for (const [key, value] of Object.entries(spec[section] as object)) {
      if (value === undefined) continue;
      const field = `${section}.${key}`;
      const source = fieldSources[field] ?? spec.source;
      limits.push({ field, value: value as number | boolean | string, source, assumed: /^assumed\b/i.test(source.trim()) });
    }
  }
  if (spec.learningBilledOn !== undefined) {
    const source = fieldSources.learningBilledOn ?? spec.source;
    limits.push({ field: "learningBilledOn", value: spec.learningBilledOn, source, assumed: /^assumed\b/i.test(source.trim()) });
  }
  if (spec.synOpsBilledOn !== undefined) {
    const source = fieldSources.synOpsBilledOn ?? spec.source;
    limits.push({ field: "synOpsBilledOn", value: spec.synOpsBilledOn, source, assumed: /^assumed\b/i.test(source.trim()) });
  }
  if (spec.neuronModels !== undefined) {
    const source = fieldSources.neuronModels ?? spec.source;
    limits.push({ field: "neuronModels", value: spec.neuronModels.join(", "), source, assumed: /^assumed\b/i.test(source.trim()) });
  }
  const table = spec.costs as Readonly<Record<string, CostEntry | undefined>>;
  const costs: PresetCostRow[] = [];
  const notModelled: string[] = [];
  // A key some synapse encoding overrides is modelled for that encoding, so it is not listed as absent.
  const overridden = new Set<string>(Object.values(spec.costs.synapseEncodings ?? {}).flatMap((cc) => Object.keys(cc)));
  for (const key of COST_KEYS) {
    const c = table[key];
    if (c !== undefined) costs.push(costRow(key, key, c));
    else if (!overridden.has(key)) notModelled.push(key);
  }
  for (const [enc, cc] of Object.entries(spec.costs.synapseEncodings ?? {})) {
    for (const key of SYNAPSE_ENCODING_COST_KEYS) {
      const c = cc[key];
      if (c !== undefined) costs.push(costRow(`synapseEncodings.${enc}.${key}`, key, c));
    }
  }
  const m = spec.mesh;
  return {
    name: spec.name,
    description: spec.description,
    source: spec.source,
    mesh: { widthTiles: m.widthTiles, heightTiles: m.heightTiles, coresPerTile: m.coresPerTile, totalCores: totalCores(spec), linkBufferPackets: m.linkBufferPackets },
    limits,
    costs,
    notModelled,
    sync: spec.sync,
    ...(spec.tickPeriodNs === undefined ? {} : { tickPeriodNs: spec.tickPeriodNs }),
  };
}

/** Descriptions of the named presets (default: every preset, sorted by name). */
export function describePresets(names: readonly string[] = listPresetNames()): PresetDescription[] {
  return names.map((n) => describeChipSpec(loadPreset(n)));
}

/**
 * SANA-FE architecture YAML → ChipSpec (plus the per-unit catalogue the network lowering needs).
 *
 * Semantics follow SANA-FE v2.2.1 (src/yaml_arch.cpp, src/arch.cpp, src/chip.cpp at commit 8951ab0):
 *  - tiles get ids in file order (ranges `t[0..31]` expand in order); tile id t sits at
 *    x = floor(t / height), y = t mod height (column-major). aerchip numbers tiles row-major, so the
 *    aerchip core id of SANA-FE core (t, k) is (y·width + x)·coresPerTile + k;
 *  - each core has five unit sections: axon_in, synapse, dendrite, soma, axon_out; a unit named in
 *    several sections is one unit; the default unit of a kind is the first one defined;
 *  - costs are in joules and seconds; the ChipSpec holds pJ and ns (×1e12, ×1e9, rounded to 12
 *    significant digits so 35.5e-12 J reads back as 35.5 pJ);
 *  - the sync table is looked up with the number of *mapped* tiles (tiles holding ≥ 1 neuron) as
 *    "largest key ≤ k, else the first row" (LookupTable::get). aerchip's `step` rows give "first row
 *    with tiles ≥ k", so key kᵢ with value vᵢ becomes the row (kᵢ₊₁ − 1, vᵢ), and the last key stays.
 *    `sync_model: fixed` (the default) is one row with `latency_sync` (default 0).
 *
 * aerchip's ChipSpec is homogeneous: every core must carry the same units and costs, and every tile
 * the same hop costs (E_SANAFE_UNSUPPORTED otherwise). Where a figure has no ChipSpec slot the loader
 * folds it as documented in docs/sanafe.md and records a warning.
 */
import { basename } from "node:path";
import { CHIP_SPEC_FORMAT, CHIP_SPEC_VERSION, type ChipSpec, type CostEntry, type CostTable } from "../../../chip/spec/types.ts";
import { assertValidChipSpec, COST_VALUE_MAX, SYNC_LATENCY_MAX_NS } from "../../../chip/spec/validate.ts";
import { child, parseYamlTree, readSanafeText, type YamlLimits, type YNode } from "./yaml-tree.ts";
import { AttrReader, nodeAttr, parseRange, type Attr } from "./scalars.ts";

/** The SANA-FE release whose semantics this front end reproduces. */
export const SANAFE_COMMIT = "SLAM-Lab/SANA-FE@8951ab0 (v2.2.1)";

/** Longest name range (`x[0..n]`) accepted, so a typo cannot allocate millions of units. */
export const MAX_SANAFE_RANGE = 1 << 20;

export interface SanafeSynapseUnit {
  readonly name: string;
  readonly model: string;
  /** Where `model` is written in the architecture file, for errors about the model (the network only refers to the unit). */
  readonly modelAt: UnitModelAt;
  /** Key into ChipSpec.costs.synapseEncodings and ProjectionIR.encoding. */
  readonly encoding: string;
  readonly energyPj: number;
  readonly latencyNs: number;
}

export interface SanafeDendriteUnit {
  readonly name: string;
  readonly model: string;
  /** Where `model` is written in the architecture file, for errors about the model (the network only refers to the unit). */
  readonly modelAt: UnitModelAt;
  readonly energyPj: number;
  readonly latencyNs: number;
  readonly updateEveryTimestep: boolean;
}

export interface SanafeSomaUnit {
  readonly name: string;
  readonly model: string;
  /** Where `model` is written in the architecture file, for errors about the model (the network only refers to the unit). */
  readonly modelAt: UnitModelAt;
  readonly accessEnergyPj: number;
  readonly accessLatencyNs: number;
  readonly updateEnergyPj: number;
  readonly updateLatencyNs: number;
  readonly spikeEnergyPj: number;
  readonly spikeLatencyNs: number;
  /** Architecture-level attributes other than costs (e.g. `noise`), forwarded to the model. */
  readonly hwAttributes: ReadonlyMap<string, Attr>;
}

/** The architecture file, field path and line of a unit's `model` attribute. */
export interface UnitModelAt {
  readonly file: string;
  readonly field: string;
  readonly line: number;
}

export interface SanafeCore {
  /** SANA-FE's global core id (creation order). */
  readonly sanafeId: number;
  readonly tileId: number;
  readonly offsetInTile: number;
  /** aerchip global core id (row-major tiles). */
  readonly coreId: number;
  readonly name: string;
  readonly maxNeurons: number;
}

export interface SanafeTile {
  readonly id: number;
  readonly name: string;
  readonly x: number;
  readonly y: number;
  readonly coreCount: number;
}

export interface SanafeArch {
  readonly file: string;
  readonly name: string;
  readonly spec: ChipSpec;
  readonly tiles: readonly SanafeTile[];
  /** In SANA-FE core-id order. */
  readonly cores: readonly SanafeCore[];
  /** The unit catalogue shared by every core (file order = SANA-FE's default order). */
  readonly synapseUnits: readonly SanafeSynapseUnit[];
  readonly dendriteUnits: readonly SanafeDendriteUnit[];
  readonly somaUnits: readonly SanafeSomaUnit[];
  readonly axonIn: { readonly name: string; readonly energyPj: number; readonly latencyNs: number };
  readonly axonOut: { readonly name: string; readonly energyPj: number; readonly latencyNs: number };
  /** Hop costs per direction (SANA-FE keeps all four). */
  readonly hops: { readonly east: HopCost; readonly west: HopCost; readonly north: HopCost; readonly south: HopCost };
  /** The sync table as SANA-FE reads it: largest key ≤ mapped tiles. */
  readonly syncFloor: ReadonlyArray<{ readonly tiles: number; readonly latencyNs: number }>;
  readonly warnings: readonly string[];
}

export interface HopCost {
  readonly energyPj: number;
  readonly latencyNs: number;
}

const J_TO_PJ = 1e12;
const S_TO_NS = 1e9;
const round12 = (x: number): number => Number(x.toPrecision(12));

/**
 * The ChipSpec's cost limits (chip/spec/validate.ts COST_VALUE_MAX, SYNC_LATENCY_MAX_NS) in the file's units:
 * 1e9 pJ = 1e-3 J per operation, 1e12 ns = 1000 s. Checked here, so that a bad figure is named by its YAML
 * field and line in joules or seconds, not by the ChipSpec field it becomes in pJ or ns.
 */
const MAX_ENERGY_J = COST_VALUE_MAX.energyPj / J_TO_PJ;
const MAX_LATENCY_S = COST_VALUE_MAX.latencyNs / S_TO_NS;
const MAX_SYNC_S = SYNC_LATENCY_MAX_NS / S_TO_NS;

/** A SANA-FE energy (J) or latency (s) attribute: a finite number in [0, the limit]. */
function siCost(r: AttrReader, a: Attr, field: string, kind: "energy" | "latency" | "sync"): number {
  const v = r.double(a, field);
  const unit = kind === "energy" ? "J" : "s";
  const what = kind === "energy" ? "energies are joules per operation (21.6e-12 is 21.6 pJ)" : kind === "latency" ? "latencies are seconds per operation (3.7e-9 is 3.7 ns)" : "sync latencies are durations in seconds";
  if (v < 0) r.fail(field, a.line, `${field} must be >= 0, got ${v} ${unit}`, what);
  const max = kind === "energy" ? MAX_ENERGY_J : kind === "latency" ? MAX_LATENCY_S : MAX_SYNC_S;
  if (v > max) r.fail(field, a.line, `${field} is ${v} ${unit}; at most ${max} ${unit}`, `${what}; ${max} ${unit} is already far beyond any chip, so a larger value is a unit mistake`);
  return v;
}

export function loadSanafeArch(path: string, limits: YamlLimits = {}): SanafeArch {
  const text = readSanafeText(path);
  return parseSanafeArch(text, path, limits);
}

interface RawUnit {
  name: string;
  sections: Set<string>;
  attrs: Map<string, Attr>;
  line: number;
}

interface CoreTemplate {
  bufferPosition: string;
  bufferInside: boolean;
  maxNeurons: number;
  axonIn: Array<{ name: string; energy: number; latency: number }>;
  axonOut: Array<{ name: string; energy: number; latency: number }>;
  units: RawUnit[];
  line: number;
  template: CoreTemplate;
}

interface RawCore extends CoreTemplate {
  name: string;
  tileId: number;
  offset: number;
}

interface RawTile {
  name: string;
  hop: { east: HopCost; west: HopCost; north: HopCost; south: HopCost };
  line: number;
}

export function parseSanafeArch(text: string, file: string, limits: YamlLimits = {}): SanafeArch {
  const r: AttrReader = new AttrReader(file);
  const root = parseYamlTree(text, file, limits);
  const archNode = child(root, "architecture");
  if (archNode === undefined || archNode.kind !== "map") {
    r.fail("architecture", root.line, "no top-level `architecture` section", "a SANA-FE architecture file starts with `architecture:` (is this a network file?)", "E_SANAFE_ARCH");
  }
  const nameNode = child(archNode, "name");
  const archName = nameNode !== undefined && nameNode.kind === "scalar" ? nameNode.value : basename(file);
  if (archName.includes("[")) r.fail("architecture.name", archNode.line, "several architectures in one file are not supported", "describe one chip per file", "E_SANAFE_ARCH");
  const attrsNode = child(archNode, "attributes");
  const attrs = attrMap(r, attrsNode, "architecture.attributes");
  const width = r.int(req(r, attrs, "width", "architecture.attributes", archNode.line), "architecture.attributes.width", 1, 4096);
  const height = r.int(req(r, attrs, "height", "architecture.attributes", archNode.line), "architecture.attributes.height", 1, 4096);
  const linkBuffer = r.int(req(r, attrs, "link_buffer_size", "architecture.attributes", archNode.line), "architecture.attributes.link_buffer_size", 0, 1 << 20);
  const warnings: string[] = [];
  const syncFloor = parseSync(r, attrs, attrsNode, archNode.line);

  // Tiles and cores in creation order.
  const tileNode = child(archNode, "tile");
  if (tileNode === undefined) r.fail("architecture.tile", archNode.line, "no `tile` section", "describe at least one tile", "E_SANAFE_ARCH");
  const tiles: RawTile[] = [];
  const cores: RawCore[] = [];
  const templates = new Map<YNode, CoreTemplate>();
  const tileEntries = tileNode.kind === "seq" ? tileNode.items : [tileNode];
  tileEntries.forEach((tn, ti) => {
    const field = `architecture.tile[${ti}]`;
    const tname = scalarChild(r, tn, "name", field);
    const tattrs = attrMap(r, child(tn, "attributes"), `${field}.attributes`);
    const hopOf = (dir: string): HopCost => ({
      energyPj: round12(siCost(r, req(r, tattrs, `energy_${dir}_hop`, `${field}.attributes`, tn.line), `${field}.attributes.energy_${dir}_hop`, "energy") * J_TO_PJ),
      latencyNs: round12(siCost(r, req(r, tattrs, `latency_${dir}_hop`, `${field}.attributes`, tn.line), `${field}.attributes.latency_${dir}_hop`, "latency") * S_TO_NS),
    });
    const hop = { east: hopOf("east"), west: hopOf("west"), north: hopOf("north"), south: hopOf("south") };
    for (const name of expandNames(r, tname, field, tn.line)) {
      const tileId = tiles.length;
      tiles.push({ name, hop, line: tn.line });
      const coreNode = child(tn, "core");
      if (coreNode === undefined) r.fail(`${field}.core`, tn.line, `tile "${name}" has no \`core\` section`, "describe the tile's cores", "E_SANAFE_ARCH");
      const coreEntries = coreNode.kind === "seq" ? coreNode.items : [coreNode];
      let offset = 0;
      coreEntries.forEach((cn, ci) => {
        const cfield = `${field}.core[${ci}]`;
        const cname = scalarChild(r, cn, "name", cfield);
        // A core entry is parsed once; every core its name range expands to shares the template.
        let template = templates.get(cn);
        if (template === undefined) {
          template = parseCoreTemplate(r, cn, cfield);
          templates.set(cn, template);
        }
        for (const coreName of expandNames(r, cname, cfield, cn.line)) {
          cores.push({ ...template, name: coreName, tileId, offset: offset++ });
        }
      });
    }
  });
  if (tiles.length > width * height) {
    r.fail("architecture.tile", archNode.line, `${tiles.length} tiles do not fit the ${width}×${height} mesh`, "raise width/height or describe fewer tiles", "E_SANAFE_ARCH");
  }

  // Homogeneity: aerchip's ChipSpec has one cost table and one core shape.
  const t0 = tiles[0];
  const hop0 = JSON.stringify(t0.hop);
  for (const t of tiles) {
    if (t.hop !== t0.hop && JSON.stringify(t.hop) !== hop0) {
      r.fail(`architecture.tile`, t.line, `tile "${t.name}" has hop costs different from tile "${t0.name}"`, "aerchip models one hop cost per direction for the whole mesh; give every tile the same hop attributes", "E_SANAFE_UNSUPPORTED");
    }
  }
  const c0 = cores[0];
  const unitKey = (c: CoreTemplate): string => JSON.stringify({
    b: [c.bufferPosition, c.bufferInside, c.maxNeurons], i: c.axonIn, o: c.axonOut,
    u: c.units.map((u) => [u.name, [...u.sections].sort(), [...u.attrs.entries()].map(([k, a]) => [k, attrKey(a)]).sort()]),
  });
  const key0 = unitKey(c0);
  const checked = new Set<CoreTemplate>([c0.template]);
  for (const c of cores) {
    if (checked.has(c.template)) continue;
    checked.add(c.template);
    if (unitKey(c) !== key0) {
      r.fail("architecture.tile.core", c.line, `core "${c.name}" of tile ${c.tileId} differs from core "${c0.name}" of tile ${c0.tileId} (units, costs or attributes)`, "aerchip models one core type per chip; give every core the same units and costs", "E_SANAFE_UNSUPPORTED");
    }
  }
  const coresInTile = new Uint32Array(tiles.length);
  for (const c of cores) coresInTile[c.tileId]++;
  const coresPerTile = coresInTile.reduce((m, n) => Math.max(m, n), 0);
  for (let t = 0; t < tiles.length; t++) {
    const n = coresInTile[t];
    if (n !== coresPerTile) {
      r.fail("architecture.tile", tiles[t].line, `tile "${tiles[t].name}" has ${n} cores, others have ${coresPerTile}`, "aerchip models the same number of cores in every tile", "E_SANAFE_UNSUPPORTED");
    }
  }
  if (c0.bufferPosition !== "soma" || c0.bufferInside) {
    r.fail("architecture.tile.core.attributes.buffer_position", c0.line,
      `buffer_position "${c0.bufferPosition}"${c0.bufferInside ? " with buffer_inside_unit" : ""} is not supported`,
      "aerchip reproduces SANA-FE's `buffer_position: soma` (buffer_inside_unit false): synaptic input reaches the soma on the next time step", "E_SANAFE_UNSUPPORTED");
  }
  if (c0.axonIn.length === 0) r.fail("axon_in", c0.line, "the core has no axon_in unit", "add an axon_in unit", "E_SANAFE_ARCH");
  if (c0.axonOut.length === 0) r.fail("axon_out", c0.line, "the core has no axon_out unit", "add an axon_out unit", "E_SANAFE_ARCH");
  if (c0.axonIn.length > 1) warnings.push(`core "${c0.name}" has ${c0.axonIn.length} axon_in units; SANA-FE routes every message to the first one and bills energy for the last one only (chip.cpp); aerchip uses the first`);
  if (c0.axonOut.length > 1) warnings.push(`core "${c0.name}" has ${c0.axonOut.length} axon_out units; SANA-FE uses the first; aerchip uses the first`);

  // Unit catalogue.
  const synapseUnits: SanafeSynapseUnit[] = [];
  const dendriteUnits: SanafeDendriteUnit[] = [];
  const somaUnits: SanafeSomaUnit[] = [];
  const ufield = (u: RawUnit): string => `architecture.tile.core.unit "${u.name}"`;
  const num = (u: RawUnit, key: string): number | undefined => {
    const a = u.attrs.get(key);
    // Every key read through here is a cost: energy_… in joules, latency_… in seconds.
    return a === undefined ? undefined : siCost(r, a, `${ufield(u)}.attributes.${key}`, key.startsWith("energy_") ? "energy" : "latency");
  };
  for (const u of c0.units) {
    const modelAttr = u.attrs.get("model");
    if (modelAttr === undefined) r.fail(`${ufield(u)}.attributes.model`, u.line, `unit "${u.name}" has no model`, "set `model:` (current_based, accumulator, leaky_integrate_fire, input, truenorth)", "E_SANAFE_ARCH");
    const model = r.string(modelAttr, `${ufield(u)}.attributes.model`);
    const modelAt: UnitModelAt = { file: r.file, field: `${ufield(u)}.attributes.model`, line: modelAttr.line };
    if (u.attrs.has("plugin")) r.fail(`${ufield(u)}.attributes.plugin`, u.line, `unit "${u.name}" is a plug-in (${model})`, "aerchip cannot load SANA-FE C++ plug-ins; use a built-in model", "E_SANAFE_UNSUPPORTED");
    if (u.sections.has("synapse")) {
      if (u.sections.size > 1) r.fail(ufield(u), u.line, `unit "${u.name}" implements several pipeline stages`, "aerchip supports separate synapse, dendrite and soma units", "E_SANAFE_UNSUPPORTED");
      synapseUnits.push({
        name: u.name, model, modelAt, encoding: u.name,
        energyPj: round12((num(u, "energy_process_spike") ?? 0) * J_TO_PJ),
        latencyNs: round12((num(u, "latency_process_spike") ?? 0) * S_TO_NS),
      });
    } else if (u.sections.has("dendrite")) {
      if (u.sections.size > 1) r.fail(ufield(u), u.line, `unit "${u.name}" implements several pipeline stages`, "aerchip supports separate synapse, dendrite and soma units", "E_SANAFE_UNSUPPORTED");
      const upd = u.attrs.get("update_every_timestep");
      dendriteUnits.push({
        name: u.name, model, modelAt,
        energyPj: round12((num(u, "energy_update") ?? 0) * J_TO_PJ),
        latencyNs: round12((num(u, "latency_update") ?? 0) * S_TO_NS),
        updateEveryTimestep: upd === undefined ? false : r.bool(upd, `${ufield(u)}.attributes.update_every_timestep`),
      });
    } else if (u.sections.has("soma")) {
      const e = (k: string): number => round12((num(u, k) ?? 0) * J_TO_PJ);
      const l = (k: string): number => round12((num(u, k) ?? 0) * S_TO_NS);
      const hw = new Map<string, Attr>();
      for (const [k, a] of u.attrs) if (!/^(energy|latency)_/.test(k) && k !== "model" && k !== "log_energy" && k !== "log_latency") hw.set(k, a);
      somaUnits.push({
        name: u.name, model, modelAt,
        accessEnergyPj: e("energy_access_neuron"), accessLatencyNs: l("latency_access_neuron"),
        updateEnergyPj: e("energy_update_neuron"), updateLatencyNs: l("latency_update_neuron"),
        spikeEnergyPj: e("energy_spike_out"), spikeLatencyNs: l("latency_spike_out"),
        hwAttributes: hw,
      });
    }
  }
  if (synapseUnits.length === 0) r.fail("synapse", c0.line, "the core has no synapse unit", "add a synapse unit", "E_SANAFE_ARCH");
  if (dendriteUnits.length === 0) r.fail("dendrite", c0.line, "the core has no dendrite unit", "add a dendrite unit", "E_SANAFE_ARCH");
  if (somaUnits.length === 0) r.fail("soma", c0.line, "the core has no soma unit", "add a soma unit", "E_SANAFE_ARCH");
  assignEncodings(synapseUnits);

  const ai = c0.axonIn[0];
  const ao = c0.axonOut[0];
  const axonIn = { name: ai.name, energyPj: round12(ai.energy * J_TO_PJ), latencyNs: round12(ai.latency * S_TO_NS) };
  const axonOut = { name: ao.name, energyPj: round12(ao.energy * J_TO_PJ), latencyNs: round12(ao.latency * S_TO_NS) };

  // ChipSpec.
  const src = (what: string): string => `${basename(file)}: ${what} (SANA-FE architecture YAML, semantics of ${SANAFE_COMMIT})`;
  const cost = (value: number, what: string, note?: string): CostEntry => ({ value, source: src(what), evidence: "calibrated", ...(note === undefined ? {} : { note }) });
  const lif = somaUnits.find((s) => s.model !== "input") ?? somaUnits[0];
  const defDendrite = dendriteUnits[0];
  const dendriteNote = defDendrite.energyPj !== 0 || defDendrite.latencyNs !== 0
    ? `includes dendrite "${defDendrite.name}" energy_update/latency_update, which SANA-FE pays once per synaptic event in the message pipeline` : undefined;
  if (dendriteNote !== undefined) warnings.push(`dendrite "${defDendrite.name}" costs are folded into every synapse encoding (SANA-FE bills them per synaptic event, under "dendrite")`);
  for (const d of dendriteUnits) {
    if (d.updateEveryTimestep && d.energyPj !== 0) warnings.push(`dendrite "${d.name}" sets update_every_timestep with nonzero energy; aerchip does not model forced dendrite updates`);
  }
  const synEnc: Record<string, { energySynOpPj: CostEntry; latencySynOpNs: CostEntry }> = {};
  for (const s of synapseUnits) {
    synEnc[s.encoding] = {
      energySynOpPj: cost(round12(s.energyPj + defDendrite.energyPj), `synapse "${s.name}" energy_process_spike`, dendriteNote),
      latencySynOpNs: cost(round12(s.latencyNs + defDendrite.latencyNs), `synapse "${s.name}" latency_process_spike`, dendriteNote),
    };
  }
  const h = { east: tiles[0].hop.east, west: tiles[0].hop.west, north: tiles[0].hop.north, south: tiles[0].hop.south };
  const ewNote = h.east.energyPj !== h.west.energyPj || h.east.latencyNs !== h.west.latencyNs ? "mean of east and west hops (they differ in the file; the detailed timing model uses each)" : undefined;
  const nsNote = h.north.energyPj !== h.south.energyPj || h.north.latencyNs !== h.south.latencyNs ? "mean of north and south hops (they differ in the file; the detailed timing model uses each)" : undefined;
  if (ewNote !== undefined) warnings.push("east and west hop costs differ; the ChipSpec's east-west hop energy is their mean");
  if (nsNote !== undefined) warnings.push("north and south hop costs differ; the ChipSpec's north-south hop energy is their mean");
  const costs: CostTable = {
    energySynOpPj: synEnc[synapseUnits[0].encoding].energySynOpPj,
    latencySynOpNs: synEnc[synapseUnits[0].encoding].latencySynOpNs,
    synapseEncodings: synEnc,
    energyNeuronAccessPj: cost(lif.accessEnergyPj, `soma "${lif.name}" energy_access_neuron`),
    latencyNeuronAccessNs: cost(lif.accessLatencyNs, `soma "${lif.name}" latency_access_neuron`),
    energyNeuronUpdatePj: cost(lif.updateEnergyPj, `soma "${lif.name}" energy_update_neuron`),
    latencyNeuronUpdateNs: cost(lif.updateLatencyNs, `soma "${lif.name}" latency_update_neuron`),
    energySpikeOutPj: cost(lif.spikeEnergyPj, `soma "${lif.name}" energy_spike_out`),
    latencySpikeOutNs: cost(lif.spikeLatencyNs, `soma "${lif.name}" latency_spike_out`),
    energyPacketOutPj: cost(axonOut.energyPj, `axon_out "${axonOut.name}" energy_message_out`),
    latencyPacketOutNs: cost(axonOut.latencyNs, `axon_out "${axonOut.name}" latency_message_out`),
    energyPacketInPj: cost(axonIn.energyPj, `axon_in "${axonIn.name}" energy_message_in`),
    latencyPacketInNs: cost(axonIn.latencyNs, `axon_in "${axonIn.name}" latency_message_in`),
    energyHopEastWestPj: cost(round12((h.east.energyPj + h.west.energyPj) / 2), "tile energy_east_hop / energy_west_hop", ewNote),
    latencyHopEastWestNs: cost(round12((h.east.latencyNs + h.west.latencyNs) / 2), "tile latency_east_hop / latency_west_hop", ewNote),
    energyHopNorthSouthPj: cost(round12((h.north.energyPj + h.south.energyPj) / 2), "tile energy_north_hop / energy_south_hop", nsNote),
    latencyHopNorthSouthNs: cost(round12((h.north.latencyNs + h.south.latencyNs) / 2), "tile latency_north_hop / latency_south_hop", nsNote),
  };
  const maxNeurons = c0.maxNeurons;
  const rawSpec = {
    format: CHIP_SPEC_FORMAT,
    version: CHIP_SPEC_VERSION,
    name: archName,
    description: `SANA-FE architecture "${archName}" read from ${basename(file)}: ${width}×${height} tiles × ${coresPerTile} cores, ${maxNeurons} neurons per core. SANA-FE simulates in double precision and checks only the neuron count per core, so the other limits are set to the validator's maxima.`,
    source: src("architecture"),
    mesh: { widthTiles: width, heightTiles: height, coresPerTile, linkBufferPackets: Math.max(1, linkBuffer) },
    core: { maxNeurons, maxInputAxons: 1 << 24, maxOutputAxons: 1 << 24, synapseMemoryBits: 2 ** 40, maxDelayTicks: 1, maxFanOutCores: 0 },
    precision: { weightBits: 32, weightSigned: true, delayBits: 0, stateBits: 52, currentBits: 52, decayBits: 24, thresholdBits: 52, traceBits: 32, refractoryBits: 32 },
    synapseEncoding: { kind: "sparse" as const, extraBitsPerSynapse: 0 },
    costs,
    sync: { table: floorToStep(syncFloor), interpolation: "step" as const, source: src("attributes.sync_model / latency_sync, looked up by mapped tiles as largest key <= tiles") },
  };
  if (linkBuffer === 0) warnings.push("link_buffer_size is 0; the ChipSpec stores 1 (the detailed timing model uses the file's 0)");
  const spec = assertValidChipSpec(rawSpec, file);

  const tileOut: SanafeTile[] = tiles.map((t, id) => ({ id, name: t.name, x: Math.floor(id / height), y: id % height, coreCount: coresPerTile }));
  const coreOut: SanafeCore[] = cores.map((c, sanafeId) => {
    const t = tileOut[c.tileId];
    return { sanafeId, tileId: c.tileId, offsetInTile: c.offset, coreId: (t.y * width + t.x) * coresPerTile + c.offset, name: c.name, maxNeurons: c.maxNeurons };
  });
  return {
    file, name: archName, spec, tiles: tileOut, cores: coreOut,
    synapseUnits, dendriteUnits, somaUnits, axonIn, axonOut,
    hops: h, syncFloor, warnings,
  };
}

/** Synapse unit → encoding key: "dense"/"sparse"/"conv" when the unit name names exactly one and no other unit claims it. */
function assignEncodings(units: SanafeSynapseUnit[]): void {
  const kinds = ["dense", "sparse", "conv"];
  const kindOf = units.map((u) => {
    const hits = kinds.filter((k) => u.name.toLowerCase().includes(k));
    return hits.length === 1 ? hits[0] : undefined;
  });
  units.forEach((u, i) => {
    const k = kindOf[i];
    const claimed = k !== undefined && kindOf.filter((x) => x === k).length === 1;
    (u as { encoding: string }).encoding = claimed ? k : u.name;
  });
}

function parseSync(r: AttrReader, attrs: Map<string, Attr>, attrsNode: YNode | undefined, line: number): Array<{ tiles: number; latencyNs: number }> {
  const modelA = attrs.get("sync_model");
  const model = modelA === undefined ? "fixed" : r.string(modelA, "architecture.attributes.sync_model");
  const toNs = (a: Attr, f: string): number => {
    const s = siCost(r, a, f, "sync");
    return round12(s * S_TO_NS);
  };
  if (model === "fixed") {
    const a = attrs.get("latency_sync");
    return [{ tiles: 0, latencyNs: a === undefined ? 0 : toNs(a, "architecture.attributes.latency_sync") }];
  }
  if (model !== "table") r.fail("architecture.attributes.sync_model", line, `unknown sync_model "${model}"`, "use `fixed` or `table`", "E_SANAFE_ARCH");
  const node = child(attrsNode, "latency_sync");
  if (node === undefined) r.fail("architecture.attributes.latency_sync", line, "`sync_model: table` needs `latency_sync`", "give latency_sync as {tiles: seconds, ...} or a list", "E_SANAFE_ARCH");
  const rows = new Map<number, number>();
  if (node.kind === "seq") node.items.forEach((it, i) => rows.set(i, toNs(nodeAttr(it), `architecture.attributes.latency_sync[${i}]`)));
  else if (node.kind === "map") {
    for (const [k, v] of node.entries) {
      if (!/^\d+$/.test(k.trim())) r.fail("architecture.attributes.latency_sync", v.line, `sync table key "${k}" is not a tile count`, "keys are whole numbers of tiles");
      rows.set(Number(k.trim()), toNs(nodeAttr(v), `architecture.attributes.latency_sync.${k}`));
    }
  } else rows.set(0, toNs(nodeAttr(node), "architecture.attributes.latency_sync"));
  return [...rows.entries()].sort((a, b) => a[0] - b[0]).map(([tiles, latencyNs]) => ({ tiles, latencyNs }));
}

/**
 * SANA-FE's floor lookup (largest key ≤ k, else the first row) as aerchip `step` rows (first row with
 * tiles ≥ k, else the last row). Equal for every k ≥ 1.
 */
export function floorToStep(rows: ReadonlyArray<{ readonly tiles: number; readonly latencyNs: number }>): Array<{ tiles: number; latencyNs: number }> {
  const out: Array<{ tiles: number; latencyNs: number }> = [];
  for (let i = 0; i < rows.length; i++) {
    const upTo = i + 1 < rows.length ? rows[i + 1].tiles - 1 : Math.max(1, rows[i].tiles);
    if (upTo >= 1 && (out.length === 0 || upTo > out[out.length - 1].tiles)) out.push({ tiles: upTo, latencyNs: rows[i].latencyNs });
  }
  if (out.length === 0) out.push({ tiles: 1, latencyNs: rows.length > 0 ? rows[rows.length - 1].latencyNs : 0 });
  return out;
}

/** SANA-FE's own lookup, for tests and the timing models: largest key ≤ tiles, else the first row. */
export function syncFloorLookupNs(rows: ReadonlyArray<{ readonly tiles: number; readonly latencyNs: number }>, tiles: number): number {
  if (rows.length === 0) return 0;
  let v = rows[0].latencyNs;
  for (const row of rows) if (row.tiles <= tiles) v = row.latencyNs;
  return v;
}

function parseCoreTemplate(r: AttrReader, cn: YNode, field: string): CoreTemplate {
  const cattrs = attrMap(r, child(cn, "attributes"), `${field}.attributes`);
  const bp = cattrs.get("buffer_position");
  if (bp === undefined) r.fail(`${field}.attributes.buffer_position`, cn.line, "buffer_position is required", "SANA-FE cores set `buffer_position: soma`", "E_SANAFE_ARCH");
  const bi = cattrs.get("buffer_inside_unit");
  const mn = cattrs.get("max_neurons_supported");
  if (mn === undefined) r.fail(`${field}.attributes.max_neurons_supported`, cn.line, "max_neurons_supported is required", "give the per-core neuron limit", "E_SANAFE_ARCH");
  const byName = new Map<string, RawUnit>();
  const core: CoreTemplate = {
    bufferPosition: r.string(bp, `${field}.attributes.buffer_position`),
    bufferInside: bi === undefined ? false : r.bool(bi, `${field}.attributes.buffer_inside_unit`),
    maxNeurons: r.int(mn, `${field}.attributes.max_neurons_supported`, 1, 1 << 20),
    axonIn: [], axonOut: [], units: [], line: cn.line,
    template: undefined as unknown as CoreTemplate,
  };
  core.template = core;
  if (!["dendrite", "soma", "axon_out"].includes(core.bufferPosition)) {
    r.fail(`${field}.attributes.buffer_position`, cn.line, `buffer_position "${core.bufferPosition}" is not one of dendrite, soma, axon_out`, "SANA-FE cores set `buffer_position: soma`", "E_SANAFE_ARCH");
  }
  for (const section of ["axon_in", "synapse", "dendrite", "soma", "axon_out"]) {
    const sn = child(cn, section);
    if (sn === undefined) r.fail(`${field}.${section}`, cn.line, `a core has no ${section} section`, `SANA-FE cores need axon_in, synapse, dendrite, soma and axon_out sections`, "E_SANAFE_ARCH");
    const entries = sn.kind === "seq" ? sn.items : [sn];
    entries.forEach((un, ui) => {
      const ufield = `${field}.${section}[${ui}]`;
      const uname = scalarChild(r, un, "name", ufield);
      const uattrsNode = child(un, "attributes");
      if (uattrsNode === undefined) r.fail(`${ufield}.attributes`, un.line, `unit "${uname}" has no attributes`, "give the unit's model and costs under `attributes:`", "E_SANAFE_ARCH");
      const uattrs = attrMap(r, uattrsNode, `${ufield}.attributes`);
      for (const n of expandNames(r, uname, ufield, un.line)) {
        if (section === "axon_in" || section === "axon_out") {
          const ek = section === "axon_in" ? "energy_message_in" : "energy_message_out";
          const lk = section === "axon_in" ? "latency_message_in" : "latency_message_out";
          const entry = {
            name: n,
            energy: siCost(r, req(r, uattrs, ek, `${ufield}.attributes`, un.line), `${ufield}.attributes.${ek}`, "energy"),
            latency: siCost(r, req(r, uattrs, lk, `${ufield}.attributes`, un.line), `${ufield}.attributes.${lk}`, "latency"),
          };
          (section === "axon_in" ? core.axonIn : core.axonOut).push(entry);
          continue;
        }
        const existing = byName.get(n);
        if (existing !== undefined) {
          existing.sections.add(section);
          for (const [k, a] of uattrs) if (!existing.attrs.has(k)) existing.attrs.set(k, a);
        } else {
          const u: RawUnit = { name: n, sections: new Set([section]), attrs: new Map(uattrs), line: un.line };
          byName.set(n, u);
          core.units.push(u);
        }
      }
    });
  }
  return core;
}

/** A unit/tile/core name, expanded over its `[a..b]` range like SANA-FE does. */
function expandNames(r: AttrReader, name: string, field: string, line: number): string[] {
  const range = parseRange(name);
  if (range === undefined) return [name];
  if (!Number.isInteger(range.first) || !Number.isInteger(range.last) || range.first > range.last) {
    r.fail(`${field}.name`, line, `invalid name range "${name}"`, "write ranges as name[first..last] with first <= last", "E_SANAFE_ARCH");
  }
  if (range.last - range.first + 1 > MAX_SANAFE_RANGE) r.fail(`${field}.name`, line, `name range "${name}" has more than ${MAX_SANAFE_RANGE} entries`, "use a smaller range", "E_SANAFE_TOO_LARGE");
  const base = name.slice(0, name.indexOf("[") >= 0 ? name.indexOf("[") : 0);
  const out: string[] = [];
  for (let i = range.first; i <= range.last; i++) out.push(`${base}[${i}]`);
  return out;
}

function scalarChild(r: AttrReader, n: YNode, key: string, field: string): string {
  const c = child(n, key);
  if (c === undefined || c.kind !== "scalar" || c.value === "") r.fail(`${field}.${key}`, n.line, `${field}.${key} is required`, `give the ${key}`, "E_SANAFE_ARCH");
  return c.value;
}

function attrMap(r: AttrReader, n: YNode | undefined, field: string): Map<string, Attr> {
  const out = new Map<string, Attr>();
  if (n === undefined) return out;
  const visit = (m: YNode): void => {
    if (m.kind === "seq") {
      for (const it of m.items) visit(it);
      return;
    }
    if (m.kind !== "map") r.fail(field, m.line, `${field} must be a mapping of attribute names to values`, "write `name: value` pairs", "E_SANAFE_ARCH");
    for (const [k, v] of m.entries) if (!out.has(k)) out.set(k, nodeAttr(v, k));
  };
  visit(n);
  return out;
}

function req(r: AttrReader, attrs: Map<string, Attr>, key: string, field: string, line: number): Attr {
  const a = attrs.get(key);
  if (a === undefined) return r.fail(`${field}.${key}`, line, `${field}.${key} is required`, `add \`${key}:\``, "E_SANAFE_ARCH");
  return a;
}

function attrKey(a: Attr): unknown {
  return a.t === "list" ? a.items.map(attrKey) : [a.t, a.v];
}

/** `aerchip presets`: the chip presets with their mesh, limits and the sources of their figures. */
import { describePresets } from "../../chip/spec/presets.ts";
import { table } from "../format.ts";

/** "1 core", "4 cores". */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

export async function presetsCommand(o: { json: boolean }): Promise<void> {
  const presets = describePresets();
  if (o.json) {
    process.stdout.write(`${JSON.stringify(presets)}\n`);
    return;
  }
  const out: string[] = [];
  for (const p of presets) {
    const lim = new Map(p.limits.map((l) => [l.field, l.value] as const));
    out.push(`${p.name}: ${count(p.mesh.totalCores, "core")} (${p.mesh.widthTiles}×${p.mesh.heightTiles} ${p.mesh.widthTiles * p.mesh.heightTiles === 1 ? "tile" : "tiles"} × ${count(p.mesh.coresPerTile, "core")} per tile), ${String(lim.get("core.maxNeurons"))} neurons/core, ${String(lim.get("precision.weightBits"))}-bit weights`);
    out.push(`  ${p.description}`);
    out.push(`  structure: ${p.source}`);
    if (p.costs.length > 0) out.push(table(p.costs.map((c) => [`  ${c.key}`, `${c.value} ${c.unit}`, c.evidence, c.source]), undefined, "lrll"));
    // What energySynUpdatePj is paid for (ChipSpec.learningBilledOn), with its source, where the preset says.
    const billed = p.limits.find((l) => l.field === "learningBilledOn");
    if (billed !== undefined) out.push(`  learningBilledOn: ${String(billed.value)} (${billed.source})`);
    // Which synaptic count energySynOpPj is paid for (ChipSpec.synOpsBilledOn), where the preset says.
    const synBilled = p.limits.find((l) => l.field === "synOpsBilledOn");
    if (synBilled !== undefined) out.push(`  synOpsBilledOn: ${String(synBilled.value)} (${synBilled.source})`);
    // The neuron models the chip runs (ChipSpec.neuronModels), with their source, where the preset lists them.
    const models = p.limits.find((l) => l.field === "neuronModels");
    if (models !== undefined) out.push(`  neuronModels: ${String(models.value)} (${models.source})`);
    if (p.notModelled.length > 0) out.push(`  not modelled: ${p.notModelled.join(", ")}`);
    out.push("");
  }
  process.stdout.write(out.join("\n"));
}

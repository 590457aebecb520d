/** `aerchip presets`: the chip presets with their mesh, limits and the sources of their figures. */
import { listPresetNames, loadPreset } from "../../chip/spec/load.ts";
import type { CostEntry } from "../../chip/spec/types.ts";
import { table } from "../format.ts";

export async function presetsCommand(o: { json: boolean }): Promise<void> {
  const presets = listPresetNames().map((name) => {
    const s = loadPreset(name);
    const costs = Object.entries(s.costs).filter(([k]) => k !== "synapseEncodings").map(([key, c]) => ({ key, ...(c as CostEntry) }));
    return { name, description: s.description, source: s.source, mesh: s.mesh, core: s.core, precision: s.precision, costs };
  });
  if (o.json) {
    process.stdout.write(`${JSON.stringify(presets, null, 2)}\n`);
    return;
  }
  const out: string[] = [];
  for (const p of presets) {
    const cores = p.mesh.widthTiles * p.mesh.heightTiles * p.mesh.coresPerTile;
    out.push(`${p.name}: ${cores} cores (${p.mesh.widthTiles}×${p.mesh.heightTiles} tiles × ${p.mesh.coresPerTile}), ${p.core.maxNeurons} neurons/core, ${p.precision.weightBits}-bit weights`);
    out.push(`  ${p.description}`);
    out.push(`  structure: ${p.source}`);
    out.push(table(p.costs.map((c) => ["  " + c.key, String(c.value), c.evidence, c.source])).split("\n").join("\n"));
    out.push("");
  }
  process.stdout.write(out.join("\n"));
}

/** `aerchip compile MODEL --arch ARCH --out DIR`: writes the chip program and the mapping report. */
import { join, resolve } from "node:path";
import { ensureDir, writeJsonAtomic } from "../../core/atomic-write.ts";
import { writeProgramFile } from "../../chip/program/codec.ts";
import { compileModel, type MappingReport } from "../../compiler/compile.ts";
import type { PlacementStrategy } from "../../compiler/passes/place.ts";
import { loadArch } from "../load-arch.ts";
import { loadModel } from "../pipeline.ts";
import { fmtInt, table } from "../format.ts";

export interface CompileCommandOptions {
  readonly arch: string;
  readonly out: string;
  readonly seed: number;
  readonly placement: PlacementStrategy;
  readonly coreNeurons?: number;
  readonly json: boolean;
  readonly quiet: boolean;
  readonly precision?: "float" | "fixed";
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

export function mappingText(m: MappingReport): string {
  const head = `${m.model} on ${m.chip}: ${fmtInt(m.neurons)} neurons, ${fmtInt(m.synapses)} synapses on ${m.coresUsed} of ${m.coresAvailable} cores (placement ${m.placement})`;
  const rows = m.cores.map((c) => [
    `${c.coreId}`, `(${c.tile.x},${c.tile.y}).${c.coreInTile}`,
    c.blocks.map((b) => `${b.population}[${b.start}:${b.start + b.count}]`).join(" "),
    fmtInt(c.neurons), fmtInt(c.inputAxons), fmtInt(c.outputAxons), fmtInt(c.synapses), fmtInt(Math.ceil(c.synapseMemoryBits / 8)),
    pct(c.utilisation.neurons), pct(c.utilisation.inputAxons), pct(c.utilisation.outputAxons), pct(c.utilisation.synapseMemory),
  ]);
  const hdr = ["core", "tile", "blocks", "neurons", "axons in", "axons out", "synapses", "syn bytes", "neur %", "in %", "out %", "mem %"];
  return `${head}\n\n${table(rows, hdr)}\n`;
}

export async function compileCommand(modelPath: string, o: CompileCommandOptions): Promise<void> {
  const spec = loadArch(o.arch, { ...(o.coreNeurons === undefined ? {} : { coreNeurons: o.coreNeurons }) });
  const model = loadModel(modelPath);
  const { program, mapping, quantisation } = compileModel(model.graph, spec, { placement: o.placement, seed: o.seed, file: modelPath, precision: o.precision ?? "float" });
  const out = resolve(o.out);
  ensureDir(out);
  writeProgramFile(join(out, "program.aerprog"), program);
  writeJsonAtomic(join(out, "mapping.json"), quantisation === undefined ? mapping : { ...mapping, quantisation });
  if (o.json) process.stdout.write(`${JSON.stringify({ program: join(out, "program.aerprog"), mapping: join(out, "mapping.json"), coresUsed: mapping.coresUsed })}\n`);
  else if (!o.quiet) process.stdout.write(`${mappingText(mapping)}\nwrote ${join(o.out, "program.aerprog")}, ${join(o.out, "mapping.json")}\n`);
}

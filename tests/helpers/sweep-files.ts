/** Sweep outputs read back as bytes, for byte-identity checks shared by the sweep tests. */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { expect } from "vitest";

export const SWEEP_EXAMPLE = resolve("examples/sweep/weight-bits.yaml");
export const SWEEP_OUTPUTS = ["sweep.csv", "sweep.md", "sweep.tex", "sweep.json", "sweep.svg"];

/** Every output file and point file of a sweep directory, by name. */
export function sweepSnapshot(out: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const f of SWEEP_OUTPUTS) files.set(f, readFileSync(join(out, f)));
  for (const f of readdirSync(join(out, "points")).sort()) files.set(`points/${f}`, readFileSync(join(out, "points", f)));
  return files;
}

export function expectSameFiles(a: Map<string, Buffer>, b: Map<string, Buffer>): void {
  expect([...b.keys()]).toEqual([...a.keys()]);
  for (const [name, bytes] of a) expect(b.get(name)?.equals(bytes), name).toBe(true);
}

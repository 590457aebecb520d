/**
 * Spike samples for examples/learning/stdp-pair.model.json's input population (4 neurons): a T × 4 boolean
 * .npy whose element (t, i) is 1 where `on(t, i)`. Shared by the train / learned-θ / checkpoint tests.
 */
import { writeFileSync } from "node:fs";
import { writeNpy } from "../../core/io/npy.ts";

export function sample(path: string, T: number, on: (t: number, i: number) => boolean): void {
  const d = new Uint8Array(T * 4);
  for (let t = 0; t < T; t++) for (let i = 0; i < 4; i++) if (on(t, i)) d[t * 4 + i] = 1;
  writeFileSync(path, writeNpy(d, [T, 4], { bool: true }));
}

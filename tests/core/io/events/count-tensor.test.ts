/**
 * readEventsForInput's `countTensor` (core/io/events/detect.ts, `--input-counts`): a dense T × shape .npy's
 * whole numbers are spike counts, one (tick, neuron) per nonzero element with `count` = the element; a
 * fraction or a negative is E_EVENTS_RANGE naming the element; without the option only 0 and 1 pass.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readEventsForInput } from "../../../../core/io/events/detect.ts";
import { writeNpy } from "../../../../core/io/npy.ts";

const TMP = mkdtempSync(join(tmpdir(), "aerchip-count-tensor-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

function npy(name: string, values: number[], shape: number[]): string {
  const path = join(TMP, name);
  writeFileSync(path, writeNpy(new Float64Array(values), shape));
  return path;
}

async function codeOf(p: Promise<unknown>): Promise<{ code?: string; field?: string } | undefined> {
  try {
    await p;
  } catch (e) {
    return { code: (e as { code?: string }).code, field: (e as { field?: string }).field };
  }
  return undefined;
}

describe("count tensors", () => {
  it("whole numbers are counts: (tick, neuron, count) per nonzero element, in tick-major order", async () => {
    const r = await readEventsForInput(npy("c.npy", [3, 0, 0, 2, 1, 0], [3, 2]), { inputShape: [2], countTensor: true });
    expect(Array.from(r.tick)).toEqual([0, 1, 2]);
    expect(Array.from(r.neuron)).toEqual([0, 1, 0]);
    expect(Array.from(r.count!)).toEqual([3, 2, 1]);
    expect(r.steps).toBe(3);
    expect(r.events).toBeUndefined();
  });

  it("a fraction or a negative is E_EVENTS_RANGE naming the element; without countTensor a 3 is too", async () => {
    expect(await codeOf(readEventsForInput(npy("f.npy", [0, 1.5], [1, 2]), { inputShape: [2], countTensor: true }))).toEqual({ code: "E_EVENTS_RANGE", field: "[0, 1]" });
    expect(await codeOf(readEventsForInput(npy("n.npy", [-1, 0], [1, 2]), { inputShape: [2], countTensor: true }))).toEqual({ code: "E_EVENTS_RANGE", field: "[0, 0]" });
    expect(await codeOf(readEventsForInput(npy("c3.npy", [3, 0], [1, 2]), { inputShape: [2] }))).toEqual({ code: "E_EVENTS_RANGE", field: "[0, 0]" });
  });
});

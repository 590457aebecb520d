/**
 * readEventsForInput's dense .npy tensors (core/io/events/detect.ts, denseShape): the trailing dimensions must be
 * the input's shape, the flat [N], or either up to size-1 dimensions; a same-size tensor in another layout
 * (channels-last (T, 3, 2) for an input of [2, 3]) is E_EVENTS_SHAPE naming the file and both shapes, since
 * reading it in C order would put its spikes on other neurons (audit s24a finding 2).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readEventsForInput } from "../../../../core/io/events/detect.ts";
import { writeNpy } from "../../../../core/io/npy.ts";

const TMP = mkdtempSync(join(tmpdir(), "aerchip-dense-layout-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

/** A T × trailing 0/1 tensor with one spike at tick 0, C-order flat element `at` of the row. */
function oneSpike(name: string, shape: number[], at: number): string {
  const per = shape.slice(1).reduce((a, b) => a * b, 1);
  const data = new Float64Array(shape[0] * per);
  data[at] = 1;
  const path = join(TMP, name);
  writeFileSync(path, writeNpy(data, shape));
  return path;
}

describe("dense tensor layout", () => {
  // Input [2, 3] (channel, column): the pixel (channel 1, column 0) is neuron 1·3 + 0 = 3.
  it("T × shape, flat T × N and a size-1 batch dimension all put the spike on neuron 3", async () => {
    for (const [name, shape] of [["exact.npy", [3, 2, 3]], ["flat.npy", [3, 6]], ["batch.npy", [3, 1, 2, 3]]] as const) {
      const r = await readEventsForInput(oneSpike(name, [...shape], 3), { inputShape: [2, 3] });
      expect([Array.from(r.tick), Array.from(r.neuron)]).toEqual([[0], [3]]);
    }
  });

  it("a channels-last (T, 3, 2) tensor is E_EVENTS_SHAPE naming the file, its shape and the input's, with a transpose hint", async () => {
    // (column 0, channel 1) in channels-last is flat element 0·2 + 1 = 1: read in order it would be neuron 1.
    const path = oneSpike("cl.npy", [3, 3, 2], 1);
    const err = await readEventsForInput(path, { inputShape: [2, 3] }).then(() => undefined, (e: unknown) => e as { code?: string; file?: string; field?: string; message: string; hint?: string });
    expect(err?.code).toBe("E_EVENTS_SHAPE");
    expect(err?.file).toBe(path);
    expect(err?.field).toBe("shape");
    expect(err?.message).toContain("[3, 3, 2]");
    expect(err?.message).toContain("[2, 3]");
    expect(err?.hint).toContain("transpose");
  });
});

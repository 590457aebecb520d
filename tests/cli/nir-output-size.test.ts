/**
 * A NIR run whose <node>.npy (T × shape, one byte per value) would pass 2^31 − 1 bytes is refused before
 * the simulation (E_RECORD_SIZE naming the node, the size and what fits), not after it with Node's
 * RangeError text and a disk-space hint (audit s22b #6).
 */
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkNirOutputSize, maxStepsForNode, MAX_OUTPUT_FILE_BYTES, nodeFileBytes } from "../../cli/nir-output-size.ts";
import { writeNpy } from "../../core/io/npy.ts";
import { errorOf } from "../helpers/errors.ts";
import { cli } from "../helpers/cli.ts";
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../helpers/shared.ts";

describe("NIR <node>.npy size", () => {
  it("T_max × size plus the real .npy header fits one file; one step more does not; the stated bytes exceed the limit (audit s22r-y #7)", () => {
    const shape = [16, 16, 16];
    const tMax = maxStepsForNode(shape);
    // 524,287 × 4096 = 2,147,479,552 bytes + a header of a few hundred bytes < 2^31 − 1 (a 4096-byte allowance gave 524,286).
    expect(tMax).toBe(524_287);
    expect(nodeFileBytes(tMax, shape)).toBeLessThanOrEqual(MAX_OUTPUT_FILE_BYTES);
    expect(nodeFileBytes(tMax + 1, shape)).toBeGreaterThan(MAX_OUTPUT_FILE_BYTES);
    // nodeFileBytes is the size writeNpy writes.
    expect(writeNpy(new Uint8Array(5 * 6), [5, 3, 2], { bool: true }).length).toBe(nodeFileBytes(5, [3, 2]));
    const nodes = [{ node: "small", shape: [10] }, { node: "1", shape }];
    expect(() => checkNirOutputSize(nodes, tMax, "g.nir", { steps: tMax })).not.toThrow();
    const e = errorOf(() => checkNirOutputSize(nodes, tMax + 1, "g.nir", { steps: tMax + 1 }));
    expect(e.code).toBe("E_RECORD_SIZE");
    expect(e.field).toBe("steps");
    expect(e.message).toContain('node "1"');
    const stated = Number(/would take (\d+) bytes/.exec(e.message)![1]);
    expect(stated).toBe(nodeFileBytes(tMax + 1, shape));
    expect(stated).toBeGreaterThan(MAX_OUTPUT_FILE_BYTES);
    expect(e.hint).toContain(`--steps to at most ${tMax}`);
  });

  it("an event recording: the hint's --tick-us gives at most T_max ticks", () => {
    const shape = [4096];
    const tMax = maxStepsForNode(shape);
    const T = 612_000;
    const e = errorOf(() => checkNirOutputSize([{ node: "1", shape }], T, "g.nir", { inputTickUs: 0.5 }));
    expect(e.field).toBe("--tick-us");
    const tau = Number(/--tick-us ([0-9.]+) or longer/.exec(e.hint ?? "")![1]);
    // The recording spans under T · 0.5 µs; at tau its last tick is under T·0.5/tau ≤ T_max − 1.
    expect((T * 0.5) / tau).toBeLessThanOrEqual(tMax - 1);
    expect(e.hint).toContain(`--steps at most ${tMax}`);
  });

  it.skipIf(!HAS_SHARED)(`cnn_sinabs on N-MNIST at --tick-us 0.5 is refused before the run, nothing written ${SKIP_MSG}`, async () => {
    const out = join(mkdtempSync(join(tmpdir(), "aerchip-nir-size-")), "o");
    const t0 = Date.now();
    const r = await cli("run", sharedPath("fixtures/nir/paper_cnn/cnn_sinabs.nir"), "--input", sharedPath("fixtures/events/sample_nmnist.bin"), "--tick-us", "0.5", "--arch", "generic", "--out", out, "--quiet");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^aerchip: E_RECORD_SIZE: node "/);
    expect(r.stderr).not.toContain("RangeError");
    expect(Date.now() - t0).toBeLessThan(20_000); // the simulation alone took ~41 s
    expect(existsSync(join(out, "report.json"))).toBe(false);
  }, 60_000);
});

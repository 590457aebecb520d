/**
 * Test-only: a small valid NIR file whose `node/nodes/lif/v_threshold` is stored deflate-compressed, and
 * a copy with that chunk damaged (its last byte, part of the zlib stream's Adler-32 checksum, flipped:
 * inflate then always fails with "incorrect data check", so libhdf5's deflate filter fails the read).
 * This is the damage of the audit's c12 file (a bit flip inside a compressed chunk) without ../shared.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { inflateSync } from "node:zlib";
import h5wasm from "h5wasm/node";
import { nirFile, writeH5 } from "./write-h5.ts";

export const DAMAGED_DATASET = "node/nodes/lif/v_threshold";
const V_THRESHOLD = Float32Array.from({ length: 64 }, (_, i) => 1 + i / 64);

/**
 * Where the one zlib stream in the file starts and how long it is: the only offset with a zlib header from
 * which inflate yields the dataset's size (h5wasm may shuffle the bytes first, so the content is not compared).
 */
function findDeflateStream(bytes: Uint8Array, rawBytes: number): { at: number; length: number } {
  const found: Array<{ at: number; length: number }> = [];
  for (let at = 0; at + 2 < bytes.length; at++) {
    if (bytes[at] !== 0x78 || (bytes[at] * 256 + bytes[at + 1]) % 31 !== 0) continue;
    try {
      const r = inflateSync(bytes.subarray(at), { info: true }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
      if (r.buffer.length === rawBytes) found.push({ at, length: r.engine.bytesWritten });
    } catch {
      // not a zlib stream
    }
  }
  if (found.length !== 1) throw new Error(`expected one compressed chunk, found ${found.length}`);
  return found[0];
}

/** Writes the valid file to `validPath` and the damaged copy to `damagedPath`. */
export async function writeDamagedChunkNir(validPath: string, damagedPath: string): Promise<void> {
  const n = V_THRESHOLD.length;
  await writeH5(validPath, nirFile({
    in: { type: "Input", shape: [BigInt(n)] },
    fc: { type: "Affine", weight: { f32: Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1.5 : 0)), shape: [n, n] }, bias: new Array<number>(n).fill(0) },
    lif: { type: "LIF", tau: new Array<number>(n).fill(0.01), r: new Array<number>(n).fill(1), v_leak: new Array<number>(n).fill(0), v_reset: new Array<number>(n).fill(0) },
    out: { type: "Output", shape: [BigInt(n)] },
  }, [["in", "fc"], ["fc", "lif"], ["lif", "out"]]));
  await h5wasm.ready;
  const f = new h5wasm.File(validPath, "a");
  try {
    f.create_dataset({ name: DAMAGED_DATASET, data: V_THRESHOLD, chunks: [n], compression: 6 });
  } finally {
    f.close();
  }
  const bytes = new Uint8Array(readFileSync(validPath));
  const chunk = findDeflateStream(bytes, V_THRESHOLD.byteLength);
  const damaged = bytes.slice();
  damaged[chunk.at + chunk.length - 1] ^= 0x40;
  writeFileSync(damagedPath, damaged);
}

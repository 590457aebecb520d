/**
 * Test-only HDF5 writer for synthetic NIR files (h5wasm, same layout as nir.write).
 * Tree values: string → vlen string; {strEdges} → (E,2) strings; bigint → 0-d int64; bigint[] →
 * int64 vector; number[] → float32 vector; {f32|f64, shape} → float array; number → 0-d float64;
 * any other object → group.
 */
import h5wasm, { type Group } from "h5wasm/node";

export type H5Tree = { [key: string]: H5Leaf | H5Tree };
export type H5Leaf =
  | string
  | bigint
  | bigint[]
  | number
  | number[]
  | { readonly strEdges: ReadonlyArray<readonly [string, string]> }
  | { readonly f32: ArrayLike<number>; readonly shape: readonly number[] }
  | { readonly f64: ArrayLike<number>; readonly shape: readonly number[] }
  | { readonly i64edges: ReadonlyArray<readonly [number, number]> };

function isLeaf(v: H5Leaf | H5Tree): v is H5Leaf {
  if (typeof v !== "object" || Array.isArray(v)) return true;
  return "strEdges" in v || "f32" in v || "f64" in v || "i64edges" in v;
}

function write(g: Group, tree: H5Tree): void {
  for (const [k, v] of Object.entries(tree)) {
    if (!isLeaf(v)) {
      write(g.create_group(k), v);
      continue;
    }
    if (typeof v === "string") g.create_dataset({ name: k, data: v });
    else if (typeof v === "bigint") g.create_dataset({ name: k, data: BigInt64Array.of(v), shape: [] });
    else if (typeof v === "number") g.create_dataset({ name: k, data: Float64Array.of(v), shape: [] });
    else if (Array.isArray(v)) {
      if (v.length > 0 && typeof v[0] === "bigint") g.create_dataset({ name: k, data: BigInt64Array.from(v as bigint[]) });
      else g.create_dataset({ name: k, data: Float32Array.from(v as number[]) });
    } else if ("strEdges" in v) {
      if (v.strEdges.length === 0) g.create_dataset({ name: k, data: new Float64Array(0), shape: [0] });
      else g.create_dataset({ name: k, data: v.strEdges.flat(), shape: [v.strEdges.length, 2] });
    } else if ("i64edges" in v) {
      g.create_dataset({ name: k, data: BigInt64Array.from(v.i64edges.flat(), (x) => BigInt(x)), shape: [v.i64edges.length, 2] });
    } else if ("f32" in v) g.create_dataset({ name: k, data: Float32Array.from(v.f32), shape: [...v.shape] });
    else g.create_dataset({ name: k, data: Float64Array.from(v.f64), shape: [...v.shape] });
  }
}

export async function writeH5(path: string, tree: H5Tree): Promise<void> {
  await h5wasm.ready;
  const f = new h5wasm.File(path, "w");
  try {
    write(f, tree);
  } finally {
    f.close();
  }
}

/** A NIR file: version + top graph. */
export function nirFile(nodes: H5Tree, edges: ReadonlyArray<readonly [string, string]>, version = "1.0.7"): H5Tree {
  return { version, node: { type: "NIRGraph", edges: { strEdges: edges }, nodes } };
}

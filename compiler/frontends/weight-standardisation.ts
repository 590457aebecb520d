/**
 * Weight standardisation folded at load time (aerchip-model-1 projection key `weightStandardisation`):
 * networks trained with scaled weight standardisation instead of batch norm (S-TLLR, papers.md §1.1; the
 * NF-Net / OTTT layers it builds on) keep raw weights w and a gain, and use, per output unit o,
 *
 *   ŵ[o, ·] = gain[o] · (w[o, ·] − mean_o) / sqrt(var_o · fanIn + eps)
 *
 * with mean and variance over the unit's fanIn weights. The chip stores ŵ, so the fold happens here, once,
 * before the weights are expanded into synapses (a kernel's zeros become nonzero after the mean is taken
 * away, so it cannot happen on the synapse list). The variance is PyTorch's default, `torch.var` with the
 * n − 1 divisor ("unbiased", as the S-TLLR code calls it), unless `variance` says "population" (the 1/n of
 * TensorFlow's `tf.nn.moments` and JAX's `jnp.var`). Output units: a dense projection's post neurons (the
 * columns of its n_pre × n_post weights, fanIn = n_pre); a conv2d kernel's output channels (fanIn =
 * Ci/groups · KH · KW). Sparse and convTranspose2d projections have no such layer in the papers and are refused.
 *
 *   "weightStandardisation": {"gain": 1.0 | [one per output unit], "eps": 1e-4, "variance": "unbiased"}
 */
import { FieldReader, MAX_JSON_ELEMENTS, PackedNumbers, type Json, type JsonObject } from "./json-fields.ts";
import { readKernel } from "./model-conv.ts";

const WS_KEYS = ["gain", "eps", "variance"] as const;
/** The S-TLLR code's eps. */
export const DEFAULT_WS_EPS = 1e-4;

/**
 * ŵ for `units` output units of `fanIn` weights each, where weight i of unit o is data[at(o, i)]; in place.
 * Returns the first unit whose weights are all equal when eps is 0 (the result would be 0/0), else undefined.
 */
export function standardise(data: Float64Array, units: number, fanIn: number, at: (o: number, i: number) => number, gain: Float64Array, eps: number, unbiased: boolean): number | undefined {
  for (let o = 0; o < units; o++) {
    let sum = 0;
    for (let i = 0; i < fanIn; i++) sum += data[at(o, i)];
    const mean = sum / fanIn;
    let sq = 0;
    for (let i = 0; i < fanIn; i++) {
      const d = data[at(o, i)] - mean;
      sq += d * d;
    }
    const variance = sq / (unbiased ? fanIn - 1 : fanIn);
    // Constant weights with eps 0: 0/0. Said by the caller, naming the unit.
    if (variance * fanIn + eps === 0) return o;
    const scale = gain[o] / Math.sqrt(variance * fanIn + eps);
    for (let i = 0; i < fanIn; i++) {
      const k = at(o, i);
      data[k] = (data[k] - mean) * scale;
    }
  }
  return undefined;
}

/**
 * The projection `p` (projections[k]) with `weightStandardisation` folded into its weights and the key
 * removed; `p` itself when it has no such key. Pre and post sizes come from `sizes` (dense checks rows).
 */
export function withWeightStandardisation(r: FieldReader, p: Json, k: number, sizes: ReadonlyMap<string, number>): Json {
  const o = r.object(p, `projections[${k}]`);
  if (o.weightStandardisation === undefined) return p;
  const field = `projections[${k}].weightStandardisation`;
  const ws = r.object(o.weightStandardisation, field);
  r.knownKeys(ws, field, WS_KEYS, "weight standardisation");
  const eps = r.number(ws.eps ?? DEFAULT_WS_EPS, `${field}.eps`);
  if (!(eps >= 0 && Number.isFinite(eps))) r.fail(`${field}.eps`, `${field}.eps must be a finite number ≥ 0, got ${eps}`, "the S-TLLR code uses 1e-4");
  const variance = ws.variance === undefined ? "unbiased" : r.string(ws.variance, `${field}.variance`);
  if (variance !== "unbiased" && variance !== "population") r.fail(`${field}.variance`, `${field}.variance must be "unbiased" or "population", got ${JSON.stringify(variance)}`, "\"unbiased\" (n − 1, torch.var's default) or \"population\" (1/n, tf.nn.moments)");
  const unbiased = variance === "unbiased";
  const { weightStandardisation: _ws, ...rest } = o;
  const gainOf = (units: number): Float64Array => {
    if (typeof ws.gain === "number" || ws.gain === undefined) return new Float64Array(units).fill(ws.gain === undefined ? 1 : r.number(ws.gain, `${field}.gain`));
    if (!Array.isArray(ws.gain) && r.packed(ws.gain) === undefined) r.fail(`${field}.gain`, `${field}.gain must be a number or a list of numbers, got ${JSON.stringify(ws.gain)}`, "give one gain for every output unit, or one number for all");
    const g = r.numberList(ws.gain, `${field}.gain`);
    if (g.length !== units) r.fail(`${field}.gain`, `${field}.gain has ${g.length} values; the projection has ${units} output units`, "give one gain per output unit (PyTorch's gain parameter, flattened), or one number");
    return g;
  };
  const flat = (unit: number | undefined, what: string): void => {
    if (unit !== undefined) r.fail(`${field}.eps`, `${what} ${unit} of projections[${k}] has all its weights equal, so var·fanIn + eps is 0 with eps ${eps}: ŵ = 0/0`, "give eps > 0 (the S-TLLR code's 1e-4), or drop weightStandardisation for this layer");
  };
  const checkFanIn = (fanIn: number): void => {
    if (unbiased && fanIn < 2) r.fail(field, `projections[${k}] has ${fanIn} weight per output unit; the unbiased variance needs at least 2`, "give \"variance\": \"population\", or drop weightStandardisation");
  };
  if (o.conv2d !== undefined) {
    const b = r.object(o.conv2d, `projections[${k}].conv2d`);
    const { data, dims } = readKernel(r, b, `projections[${k}].conv2d`);
    const fanIn = dims[1] * dims[2] * dims[3];
    checkFanIn(fanIn);
    const hat = Float64Array.from(data);
    flat(standardise(hat, dims[0], fanIn, (u, i) => u * fanIn + i, gainOf(dims[0]), eps, unbiased), "output channel");
    const { weights: _w, ...block } = b;
    return { ...rest, conv2d: { ...block, kernelShape: [...dims], weights: new PackedNumbers(hat) as unknown as Json } as JsonObject };
  }
  if (o.dense !== undefined) {
    const d = r.object(o.dense, `projections[${k}].dense`);
    const rows = r.array(d.weights, `projections[${k}].dense.weights`);
    const nPre = rows.length;
    const nPost = sizes.get(r.string(o.post, `projections[${k}].post`)) ?? 0;
    if (nPre * nPost > MAX_JSON_ELEMENTS) r.fail(`projections[${k}].dense`, `projections[${k}].dense has ${nPre * nPost} synapses, more than ${MAX_JSON_ELEMENTS}`, "use a sparse projection");
    const w = new Float64Array(nPre * nPost);
    for (let i = 0; i < nPre; i++) {
      const row = r.numberList(rows[i], `projections[${k}].dense.weights[${i}]`);
      if (row.length !== nPost) r.fail(`projections[${k}].dense.weights[${i}]`, `row ${i} has ${row.length} entries, post has ${nPost} neurons`, "give one column per post neuron");
      w.set(row, i * nPost);
    }
    checkFanIn(nPre);
    // Unit o is post neuron o: column o of the row-major n_pre × n_post matrix.
    flat(standardise(w, nPost, nPre, (u, i) => i * nPost + u, gainOf(nPost), eps, unbiased), "post neuron");
    const hatRows: Json[] = [];
    for (let i = 0; i < nPre; i++) hatRows.push(new PackedNumbers(w.slice(i * nPost, (i + 1) * nPost)) as unknown as Json);
    return { ...rest, dense: { ...d, weights: hatRows } };
  }
  const kind = ["sparse", "convTranspose2d"].find((key) => o[key] !== undefined) ?? "this";
  return r.fail(field, `weight standardisation folds into dense and conv2d weights; projections[${k}] is ${kind === "this" ? "neither" : `a ${kind} projection`}`, "give the layer as dense or conv2d weights, or fold the standardisation yourself and drop the key");
}

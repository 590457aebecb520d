/**
 * The greedy placement pass (place.ts): starting from the linear placement, each logical core a in turn
 * tries every physical slot, swapping with the slot's occupant b (or moving into it when free) when that
 * lowers the traffic cost
 *   C = Σ_{a,b} T(a,b) · (|xa − xb| + |ya − yb|),
 * evaluated as before − after over the terms that change:
 *   before = cost(a at sa, ignoring b) + cost(b at slot, ignoring a),
 *   after  = cost(a at slot, ignoring b) + cost(b at sa, ignoring a),
 * where cost(c at s, ignoring i) = Σ over c's peers q ∉ {c, i} of w_cq · dist(s, slot of q).
 * Passes repeat (at most 4) while something improves, within a budget of evaluations (each charged the
 * degrees of a and b).
 *
 * Two evaluations of the same decisions:
 *  - `greedyDirect` sums the peer lists for every candidate (O(degree) per candidate);
 *  - `greedySeparable` keeps, per core c, the tables FX_c[u] = Σ_q w_cq·|u − x_q| and FY_c[v] likewise, so
 *    cost(c at s) = FX_c[x_s] + FY_c[y_s] is O(1); a move updates the tables of the cores that list the
 *    moved core as a peer (O(width + height) each). Ignoring b subtracts its own term.
 * The separable form adds the same terms in another order, so it is used only when every weight is an
 * integer and every sum stays below 2^53 (all values are then exact integers and the comparisons equal
 * the direct ones); otherwise the direct form runs. Traffic weights from compile.ts are packet counts.
 */
import type { ChipSpec } from "../../chip/spec/types.ts";
import type { TrafficGraph } from "./place.ts";

/** Tile coordinates of every physical core (global id = tile·coresPerTile + k, tile = y·width + x). */
function tileCoords(spec: ChipSpec, physical: number): { tx: Int32Array; ty: Int32Array } {
  const tx = new Int32Array(physical);
  const ty = new Int32Array(physical);
  for (let id = 0; id < physical; id++) {
    const tile = Math.floor(id / spec.mesh.coresPerTile);
    tx[id] = tile % spec.mesh.widthTiles;
    ty[id] = Math.floor(tile / spec.mesh.widthTiles);
  }
  return { tx, ty };
}

/** Improves `slotOf` (logical core → physical core, distinct) in place; returns it. */
export function improvePlacementGreedy(spec: ChipSpec, slotOf: Uint32Array, physical: number, traffic: TrafficGraph, budget: number): Uint32Array {
  return separableIsExact(spec, traffic) ? greedySeparable(spec, slotOf, physical, traffic, budget) : greedyDirect(spec, slotOf, physical, traffic, budget);
}

/** True when every weight is an integer and Σ|w| · (width + height) < 2^53. */
export function separableIsExact(spec: ChipSpec, traffic: TrafficGraph): boolean {
  let total = 0;
  for (const { weight } of traffic.adj) {
    for (let i = 0; i < weight.length; i++) {
      if (!Number.isInteger(weight[i])) return false;
      total += Math.abs(weight[i]);
    }
  }
  return total * (spec.mesh.widthTiles + spec.mesh.heightTiles) < 2 ** 53;
}

export function greedyDirect(spec: ChipSpec, slotOf: Uint32Array, physical: number, traffic: TrafficGraph, budgetIn: number): Uint32Array {
  const logicalCount = slotOf.length;
  const occupant = new Int32Array(physical).fill(-1);
  for (let c = 0; c < logicalCount; c++) occupant[slotOf[c]] = c;
  const { tx, ty } = tileCoords(spec, physical);
  const peers = traffic.adj.map((a) => a.peer);
  const weights = traffic.adj.map((a) => a.weight);
  const costAt = (c: number, slot: number, ignore: number): number => {
    const peer = peers[c];
    const weight = weights[c];
    const sx = tx[slot];
    const sy = ty[slot];
    let sum = 0;
    for (let i = 0; i < peer.length; i++) {
      const q = peer[i];
      if (q === c || q === ignore) continue;
      const sq = slotOf[q];
      sum += weight[i] * (Math.abs(sx - tx[sq]) + Math.abs(sy - ty[sq]));
    }
    return sum;
  };
  let budget = budgetIn;
  for (let pass = 0; pass < 4 && budget > 0; pass++) {
    let improved = false;
    for (let a = 0; a < logicalCount && budget > 0; a++) {
      const degA = peers[a].length;
      if (degA === 0) continue;
      for (let slot = 0; slot < physical && budget > 0; slot++) {
        const sa = slotOf[a];
        if (slot === sa) continue;
        const b = occupant[slot];
        budget -= degA + (b >= 0 ? peers[b].length : 0);
        // Pairs (a, b) keep their distance under a swap, so they are ignored on both sides.
        let before = costAt(a, sa, b);
        let after = costAt(a, slot, b);
        if (b >= 0) {
          before += costAt(b, slot, a);
          after += costAt(b, sa, a);
        }
        if (after < before - 1e-9) {
          slotOf[a] = slot;
          occupant[slot] = a;
          if (b >= 0) { slotOf[b] = sa; occupant[sa] = b; } else occupant[sa] = -1;
          improved = true;
        }
      }
    }
    if (!improved) break;
  }
  return slotOf;
}

export function greedySeparable(spec: ChipSpec, slotOf: Uint32Array, physical: number, traffic: TrafficGraph, budgetIn: number): Uint32Array {
  const C = slotOf.length;
  const W = spec.mesh.widthTiles;
  const H = spec.mesh.heightTiles;
  const occupant = new Int32Array(physical).fill(-1);
  for (let c = 0; c < C; c++) occupant[slotOf[c]] = c;
  const { tx, ty } = tileCoords(spec, physical);
  const peers = traffic.adj.map((a) => a.peer);
  const weights = traffic.adj.map((a) => a.weight);
  // In-lists: for each core q, the entries (c, w) of rows c ≠ q that list q (its move changes FX_c, FY_c).
  const inPtr = new Uint32Array(C + 1);
  for (let c = 0; c < C; c++) for (let i = 0; i < peers[c].length; i++) if (peers[c][i] !== c) inPtr[peers[c][i] + 1]++;
  for (let q = 0; q < C; q++) inPtr[q + 1] += inPtr[q];
  const inRow = new Uint32Array(inPtr[C]);
  const inW = new Float64Array(inPtr[C]);
  {
    const fill = inPtr.slice(0, C);
    for (let c = 0; c < C; c++) {
      for (let i = 0; i < peers[c].length; i++) {
        const q = peers[c][i];
        if (q === c) continue;
        const at = fill[q]++;
        inRow[at] = c;
        inW[at] = weights[c][i];
      }
    }
  }
  // FX[c·W + u] = Σ_{q ∈ peers(c), q ≠ c} w_cq·|u − x(slot q)|; FY likewise over rows.
  const FX = new Float64Array(C * W);
  const FY = new Float64Array(C * H);
  {
    // Per core: weight histograms over columns and rows, then Σ_X h[X]·|u − X| by a left and a right sweep.
    const hx = new Float64Array(W);
    const hy = new Float64Array(H);
    const sweep = (h: Float64Array, out: Float64Array, base: number, n: number): void => {
      let cw = 0;
      let acc = 0;
      for (let u = 0; u < n; u++) { acc += cw; out[base + u] = acc; cw += h[u]; }
      cw = 0;
      acc = 0;
      for (let u = n - 1; u >= 0; u--) { acc += cw; out[base + u] += acc; cw += h[u]; }
    };
    for (let c = 0; c < C; c++) {
      const peer = peers[c];
      const weight = weights[c];
      hx.fill(0);
      hy.fill(0);
      for (let i = 0; i < peer.length; i++) {
        const q = peer[i];
        if (q === c) continue;
        hx[tx[slotOf[q]]] += weight[i];
        hy[ty[slotOf[q]]] += weight[i];
      }
      sweep(hx, FX, c * W, W);
      sweep(hy, FY, c * H, H);
    }
  }
  /** Core q moves from slot `from` to slot `to`: every row listing q changes its term for q. */
  const moved = (q: number, from: number, to: number): void => {
    const x0 = tx[from];
    const x1 = tx[to];
    const y0 = ty[from];
    const y1 = ty[to];
    for (let e = inPtr[q]; e < inPtr[q + 1]; e++) {
      const c = inRow[e];
      const w = inW[e];
      if (x0 !== x1) for (let u = 0; u < W; u++) FX[c * W + u] += w * (Math.abs(u - x1) - Math.abs(u - x0));
      if (y0 !== y1) for (let v = 0; v < H; v++) FY[c * H + v] += w * (Math.abs(v - y1) - Math.abs(v - y0));
    }
  };
  // Weight of peer q in a's row (summed over repeated entries), and of a in every other row: dense
  // look-ups filled for the current a.
  const wOfPeer = new Float64Array(C);
  const wToA = new Float64Array(C);
  let budget = budgetIn;
  for (let pass = 0; pass < 4 && budget > 0; pass++) {
    let improved = false;
    for (let a = 0; a < C && budget > 0; a++) {
      const degA = peers[a].length;
      if (degA === 0) continue;
      const peerA = peers[a];
      const weightA = weights[a];
      for (let i = 0; i < peerA.length; i++) if (peerA[i] !== a) wOfPeer[peerA[i]] += weightA[i];
      for (let e = inPtr[a]; e < inPtr[a + 1]; e++) wToA[inRow[e]] += inW[e];
      for (let slot = 0; slot < physical && budget > 0; slot++) {
        const sa = slotOf[a];
        if (slot === sa) continue;
        const b = occupant[slot];
        budget -= degA + (b >= 0 ? peers[b].length : 0);
        const xa = tx[sa];
        const ya = ty[sa];
        const xs = tx[slot];
        const ys = ty[slot];
        // cost(a at sa, ignoring b) and cost(a at slot, ignoring b): b sits at `slot`, so its term is
        // w_ab·dist(sa, slot) in the first and 0 in the second.
        let before = FX[a * W + xa] + FY[a * H + ya];
        let after = FX[a * W + xs] + FY[a * H + ys];
        if (b >= 0) {
          const d = Math.abs(xa - xs) + Math.abs(ya - ys);
          before -= wOfPeer[b] * d;
          // cost(b at slot, ignoring a) − its a term w_ba·dist(slot, sa); cost(b at sa): a's term is 0 there.
          before += FX[b * W + xs] + FY[b * H + ys] - wToA[b] * d;
          after += FX[b * W + xa] + FY[b * H + ya];
        }
        if (after < before - 1e-9) {
          slotOf[a] = slot;
          occupant[slot] = a;
          moved(a, sa, slot);
          if (b >= 0) {
            slotOf[b] = sa;
            occupant[sa] = b;
            moved(b, slot, sa);
          } else occupant[sa] = -1;
          improved = true;
        }
      }
      for (let i = 0; i < peerA.length; i++) wOfPeer[peerA[i]] = 0;
      for (let e = inPtr[a]; e < inPtr[a + 1]; e++) wToA[inRow[e]] = 0;
    }
    if (!improved) break;
  }
  return slotOf;
}

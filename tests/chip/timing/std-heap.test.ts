import { describe, expect, it } from "vitest";
import { fc, test } from "@fast-check/vitest";
import { StdMinHeap } from "../../../chip/timing/std-heap.ts";

describe("StdMinHeap (libstdc++ priority_queue tie-breaking)", () => {
  it("pops four equal keys in libstdc++'s order 0, 2, 1, 3 (hand-traced __adjust_heap)", () => {
    const key = new Float64Array([5, 5, 5, 5]);
    const h = new StdMinHeap(key, 1);
    for (let i = 0; i < 4; i++) h.push(i);
    expect([h.pop(), h.pop(), h.pop(), h.pop()]).toEqual([0, 2, 1, 3]);
    expect(h.size).toBe(0);
  });

  it("pops a smaller key pushed later first", () => {
    const key = new Float64Array([20, 20, 2]);
    const h = new StdMinHeap(key);
    h.push(0);
    h.push(1);
    h.push(2);
    // Hand trace: [2, 1, 0] after the pushes; popping 2 leaves [1, 0] (ties go to the right child).
    expect([h.pop(), h.pop(), h.pop()]).toEqual([2, 1, 0]);
  });

  test.prop([fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 200 })])("pops keys in non-decreasing order", (keys) => {
    const key = Float64Array.from(keys);
    const h = new StdMinHeap(key, 2);
    keys.forEach((_, i) => h.push(i));
    const out: number[] = [];
    while (h.size > 0) out.push(key[h.pop()]);
    expect(out).toEqual([...keys].sort((a, b) => a - b));
  });
});

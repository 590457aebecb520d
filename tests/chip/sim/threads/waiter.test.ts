/**
 * The spin-then-sleep wait of the thread team (chip/sim/threads/control.ts Waiter): a wait that the spin
 * does not cover halves the budget, but never below MIN_SPIN_MS; a covered one grows it back; reset()
 * restores the longest spin; a zero budget never spins; and every wait returns the value it waited for.
 */
import { describe, expect, it } from "vitest";
import { MIN_SPIN_MS, Waiter } from "../../../../chip/sim/threads/control.ts";

describe("the team's waits", () => {
  it("halves the spin budget on waits it does not cover, down to MIN_SPIN_MS; reset() restores it", () => {
    const w = new Waiter(2);
    const a = new Int32Array(new SharedArrayBuffer(4));
    expect(w.budget).toBe(2);
    // Nobody changes a[0]: each wait spins its budget, then sleeps its 1 ms slice until the deadline.
    for (let i = 0; i < 12; i++) expect(w.waitForValue(a, 0, 1, performance.now() + 1, 1)).toBe(false);
    expect(w.budget).toBe(MIN_SPIN_MS);
    w.reset();
    expect(w.budget).toBe(2);
  });

  it("grows the budget back when the value is already there, and returns it", () => {
    const w = new Waiter(2);
    const a = new Int32Array(new SharedArrayBuffer(4));
    for (let i = 0; i < 12; i++) w.waitForValue(a, 0, 1, performance.now() + 1, 1);
    Atomics.store(a, 0, 5);
    expect(w.waitForChange(a, 0, 4)).toBe(5);
    expect(w.budget).toBeCloseTo(Math.min(2, MIN_SPIN_MS * 1.5 + MIN_SPIN_MS), 12);
    expect(w.waitForValue(a, 0, 5)).toBe(true);
  });

  it("with no spin budget never spins (a team with more threads than cores)", () => {
    const w = new Waiter(0);
    const a = new Int32Array(new SharedArrayBuffer(4));
    expect(w.waitForValue(a, 0, 1, performance.now() + 2, 1)).toBe(false);
    expect(w.budget).toBe(0);
    Atomics.store(a, 0, 3);
    expect(w.waitForChange(a, 0, 0)).toBe(3);
  });
});

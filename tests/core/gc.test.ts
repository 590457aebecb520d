/**
 * core/gc.ts: a full collection on request (V8's `gc`, exposed through a vm context while the flag is
 * set), and collections until watched objects are gone.
 */
import { describe, expect, it } from "vitest";
import { runInNewContext } from "node:vm";
import { collectGarbage, collectUntilReleased } from "../../core/gc.ts";

/** A typed array no one references, watched through a WeakRef (made in its own function: no local keeps it). */
function droppedArray(bytes: number): WeakRef<object> {
  return new WeakRef(new Uint8Array(bytes));
}

describe("collectGarbage", () => {
  it("runs a collection and leaves the flag off: contexts made later get no gc", () => {
    expect(collectGarbage()).toBe(true);
    expect(runInNewContext("typeof gc")).toBe("undefined");
  });
});

describe("collectUntilReleased", () => {
  it("resolves true once the watched objects are collected", async () => {
    const refs = [droppedArray(1 << 20), droppedArray(1 << 10)];
    expect(await collectUntilReleased(refs)).toBe(true);
    expect(refs.every((r) => r.deref() === undefined)).toBe(true);
  });

  it("resolves false after maxTries when an object stays referenced", async () => {
    const kept = new Uint8Array(16);
    expect(await collectUntilReleased([new WeakRef(kept), droppedArray(16)], 2)).toBe(false);
    expect(kept.length).toBe(16);
  });
});

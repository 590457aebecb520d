/**
 * TimedEventQueue: pops in (timeNs, seq) order, same-time events in push order, payloads survive pool
 * growth, handles are recycled, misuse is a coded error.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AerchipError } from "../../core/diagnostics.ts";
import { EventQueueErrorCode, TimedEventQueue } from "../../core/event-queue.ts";

interface Popped {
  readonly timeNs: number;
  readonly seq: number;
  readonly kind: number;
  readonly a: number;
  readonly b: number;
}

function drain(q: TimedEventQueue): Popped[] {
  const out: Popped[] = [];
  for (let h = q.pop(); h !== -1; h = q.pop()) {
    out.push({ timeNs: q.timeNs(h), seq: q.seq(h), kind: q.kind(h), a: q.a(h), b: q.b(h) });
    q.release(h);
  }
  return out;
}

describe("TimedEventQueue", () => {
  it("pops in non-decreasing (timeNs, seq) order and returns every pushed event once (property)", () => {
    // Times from a small set so that ties are frequent; the initial capacity is small so growth happens.
    const event = fc.record({ timeNs: fc.constantFrom(0, 0.5, 1, 1.25, 3, 1e6, -2), kind: fc.integer({ min: 0, max: 255 }), a: fc.integer(), b: fc.integer() });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 300 }), (events) => {
        const q = new TimedEventQueue(4);
        events.forEach((e, i) => q.push(e.timeNs, e.kind, e.a | 0, i)); // b = push index
        expect(q.size).toBe(events.length);
        const out = drain(q);
        expect(out.length).toBe(events.length);
        for (let i = 1; i < out.length; i++) {
          const p = out[i - 1];
          const c = out[i];
          expect(p.timeNs < c.timeNs || (p.timeNs === c.timeNs && p.seq < c.seq)).toBe(true);
        }
        // Independent expectation: a stable sort by time of the push list.
        const expected = events.map((e, i) => ({ ...e, a: e.a | 0, b: i })).sort((x, y) => x.timeNs - y.timeNs);
        expect(out.map((o) => [o.timeNs, o.kind, o.a, o.b])).toEqual(expected.map((e) => [e.timeNs, e.kind, e.a, e.b]));
      }),
      { seed: 20240611, numRuns: 200 },
    );
  });

  it("pops same-time events in push order", () => {
    const q = new TimedEventQueue(2);
    for (let i = 0; i < 50; i++) q.push(7, 1, i, 0);
    q.push(3, 2, 999, 0);
    const out = drain(q);
    expect(out[0].a).toBe(999);
    expect(out.slice(1).map((o) => o.a)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it("interleaved pushes and pops keep the order (simulation-style use)", () => {
    const q = new TimedEventQueue(1);
    q.push(10, 0, 1, 0);
    q.push(5, 0, 2, 0);
    let h = q.pop();
    expect(q.a(h)).toBe(2);
    q.release(h);
    q.push(10, 0, 3, 0); // same time as the first push, pushed later
    q.push(7, 0, 4, 0);
    const order: number[] = [];
    while ((h = q.pop()) !== -1) {
      order.push(q.a(h));
      q.release(h);
    }
    expect(order).toEqual([4, 1, 3]);
  });

  it("returns -1 and +Infinity when empty; peekTimeNs gives the earliest time", () => {
    const q = new TimedEventQueue();
    expect(q.pop()).toBe(-1);
    expect(q.peekTimeNs()).toBe(Infinity);
    q.push(4.5, 0, 0, 0);
    q.push(2.25, 0, 0, 0);
    expect(q.peekTimeNs()).toBe(2.25);
    expect(q.size).toBe(2);
  });

  it("recycles released handles instead of growing", () => {
    const q = new TimedEventQueue(4);
    const first = [q.push(1, 0, 0, 0), q.push(2, 0, 0, 0), q.push(3, 0, 0, 0), q.push(4, 0, 0, 0)];
    expect(new Set(first).size).toBe(4);
    for (let k = 0; k < 1000; k++) {
      const h = q.pop();
      expect(first).toContain(h);
      q.release(h);
      expect(first).toContain(q.push(10 + k, 0, k, 0));
    }
    expect(q.capacity).toBe(4);
  });

  it("grows by doubling and keeps every field intact", () => {
    const q = new TimedEventQueue(3);
    const n = 1000;
    for (let i = 0; i < n; i++) q.push(n - i, i % 256, -i | 0, i * 7);
    expect(q.capacity).toBe(1536); // 3 · 2^9 ≥ 1000
    const out = drain(q);
    expect(out.length).toBe(n);
    out.forEach((o, k) => {
      const i = n - 1 - k; // time n - i ascending means i descending
      expect([o.timeNs, o.kind, o.a, o.b]).toEqual([n - i, i % 256, -i | 0, i * 7]);
    });
  });

  it("clear() empties the queue and restarts handle numbering and seq", () => {
    const q = new TimedEventQueue(2);
    for (let i = 0; i < 5; i++) q.push(i, 0, 0, 0);
    q.pop();
    q.clear();
    expect(q.size).toBe(0);
    expect(q.pop()).toBe(-1);
    const h = q.push(1, 0, 0, 0);
    expect(h).toBe(0);
    expect(q.seq(h)).toBe(0);
  });

  it("rejects bad fields and bad releases with coded errors", () => {
    const q = new TimedEventQueue();
    const code = (f: () => unknown): string | undefined => {
      try { f(); } catch (e) { return e instanceof AerchipError ? e.code : `raw: ${String(e)}`; }
      return undefined;
    };
    expect(code(() => q.push(Number.NaN, 0, 0, 0))).toBe(EventQueueErrorCode.badEvent);
    expect(code(() => q.push(0, 256, 0, 0))).toBe(EventQueueErrorCode.badEvent);
    expect(code(() => q.push(0, -1, 0, 0))).toBe(EventQueueErrorCode.badEvent);
    expect(code(() => q.push(0, 0, 2 ** 31, 0))).toBe(EventQueueErrorCode.badEvent);
    expect(code(() => q.push(0, 0, 0, 1.5))).toBe(EventQueueErrorCode.badEvent);
    const h = q.push(1, 0, 0, 0);
    expect(code(() => q.release(h))).toBe(EventQueueErrorCode.badHandle); // still queued
    expect(q.pop()).toBe(h);
    q.release(h);
    expect(code(() => q.release(h))).toBe(EventQueueErrorCode.badHandle); // twice
    expect(code(() => q.release(12345))).toBe(EventQueueErrorCode.badHandle);
  });
});

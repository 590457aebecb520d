/**
 * AER address layout: minimal bit widths, exact bit positions, round trips, range and width errors,
 * and the growable packet buffer.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AerchipError } from "../../core/diagnostics.ts";
import {
  AerErrorCode, AerPacketBuffer, aerLayoutFor, bitsForCount, decodeAer, decodeAerAxon, decodeAerCore, decodeAerX, decodeAerY,
  aerLayoutShape, encodeAer, makeAerLayout,
} from "../../core/aer.ts";

function codeOf(f: () => unknown): string | undefined {
  try { f(); } catch (e) { return e instanceof AerchipError ? e.code : `raw: ${String(e)}`; }
  return undefined;
}

describe("AER layout", () => {
  it("computes minimal widths: ceil(log2(n)), 0 bits for a single value", () => {
    expect([1, 2, 3, 4, 5, 8, 9, 256, 257, 2 ** 32].map(bitsForCount)).toEqual([0, 1, 2, 2, 3, 3, 4, 8, 9, 32]);
    const l = aerLayoutFor({ widthTiles: 5, heightTiles: 4, coresPerTile: 1, maxAxons: 1024 });
    expect([l.xBits, l.yBits, l.coreBits, l.axonBits, l.totalBits]).toEqual([3, 2, 0, 10, 15]);
  });

  it("puts the fields at the documented bit positions [axon | core | y | x] from the LSB", () => {
    const l = makeAerLayout({ xBits: 4, yBits: 3, coreBits: 2, axonBits: 8 });
    // Hand-computed: axon 0xA5 at bits 0-7, core 2 at bits 8-9, y 5 at bits 10-12, x 9 at bits 13-16.
    // 0xA5 + (2 << 8) + (5 << 10) + (9 << 13) = 165 + 512 + 5120 + 73728 = 79525
    expect(encodeAer(l, 9, 5, 2, 0xa5)).toBe(79525);
    expect(encodeAer(l, 9, 5, 2, 0xa5).toString(2)).toBe("1001" + "101" + "10" + "10100101"); // x | y | core | axon, MSB first
    expect([l.axonShift, l.coreShift, l.yShift, l.xShift]).toEqual([0, 8, 10, 13]);
    expect(decodeAer(l, 79525)).toEqual({ x: 9, y: 5, core: 2, axon: 0xa5 });
    // Single-field addresses.
    expect(encodeAer(l, 1, 0, 0, 0)).toBe(1 << 13);
    expect(encodeAer(l, 0, 1, 0, 0)).toBe(1 << 10);
    expect(encodeAer(l, 0, 0, 1, 0)).toBe(1 << 8);
    expect(encodeAer(l, 0, 0, 0, 1)).toBe(1);
  });

  it("uses all 32 bits without going negative", () => {
    const l = makeAerLayout({ xBits: 8, yBits: 8, coreBits: 8, axonBits: 8 });
    const addr = encodeAer(l, 255, 255, 255, 255);
    expect(addr).toBe(0xffffffff);
    expect(decodeAer(l, addr)).toEqual({ x: 255, y: 255, core: 255, axon: 255 });
    const wideAxon = makeAerLayout({ xBits: 0, yBits: 0, coreBits: 0, axonBits: 32 });
    expect(encodeAer(wideAxon, 0, 0, 0, 0xfedcba98)).toBe(0xfedcba98);
    expect(decodeAerAxon(wideAxon, 0xfedcba98)).toBe(0xfedcba98);
    expect(decodeAerX(wideAxon, 0xfedcba98)).toBe(0);
    const wideX = makeAerLayout({ xBits: 32, yBits: 0, coreBits: 0, axonBits: 0 });
    expect(encodeAer(wideX, 0x80000001, 0, 0, 0)).toBe(0x80000001);
    expect(decodeAerX(wideX, 0x80000001)).toBe(0x80000001);
  });

  it("round-trips random fields for random layouts (property)", () => {
    const widths = fc.tuple(fc.nat(8), fc.nat(8), fc.nat(6), fc.nat(10)).filter(([x, y, c, a]) => x + y + c + a <= 32);
    fc.assert(
      fc.property(widths, fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.nat()), { minLength: 1, maxLength: 20 }), ([xb, yb, cb, ab], raws) => {
        const l = makeAerLayout({ xBits: xb, yBits: yb, coreBits: cb, axonBits: ab });
        for (const [rx, ry, rc, ra] of raws) {
          const x = rx % 2 ** xb; const y = ry % 2 ** yb; const c = rc % 2 ** cb; const a = ra % 2 ** ab;
          const addr = encodeAer(l, x, y, c, a);
          expect(addr).toBeGreaterThanOrEqual(0);
          expect(addr).toBeLessThan(2 ** (xb + yb + cb + ab));
          // Independent arithmetic: addr = a + c·2^ab + y·2^(ab+cb) + x·2^(ab+cb+yb).
          expect(addr).toBe(a + c * 2 ** ab + y * 2 ** (ab + cb) + x * 2 ** (ab + cb + yb));
          expect([decodeAerX(l, addr), decodeAerY(l, addr), decodeAerCore(l, addr), decodeAerAxon(l, addr)]).toEqual([x, y, c, a]);
        }
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  it("throws E_AER_LAYOUT_TOO_WIDE when the fields need more than 32 bits", () => {
    expect(codeOf(() => makeAerLayout({ xBits: 8, yBits: 8, coreBits: 8, axonBits: 9 }))).toBe(AerErrorCode.tooWide);
    expect(codeOf(() => makeAerLayout({ xBits: 8, yBits: 8, coreBits: 8, axonBits: 8 }))).toBeUndefined();
    // 2^10 × 2^10 tiles, 16 cores (4 bits), 2^10 axons: 10 + 10 + 4 + 10 = 34 bits.
    expect(codeOf(() => aerLayoutFor({ widthTiles: 1024, heightTiles: 1024, coresPerTile: 16, maxAxons: 1024 }))).toBe(AerErrorCode.tooWide);
    try {
      aerLayoutFor({ widthTiles: 1024, heightTiles: 1024, coresPerTile: 16, maxAxons: 1024 });
    } catch (e) {
      expect((e as AerchipError).message).toContain("34 bits");
      expect((e as AerchipError).hint).toBeDefined();
    }
  });

  it("rejects invalid widths, sizes and out-of-range field values with coded errors", () => {
    expect(codeOf(() => makeAerLayout({ xBits: -1, yBits: 0, coreBits: 0, axonBits: 0 }))).toBe(AerErrorCode.invalid);
    expect(codeOf(() => makeAerLayout({ xBits: 1.5, yBits: 0, coreBits: 0, axonBits: 0 }))).toBe(AerErrorCode.invalid);
    expect(codeOf(() => aerLayoutFor({ widthTiles: 0, heightTiles: 1, coresPerTile: 1, maxAxons: 1 }))).toBe(AerErrorCode.invalid);
    const l = makeAerLayout({ xBits: 2, yBits: 2, coreBits: 1, axonBits: 4 });
    expect(codeOf(() => encodeAer(l, 4, 0, 0, 0))).toBe(AerErrorCode.fieldRange);
    expect(codeOf(() => encodeAer(l, 0, 0, 2, 0))).toBe(AerErrorCode.fieldRange);
    expect(codeOf(() => encodeAer(l, 0, 0, 0, 16))).toBe(AerErrorCode.fieldRange);
    expect(codeOf(() => encodeAer(l, 0, -1, 0, 0))).toBe(AerErrorCode.fieldRange);
    expect(codeOf(() => encodeAer(l, 0, 0.5, 0, 0))).toBe(AerErrorCode.fieldRange);
    expect(codeOf(() => encodeAer(l, 3, 3, 1, 15))).toBeUndefined();
    const zeroCore = makeAerLayout({ xBits: 2, yBits: 2, coreBits: 0, axonBits: 4 });
    expect(codeOf(() => encodeAer(zeroCore, 0, 0, 1, 0))).toBe(AerErrorCode.fieldRange);
  });
});

describe("AerPacketBuffer", () => {
  it("appends, grows by doubling, keeps contents, and clears", () => {
    const buf = new AerPacketBuffer(2);
    for (let i = 0; i < 100; i++) expect(buf.push(0xf0000000 + i, i * 3, i - 50)).toBe(i);
    expect(buf.length).toBe(100);
    expect(buf.capacity).toBe(128);
    const addr = buf.addressView();
    const src = buf.sourceView();
    const tick = buf.tickView();
    expect(addr.length).toBe(100);
    for (let i = 0; i < 100; i++) {
      expect(addr[i]).toBe(0xf0000000 + i);
      expect(src[i]).toBe(i * 3);
      expect(tick[i]).toBe(i - 50);
    }
    expect(buf.address[99]).toBe(0xf0000000 + 99);
    buf.clear();
    expect(buf.length).toBe(0);
    expect(buf.addressView().length).toBe(0);
    expect(buf.capacity).toBe(128);
    buf.push(1, 2, 3);
    expect([buf.address[0], buf.source[0], buf.tick[0]]).toEqual([1, 2, 3]);
  });

  it("reserve() grows to at least the requested capacity and never shrinks", () => {
    const buf = new AerPacketBuffer(4);
    buf.push(7, 7, 7);
    buf.reserve(1000);
    expect(buf.capacity).toBe(1000);
    expect(buf.address[0]).toBe(7);
    buf.reserve(10);
    expect(buf.capacity).toBe(1000);
  });
});

describe("aerLayoutShape (the shape a --packets-out stream records)", () => {
  it("an address is the C-order flat index of (x, y, core, axon) in [2^xBits, 2^yBits, 2^coreBits, 2^axonBits]", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 10 }), fc.nat(), (xBits, yBits, coreBits, axonBits, seed) => {
      const layout = makeAerLayout({ xBits, yBits, coreBits, axonBits });
      const [X, Y, C, A] = aerLayoutShape(layout)!;
      const x = seed % X, y = (seed >>> 3) % Y, core = (seed >>> 7) % C, axon = (seed >>> 11) % A;
      expect(encodeAer(layout, x, y, core, axon)).toBe(((x * Y + y) * C + core) * A + axon);
    }));
  });

  it("is null when a field is 32 bits wide (2^32 is not a uint32 dimension)", () => {
    expect(aerLayoutShape({ xBits: 0, yBits: 0, coreBits: 0, axonBits: 32 })).toBeNull();
    expect(aerLayoutShape({ xBits: 1, yBits: 0, coreBits: 2, axonBits: 0 })).toEqual([2, 1, 4, 1]);
  });
});

/**
 * AER (address-event representation) packet addresses: four unsigned fields packed into one 32-bit word,
 * plus a growable struct-of-arrays packet buffer.
 *
 * Bit order, from the least significant bit:
 *
 *     bit 0 ............................................................ bit 31
 *     [ axon : axonBits | core : coreBits | y : yBits | x : xBits | unused ]
 *
 *     address = axon + core·2^coreShift + y·2^yShift + x·2^xShift,
 *     coreShift = axonBits, yShift = axonBits + coreBits, xShift = yShift + yBits.
 *
 * x and y are the destination tile's mesh coordinates, `core` the destination's index inside that tile and
 * `axon` the input line it drives there. A field may be 0 bits wide (then its value is always 0). The
 * fields must fit 32 bits together (E_AER_LAYOUT_TOO_WIDE otherwise), so a packet is one Uint32Array element.
 */
import { AerchipError } from "./diagnostics.ts";

export const AerErrorCode = {
  /** The four fields need more than 32 bits. */
  tooWide: "E_AER_LAYOUT_TOO_WIDE",
  /** A bit width or a size that is not a non-negative / positive integer. */
  invalid: "E_AER_LAYOUT_INVALID",
  /** encodeAer() with a field value that does not fit its bits. */
  fieldRange: "E_AER_FIELD_RANGE",
} as const;
export type AerErrorCode = (typeof AerErrorCode)[keyof typeof AerErrorCode];

export const AER_ADDRESS_BITS = 32;

export interface AerLayoutBits {
  readonly xBits: number;
  readonly yBits: number;
  readonly coreBits: number;
  readonly axonBits: number;
}

export interface AerLayout extends AerLayoutBits {
  readonly axonShift: number;
  readonly coreShift: number;
  readonly yShift: number;
  readonly xShift: number;
  /** 2^bits − 1 for each field (0 for a 0-bit field). */
  readonly axonMask: number;
  readonly coreMask: number;
  readonly yMask: number;
  readonly xMask: number;
  /** Bits used: xBits + yBits + coreBits + axonBits (≤ 32). */
  readonly totalBits: number;
}

/** What the address has to reach: the mesh size, the cores in one tile and the axons of one core. */
export interface AerTargetSizes {
  readonly widthTiles: number;
  readonly heightTiles: number;
  readonly coresPerTile: number;
  readonly maxAxons: number;
}

const TWO_POW_32 = 4294967296;

/** Bits needed to represent every value in 0..count−1: ceil(log2(count)), and 0 for count = 1. */
export function bitsForCount(count: number): number {
  if (!Number.isInteger(count) || count < 1 || count > TWO_POW_32) {
    throw new AerchipError(AerErrorCode.invalid, `bitsForCount: count must be an integer in [1, 2^32], got ${count}`, { field: "count" });
  }
  return count === 1 ? 0 : 32 - Math.clz32(count - 1);
}

function maskFor(bits: number): number {
  return bits === 0 ? 0 : bits === 32 ? 0xffffffff : 2 ** bits - 1;
}

/** A layout with explicit field widths. Throws E_AER_LAYOUT_TOO_WIDE when they sum past 32 bits. */
export function makeAerLayout(bits: AerLayoutBits): AerLayout {
  for (const field of ["xBits", "yBits", "coreBits", "axonBits"] as const) {
    const v = bits[field];
    if (!Number.isInteger(v) || v < 0 || v > AER_ADDRESS_BITS) {
      throw new AerchipError(AerErrorCode.invalid, `AER layout: ${field} is ${v}; it must be an integer in 0..${AER_ADDRESS_BITS}`, {
        field, hint: "give each field's width in bits",
      });
    }
  }
  const { xBits, yBits, coreBits, axonBits } = bits;
  const totalBits = xBits + yBits + coreBits + axonBits;
  if (totalBits > AER_ADDRESS_BITS) {
    throw new AerchipError(
      AerErrorCode.tooWide,
      `AER layout needs ${totalBits} bits (x ${xBits} + y ${yBits} + core ${coreBits} + axon ${axonBits}); an address word holds ${AER_ADDRESS_BITS}`,
      { field: "totalBits", hint: "use a smaller mesh, fewer cores per tile or fewer axons per core, so the fields fit 32 bits" },
    );
  }
  const coreShift = axonBits;
  const yShift = coreShift + coreBits;
  const xShift = yShift + yBits;
  return Object.freeze({
    xBits, yBits, coreBits, axonBits,
    axonShift: 0, coreShift, yShift, xShift,
    axonMask: maskFor(axonBits), coreMask: maskFor(coreBits), yMask: maskFor(yBits), xMask: maskFor(xBits),
    totalBits,
  });
}

/** The narrowest layout that addresses every (x < widthTiles, y < heightTiles, core < coresPerTile, axon < maxAxons). */
export function aerLayoutFor(sizes: AerTargetSizes): AerLayout {
  const bitsOf = (field: keyof AerTargetSizes): number => {
    const v = sizes[field];
    if (!Number.isInteger(v) || v < 1 || v > TWO_POW_32) {
      throw new AerchipError(AerErrorCode.invalid, `AER layout: ${field} is ${v}; it must be an integer in [1, 2^32]`, {
        field, hint: "every size the address must reach is at least 1",
      });
    }
    return bitsForCount(v);
  };
  const xBits = bitsOf("widthTiles");
  const yBits = bitsOf("heightTiles");
  const coreBits = bitsOf("coresPerTile");
  const axonBits = bitsOf("maxAxons");
  try {
    return makeAerLayout({ xBits, yBits, coreBits, axonBits });
  } catch (e) {
    if (e instanceof AerchipError && e.code === AerErrorCode.tooWide) {
      throw new AerchipError(
        AerErrorCode.tooWide,
        `AER layout for a ${sizes.widthTiles}×${sizes.heightTiles} mesh, ${sizes.coresPerTile} per tile and ${sizes.maxAxons} axons needs ` +
          `${xBits + yBits + coreBits + axonBits} bits (x ${xBits} + y ${yBits} + core ${coreBits} + axon ${axonBits}); an address word holds ${AER_ADDRESS_BITS}`,
        { field: "totalBits", hint: e.hint, cause: e },
      );
    }
    throw e;
  }
}

/**
 * Packs one address. Values are checked against their field widths (E_AER_FIELD_RANGE): a silent
 * overflow would deliver the packet to the wrong destination.
 */
export function encodeAer(layout: AerLayout, x: number, y: number, core: number, axon: number): number {
  // `(v >>> 0) === v` rejects negatives, fractions and ≥ 2^32; `> mask` rejects values wider than the field.
  if ((x >>> 0) !== x || x > layout.xMask || (y >>> 0) !== y || y > layout.yMask ||
      (core >>> 0) !== core || core > layout.coreMask || (axon >>> 0) !== axon || axon > layout.axonMask) {
    fieldRangeError(layout, x, y, core, axon);
  }
  // A 0-bit field has value 0, so shifting it by up to 32 (a no-op shift in JS) still contributes 0.
  return ((x << layout.xShift) | (y << layout.yShift) | (core << layout.coreShift) | axon) >>> 0;
}

export function decodeAerX(layout: AerLayout, address: number): number {
  return ((address >>> layout.xShift) & layout.xMask) >>> 0;
}

export function decodeAerY(layout: AerLayout, address: number): number {
  return ((address >>> layout.yShift) & layout.yMask) >>> 0;
}

export function decodeAerCore(layout: AerLayout, address: number): number {
  return ((address >>> layout.coreShift) & layout.coreMask) >>> 0;
}

export function decodeAerAxon(layout: AerLayout, address: number): number {
  return (address & layout.axonMask) >>> 0;
}

export interface AerFields {
  readonly x: number;
  readonly y: number;
  readonly core: number;
  readonly axon: number;
}

/** All four fields as an object (allocates: for tracing and tests; hot loops use the accessors above). */
export function decodeAer(layout: AerLayout, address: number): AerFields {
  return {
    x: decodeAerX(layout, address), y: decodeAerY(layout, address),
    core: decodeAerCore(layout, address), axon: decodeAerAxon(layout, address),
  };
}

function fieldRangeError(layout: AerLayout, x: number, y: number, core: number, axon: number): never {
  const fields = [["x", x, layout.xMask], ["y", y, layout.yMask], ["core", core, layout.coreMask], ["axon", axon, layout.axonMask]] as const;
  for (const [field, v, mask] of fields) {
    if ((v >>> 0) !== v || v > mask) {
      throw new AerchipError(AerErrorCode.fieldRange, `AER address: ${field} is ${v}; this layout gives it ${bitsForCount(mask + 1)} bits (0..${mask})`, {
        field, hint: "build the layout with aerLayoutFor() from the real mesh and core sizes",
      });
    }
  }
  throw new AerchipError(AerErrorCode.fieldRange, "AER address: a field is out of range", { field: "address" });
}

/**
 * A growable list of packets, struct of arrays: `address[i]`, `source[i]` (the sender's id, for tracing)
 * and `tick[i]` for i < length. Capacity doubles when full, so pushing allocates nothing once warm.
 * Growth replaces the arrays: read `address`/`source`/`tick` again after pushing, never keep them across pushes.
 */
export class AerPacketBuffer {
  /**
   * The layout the addresses were packed with, when the producer records it (the simulator does when it
   * traces packets), so that a reader of the addresses can take them apart.
   */
  layout: AerLayout | undefined = undefined;
  private addressArr: Uint32Array;
  private sourceArr: Uint32Array;
  private tickArr: Int32Array;
  private len: number;

  constructor(initialCapacity = 1024) {
    if (!Number.isInteger(initialCapacity) || initialCapacity < 1 || initialCapacity > 2 ** 30) {
      throw new AerchipError(AerErrorCode.invalid, `AerPacketBuffer: initialCapacity must be an integer in [1, 2^30], got ${initialCapacity}`, { field: "initialCapacity" });
    }
    this.addressArr = new Uint32Array(initialCapacity);
    this.sourceArr = new Uint32Array(initialCapacity);
    this.tickArr = new Int32Array(initialCapacity);
    this.len = 0;
  }

  get length(): number {
    return this.len;
  }

  get capacity(): number {
    return this.addressArr.length;
  }

  /** Backing arrays; entries [0, length) are valid. */
  get address(): Uint32Array {
    return this.addressArr;
  }

  get source(): Uint32Array {
    return this.sourceArr;
  }

  get tick(): Int32Array {
    return this.tickArr;
  }

  /** Appends a packet and returns its index. */
  push(address: number, source: number, tick: number): number {
    const i = this.len;
    if (i === this.addressArr.length) this.reserve(i * 2);
    this.addressArr[i] = address;
    this.sourceArr[i] = source;
    this.tickArr[i] = tick;
    this.len = i + 1;
    return i;
  }

  /** Forgets every packet; keeps the capacity. */
  clear(): void {
    this.len = 0;
  }

  /** Grows the arrays to hold at least `capacity` packets (never shrinks). */
  reserve(capacity: number): void {
    if (capacity <= this.addressArr.length) return;
    const a = new Uint32Array(capacity);
    a.set(this.addressArr.subarray(0, this.len));
    const s = new Uint32Array(capacity);
    s.set(this.sourceArr.subarray(0, this.len));
    const t = new Int32Array(capacity);
    t.set(this.tickArr.subarray(0, this.len));
    this.addressArr = a;
    this.sourceArr = s;
    this.tickArr = t;
  }

  /** Views of the valid part (no copy; invalidated by the next push that grows the buffer or by clear()). */
  addressView(): Uint32Array {
    return this.addressArr.subarray(0, this.len);
  }

  sourceView(): Uint32Array {
    return this.sourceArr.subarray(0, this.len);
  }

  tickView(): Int32Array {
    return this.tickArr.subarray(0, this.len);
  }
}

/** Name of the source of a `--packets-out` stream (cli/packets-out.ts). */
export const AER_PACKET_SOURCE = "packets";

/**
 * The packet addresses of `layout` as a row-major shape [2^xBits, 2^yBits, 2^coreBits, 2^axonBits]: the
 * address is then the C-order flat index of (x, y, core, axon), since
 *   address = ((x·2^yBits + y)·2^coreBits + core)·2^axonBits + axon = axon + core·2^coreShift + y·2^yShift + x·2^xShift.
 * A stream whose packet source carries this shape can be decoded without knowing the chip. null when a
 * field is 32 bits wide (2^32 does not fit the stream's uint32 dimensions; no chip preset comes close).
 */
export function aerLayoutShape(layout: AerLayoutBits): number[] | null {
  const bits = [layout.xBits, layout.yBits, layout.coreBits, layout.axonBits];
  return bits.every((b) => b < AER_ADDRESS_BITS) ? bits.map((b) => 2 ** b) : null;
}

/**
 * Where the simulator's typed arrays live. The state is plain struct-of-arrays; an ArrayAllocator decides
 * the backing memory: the default allocates ordinary ArrayBuffers, `sharedArrays()` SharedArrayBuffers, so
 * that worker threads can map the same state (cores partitioned over threads, one barrier per tick) without
 * copying. Every array of the state and of a run's scratch is allocated through one of these.
 */

export interface ArrayAllocator {
  /** True when arrays are backed by SharedArrayBuffer (transferable to worker_threads by reference). */
  readonly shared: boolean;
  f64(length: number): Float64Array;
  f32(length: number): Float32Array;
  u32(length: number): Uint32Array;
  i32(length: number): Int32Array;
  u16(length: number): Uint16Array;
  u8(length: number): Uint8Array;
}

/** Ordinary (non-shared) typed arrays. */
export const heapArrays: ArrayAllocator = {
  shared: false,
  f64: (n) => new Float64Array(n),
  f32: (n) => new Float32Array(n),
  u32: (n) => new Uint32Array(n),
  i32: (n) => new Int32Array(n),
  u16: (n) => new Uint16Array(n),
  u8: (n) => new Uint8Array(n),
};

/** Typed arrays over SharedArrayBuffers (zero-filled, as ordinary ones). */
export function sharedArrays(): ArrayAllocator {
  const buf = (n: number, bytes: number): SharedArrayBuffer => new SharedArrayBuffer(Math.max(1, n) * bytes);
  return {
    shared: true,
    f64: (n) => new Float64Array(buf(n, 8), 0, n),
    f32: (n) => new Float32Array(buf(n, 4), 0, n),
    u32: (n) => new Uint32Array(buf(n, 4), 0, n),
    i32: (n) => new Int32Array(buf(n, 4), 0, n),
    u16: (n) => new Uint16Array(buf(n, 2), 0, n),
    u8: (n) => new Uint8Array(buf(n, 1), 0, n),
  };
}

/** An unsigned integer array of the narrowest width that holds values up to `max`. */
export type UintArray = Uint8Array | Uint16Array | Uint32Array;

export function allocUint(alloc: ArrayAllocator, length: number, max: number): UintArray {
  if (max <= 0xff) return alloc.u8(length);
  if (max <= 0xffff) return alloc.u16(length);
  return alloc.u32(length);
}

/** `src` copied into the narrowest unsigned array that holds its largest value. */
export function narrowCopy(alloc: ArrayAllocator, src: ArrayLike<number>): UintArray {
  let max = 0;
  for (let i = 0; i < src.length; i++) if (src[i] > max) max = src[i];
  const out = allocUint(alloc, src.length, max);
  out.set(src);
  return out;
}

/** Copies of `src` in memory from `alloc`. */
export function copyU32(alloc: ArrayAllocator, src: ArrayLike<number>): Uint32Array {
  const a = alloc.u32(src.length);
  a.set(src);
  return a;
}

export function copyU16(alloc: ArrayAllocator, src: ArrayLike<number>): Uint16Array {
  const a = alloc.u16(src.length);
  a.set(src);
  return a;
}

/** Bytes of a cache line on the x86-64 and Arm cores Node runs on. */
export const CACHE_LINE_BYTES = 64;

/**
 * An Int32Array of `length` elements that starts on a cache line and shares no line with another array
 * made by `alloc` (a few lines' slack). For words one thread writes while another reads its neighbours
 * every tick (threads/team.ts): on a shared line, each write takes the line from the reader's core.
 */
export function lineI32(alloc: ArrayAllocator, length: number): Int32Array {
  const per = CACHE_LINE_BYTES / 4;
  const a = alloc.i32(length + 2 * per);
  const skip = ((CACHE_LINE_BYTES - (a.byteOffset % CACHE_LINE_BYTES)) % CACHE_LINE_BYTES) / 4;
  return a.subarray(skip, skip + length);
}

/** As lineI32, for float64 words. */
export function lineF64(alloc: ArrayAllocator, length: number): Float64Array {
  const per = CACHE_LINE_BYTES / 8;
  const a = alloc.f64(length + 2 * per);
  const skip = ((CACHE_LINE_BYTES - (a.byteOffset % CACHE_LINE_BYTES)) % CACHE_LINE_BYTES) / 8;
  return a.subarray(skip, skip + length);
}

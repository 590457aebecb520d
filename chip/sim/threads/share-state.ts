/**
 * A SimState whose every typed array lives in a SharedArrayBuffer, so worker threads map the same memory
 * (posting it to a worker shares it instead of copying). A state built with
 * `buildSimState(spec, program, { alloc: sharedArrays() })` is returned as is; otherwise each array not
 * yet shared is copied once.
 */
import type { SimState } from "../state.ts";

type Typed = Float64Array | Float32Array | Uint32Array | Int32Array | Uint16Array | Uint8Array;

function isTyped(x: unknown): x is Typed {
  return ArrayBuffer.isView(x) && !(x instanceof DataView);
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === "object" && Object.getPrototypeOf(x) === Object.prototype;
}

function shareArray<T extends Typed>(a: T): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const Ctor = a.constructor as new (buffer: SharedArrayBuffer, offset: number, length: number) => T;
  const out = new Ctor(new SharedArrayBuffer(Math.max(1, a.byteLength)), 0, a.length);
  out.set(a as never);
  return out;
}

function shareDeep<T>(x: T): { value: T; copied: boolean } {
  if (isTyped(x)) {
    const s = shareArray(x);
    return { value: s as T, copied: s !== x };
  }
  if (!isPlainObject(x)) return { value: x, copied: false };
  let copied = false;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(x)) {
    const r = shareDeep(v);
    out[k] = r.value;
    copied ||= r.copied;
  }
  return { value: (copied ? out : x) as T, copied };
}

/** Every typed array of the state (synapse store included) backed by a SharedArrayBuffer. */
export function isStateShared(st: SimState): boolean {
  const shared = (x: unknown): boolean => {
    if (isTyped(x)) return x.buffer instanceof SharedArrayBuffer;
    if (!isPlainObject(x)) return true;
    return Object.values(x).every(shared);
  };
  return shared(st);
}

export function shareState(st: SimState): SimState {
  return shareDeep(st).value;
}

/**
 * A WebAssembly memory holding one simulator state, and an ArrayAllocator that carves the state's typed
 * arrays out of it (a bump pointer: a state's arrays are allocated once, at build time, and live as long as
 * the state). The WebAssembly kernels (kernels.ts) read and write those arrays through their byte
 * addresses, while TypeScript code keeps using them as ordinary typed arrays.
 *
 * The memory is shared (SharedArrayBuffer-backed): growing a shared memory never detaches the views made
 * before, so the arena can grow while the state is built, and worker threads map the same state without a
 * copy (threads/share-state.ts leaves SharedArrayBuffer-backed arrays as they are). Memory is zero-filled
 * and never reused, so every array starts at zero, as `heapArrays` does.
 */
import { AerchipError } from "../../../core/diagnostics.ts";
import { Wasm, type WasmMemory } from "./api.ts";
import type { ArrayAllocator } from "../alloc.ts";

const PAGE_BYTES = 65536;
/** wasm32: 4 GiB of addresses (65,536 pages), the most the kernels' module declares. */
export const WASM_MAX_PAGES = 65536;
/** Address 0 is never handed out (a null address is a bug, not an array). */
const FIRST_ADDRESS = 64;

export class WasmArena {
  readonly memory: WasmMemory;
  private top = FIRST_ADDRESS;

  constructor(initialBytes = PAGE_BYTES) {
    const pages = Math.min(WASM_MAX_PAGES, Math.max(1, Math.ceil(initialBytes / PAGE_BYTES)));
    try {
      this.memory = new Wasm.Memory({ initial: pages, maximum: WASM_MAX_PAGES, shared: true });
    } catch (e) {
      throw noMemory(`a WebAssembly memory of ${pages * PAGE_BYTES} bytes could not be created`, e);
    }
  }

  /** Bytes handed out so far. */
  get usedBytes(): number {
    return this.top;
  }

  /** Byte address of `bytes` new zero bytes, aligned to 8. */
  allocate(bytes: number): number {
    const at = (this.top + 7) & ~7;
    const end = at + bytes;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      if (end > WASM_MAX_PAGES * PAGE_BYTES) {
        throw new AerchipError("E_SIM_WASM_MEMORY", `the state needs more than the 4 GiB a WebAssembly memory can address (${end} bytes asked)`, {
          field: "kernels", hint: "the state is built again on ordinary arrays with the TypeScript kernels",
        });
      }
      // Grow by at least 1/64 of the size (a shared memory's addresses are reserved up front, so a grow is
      // cheap and copies nothing); the slack left at the end of a build stays under 2%.
      const havePages = have / PAGE_BYTES;
      const needPages = Math.ceil(end / PAGE_BYTES);
      const target = Math.min(WASM_MAX_PAGES, Math.max(needPages, havePages + Math.ceil(havePages / 64)));
      try {
        this.memory.grow(target - havePages);
      } catch (e) {
        throw noMemory(`the state's WebAssembly memory could not grow to ${target * PAGE_BYTES} bytes`, e);
      }
    }
    this.top = end;
    return at;
  }

  /** The ArrayAllocator of this arena (arrays are SharedArrayBuffer-backed views). */
  allocator(): ArrayAllocator {
    const view = <T>(Ctor: new (buffer: SharedArrayBuffer, byteOffset: number, length: number) => T, bytesPer: number) => (n: number): T => {
      const at = this.allocate(n * bytesPer);
      return new Ctor(this.memory.buffer as unknown as SharedArrayBuffer, at, n);
    };
    return {
      shared: true,
      f64: view(Float64Array, 8),
      f32: view(Float32Array, 4),
      u32: view(Uint32Array, 4),
      i32: view(Int32Array, 4),
      u16: view(Uint16Array, 2),
      u8: view(Uint8Array, 1),
    };
  }
}

/** The arena cannot hold the state: buildSimState builds it again on ordinary arrays (TypeScript kernels). */
function noMemory(message: string, cause: unknown): AerchipError {
  return new AerchipError("E_SIM_WASM_MEMORY", message, { field: "kernels", hint: "the state is built again on ordinary arrays with the TypeScript kernels", cause });
}

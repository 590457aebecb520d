/**
 * The committed WebAssembly binary (chip/sim/wasm/kernels-binary.ts) is its AssemblyScript source compiled
 * with the pinned compiler and flags, so the kernels that run are the kernels that are read and reviewed.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { binaryModuleText, compileKernels, KERNELS_BINARY_MODULE } from "../../../../scripts/build-wasm.mjs";
import { KERNELS_WASM_BASE64 } from "../../../../chip/sim/wasm/kernels-binary.ts";
import { kernelsFor } from "../../../../chip/sim/wasm/kernels.ts";
import { WasmArena } from "../../../../chip/sim/wasm/arena.ts";
import { Wasm } from "../../../../chip/sim/wasm/api.ts";

describe("the WebAssembly kernel binary", () => {
  it("is the AssemblyScript source compiled (run `node scripts/build-wasm.mjs` after editing the source)", async () => {
    const binary = await compileKernels();
    expect(binary.toString("base64")).toBe(KERNELS_WASM_BASE64);
    expect(readFileSync(KERNELS_BINARY_MODULE, "utf8")).toBe(binaryModuleText(binary));
  }, 60_000);

  it("exports every kernel the engine calls and imports only the state's memory", () => {
    const mod = new Wasm.Module(Buffer.from(KERNELS_WASM_BASE64, "base64"));
    expect(Wasm.Module.imports(mod)).toEqual([{ module: "env", name: "memory", kind: "memory" }]);
    const names = Wasm.Module.exports(mod).filter((e) => e.kind === "function").map((e) => e.name).sort();
    expect(names).toEqual([
      "deliverFlatF32", "deliverFlatF64", "deliverFlatPalette16", "deliverFlatPalette8",
      "deliverOffsetF32", "deliverOffsetF64", "deliverOffsetPalette16", "deliverOffsetPalette8", "updateLifUniform",
    ]);
    // One instance per memory.
    const arena = new WasmArena();
    expect(kernelsFor(arena.memory)).toBe(kernelsFor(arena.memory));
  });
});

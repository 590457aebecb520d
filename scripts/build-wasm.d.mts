// Types of scripts/build-wasm.mjs for the test that checks the committed kernel binary.
export declare const KERNELS_SOURCE: string;
export declare const KERNELS_BINARY_MODULE: string;
export declare const ASC_FLAGS: readonly string[];
export declare function compileKernels(): Promise<Buffer>;
export declare function binaryModuleText(binary: Buffer): string;

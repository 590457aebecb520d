/**
 * Event data in and out (re-exports): readers for N-MNIST, AEDAT 2.0 / 3.1, DVS128 Gesture labels,
 * SHD / SSC HDF5, .npy, CSV and aerchip's AER stream; transforms; encoders; writers; conversion and
 * chip-input spikes; encoding a static tensor as spikes. See docs/events.md.
 */
export * from "./types.ts";
export * from "./errors.ts";
export * from "./batch.ts";
export { ChunkedFile, StreamFileWriter, writeFileStreaming } from "./file-io.ts";
export * from "./nmnist.ts";
export * from "./aedat-header.ts";
export * from "./aedat2.ts";
export * from "./aedat31.ts";
export * from "./dvs-gesture-labels.ts";
export * from "./shd.ts";
export * from "./npy-events.ts";
export * from "./csv-events.ts";
export * from "./aer-events.ts";
export * from "./aer-packets.ts";
export * from "./transforms.ts";
export * from "./encoders.ts";
export * from "./spike-writers.ts";
export * from "./detect.ts";
export * from "./convert.ts";
export * from "./encode-tensor.ts";

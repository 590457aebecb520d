/**
 * Public surface of core/: a domain-free discrete-event and AER toolkit (re-exports only).
 */
export * from "./diagnostics.ts";
export * from "./rng.ts";
export * from "./event-queue.ts";
export * from "./timing-wheel.ts";
export * from "./aer.ts";
export * from "./io/aer-stream.ts";
export { AER_STREAM_MAGIC, AER_STREAM_PROTO, AER_STREAM_VERSION } from "./io/aer-stream-schema.ts";
export * from "./log.ts";
export * from "./atomic-write.ts";
export * from "./gc.ts";

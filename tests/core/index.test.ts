/** core/index.ts re-exports the public surface of every core module (and nothing is missing). */
import { describe, expect, it } from "vitest";
import * as core from "../../core/index.ts";

describe("core/index.ts", () => {
  it("exposes the entry points of each core module", () => {
    const expected = [
      "AerchipError", "formatDiagnostic", "isAerchipError", // diagnostics
      "createRng", // rng
      "TimedEventQueue", "TimingWheel", // event queues
      "makeAerLayout", "aerLayoutFor", "encodeAer", "decodeAerX", "decodeAerY", "decodeAerCore", "decodeAerAxon", "AerPacketBuffer", // aer
      "encodeAerStream", "decodeAerStream", "readAerStreamChunks", "writeAerStreamFile", // aer stream
      "createLogger", "silentLogger", // log
      "writeFileAtomic", "writeJsonAtomic", "ensureDir", // atomic write
    ];
    const exported = core as unknown as Record<string, unknown>;
    for (const name of expected) expect(exported[name], name).toBeDefined();
    expect(core.AER_STREAM_MAGIC).toBe("AERS");
  });
});

/** The sweep table's note says which time basis its Time column and static energy follow (docs/reports.md, "Time basis"). */
import { describe, expect, it } from "vitest";
import { sweepTable } from "../../cli/sweep/formats.ts";
import type { SweepConfig } from "../../cli/sweep/config.ts";

describe("sweep table note", () => {
  it("names the time basis convention", () => {
    const cfg = {
      file: "s.yaml", modelAsGiven: "m.json", model: "m.json", input: null, steps: 10, timing: "simple", tickUs: null, out: "o", swept: ["arch"],
      axes: { arch: ["truenorth", "loihi"], seed: [0], precision: ["float"], placement: ["greedy"], coreNeurons: [null], meshWidth: [null], meshHeight: [null], weightBits: [null] },
    } as unknown as SweepConfig;
    const note = sweepTable("m", cfg, []).note ?? "";
    expect(note).toContain("time basis");
    expect(note).toContain("tick period");
  });
});

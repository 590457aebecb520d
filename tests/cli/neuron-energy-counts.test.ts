/**
 * Loihi-class specs charge neuron energy on updates with input and on accesses, not on "neuron updates"
 * (chip/report/energy.ts); the run summary and the report's tables print both counts, so a reader can
 * reproduce the neuron energy from what is printed (audit-numbers item 4).
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import type { RunReport } from "../../chip/report/run-report.ts";

const groupDigits = (n: number): string => n.toLocaleString("en-US");

describe("counts that neuron energy is charged on", () => {
  it("the run summary and the Markdown summary show updates with input and accesses", async () => {
    const out = mkdtempSync(join(tmpdir(), "aerchip-neuron-counts-"));
    const run = await cli("run", "examples/demo/ei-small.net.json", "--arch", "generic", "--out", out);
    expect(run.code, run.stderr).toBe(0);
    const c = (JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as RunReport).totals.counters;
    expect(c.neuronUpdatesWithInput).not.toBe(c.neuronUpdates);
    expect(run.stdout).toMatch(new RegExp(`neuron updates with input +${groupDigits(c.neuronUpdatesWithInput)} `));
    expect(run.stdout).toMatch(new RegExp(`neuron accesses +${groupDigits(c.neuronAccesses)} `));
    const md = await cli("report", join(out, "report.json"), "--format", "md");
    expect(md.code).toBe(0);
    expect(md.stdout).toContain(`| Neuron updates with input | ${groupDigits(c.neuronUpdatesWithInput)} |`);
    expect(md.stdout).toContain(`| Neuron accesses | ${groupDigits(c.neuronAccesses)} |`);
  });
});

/**
 * audit s22b #20: a run whose spikes.json would exceed V8's string limit ended in E_INTERNAL (exit 70);
 * it is now E_SPIKES_JSON_SIZE, exit 1, nothing written. The limit (2^29 − 24 characters, ~5·10^7 spikes)
 * is lowered here so that a tiny model shows it without a huge run.
 */
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { cli } from "../helpers/cli.ts";
import { tinyModel } from "../helpers/tiny-model.ts";

vi.mock("../../cli/spikes-json-size.ts", async (importOriginal) => {
  const orig = await importOriginal<typeof import("../../cli/spikes-json-size.ts")>();
  // tiny.json's spikes.json is 159 characters (123 of header, 6 spikes): 140 leaves room for the 3 spikes of tick 1.
  return { ...orig, MAX_SPIKES_JSON_CHARS: 140 };
});

describe("run: spikes.json longer than one JSON text can be", () => {
  it("is E_SPIKES_JSON_SIZE (exit 1) naming spikes.json, the spike count and the limit, and writes nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aerchip-spikes-size-"));
    const out = join(dir, "o");
    const r = await cli("run", tinyModel(dir), "--arch", "generic", "--out", out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^aerchip: E_SPIKES_JSON_SIZE: spikes\.json would hold \d+ spikes in \d+ characters; one JSON text holds at most 140 characters/);
    expect(r.stderr).toMatch(/hint: lower the number of ticks to at most \d+ /);
    expect(existsSync(join(out, "report.json"))).toBe(false);
    // The number of ticks named fits.
    const ticks = Number(/at most (\d+) \(--steps/.exec(r.stderr)?.[1]);
    const ok = await cli("run", tinyModel(dir), "--arch", "generic", "--out", join(dir, "o2"), "--steps", String(ticks));
    expect(ok.code).toBe(0);
    const more = await cli("run", tinyModel(dir), "--arch", "generic", "--out", join(dir, "o3"), "--steps", String(ticks + 1));
    expect(more.code).toBe(1);
  });
});

import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { writeNpy } from "../../core/io/npy.ts";

// Audit 1.2: a program compiled for one chip ran, exit 0, on a chip whose cores it does not fit.
describe("aerchip run program.aerprog on a chip it does not fit", () => {
  const dir = mkdtempSync(join(tmpdir(), "aerchip-fit-"));
  const input = join(dir, "in.npy");
  // 20 ticks × 200 input neurons, a few spikes.
  const data = new Float32Array(20 * 200);
  for (let i = 0; i < data.length; i += 37) data[i] = 1;
  writeFileSync(input, writeNpy(data, [20, 200]));
  const generic = JSON.parse(readFileSync("chip/spec/presets/generic.json", "utf8"));
  const chip = (name: string, core: object): string => {
    const f = join(dir, `${name}.json`);
    writeFileSync(f, JSON.stringify({ ...generic, name, core: { ...generic.core, ...core } }));
    return f;
  };

  it("fails with the compiler's code and writes nothing; the chip it was compiled for runs it", async () => {
    const c = await cli("compile", "examples/demo/ei-small.net.json", "--arch", "generic", "--out", join(dir, "c"), "--quiet");
    expect(c.code).toBe(0);
    const prog = join(dir, "c", "program.aerprog");
    const ok = await cli("run", prog, "--arch", "generic", "--input", input, "--out", join(dir, "ok"), "--quiet");
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    const cases: Array<[string, object, string]> = [
      ["oneneuron", { maxNeurons: 1 }, "E_CORE_NEURONS_EXCEEDED"],
      ["smallcore", { maxInputAxons: 1, synapseMemoryBits: 64, maxDelayTicks: 1 }, "E_CORE_DELAY_EXCEEDED"],
      ["fewaxons", { maxInputAxons: 1 }, "E_CORE_INPUT_AXONS_EXCEEDED"],
    ];
    for (const [name, core, code] of cases) {
      const out = join(dir, `o-${name}`);
      const r = await cli("run", prog, "--arch", chip(name, core), "--input", input, "--out", out, "--quiet");
      expect(r.code, name).toBe(1);
      expect(r.stderr, name).toMatch(new RegExp(code));
      expect(r.stderr, name).toMatch(/recompile/);
      expect(existsSync(out), name).toBe(false);
    }
    // --core-neurons cannot change a compiled program's cores: refused as a usage error (cli/option-applicability.ts).
    const r = await cli("run", prog, "--arch", "generic", "--core-neurons", "1", "--input", input, "--out", join(dir, "o-cn"), "--quiet");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/E_CLI_OPTION: --core-neurons/);
  });
});

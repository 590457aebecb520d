/**
 * Input paths that are not regular files (audit-cli 2.1, 2.9, 4): a directory or a device given where a
 * file is read gives E_INPUT_NOT_A_FILE naming the file (was E_INTERNAL: EISDIR, or /dev/zero read until
 * memory ran out), on every command that reads one. And YAML that is not a SANA-FE network, or a SANA-FE
 * network given to a command that does not take one, says so (was E_MODEL_PARSE: not valid JSON).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";

const TMP = mkdtempSync(join(tmpdir(), "aerchip-input-files-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));
const MODEL = resolve("examples/learning/stdp-pair.model.json");
const DIR = join(TMP, "adir");
const DIR_YAML = join(TMP, "adir.yaml");
const NET = join(TMP, "net.yaml");
const out = (name: string): string => join(TMP, "out", name);

beforeAll(() => {
  mkdirSync(DIR);
  mkdirSync(DIR_YAML);
  writeFileSync(NET, "network:\n  groups: []\n");
});

/** The error code the CLI printed (first `E_…:` of stderr). */
function codeOf(stderr: string): string | undefined {
  return /\b(E_[A-Z0-9_]+):/.exec(stderr)?.[1];
}

describe("a directory or device where a file is expected", () => {
  const cases: Array<[string, () => string[]]> = [
    ["run with a directory model", () => ["run", DIR, "--arch", "generic", "--out", out("a")]],
    ["run with /dev/zero as the model", () => ["run", "/dev/zero", "--arch", "generic", "--out", out("a")]],
    ["compile with a directory model", () => ["compile", DIR, "--arch", "generic", "--out", out("a")]],
    ["compare with a directory model", () => ["compare", DIR, "--arch", "loihi", "--out", out("a")]],
    ["learning-cost with a directory model", () => ["learning-cost", DIR, "--T", "20", "--Tl", "15"]],
    ["run --arch DIR", () => ["run", MODEL, "--arch", DIR, "--out", out("a")]],
    ["compile --arch DIR", () => ["compile", MODEL, "--arch", DIR, "--out", out("a")]],
    ["run --arch DIR.yaml", () => ["run", MODEL, "--arch", DIR_YAML, "--out", out("a")]],
    ["run NET.yaml --sanafe-arch DIR", () => ["run", NET, "--arch", "generic", "--sanafe-arch", DIR, "--out", out("a")]],
    ["report DIR", () => ["report", DIR, "--format", "md"]],
    ["sweep DIR", () => ["sweep", DIR, "--out", out("s")]],
  ];
  for (const [name, args] of cases) {
    it(`${name}: E_INPUT_NOT_A_FILE naming the path`, async () => {
      const r = await cli(...args());
      expect([r.code, codeOf(r.stderr)]).toEqual([1, "E_INPUT_NOT_A_FILE"]);
      expect(r.stderr).toMatch(/directory|character device/);
    });
  }

  it("report --spikes DIR", async () => {
    const run = await cli("run", MODEL, "--arch", "generic", "--out", out("r"), "--quiet");
    expect(run.code).toBe(0);
    const r = await cli("report", join(out("r"), "report.json"), "--format", "html", "--spikes", DIR, "--out", join(out("r"), "r.html"));
    expect([r.code, codeOf(r.stderr)]).toEqual([1, "E_INPUT_NOT_A_FILE"]);
    expect(r.stderr).toMatch(/--spikes/);
  });

  it("a sweep whose model is a directory", async () => {
    const sw = join(TMP, "dirmodel.yaml");
    writeFileSync(sw, "model: adir\narch: generic\n");
    const r = await cli("sweep", sw, "--out", out("s2"), "--threads", "1");
    expect([r.code, codeOf(r.stderr)]).toEqual([1, "E_INPUT_NOT_A_FILE"]);
  });

  it("compare --arch loihi,DIR: the comparison stops before any chip runs (a mistake in the command, not a row)", async () => {
    const r = await cli("compare", MODEL, "--arch", `loihi,${DIR}`, "--out", out("c"), "--json");
    expect([r.code, codeOf(r.stderr)]).toEqual([1, "E_INPUT_NOT_A_FILE"]);
    expect(existsSync(out("c"))).toBe(false);
  });
});

describe("YAML given as a model", () => {
  it("a YAML file that is not a SANA-FE network says it has no `network:` section", async () => {
    const list = join(TMP, "list.yaml");
    writeFileSync(list, "- 1\n- 2\n");
    const empty = join(TMP, "empty.yaml");
    writeFileSync(empty, "");
    for (const f of [list, empty]) {
      const r = await cli("run", f, "--arch", "generic", "--out", out("y"));
      expect([r.code, codeOf(r.stderr)]).toEqual([1, "E_MODEL_FORMAT"]);
      expect(r.stderr).toMatch(/network:/);
    }
  });

  it("compare: a YAML file that is not a SANA-FE network fails the comparison with E_MODEL_FORMAT, before any chip runs", async () => {
    const list = join(TMP, "list2.yaml");
    writeFileSync(list, "- 1\n- 2\n");
    const r = await cli("compare", list, "--arch", "loihi,generic", "--out", out("cy"));
    expect([r.code, codeOf(r.stderr)]).toEqual([1, "E_MODEL_FORMAT"]);
  });

  it("a SANA-FE network whose architecture is found beside it: a directory named *.yaml there is skipped", async () => {
    const dir = join(TMP, "sf");
    mkdirSync(join(dir, "aaa.yaml"), { recursive: true });
    writeFileSync(join(dir, "net.yaml"), "network:\n  groups: []\n");
    const r = await cli("run", join(dir, "net.yaml"), "--arch", "generic", "--out", out("sf"));
    expect(r.code).toBe(1);
    expect(codeOf(r.stderr)).toBe("E_SANAFE_ARCH_REQUIRED");
  });

  it("compile and learning-cost refuse a SANA-FE network and point to `aerchip run`", async () => {
    for (const args of [["compile", NET, "--arch", "generic", "--out", out("y2")], ["learning-cost", NET, "--T", "20", "--Tl", "15"]]) {
      const r = await cli(...args);
      expect([r.code, codeOf(r.stderr)]).toEqual([1, "E_MODEL_FORMAT"]);
      expect(r.stderr).toMatch(/aerchip run/);
    }
  });
});

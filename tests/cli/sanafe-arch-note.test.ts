/**
 * A SANA-FE network names units of an architecture YAML. Without `--sanafe-arch` or an `--arch` YAML,
 * `aerchip run` takes one found beside the network; the run then says which file it took (it was
 * silent), and records it in provenance. Naming the file (`--sanafe-arch`) prints no note.
 */
import { copyFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../helpers/shared.ts";

describe.skipIf(!HAS_SHARED)(`run: the SANA-FE architecture found beside the network is named ${SKIP_MSG}`, () => {
  it("prints the file it took, records it, and prints nothing when --sanafe-arch names it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aerchip-sanafe-arch-"));
    const net = join(dir, "example_snn.yaml");
    const arch = join(dir, "example_chip.yaml");
    copyFileSync(sharedPath("fixtures", "sanafe", "example_snn.yaml"), net);
    copyFileSync(sharedPath("fixtures", "sanafe", "example_chip.yaml"), arch);

    const found = await cli("run", net, "--arch", "generic", "--out", join(dir, "a"));
    expect(found.code, found.stderr).toBe(0);
    expect(found.stdout).toContain(`SANA-FE architecture for the network's units: ${arch} (found beside the network`);
    const report = JSON.parse(readFileSync(join(dir, "a", "report.json"), "utf8"));
    expect(report.provenance.inputs).toContainEqual(expect.objectContaining({ role: "sanafe-arch", path: arch }));

    const named = await cli("run", net, "--arch", "generic", "--sanafe-arch", arch, "--out", join(dir, "b"));
    expect(named.code, named.stderr).toBe(0);
    expect(named.stdout).not.toContain("found beside the network");

    const quiet = await cli("run", net, "--arch", "generic", "--out", join(dir, "c"), "--quiet");
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toBe("");
  });
});

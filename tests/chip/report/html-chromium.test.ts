/**
 * Issue 7 acceptance: the HTML report of cnn_sinabs.nir (or the bundled demo without ../shared) opens in
 * headless Chromium with no console errors, its figures' SVG elements are in the rendered DOM, and a
 * screenshot is kept as a test artefact (<os temp dir>/aerchip-test-artefacts/, path printed).
 * Skipped when /usr/bin/chromium is absent (Debian package `chromium`; CI installs it).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../../helpers/cli.ts";
import { HAS_SHARED, sharedPath } from "../../helpers/shared.ts";

const CHROMIUM = "/usr/bin/chromium";
const HAS_CHROMIUM = existsSync(CHROMIUM);
const ARTEFACTS = join(tmpdir(), "aerchip-test-artefacts");

/** Runs headless Chromium on a local file with the network and background services off. */
function chromium(file: string, mode: string[]): { stdout: string; stderr: string; status: number | null } {
  const profile = mkdtempSync(join(tmpdir(), "aerchip-chromium-"));
  try {
    const r = spawnSync(CHROMIUM, [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", `--user-data-dir=${profile}`, "--enable-logging=stderr", "--v=0", ...mode, `file://${file}`,
    ], { encoding: "utf8", timeout: 90_000, maxBuffer: 64 << 20 });
    return { stdout: r.stdout ?? "", stderr: r.stderr ?? "", status: r.status };
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/** Lines of Chromium's log that report a page error or any console message (the page has no scripts). */
function consoleErrors(stderr: string): string[] {
  return stderr.split("\n").filter((l) => /Uncaught|console error|:CONSOLE\(/i.test(l));
}

const TITLE = HAS_CHROMIUM ? "HTML report in headless Chromium" : `HTML report in headless Chromium (skipped: ${CHROMIUM} not found; install the Debian package chromium)`;

describe.skipIf(!HAS_CHROMIUM)(TITLE, () => {
  it("renders the figures with no console errors, and keeps a screenshot", async () => {
    const out = mkdtempSync(join(tmpdir(), "aerchip-html-"));
    const run = HAS_SHARED
      ? ["run", sharedPath("fixtures/nir/paper_cnn/cnn_sinabs.nir"), "--input", sharedPath("fixtures/events/sample_nmnist.bin"), "--tick-us", "1000", "--arch", "generic", "--out", out, "--quiet"]
      : ["run", "examples/demo/ei-small.net.json", "--arch", "generic", "--core-neurons", "64", "--out", out, "--quiet"];
    const r = await cli(...run);
    expect(r.code, r.stderr).toBe(0);
    const html = join(out, "report.html");
    const rep = await cli("report", join(out, "report.json"), "--format", "html", "--out", html, "--quiet");
    expect(rep.code, rep.stderr).toBe(0);

    const dom = chromium(html, ["--dump-dom"]);
    expect(dom.status, dom.stderr.slice(-2000)).toBe(0);
    for (const id of ["raster", "mesh", "energy", "latency", "rates"]) {
      const m = new RegExp(`<figure id="fig-${id}">([\\s\\S]*?)</figure>`).exec(dom.stdout);
      expect(m, `figure ${id} in the rendered DOM`).not.toBeNull();
      expect(m![1], `figure ${id} has an SVG with marks`).toMatch(/<svg [^>]*class="marks"[\s\S]*<\/svg>/);
    }
    expect(dom.stdout).toContain('<section id="table-populations">');
    expect(consoleErrors(dom.stderr)).toEqual([]);

    mkdirSync(ARTEFACTS, { recursive: true });
    const shot = join(ARTEFACTS, `report-${HAS_SHARED ? "cnn_sinabs" : "ei-small"}.png`);
    const png = chromium(html, ["--window-size=1200,3000", `--screenshot=${shot}`]);
    expect(png.status, png.stderr.slice(-2000)).toBe(0);
    expect(consoleErrors(png.stderr)).toEqual([]);
    const bytes = readFileSync(shot);
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(bytes.length).toBeGreaterThan(20_000);
    console.log(`HTML report screenshot kept at ${shot}`);
  });

  it("the console-error scan does catch a page error (negative control)", () => {
    const dir = mkdtempSync(join(tmpdir(), "aerchip-html-"));
    const bad = join(dir, "bad.html");
    writeFileSync(bad, "<!DOCTYPE html><html><body><script>notDefined();</script></body></html>");
    const r = chromium(bad, ["--dump-dom"]);
    expect(consoleErrors(r.stderr).join("\n")).toMatch(/Uncaught ReferenceError/);
  });
});

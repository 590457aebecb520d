/**
 * The library is imported the way the docs show it: `import { … } from "aerchip"`, which Node resolves
 * through package.json `exports` to the built dist/index.js (Node 20 does not load .ts files, so a
 * documented import of a source path fails for every user). Every `import … from` in a js/ts code block
 * of README.md and docs/*.md is checked: it must name the package, and (with an up-to-date dist/) a
 * spawned `node --input-type=module -e` from the repository root must import it and find every name
 * defined. The README's library example is run whole and must print the energy that `aerchip run` reports.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tmpdir } from "node:os";
import { cli } from "./helpers/cli.ts";
import { distIsFresh, distNote } from "./helpers/dist.ts";

interface DocImport {
  readonly file: string;
  readonly statement: string;
  readonly specifier: string;
  /** Local names the statement binds (`a as b` binds b; `type X` binds nothing at run time). */
  readonly names: readonly string[];
}

const DOC_FILES = ["README.md", ...readdirSync("docs").filter((f) => f.endsWith(".md")).map((f) => join("docs", f))];
const FENCE = /```(?:js|mjs|ts|javascript|typescript)\n([\s\S]*?)```/g;
const IMPORT = /import\s*\{([^}]*)\}\s*from\s*["']([^"']+)["']\s*;?/g;

function fences(file: string): string[] {
  return [...readFileSync(file, "utf8").matchAll(FENCE)].map((m) => m[1]);
}

function docImports(): DocImport[] {
  const out: DocImport[] = [];
  for (const file of DOC_FILES) {
    for (const body of fences(file)) {
      for (const m of body.matchAll(IMPORT)) {
        const names = m[1].split(",").map((s) => s.trim()).filter((s) => s !== "" && !s.startsWith("type "))
          .map((s) => s.split(/\s+as\s+/).pop() as string);
        out.push({ file, statement: m[0], specifier: m[2], names });
      }
    }
  }
  return out;
}

/** dist/index.js is built and newer than every source it re-exports (index.ts and the four layers). */
const DIST_OK = distIsFresh("index.js", ["core", "chip", "compiler", "cli"]) && statSync("index.ts").mtimeMs <= statSync(join("dist", "index.js")).mtimeMs;

function node(code: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", code], { cwd: process.cwd(), encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("documented library imports", () => {
  const imports = docImports();

  it("the docs show library imports, and every one imports the package by name (not a .ts source path)", () => {
    expect(imports.length).toBeGreaterThanOrEqual(4);
    for (const i of imports) expect(i.specifier, `${i.file}: ${i.statement}`).toBe("aerchip");
  });

  it("package.json names the built entry point as main, types and exports['.']", () => {
    const pkg = JSON.parse(readFileSync("package.json", "utf8"));
    expect(pkg.main).toBe("./dist/index.js");
    expect(pkg.types).toBe("./dist/index.d.ts");
    expect(pkg.exports["."]).toEqual({ types: "./dist/index.d.ts", default: "./dist/index.js" });
    expect(existsSync("index.ts")).toBe(true);
  });

  it.skipIf(!DIST_OK)(`each runs in a spawned node from the repository root ${distNote(DIST_OK, "dist/index.js")}`, () => {
    for (const i of imports) {
      const code = `${i.statement}\nconsole.log(JSON.stringify({ ${i.names.map((n) => `${JSON.stringify(n)}: typeof ${n}`).join(", ")} }));`;
      const r = node(code);
      expect(r.status, `${i.file}: ${i.statement}\n${r.stderr}`).toBe(0);
      const kinds = JSON.parse(r.stdout) as Record<string, string>;
      for (const n of i.names) expect(["function", "object"], `${i.file}: ${n}`).toContain(kinds[n]);
    }
  });

  it.skipIf(!DIST_OK)(`the README's library example runs and prints the demo's total energy on loihi, as \`aerchip run\` does ${distNote(DIST_OK, "dist/index.js")}`, async () => {
    const readme = readFileSync("README.md", "utf8");
    const section = readme.slice(readme.indexOf("## Library"));
    const example = fences("README.md").find((body) => section.includes(body));
    expect(example, "README has a '## Library' section with a js example").toBeDefined();
    const r = node(example as string);
    expect(r.status, r.stderr).toBe(0);
    const out = join(mkdtempSync(join(tmpdir(), "aerchip-lib-")), "o");
    const run = await cli("run", "examples/demo/ei-small.net.json", "--arch", "loihi", "--out", out, "--quiet");
    expect(run.code).toBe(0);
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    expect(Number(r.stdout.trim())).toBe(report.totals.energyPj.total);
  });
});

/**
 * Layer rules, enforced on the source text (architecture.md §7.2):
 *   - core/      imports nothing from chip/, compiler/ or cli/; npm packages only where allowed
 *                (pino in core/log.ts, protobufjs under core/io/, fastpriorityqueue in core/event-queue.ts);
 *   - chip/      imports nothing from compiler/ or cli/;
 *   - compiler/  imports from chip/ only under chip/spec/ and chip/program/ (never the simulator, chip/sim/),
 *                and nothing from cli/;
 *   - core/, chip/, compiler/, cli/ import nothing from tests/ or benchmarks/;
 *   - no source, test or benchmark file calls Math.random (use createRng from core/rng.ts).
 * Specifiers are read from `import … from "x"`, `export … from "x"`, `import "x"` and `import("x")`,
 * with comments removed first. Every violation names the file, the specifier and the rule.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join, posix, relative, sep } from "node:path";
import { describe, expect, it } from "vitest";

// ---------------------------------------------------------------------------------------------
// The checker (pure functions over {path, text}; exercised on synthetic files below).

export interface SourceFile {
  /** Repo-relative, "/"-separated path, e.g. "compiler/passes/place.ts". */
  readonly path: string;
  readonly text: string;
}

export interface ImportRef {
  readonly specifier: string;
  readonly line: number;
}

/**
 * `text` with comment bodies and template-literal bodies replaced by spaces (newlines kept, so line
 * numbers survive). Quoted strings are kept: they hold the specifiers. Template literals are blanked
 * because they hold embedded text (schemas, messages) that can look like code.
 */
export function stripComments(text: string): string {
  const out: string[] = [];
  let i = 0;
  const n = text.length;
  const blank = (c: string): string => (c === "\n" ? "\n" : " ");
  while (i < n) {
    const c = text[i];
    const d = text[i + 1];
    if (c === "/" && d === "/") {
      while (i < n && text[i] !== "\n") { out.push(" "); i++; }
    } else if (c === "/" && d === "*") {
      out.push("  ");
      i += 2;
      while (i < n && !(text[i] === "*" && text[i + 1] === "/")) { out.push(blank(text[i])); i++; }
      if (i < n) { out.push("  "); i += 2; }
    } else if (c === '"' || c === "'") {
      out.push(c);
      i++;
      while (i < n && text[i] !== c && text[i] !== "\n") {
        if (text[i] === "\\" && i + 1 < n) { out.push(text[i], text[i + 1]); i += 2; continue; }
        out.push(text[i]);
        i++;
      }
      if (i < n) { out.push(text[i]); i++; }
    } else if (c === "`") {
      out.push("`");
      i++;
      while (i < n && text[i] !== "`") {
        if (text[i] === "\\" && i + 1 < n) { out.push(" ", blank(text[i + 1])); i += 2; continue; }
        out.push(blank(text[i]));
        i++;
      }
      if (i < n) { out.push("`"); i++; }
    } else {
      out.push(c);
      i++;
    }
  }
  return out.join("");
}

const STATIC_FROM = /(?:^|[^\w$.])(?:import|export)\b[^;"'`]*?\bfrom\s*(["'])([^"'\n]+)\1/g;
const SIDE_EFFECT = /(?:^|[^\w$.])import\s*(["'])([^"'\n]+)\1/g;
const DYNAMIC = /(?:^|[^\w$.])import\s*\(\s*(["'`])([^"'`\n]+)\1\s*[,)]/g;
const MATH_RANDOM = /\bMath\s*(?:\.\s*random\b|\[\s*["'`]random["'`]\s*\])/g;

// Spelled inside template literals, which the scan blanks, so that this file does not flag itself.
const MATH_RANDOM_TEXT = `Math.random`;
const RANDOM_RULE = `uses Math.random — seed a stream with createRng(seed) from core/rng.ts`;

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let k = 0; k < index; k++) if (text.charCodeAt(k) === 10) line++;
  return line;
}

/** Every module specifier in `text`, in source order. */
export function parseImports(text: string): ImportRef[] {
  const code = stripComments(text);
  const found: { specifier: string; index: number }[] = [];
  for (const re of [STATIC_FROM, SIDE_EFFECT, DYNAMIC]) {
    for (const m of code.matchAll(re)) found.push({ specifier: m[2], index: m.index + m[0].indexOf(m[1] + m[2]) });
  }
  found.sort((a, b) => a.index - b.index);
  return found.map((f) => ({ specifier: f.specifier, line: lineOf(code, f.index) }));
}

/** Repo-relative target of a relative specifier, or undefined for packages and node: builtins. */
export function resolveSpecifier(fromPath: string, specifier: string): string | undefined {
  if (!specifier.startsWith("./") && !specifier.startsWith("../") && specifier !== "." && specifier !== "..") return undefined;
  return posix.normalize(posix.join(posix.dirname(fromPath), specifier));
}

function under(path: string, dir: string): boolean {
  return path === dir || path.startsWith(`${dir}/`);
}

/** npm packages core/ may use, and where. */
const CORE_PACKAGES: Readonly<Record<string, (path: string) => boolean>> = {
  fastpriorityqueue: (p) => p === "core/event-queue.ts",
  pino: (p) => p === "core/log.ts",
  protobufjs: (p) => under(p, "core/io"),
  // SHD / SSC recordings are HDF5 files (loaded lazily, only when one is read).
  h5wasm: (p) => p === "core/io/events/shd.ts",
};

/** The reason `file` may not import `target` (repo-relative), or undefined if it may. */
function relativeRule(file: string, target: string): string | undefined {
  const source = ["core", "chip", "compiler", "cli"].find((d) => under(file, d));
  if (source === undefined) return undefined;
  if (under(target, "tests") || under(target, "benchmarks")) return `${source}/ must not import tests/ or benchmarks/`;
  if (source === "core" && (under(target, "chip") || under(target, "compiler") || under(target, "cli"))) return "core/ must not import chip/, compiler/ or cli/";
  if (source === "chip" && (under(target, "compiler") || under(target, "cli"))) return "chip/ must not import compiler/ or cli/";
  if (source === "compiler") {
    if (under(target, "cli")) return "compiler/ must not import cli/";
    if (under(target, "chip/sim")) return "compiler/ must not import the simulator (chip/sim/)";
    if (under(target, "chip") && !under(target, "chip/spec") && !under(target, "chip/program")) return "compiler/ may import from chip/ only chip/spec/ and chip/program/";
  }
  return undefined;
}

function packageRule(file: string, specifier: string): string | undefined {
  if (!under(file, "core") || specifier.startsWith("node:")) return undefined;
  const name = specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0];
  const allowed = CORE_PACKAGES[name];
  if (allowed === undefined) return `core/ may use only node: builtins and ${Object.keys(CORE_PACKAGES).join(", ")}`;
  if (!allowed(file)) return `core/ may use "${name}" only in its designated module`;
  return undefined;
}

/** One line per violation: `file:line: "specifier" — rule`. */
export function checkFiles(files: readonly SourceFile[]): string[] {
  const violations: string[] = [];
  for (const f of files) {
    if (/\.(?:ts|mts|cts)$/.test(f.path) && ["core", "chip", "compiler", "cli"].some((d) => under(f.path, d))) {
      for (const ref of parseImports(f.text)) {
        const target = resolveSpecifier(f.path, ref.specifier);
        const rule = target === undefined ? packageRule(f.path, ref.specifier) : relativeRule(f.path, target);
        if (rule !== undefined) violations.push(`${f.path}:${ref.line}: imports "${ref.specifier}"${target === undefined ? "" : ` (${target})`} — ${rule}`);
      }
    }
    const code = stripComments(f.text);
    for (const m of code.matchAll(MATH_RANDOM)) {
      violations.push(`${f.path}:${lineOf(code, m.index)}: ${RANDOM_RULE}`);
    }
  }
  return violations;
}

// ---------------------------------------------------------------------------------------------
// Reading the repository.

const ROOT = process.cwd();
const SOURCE_DIRS = ["core", "chip", "compiler", "cli", "tests", "benchmarks", "bin", "scripts"];
const SOURCE_EXT = /\.(?:ts|mts|cts|js|mjs|cjs)$/;

function repoFiles(): SourceFile[] {
  const files: SourceFile[] = [];
  for (const dir of SOURCE_DIRS) {
    const abs = join(ROOT, dir);
    if (!existsSync(abs)) continue;
    for (const entry of readdirSync(abs, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !SOURCE_EXT.test(entry.name)) continue;
      const full = join(entry.parentPath, entry.name);
      const path = relative(ROOT, full).split(sep).join("/");
      if (path.split("/").includes("node_modules")) continue;
      files.push({ path, text: readFileSync(full, "utf8") });
    }
  }
  return files;
}

// ---------------------------------------------------------------------------------------------

describe("architecture: the checker itself", () => {
  it("parses static, re-export, side-effect, multi-line and dynamic specifiers, ignoring comments and template text", () => {
    const text = [
      'import { a } from "./a.ts";',
      "import type {",
      "  B,",
      "  C,",
      '} from "../b.ts";',
      "export * from './c.ts';",
      'export { d } from "./d.ts";',
      'import "./side.ts";',
      'const m = await import("../dyn.ts");',
      '// import { x } from "../commented.ts";',
      '/* export * from "../block.ts"; */',
      'const s = `import { y } from "../in-template.ts"`;',
      'import fc from "fast-check";',
      "const t = { import: 1 }; const u = t.import;",
    ].join("\n");
    expect(parseImports(text)).toEqual([
      { specifier: "./a.ts", line: 1 },
      { specifier: "../b.ts", line: 5 },
      { specifier: "./c.ts", line: 6 },
      { specifier: "./d.ts", line: 7 },
      { specifier: "./side.ts", line: 8 },
      { specifier: "../dyn.ts", line: 9 },
      { specifier: "fast-check", line: 13 },
    ]);
  });

  it("resolves relative specifiers to repo paths", () => {
    expect(resolveSpecifier("compiler/passes/place.ts", "../../chip/sim/run.ts")).toBe("chip/sim/run.ts");
    expect(resolveSpecifier("core/io/aer-stream.ts", "../diagnostics.ts")).toBe("core/diagnostics.ts");
    expect(resolveSpecifier("core/log.ts", "pino")).toBeUndefined();
    expect(resolveSpecifier("core/log.ts", "node:fs")).toBeUndefined();
  });

  it("flags every forbidden import with file, line and specifier, and accepts allowed ones", () => {
    const files: SourceFile[] = [
      { path: "core/bad.ts", text: 'import { x } from "../chip/sim/run.ts";\nimport p from "pino";\nimport z from "zod";' },
      { path: "core/log.ts", text: 'import pino from "pino";\nimport { AerchipError } from "./diagnostics.ts";' },
      { path: "core/io/ok.ts", text: 'import protobuf from "protobufjs";\nimport { readFileSync } from "node:fs";' },
      { path: "chip/sim/bad.ts", text: 'const c = await import("../../compiler/compile.ts");\nimport { f } from "../../core/rng.ts";' },
      { path: "compiler/passes/bad.ts", text: 'import type { S } from "../../chip/sim/state.ts";\nimport { r } from "../../chip/report/energy.ts";\nimport type { ChipSpec } from "../../chip/spec/types.ts";\nimport { P } from "../../chip/program/types.ts";' },
      { path: "compiler/bad-cli.ts", text: 'export * from "../cli/main.ts";' },
      { path: "cli/bad.ts", text: 'import { h } from "../tests/helpers/shared.ts";\nimport { s } from "../chip/sim/run.ts";' },
      { path: "chip/bad-bench.ts", text: 'export { b } from "../benchmarks/x.ts";' },
      { path: "tests/fine.test.ts", text: 'import { s } from "../chip/sim/run.ts";\nimport { c } from "../compiler/compile.ts";' },
      { path: "core/random.ts", text: `// ${MATH_RANDOM_TEXT} is banned\nconst a = 1;\nconst r = ${MATH_RANDOM_TEXT}();\nconst q = Math['random'];\nconst s = \`${MATH_RANDOM_TEXT}\`;` },
      { path: "tests/random.test.ts", text: `const r = ${MATH_RANDOM_TEXT}();` },
    ];
    expect(checkFiles(files)).toEqual([
      'core/bad.ts:1: imports "../chip/sim/run.ts" (chip/sim/run.ts) — core/ must not import chip/, compiler/ or cli/',
      'core/bad.ts:2: imports "pino" — core/ may use "pino" only in its designated module',
      'core/bad.ts:3: imports "zod" — core/ may use only node: builtins and fastpriorityqueue, pino, protobufjs, h5wasm',
      'chip/sim/bad.ts:1: imports "../../compiler/compile.ts" (compiler/compile.ts) — chip/ must not import compiler/ or cli/',
      'compiler/passes/bad.ts:1: imports "../../chip/sim/state.ts" (chip/sim/state.ts) — compiler/ must not import the simulator (chip/sim/)',
      'compiler/passes/bad.ts:2: imports "../../chip/report/energy.ts" (chip/report/energy.ts) — compiler/ may import from chip/ only chip/spec/ and chip/program/',
      'compiler/bad-cli.ts:1: imports "../cli/main.ts" (cli/main.ts) — compiler/ must not import cli/',
      'cli/bad.ts:1: imports "../tests/helpers/shared.ts" (tests/helpers/shared.ts) — cli/ must not import tests/ or benchmarks/',
      'chip/bad-bench.ts:1: imports "../benchmarks/x.ts" (benchmarks/x.ts) — chip/ must not import tests/ or benchmarks/',
      `core/random.ts:3: ${RANDOM_RULE}`,
      `core/random.ts:4: ${RANDOM_RULE}`,
      `tests/random.test.ts:1: ${RANDOM_RULE}`,
    ]);
  });
});

describe("architecture: the repository", () => {
  const files = repoFiles();

  it("finds the source tree", () => {
    const paths = new Set(files.map((f) => f.path));
    for (const p of ["core/diagnostics.ts", "core/rng.ts", "tests/architecture.test.ts"]) expect(paths.has(p), p).toBe(true);
    expect(files.filter((f) => f.path.startsWith("compiler/")).length).toBeGreaterThan(0);
  });

  it(`respects the layer import rules and never uses ${MATH_RANDOM_TEXT}`, () => {
    expect(checkFiles(files)).toEqual([]);
  });
});

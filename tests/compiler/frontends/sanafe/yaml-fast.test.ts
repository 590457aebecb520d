/**
 * The fast SANA-FE YAML reader must give exactly the tree (values and line numbers) of the full `yaml`
 * parser, or give up (undefined) so that the full parser runs — never a different tree. Checked on the
 * SANA-FE fixtures, on hand-written edge cases, and on seeded random documents with random corruptions.
 * The limits and coded errors of parseYamlTree stay those of the full parser.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { createRng, type Rng } from "../../../../core/rng.ts";
import { parseYamlFast } from "../../../../compiler/frontends/sanafe/yaml-fast.ts";
import { parseYamlTree, parseYamlTreeFull, type YNode } from "../../../../compiler/frontends/sanafe/yaml-tree.ts";
import { SKIP_MSG } from "../../../helpers/shared.ts";

const SHARED = resolve(process.cwd(), "../shared");
const hasShared = existsSync(SHARED);

function show(n: YNode): string {
  if (n.kind === "scalar") return `${JSON.stringify(n.value)}@${n.line}`;
  if (n.kind === "seq") return `[${n.items.map(show).join(", ")}]@${n.line}`;
  return `{${n.entries.map(([k, v]) => `${JSON.stringify(k)}: ${show(v)}`).join(", ")}}@${n.line}`;
}

/** "bail" when the fast reader gives up, else whether its tree equals the full parser's. */
function compare(text: string): "bail" | "same" | string {
  const fast = parseYamlFast(text, 64, 50_000_000);
  if (fast === undefined) return "bail";
  let full: string;
  try {
    full = show(parseYamlTreeFull(text, "t.yaml"));
  } catch (e) {
    full = `error ${(e as { code?: string }).code}`;
  }
  return show(fast) === full ? "same" : `differs:\n fast ${show(fast)}\n full ${full}`;
}

const code = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
};

describe.skipIf(!hasShared)(`fast YAML reader on the SANA-FE fixtures ${SKIP_MSG}`, () => {
  for (const f of ["dvs.yaml", "loihi.yaml", "truenorth.yaml", "example_chip.yaml", "example_snn.yaml", "conv.yaml"]) {
    it(`${f}: same tree as the full parser`, () => {
      expect(compare(readFileSync(resolve(SHARED, "fixtures/sanafe", f), "utf8"))).toBe("same");
    });
  }
});

describe("fast YAML reader: same tree or no tree", () => {
  it("reads SANA-FE's constructs the way the yaml package does (lines included)", () => {
    const text = [
      "network:",
      "  name: n",
      "  groups:",
      "  - name: 0",
      "    attributes: {soma_hw_name: loihi_lif, threshold: 255,",
      "      reset: 0}",
      "    neurons:",
      "    - {0: {bias: 0}}",
      "    - 1..9: []",
      "    - 10:",
      "  edges:",
      "  - 0 -> 0:",
      "      weight: [-40, 92,",
      "        3]  # trailing comment",
      "mappings:",
      "- {'0.1004': {core: '12.0'}}",
      "- 0.0..3: [core: 0.10, soma: x]",
      "",
    ].join("\n");
    expect(compare(text)).toBe("same");
    const t = parseYamlFast(text, 64, 1000);
    expect(t?.line).toBe(1);
  });

  it("leaves everything outside the subset to the full parser", () => {
    const outside = [
      "a: &x 1\nb: *x\n", "a: !!str 1\n", "a: |\n  x\n", "a: >\n  x\n", "? a\n: b\n", "a: 1\n---\nb: 2\n", "%YAML 1.2\n---\na: 1\n",
      "a: 1\r\nb: 2\r\n", "a:\t1\n", "\uFEFFa: 1\n", "a: x\n  y\n", "a: 'x\n  y'\n", "a: \"x\\ty\"\n", "a: [x:, y]\n", "a: {b}\n",
      "a: 1\na: 2\n", "a: {<<: x}\n", "- 1\n- 2\n", "a", "", "a: [1, 2\nb: 3\n", "a: b: c\n", "a: -\n", "a: [-]\n",
    ];
    for (const t of outside) expect(compare(t)).toBe("bail");
  });

  it("agrees on seeded random documents and their corruptions", () => {
    const rng = createRng(2024);
    let same = 0;
    for (let i = 0; i < 1500; i++) {
      let text = randomDocument(rng);
      const cuts = rng.nextBelow(4);
      for (let m = 0; m < cuts; m++) text = corrupt(rng, text);
      const r = compare(text);
      if (r !== "bail" && r !== "same") expect.fail(`${JSON.stringify(text)}\n${r}`);
      if (r === "same") same++;
    }
    // Most uncorrupted documents take the fast path, so the agreement is tested, not skipped.
    expect(same).toBeGreaterThan(500);
  });

  it("keeps parseYamlTree's limits and coded errors", () => {
    // Deep nesting in a document the fast reader would otherwise accept.
    expect(code(() => parseYamlTree(`a: ${"[".repeat(100)}${"]".repeat(100)}\n`, "deep.yaml"))).toBe("E_SANAFE_NESTING");
    expect(code(() => parseYamlTree("a: [1, 2, 3]\nb: {c: d}\n", "n.yaml", { maxNodes: 4 }))).toBe("E_SANAFE_TOO_LARGE");
    expect(parseYamlFast("a: [1, 2, 3]\n", 64, 4)).toBeUndefined();
    expect(parseYamlFast("a: [1, 2, 3]\n", 64, 5)).toBeDefined();
    expect(code(() => parseYamlTree("a: 1\na: 2\n", "dup.yaml"))).toBe("E_SANAFE_YAML");
    expect(code(() => parseYamlTree("a: [1, 2\nb: 3\n", "bad.yaml"))).toBe("E_SANAFE_YAML");
  });
});

// ---------------------------------------------------------------------------------------------------
// Random SANA-FE-like documents: block maps and sequences (compact and same-indent forms), flow
// collections over several lines, plain and quoted scalars, comments.

const WORDS = ["a", "name", "0", "12", "-3", "1.5e-12", "0.10", "x y", "0..9", "g.1", "a -> b", "true", "~", "null", "w:x", "a#b", "x]", "''", "it's", "-x", "1,2"];
const pick = <T>(rng: Rng, a: readonly T[]): T => a[rng.nextBelow(a.length)];

function scalar(rng: Rng, flow: boolean): string {
  const w = pick(rng, WORDS);
  const r = rng.nextFloat();
  if (r < 0.15 || (flow && /[,[\]{}]/.test(w))) return `'${w.replace(/'/g, "''")}'`;
  if (r < 0.25) return `"${w}"`;
  return w;
}

type Gen = { t: "s" } | { t: "m" | "q"; e: Gen[] };

function gen(rng: Rng, depth: number): Gen {
  const r = rng.nextFloat();
  if (depth > 3 || r < 0.35) return { t: "s" };
  const e = Array.from({ length: (r < 0.7 ? 1 : 0) + rng.nextBelow(4) }, () => gen(rng, depth + 1));
  return { t: r < 0.7 ? "m" : "q", e };
}

function flow(rng: Rng, n: Gen): string {
  if (n.t === "s") return scalar(rng, true);
  const sep = (): string => (rng.nextFloat() < 0.2 ? `,\n${" ".repeat(4 + rng.nextBelow(6))}` : ", ");
  if (n.t === "m") return `{${n.e.map((c, i) => `k${i}: ${flow(rng, c)}`).join(sep())}}`;
  return `[${n.e.map((c) => (c.t === "s" && rng.nextFloat() < 0.15 ? `${scalar(rng, true)}: ${flow(rng, c)}` : flow(rng, c))).join(sep())}]`;
}

function block(rng: Rng, n: Gen, ind: number, out: string[]): void {
  const sp = " ".repeat(ind);
  if (n.t === "m") {
    if (n.e.length === 0) { out.push(`${sp}e: {}`); return; }
    n.e.forEach((c, i) => {
      if (c.t === "s" || rng.nextFloat() < 0.3) out.push(`${sp}k${i}: ${c.t === "s" ? scalar(rng, false) : flow(rng, c)}${rng.nextFloat() < 0.1 ? "  # c" : ""}`);
      else if (c.t === "q" && rng.nextFloat() < 0.5) { out.push(`${sp}k${i}:`); block(rng, c, ind, out); }
      else { out.push(`${sp}k${i}:`); block(rng, c, ind + 1 + rng.nextBelow(3), out); }
      if (rng.nextFloat() < 0.05) out.push("");
    });
  } else if (n.t === "q") {
    if (n.e.length === 0) { out.push(`${sp}- []`); return; }
    for (const c of n.e) {
      if (c.t === "s") out.push(`${sp}- ${scalar(rng, false)}`);
      else if (rng.nextFloat() < 0.4) out.push(`${sp}- ${flow(rng, c)}`);
      else if (c.t === "m" && c.e.length > 0) {
        const sub: string[] = [];
        block(rng, c, ind + 2, sub);
        sub[0] = `${sp}- ${sub[0].slice(ind + 2)}`;
        out.push(...sub);
      } else { out.push(`${sp}-`); block(rng, c, ind + 2, out); }
    }
  } else out.push(`${sp}${scalar(rng, false)}`);
}

function randomDocument(rng: Rng): string {
  const root: Gen = { t: "m", e: Array.from({ length: 1 + rng.nextBelow(3) }, () => gen(rng, 0)) };
  const lines: string[] = [];
  block(rng, root, 0, lines);
  return lines.join("\n") + (rng.nextFloat() < 0.8 ? "\n" : "");
}

const NOISE = [" ", "\n", ":", "-", "#", ",", "[", "]", "{", "}", "'", "\"", "a", "0", "&", "*", "!", "|", ">", "?", "\t", ": ", "- ", "  ", "\n  "];

function corrupt(rng: Rng, text: string): string {
  const p = rng.nextBelow(text.length + 1);
  const r = rng.nextFloat();
  if (r < 0.5) return text.slice(0, p) + pick(rng, NOISE) + text.slice(p);
  if (r < 0.8) return text.slice(0, p) + text.slice(p + 1);
  const lines = text.split("\n");
  const j = rng.nextBelow(lines.length);
  lines.splice(j, 0, lines[j]);
  return lines.join("\n");
}

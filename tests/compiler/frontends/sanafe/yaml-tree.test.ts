import { describe, expect, it } from "vitest";
import { child, parseYamlTree } from "../../../../compiler/frontends/sanafe/yaml-tree.ts";
import { scalarAttr } from "../../../../compiler/frontends/sanafe/scalars.ts";

const code = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
};

describe("SANA-FE YAML reading", () => {
  it("keeps scalars as text (failsafe), so core addresses like 0.10 survive", () => {
    const t = parseYamlTree("m:\n  - {'a.1': {core: 0.10}}\n  - b: 1.5e-12\n", "x.yaml");
    const m = child(t, "m");
    expect(m?.kind).toBe("seq");
    if (m?.kind !== "seq") return;
    const first = m.items[0];
    const core = child(child(first, "a.1"), "core");
    expect(core).toMatchObject({ kind: "scalar", value: "0.10", line: 2 });
    expect(child(m.items[1], "b")).toMatchObject({ kind: "scalar", value: "1.5e-12", line: 3 });
  });

  it("expands a few aliases but rejects alias bombs", () => {
    const ok = parseYamlTree("a: &x [1, 2]\nb: *x\n", "x.yaml");
    expect(child(ok, "b")).toMatchObject({ kind: "seq" });
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x]"];
    for (const [n, p] of [["b", "a"], ["c", "b"], ["d", "c"], ["e", "d"], ["f", "e"], ["g", "f"]]) bomb.push(`${n}: &${n} [${Array(9).fill(`*${p}`).join(", ")}]`);
    expect(code(() => parseYamlTree(bomb.join("\n"), "bomb.yaml"))).toBe("E_SANAFE_ALIAS_BOMB");
    expect(code(() => parseYamlTree("a: &x [1]\nb: [*x, *x, *x]\n", "x.yaml", { maxAliasCount: 2 }))).toBe("E_SANAFE_ALIAS_BOMB");
  });

  it("rejects deep nesting, syntax errors, duplicate keys and several documents", () => {
    expect(code(() => parseYamlTree(`a: ${"[".repeat(100)}${"]".repeat(100)}`, "deep.yaml"))).toBe("E_SANAFE_NESTING");
    expect(code(() => parseYamlTree(`a: ${"[".repeat(20000)}${"]".repeat(20000)}`, "deeper.yaml"))).toBe("E_SANAFE_NESTING");
    expect(code(() => parseYamlTree("a: [1, 2\nb: 3\n", "bad.yaml"))).toBe("E_SANAFE_YAML");
    expect(code(() => parseYamlTree("a: 1\na: 2\n", "dup.yaml"))).toBe("E_SANAFE_YAML");
    expect(code(() => parseYamlTree("a: 1\n---\nb: 2\n", "two.yaml"))).toBe("E_SANAFE_YAML");
  });

  it("types scalars like SANA-FE: int, then double, then bool, then string", () => {
    expect(scalarAttr("42", 1)).toMatchObject({ t: "int", v: 42 });
    expect(scalarAttr("-7", 1)).toMatchObject({ t: "int", v: -7 });
    expect(scalarAttr("0x10", 1)).toMatchObject({ t: "int", v: 16 });
    expect(scalarAttr("3000000000", 1)).toMatchObject({ t: "double", v: 3e9 });
    expect(scalarAttr("0.99975585937", 1)).toMatchObject({ t: "double", v: 0.99975585937 });
    expect(scalarAttr("2.5e-12", 1)).toMatchObject({ t: "double", v: 2.5e-12 });
    expect(scalarAttr("true", 1)).toMatchObject({ t: "bool", v: true });
    expect(scalarAttr("hard", 1)).toMatchObject({ t: "string", v: "hard" });
  });
});

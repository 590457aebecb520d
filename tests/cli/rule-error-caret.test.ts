/**
 * A learning-rule error shows the rule's line and a caret under the bad column on lines of their own.
 * They were part of the message, which the CLI prints on one line with newlines escaped, so stderr read
 * `… of learning rule:\n  dw = …\n      ^` and the caret pointed at nothing.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";

describe("CLI: a rule-text error's caret lines up under the rule", () => {
  it("prints the rule and the caret on their own lines, the caret under the unknown factor", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aerchip-caret-"));
    const model = JSON.parse(readFileSync("examples/learning/stdp-pair.model.json", "utf8"));
    const rule = "dw = 2^-5*x1*y0 - 2^-5*q1*x0";
    model.projections[0].learning.rule = rule;
    const file = join(dir, "q1.model.json");
    writeFileSync(file, JSON.stringify(model));
    const r = await cli("run", file, "--arch", "loihi", "--out", join(dir, "o"));
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain("\\n");
    const lines = r.stderr.split("\n");
    const ruleLine = lines.findIndex((l) => l.trimStart() === rule);
    expect(ruleLine, r.stderr).toBeGreaterThan(0);
    const caretCol = lines[ruleLine + 1].indexOf("^");
    expect(lines[ruleLine + 1].trim()).toBe("^");
    expect(lines[ruleLine].slice(caretCol, caretCol + 2)).toBe("q1");
    expect(lines[0]).toMatch(/^aerchip: E_RULE_\w+: .*of learning rule \[file: /);
  });
});

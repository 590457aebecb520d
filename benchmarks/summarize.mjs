// Summarises several runs of the suite (JSON-lines files written by `node benchmarks/run.mjs > runN.jsonl`):
// per benchmark, the best value of each timing field over the runs and its spread ((worst − best) / best).
// Usage: node benchmarks/summarize.mjs run1.jsonl run2.jsonl [...]
import { readFileSync } from "node:fs";

const files = process.argv.slice(2);
const FIELDS = [
  ["simulationSeconds", "min"], ["synapticEventsPerSecond", "max"], ["wholeProcessSeconds", "min"], ["peakRssMb", "min"],
  ["compileSeconds", "min"], ["buildSeconds", "min"], ["loadSeconds", "min"],
];
const byName = new Map();
for (const f of files) {
  for (const line of readFileSync(f, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    const r = JSON.parse(line);
    if (!byName.has(r.benchmark)) byName.set(r.benchmark, []);
    byName.get(r.benchmark).push(r);
  }
}
const out = {};
for (const [name, runs] of byName) {
  const row = { runs: runs.length };
  for (const [k, better] of FIELDS) {
    const xs = runs.map((r) => r[k]).filter((x) => typeof x === "number");
    if (xs.length === 0) continue;
    const best = better === "min" ? Math.min(...xs) : Math.max(...xs);
    const worst = better === "min" ? Math.max(...xs) : Math.min(...xs);
    row[k] = { best: Number(best.toPrecision(4)), spreadPct: Math.round((Math.abs(worst - best) / best) * 1000) / 10 };
  }
  out[name] = row;
}
process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);

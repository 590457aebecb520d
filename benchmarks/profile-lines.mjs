// Summarises a V8 .cpuprofile (from `node --cpu-prof`) by source line: self time per (file, line) and per
// function, for the files whose URL contains a filter (default "chip/sim/run.js"). Prints JSON.
// Usage: node benchmarks/profile-lines.mjs <file.cpuprofile> [urlFilter=chip/sim/run.js] [top=40]
import { readFileSync } from "node:fs";

const [file, filter = "chip/sim/run.js", topArg = "40"] = process.argv.slice(2);
if (file === undefined) {
  process.stderr.write("usage: node benchmarks/profile-lines.mjs <file.cpuprofile> [urlFilter] [top]\n");
  process.exit(2);
}
const prof = JSON.parse(readFileSync(file, "utf8"));
// Sample interval: profile timestamps are in µs; self time of a node = its sample count × mean interval.
const dtUs = (prof.endTime - prof.startTime) / Math.max(1, prof.samples.length);
const byLine = new Map();
const byFunction = new Map();
let total = 0;
let matched = 0;
const selfSamples = new Map();
for (const id of prof.samples) selfSamples.set(id, (selfSamples.get(id) ?? 0) + 1);
for (const node of prof.nodes) {
  const hits = selfSamples.get(node.id) ?? 0;
  total += hits;
  const cf = node.callFrame;
  const fnKey = `${cf.functionName || "(anonymous)"} ${cf.url.replace(/^.*\/(dist|node_modules)\//, "$1/")}:${cf.lineNumber + 1}`;
  byFunction.set(fnKey, (byFunction.get(fnKey) ?? 0) + hits);
  if (!cf.url.includes(filter)) continue;
  matched += hits;
  // positionTicks attribute a node's self samples to source lines (1-based).
  // Keyed by file and line: a filter can match several files.
  const short = cf.url.replace(/^.*\/(dist|node_modules|\.bench-out\/[^/]+)\//, "");
  for (const pt of node.positionTicks ?? []) { const key = `${short}:${pt.line}`; byLine.set(key, (byLine.get(key) ?? 0) + pt.ticks); }
}
const top = Number(topArg);
const ms = (n) => Math.round(n * dtUs) / 1000;
const out = {
  profile: file, sampleIntervalUs: dtUs, totalMs: ms(total), filter, filterSelfMs: ms(matched),
  topFunctions: [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top).map(([f, n]) => ({ fn: f, selfMs: ms(n) })),
  topLines: [...byLine].sort((a, b) => b[1] - a[1]).slice(0, top).map(([line, n]) => ({ line, selfMs: ms(n), pctOfFilter: Math.round((1000 * n) / Math.max(1, matched)) / 10 })),
};
process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);

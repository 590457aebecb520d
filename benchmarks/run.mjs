// `npm run bench`: runs each benchmark in its own Node process (so whole-process time and peak RSS are
// its own) and prints one JSON record per line. Never part of `npm test`. Needs ../shared for the
// reference networks; skipped benchmarks print {"benchmark": ..., "skipped": reason}.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const shared = resolve(root, "../shared");
const benches = [
  { name: "bench_lif10k", script: "benchmarks/snnref.mjs", args: [join(shared, "fixtures/snnref/bench/bench_lif10k.net.json.gz"), "generic", "140885"], needs: join(shared, "fixtures/snnref/bench/bench_lif10k.net.json.gz") },
  { name: "bench_stdp2l", script: "benchmarks/snnref.mjs", args: [join(shared, "fixtures/snnref/bench/bench_stdp2l.net.json.gz"), "generic", "13547"], needs: join(shared, "fixtures/snnref/bench/bench_stdp2l.net.json.gz") },
];
for (const b of benches) {
  if (b.needs !== undefined && !existsSync(b.needs)) {
    process.stdout.write(`${JSON.stringify({ benchmark: b.name, skipped: `${b.needs} not found (../shared absent)` })}\n`);
    continue;
  }
  const out = execFileSync(process.execPath, [join(root, b.script), ...b.args], { cwd: root, encoding: "utf8", maxBuffer: 1 << 26 });
  process.stdout.write(out);
}

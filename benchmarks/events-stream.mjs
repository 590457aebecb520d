// Streams a large event recording through aerchip's readers and reports time and peak memory.
//
// Usage: node benchmarks/events-stream.mjs [--events=10000000] [--format=bin|aedat|csv] [--chunk-bytes=1048576] [--keep]
//
// 1. Writes an N-MNIST-format file (or AEDAT 3.1 / CSV) of --events pseudo-random events on a 34×34×2
//    sensor to the OS temp directory, with aerchip's streaming writer (bounded memory).
// 2. Reads it back in a fresh Node process (so the peak RSS is the reader's alone) with readNmnist /
//    readAedat31 / readCsvEvents, counting events, ON events and the time range without keeping batches.
// Prints one JSON record: {benchmark, format, events, fileMb, seconds, eventsPerSecond, peakRssMb, …}.
// Uses the built tree (dist/, or AERCHIP_DIST; see benchmarks/README.md). Not part of npm test.
import { spawnSync } from "node:child_process";
import { rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { closingFields, dist, emit, now, peakRssMb, seconds } from "./lib.mjs";

const args = Object.fromEntries(process.argv.slice(2).map((a) => {
  const m = /^--([^=]+)(?:=(.*))?$/.exec(a);
  return m === null ? [a, true] : [m[1], m[2] ?? true];
}));
const format = args.format ?? "bin";
const chunkBytes = Number(args["chunk-bytes"] ?? 1 << 20);

/** Pseudo-random events in time order, generated batch by batch (no whole-file arrays). */
function* syntheticBatches(total, batchEvents) {
  let s = 12345;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
  let t = 0;
  for (let done = 0; done < total; done += batchEvents) {
    const n = Math.min(batchEvents, total - done);
    const x = new Uint16Array(n), y = new Uint16Array(n), p = new Uint8Array(n), tUs = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const r = next();
      x[i] = r % 34;
      y[i] = (r >>> 8) % 34;
      p[i] = (r >>> 16) & 1;
      t += (r >>> 20) & 3; // mean 1.5 µs between events: 1e7 events span 15 s, well past 2^23 µs (overflow markers)
      tUs[i] = t;
    }
    yield { x, y, p, tUs, length: n, geometry: { width: 34, height: 34, polarities: 2 } };
  }
}

async function readPhase(path) {
  const ev = await dist("core/io/events/index.js");
  const reader = format === "bin" ? ev.readNmnist : format === "aedat" ? ev.readAedat31 : ev.readCsvEvents;
  const opts = format === "csv" ? { chunkBytes, geometry: { width: 34, height: 34, polarities: 2 } } : { chunkBytes };
  const rssBefore = peakRssMb();
  const t0 = now();
  let events = 0, on = 0, batches = 0, tMin = Infinity, tMax = -Infinity;
  for await (const b of reader(path, opts)) {
    batches++;
    events += b.length;
    for (let i = 0; i < b.length; i++) on += b.p[i];
    if (b.length > 0) {
      tMin = Math.min(tMin, b.tUs[0]);
      tMax = Math.max(tMax, b.tUs[b.length - 1]);
    }
  }
  const t1 = now();
  const secs = seconds(t0, t1);
  emit({
    benchmark: "events_stream", format, events, onEvents: on, batches, tMinUs: tMin, tMaxUs: tMax,
    fileMb: statSync(path).size / 2 ** 20, chunkBytes, seconds: secs, eventsPerSecond: events / secs,
    peakRssBeforeReadMb: rssBefore, ...closingFields(),
  });
}

async function main() {
  if (args.read !== undefined) return readPhase(args.read);
  const total = Number(args.events ?? 1e7);
  const ev = await dist("core/io/events/index.js");
  const ext = format === "bin" ? "bin" : format === "aedat" ? "aedat" : "csv";
  const path = join(tmpdir(), `aerchip-events-bench-${process.pid}.${ext}`);
  const t0 = now();
  const batches = syntheticBatches(total, 65536);
  if (format === "bin") await ev.writeNmnist(path, batches);
  else if (format === "aedat") await ev.writeAedat31(path, batches, { width: 34, height: 34, polarities: 2 });
  else await ev.writeCsvEvents(path, batches);
  const writeSeconds = seconds(t0, now());
  process.stderr.write(`wrote ${total} events (${(statSync(path).size / 2 ** 20).toFixed(1)} MB) in ${writeSeconds.toFixed(2)} s, peak RSS ${peakRssMb().toFixed(0)} MB\n`);
  try {
    const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), `--read=${path}`, `--format=${format}`, `--chunk-bytes=${chunkBytes}`], { stdio: ["ignore", "inherit", "inherit"], env: process.env });
    if (child.status !== 0) process.exitCode = child.status ?? 1;
  } finally {
    if (args.keep === undefined) rmSync(path, { force: true });
  }
}

await main();

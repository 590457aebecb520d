/**
 * `--tick-origin first-event` (readEventsForInput t0Us "first") for every event reader: the frames of a file
 * equal those of the same events given as CSV, with and without tonic's overlap (audit s24c #1: the
 * structured .npy branch passed no origin, so its frames started at t = 0 while the provenance said
 * first-event). The CSV frames are checked against frames computed here from the events (tick of an event =
 * ⌊(t − t_first) / W⌋), and every file's first event is off the 0-based grid, so an ignored origin shows.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeBatch } from "../../../../core/io/events/batch.ts";
import { writeCsvEvents } from "../../../../core/io/events/csv-events.ts";
import { encodeAerStreamEvents } from "../../../../core/io/events/aer-events.ts";
import { readAllEvents, readEventsForInput, shdSampleForInput, type InputReadOptions } from "../../../../core/io/events/detect.ts";
import { ShdFile } from "../../../../core/io/events/shd.ts";
import type { EventBatch, InputSpikes } from "../../../../core/io/events/types.ts";
import { aedat2Bytes, aedat3Bytes, nmnistBytes, randomEvents, structuredNpyBytes, tempDir, type Ev } from "./helpers/formats.ts";
import { writeShdFile } from "./helpers/hdf5-writer.ts";

const dir = tempDir();
const W_US = 2000;
const OVERLAP_US = 500;

/** 40 events on a 16 × 16 DVS, starting at 1,137 µs (not a multiple of W), ~250 µs apart. */
const DVS_EVENTS: Ev[] = randomEvents(40, 16, 16, 7, 500).map((e, i) => ({ ...e, t: i === 0 ? 1137 : e.t + 1137 }));
const DVS_SHAPE = [2, 16, 16];

/** Spikes as "tick:neuron×count" strings, order-independent. */
function frames(s: InputSpikes): string[] {
  return Array.from(s.tick, (t, k) => `${t}:${s.neuron[k]}×${s.count?.[k] ?? 1}`).sort();
}

/** Frames of W µs from the first event, computed from the events (no overlap). */
function expectedFrames(events: EventBatch, neuronOf: (k: number) => number): string[] {
  let first = Infinity;
  for (let k = 0; k < events.length; k++) first = Math.min(first, events.tUs[k]);
  const m = new Map<string, number>();
  for (let k = 0; k < events.length; k++) {
    const key = `${Math.floor((events.tUs[k] - first) / W_US)}:${neuronOf(k)}`;
    m.set(key, (m.get(key) ?? 0) + 1);
  }
  return [...m].map(([key, c]) => `${key}×${c}`).sort();
}

/** The frames of `path` equal those of its events written as CSV, with t0 "first", with and without overlap. */
async function checkAgainstCsv(path: string, name: string, base: Omit<InputReadOptions, "tickUs">, neuronOf: (b: EventBatch, k: number) => number): Promise<void> {
  const events = await readAllEvents(path, base);
  const csv = join(dir, `${name}.csv`);
  await writeCsvEvents(csv, [events]);
  const first: InputReadOptions = { ...base, tickUs: W_US, t0Us: "first", counts: true };
  const fromFile = frames(await readEventsForInput(path, first));
  const fromCsv = frames(await readEventsForInput(csv, first));
  expect(fromCsv).toEqual(expectedFrames(events, (k) => neuronOf(events, k)));
  expect(fromFile).toEqual(fromCsv);
  // The origin matters for these events: frames from t = 0 differ.
  expect(frames(await readEventsForInput(path, { ...base, tickUs: W_US, counts: true }))).not.toEqual(fromFile);
  const overlap: InputReadOptions = { ...first, overlap: OVERLAP_US };
  const ovFile = frames(await readEventsForInput(path, overlap));
  expect(ovFile).toEqual(frames(await readEventsForInput(csv, overlap)));
  expect(frames(await readEventsForInput(path, { ...overlap, t0Us: 0 }))).not.toEqual(ovFile);
}

const chw = (H: number, W: number) => (b: EventBatch, k: number): number => (b.p[k] * H + b.y[k]) * W + b.x[k];

describe("--tick-origin first-event for every event reader (frames = the CSV path's)", () => {
  const geometry = { width: 16, height: 16, polarities: 2 };

  it("structured .npy (tonic's dtype)", async () => {
    const p = join(dir, "ev.npy");
    writeFileSync(p, structuredNpyBytes([
      { name: "x", descr: "<i2", values: DVS_EVENTS.map((e) => e.x) },
      { name: "y", descr: "<i2", values: DVS_EVENTS.map((e) => e.y) },
      { name: "t", descr: "<i8", values: DVS_EVENTS.map((e) => BigInt(e.t)) },
      { name: "p", descr: "|b1", values: DVS_EVENTS.map((e) => e.p) },
    ]));
    await checkAgainstCsv(p, "npy", { inputShape: DVS_SHAPE, geometry }, chw(16, 16));
  });

  it("AEDAT 2.0 and AEDAT 3.1", async () => {
    const a2 = join(dir, "ev2.aedat");
    writeFileSync(a2, aedat2Bytes(DVS_EVENTS));
    await checkAgainstCsv(a2, "aedat2", { inputShape: [2, 128, 128] }, chw(128, 128));
    const a3 = join(dir, "ev3.aedat");
    writeFileSync(a3, aedat3Bytes([{ events: DVS_EVENTS.slice(0, 25) }, { events: DVS_EVENTS.slice(25) }]));
    await checkAgainstCsv(a3, "aedat3", { inputShape: [2, 128, 128] }, chw(128, 128));
  });

  it("N-MNIST .bin", async () => {
    const p = join(dir, "ev.bin");
    writeFileSync(p, nmnistBytes(DVS_EVENTS));
    await checkAgainstCsv(p, "nmnist", { inputShape: DVS_SHAPE, geometry }, chw(16, 16));
  });

  it("aerchip AER stream (as events, and used directly with its own addresses)", async () => {
    const p = join(dir, "ev.aer");
    const b = makeBatch({ x: DVS_EVENTS.map((e) => e.x), y: DVS_EVENTS.map((e) => e.y), p: DVS_EVENTS.map((e) => e.p), tUs: DVS_EVENTS.map((e) => e.t) }, geometry);
    writeFileSync(p, encodeAerStreamEvents(b));
    // The source's 512 addresses = the input's: the direct (address = neuron) path, re-binned to W.
    await checkAgainstCsv(p, "aer-direct", { inputShape: DVS_SHAPE }, chw(16, 16));
    // A larger input: the events path.
    await checkAgainstCsv(p, "aer-events", { inputShape: [2, 20, 20], geometry }, chw(20, 20));
  });

  it("SHD HDF5, one sample (run) and a sample of an open file (evaluate)", async () => {
    const p = join(dir, "shd.h5");
    // Times k/1024 s are exact in float32; the first, 3/1024 s = 2,929.6875 µs, is off the 2 ms grid.
    const times = Array.from({ length: 30 }, (_, i) => (3 + 7 * i) / 1024);
    const units = Array.from({ length: 30 }, (_, i) => (i * 37) % 700);
    writeShdFile(p, [{ times: [0.5], units: [1], label: 0 }, { times, units, label: 3 }]);
    const base = { inputShape: [700], geometry: { width: 700, height: 1, polarities: 1 }, sample: 1 };
    await checkAgainstCsv(p, "shd", base, (b, k) => b.x[k]);
    const f = await ShdFile.open(p);
    try {
      const opts: InputReadOptions = { inputShape: [700], tickUs: W_US, t0Us: "first", counts: true, overlap: OVERLAP_US };
      expect(frames(await shdSampleForInput(f, 1, opts))).toEqual(frames(await readEventsForInput(p, { ...opts, sample: 1 })));
    } finally {
      f.close();
    }
  });
});

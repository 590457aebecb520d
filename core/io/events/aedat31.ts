/**
 * AEDAT 3.1 (cAER / libcaer) recordings, as used by DVS128 Gesture.
 *
 * File: ASCII header lines starting with '#' (first `#!AER-DAT3.1`, last `#!END-HEADER`), then event
 * packets, little endian. Each packet is a 28-byte header
 *   int16 eventType (1 = polarity), int16 eventSource, int32 eventSize (bytes per event, 8 for polarity),
 *   int32 eventTSOffset (byte offset of the timestamp inside an event, 4), int32 eventTSOverflow,
 *   int32 eventCapacity, int32 eventNumber, int32 eventValid
 * followed by eventCapacity × eventSize bytes, of which the first eventNumber events are filled.
 * Packets of other types (special, frame, IMU, …) are skipped whole.
 *
 * Polarity event: uint32 data, int32 timestamp (µs).
 *   bit 0 valid (events with 0 are skipped), bit 1 polarity (1 = ON), bits 2–16 y, bits 17–31 x.
 *   time = eventTSOverflow · 2^31 + timestamp   (libcaer's (overflow << 31) | timestamp, without the
 *   32-bit truncation).
 *
 * Geometry: from the header's `#Source N: <camera>` line for known cameras (DVS128 128×128, DAVIS240
 * 240×180, DAVIS346 346×260, DVXplorer 640×480), else DVS128; `options.geometry` overrides.
 */
import { BatchBuilder, checkGeometry, resolveReadOptions } from "./batch.ts";
import { readAedatHeader } from "./aedat-header.ts";
import { DVS128_GEOMETRY } from "./aedat2.ts";
import { EventsErrorCode, eventsError } from "./errors.ts";
import { ChunkedFile, writeFileStreaming } from "./file-io.ts";
import type { EventBatch, ReadEventsOptions, SensorGeometry } from "./types.ts";

export const AEDAT3_PACKET_HEADER_BYTES = 28;
export const AEDAT3_POLARITY_EVENT = 1;
export const AEDAT3_POLARITY_EVENT_BYTES = 8;
const TWO_POW_31 = 2147483648;
/**
 * Times the writer can store: eventTSOverflow is an int32 count of 2^31 µs, so t < 2^31 · 2^31 = 2^62 µs
 * (about 146,000 years). A larger time would wrap the counter negative and the file would not read back.
 */
export const AEDAT31_MAX_TIME_US = 2 ** 62;
/** Events per packet the writer emits (cAER writes packets of a few thousand events). */
export const AEDAT3_WRITE_PACKET_EVENTS = 4096;

const KNOWN_CAMERAS: ReadonlyArray<readonly [RegExp, SensorGeometry]> = [
  [/DVS128/i, { width: 128, height: 128, polarities: 2 }],
  [/DAVIS\s*240/i, { width: 240, height: 180, polarities: 2 }],
  [/DAVIS\s*346/i, { width: 346, height: 260, polarities: 2 }],
  [/DVXPLORER/i, { width: 640, height: 480, polarities: 2 }],
];

/** Geometry named by the header: aerchip's `Sensor-Size: WxHxP` line, else a known camera name in a `Source` line. */
export function geometryFromAedatHeader(lines: readonly string[]): SensorGeometry | null {
  for (const l of lines) {
    const m = /^Sensor-Size:\s*(\d+)x(\d+)x(\d+)/i.exec(l);
    if (m !== null) return { width: Number(m[1]), height: Number(m[2]), polarities: Number(m[3]) };
  }
  for (const l of lines) {
    if (!/^Source\b/i.test(l)) continue;
    for (const [re, g] of KNOWN_CAMERAS) if (re.test(l)) return g;
  }
  return null;
}

export interface Aedat31Stats {
  packets: number;
  polarityPackets: number;
  /** Packets of other event types, skipped. */
  skippedPackets: number;
  /** Polarity events whose valid bit was 0. */
  invalidEvents: number;
}

export interface Aedat31ReadOptions extends ReadEventsOptions {
  /** Filled in while reading (packet and skip counts). */
  readonly stats?: Aedat31Stats;
}

function i32(buf: Uint8Array, at: number): number {
  return buf[at] | (buf[at + 1] << 8) | (buf[at + 2] << 16) | (buf[at + 3] << 24);
}

/** Streams the polarity events of an AEDAT 3.x recording. */
export async function* readAedat31(path: string, options: Aedat31ReadOptions = {}): AsyncGenerator<EventBatch, void, undefined> {
  const { chunkBytes, batchEvents } = resolveReadOptions(options);
  const stats = options.stats;
  const f = await ChunkedFile.open(path, Math.max(64, chunkBytes));
  try {
    const header = await readAedatHeader(f);
    if (header.major !== 3) {
      throw eventsError(EventsErrorCode.header, `is AEDAT ${header.version}, not 3.x`, "read AEDAT 2.0 files with readAedat2 (detection by content does this for you)", { file: path, byteOffset: 0 });
    }
    const g = checkGeometry(options.geometry ?? geometryFromAedatHeader(header.lines) ?? DVS128_GEOMETRY);
    const W = g.width;
    const H = g.height;
    const P = g.polarities;
    const out = new BatchBuilder(batchEvents, g);
    while (!f.atEof) {
      const packetAt = f.offset;
      if (!(await f.fill(AEDAT3_PACKET_HEADER_BYTES))) {
        throw eventsError(EventsErrorCode.truncated, `the file ends inside the packet header at byte ${packetAt} (${f.available} of ${AEDAT3_PACKET_HEADER_BYTES} bytes)`,
          "the recording is truncated; copy it again", { file: path, byteOffset: packetAt });
      }
      const b = f.buf;
      const h = f.start;
      const eventType = (b[h] | (b[h + 1] << 8)) << 16 >> 16;
      const eventSize = i32(b, h + 4);
      const tsOffset = i32(b, h + 8);
      const tsOverflow = i32(b, h + 12);
      const capacity = i32(b, h + 16);
      const number = i32(b, h + 20);
      const valid = i32(b, h + 24);
      const corrupt = (what: string): never => {
        throw eventsError(EventsErrorCode.corrupt, `packet at byte ${packetAt}: ${what}`, "the recording is damaged or not AEDAT 3.1", { file: path, byteOffset: packetAt });
      };
      if (eventSize < 1) corrupt(`eventSize is ${eventSize}`);
      if (capacity < 0 || number < 0 || number > capacity) corrupt(`eventNumber ${number} and eventCapacity ${capacity} are inconsistent (0 ≤ number ≤ capacity)`);
      if (valid < 0 || valid > number) corrupt(`eventValid ${valid} exceeds eventNumber ${number}`);
      if (tsOverflow < 0) corrupt(`eventTSOverflow is ${tsOverflow}`);
      const bodyBytes = capacity * eventSize;
      const left = f.size - packetAt - AEDAT3_PACKET_HEADER_BYTES;
      if (bodyBytes > left) {
        throw eventsError(EventsErrorCode.truncated, `packet at byte ${packetAt} declares ${capacity} events × ${eventSize} bytes = ${bodyBytes} bytes, but only ${left} remain`,
          "the recording is truncated; copy it again", { file: path, byteOffset: packetAt });
      }
      f.consume(AEDAT3_PACKET_HEADER_BYTES);
      if (stats !== undefined) stats.packets++;
      if (eventType !== AEDAT3_POLARITY_EVENT) {
        if (stats !== undefined) stats.skippedPackets++;
        f.skip(bodyBytes);
        continue;
      }
      if (eventSize < AEDAT3_POLARITY_EVENT_BYTES || tsOffset < 4 || tsOffset > eventSize - 4) {
        corrupt(`polarity packet with eventSize ${eventSize} and eventTSOffset ${tsOffset} (expected 8 and 4)`);
      }
      if (stats !== undefined) stats.polarityPackets++;
      const overflowUs = tsOverflow * TWO_POW_31;
      let todo = number;
      while (todo > 0) {
        await f.fill(eventSize);
        const buf = f.buf;
        const k = Math.min(todo, Math.floor(f.available / eventSize));
        const base = f.offset;
        let at = f.start;
        let e = 0;
        let full = false;
        for (; e < k; e++, at += eventSize) {
          const data = i32(buf, at);
          if ((data & 1) === 0) {
            if (stats !== undefined) stats.invalidEvents++;
            continue;
          }
          const ts = i32(buf, at + tsOffset);
          const x = (data >>> 17) & 0x7fff;
          const y = (data >>> 2) & 0x7fff;
          const p = (data >>> 1) & 1;
          if (ts < 0) {
            throw eventsError(EventsErrorCode.corrupt, `event at byte ${base + e * eventSize} has a negative timestamp ${ts}`, "the recording is damaged", { file: path, byteOffset: base + e * eventSize });
          }
          if (x >= W || y >= H || p >= P) {
            throw eventsError(EventsErrorCode.outOfRange, `event at byte ${base + e * eventSize} is at (x ${x}, y ${y}, p ${p}), outside the ${W}×${H}×${P} geometry`,
              "pass the sensor geometry of the camera", { file: path, byteOffset: base + e * eventSize });
          }
          const i = out.n;
          out.x[i] = x;
          out.y[i] = y;
          out.p[i] = p;
          out.tUs[i] = overflowUs + ts;
          out.n = i + 1;
          if (out.n === out.capacity) {
            e++;
            full = true;
            break;
          }
        }
        f.consume(e * eventSize);
        todo -= e;
        if (full) yield out.take();
      }
      // Unused slots between eventNumber and eventCapacity.
      f.skip((capacity - number) * eventSize);
    }
    if (out.pendingAtEnd) yield out.take();
  } finally {
    await f.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Writing.

/** The header aerchip writes: version, format, source and the geometry as `#Sensor-Size: WxHxP`. */
export function aedat31Header(g: SensorGeometry): Uint8Array {
  const camera = g.width === 128 && g.height === 128 ? "DVS128" : "aerchip";
  const text = `#!AER-DAT3.1\r\n#Format: RAW\r\n#Source 1: ${camera}\r\n#Sensor-Size: ${g.width}x${g.height}x${g.polarities}\r\n#!END-HEADER\r\n`;
  return new TextEncoder().encode(text);
}

/** Throws E_EVENTS_RANGE for the first event AEDAT 3.1 cannot store (checked before any byte is encoded). */
function checkAedat31Events(b: EventBatch, firstEvent: number, file: string | undefined, source: string | undefined): void {
  for (let e = 0; e < b.length; e++) {
    const t = b.tUs[e];
    if (!Number.isInteger(t) || t < 0 || t >= AEDAT31_MAX_TIME_US || b.x[e] > 0x7fff || b.y[e] > 0x7fff || b.p[e] > 1) {
      const of = source === undefined ? "" : ` of ${source}`;
      throw eventsError(EventsErrorCode.range, `event ${firstEvent + e}${of} (x ${b.x[e]}, y ${b.y[e]}, p ${b.p[e]}, t ${t} µs) cannot be stored in AEDAT 3.1 (integer µs in [0, 2^62), x and y < 32768, p ∈ {0, 1})`,
        "round times to µs and keep them below 2^62 µs (shift or slice the recording), or write .npy or .csv", { field: `events[${firstEvent + e}]`, ...(file === undefined ? {} : { file }) });
    }
  }
}

/**
 * Encodes a batch as polarity packets (≤ AEDAT3_WRITE_PACKET_EVENTS events each, one overflow value per
 * packet). Times must be integer µs in [0, 2^62); x, y < 32768; p ∈ {0, 1}. `file` is the output and
 * `source` the input the events come from (both named in errors).
 */
export function encodeAedat31Packets(b: EventBatch, firstEvent = 0, file?: string, source?: string): Uint8Array {
  const n = b.length;
  checkAedat31Events(b, firstEvent, file, source);
  // Packet boundaries: every AEDAT3_WRITE_PACKET_EVENTS events and wherever the overflow value changes.
  let packets = 0;
  for (let i = 0; i < n; ) {
    const ov = Math.floor(b.tUs[i] / TWO_POW_31);
    let j = i;
    while (j < n && j - i < AEDAT3_WRITE_PACKET_EVENTS && Math.floor(b.tUs[j] / TWO_POW_31) === ov) j++;
    packets++;
    i = j;
  }
  const out = new Uint8Array(packets * AEDAT3_PACKET_HEADER_BYTES + n * AEDAT3_POLARITY_EVENT_BYTES);
  const dv = new DataView(out.buffer);
  let at = 0;
  for (let i = 0; i < n; ) {
    const t0 = b.tUs[i];
    const ov = Math.floor(t0 / TWO_POW_31);
    let j = i;
    while (j < n && j - i < AEDAT3_WRITE_PACKET_EVENTS && Math.floor(b.tUs[j] / TWO_POW_31) === ov) j++;
    const k = j - i;
    dv.setInt16(at, AEDAT3_POLARITY_EVENT, true);
    dv.setInt16(at + 2, 1, true);
    dv.setInt32(at + 4, AEDAT3_POLARITY_EVENT_BYTES, true);
    dv.setInt32(at + 8, 4, true);
    dv.setInt32(at + 12, ov, true);
    dv.setInt32(at + 16, k, true);
    dv.setInt32(at + 20, k, true);
    dv.setInt32(at + 24, k, true);
    at += AEDAT3_PACKET_HEADER_BYTES;
    for (let e = i; e < j; e++, at += AEDAT3_POLARITY_EVENT_BYTES) {
      const t = b.tUs[e];
      dv.setUint32(at, ((b.x[e] << 17) | (b.y[e] << 2) | (b.p[e] << 1) | 1) >>> 0, true);
      dv.setInt32(at + 4, t - ov * TWO_POW_31, true);
    }
    i = j;
  }
  return out;
}

/**
 * Writes events as an AEDAT 3.1 file (atomically, in bounded memory: a batch that cannot be stored fails
 * before its bytes are written, and no partial file is left). `source` names the input in errors.
 * Returns the event count.
 */
export async function writeAedat31(path: string, batches: AsyncIterable<EventBatch> | Iterable<EventBatch>, geometry: SensorGeometry, source?: string): Promise<number> {
  const g = checkGeometry(geometry);
  let events = 0;
  await writeFileStreaming(path, async (w) => {
    await w.write(aedat31Header(g));
    for await (const b of batches) {
      await w.write(encodeAedat31Packets(b, events, path, source));
      events += b.length;
    }
  });
  return events;
}

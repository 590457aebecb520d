/**
 * JSON model files, parsed with their large numeric lists read straight into typed arrays.
 *
 * A model file is mostly flat lists of numbers (synapse indices, weights, delays: 26 MB of text for
 * bench_lif10k). JSON.parse turns each into a JS array of numbers (a heap number per weight) that the
 * front end then copies into a typed array. Here one byte scan finds every flat array of at least
 * `minPacked` numbers in a value position, reads it into a Float64Array, and JSON.parse only sees the
 * rest, with a placeholder string in its place; the placeholders then become PackedNumbers objects,
 * which the field readers (json-fields.ts) accept wherever a list is read.
 *
 * Same values as JSON.parse: a number is m·10^e computed as one exact operation when the decimal
 * significand m < 2^53 and |e| ≤ 22 (both operands exact, so the result is the correctly rounded
 * value; Clinger's fast path), and Number(text) otherwise — both correctly rounded, as JSON.parse is.
 * Same errors: an array is packed only if it is valid JSON in a position where any value may stand
 * (after `:`, `,` or `[`, and followed by `,`, `]` or `}`), so the reduced text is valid exactly when
 * the original is; when it is not, the original text is parsed for JSON.parse's own message.
 */
import { AerchipError } from "../../core/diagnostics.ts";
import { MAX_TEXT_FILE_BYTES } from "../../core/io/read-input.ts";
import { lineAt, newlinesIn } from "../../core/io/json-duplicate-keys.ts";
import { PackedNumbers, parseJsonText, refuseDuplicateKeys, type Json } from "./json-fields.ts";

/** Lists shorter than this stay JS arrays. */
export const MIN_PACKED_NUMBERS = 1024;

/**
 * Placeholders start with NUL, which a JSON string can only hold when the file writes the escape
 * `\u0000`; files that do are parsed plainly, so a placeholder cannot be confused with a string of the file.
 */
const PLACEHOLDER = "\u0000aerchip-packed:";
const PLACEHOLDER_ESCAPED = "\\u0000aerchip-packed:";
const NUL_ESCAPE = "\\u0000";

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACK = 0x5b;
const RBRACK = 0x5d;
const RBRACE = 0x7d;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const D0 = 0x30;
const D9 = 0x39;

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Reads one flat array of JSON numbers starting at bytes[start] = '['; undefined unless it is one. */
class ArrayReader {
  private buf = new Float64Array(4096);
  end = 0;
  count = 0;
  private readonly bytes: Uint8Array;
  private readonly text: (from: number, to: number) => string;
  constructor(bytes: Uint8Array, text: (from: number, to: number) => string) {
    this.bytes = bytes;
    this.text = text;
  }

  /** Parses [n, n, …] at `start`; on success `end` is just past ']' and values() holds the numbers. */
  read(start: number): boolean {
    const b = this.bytes;
    const n = b.length;
    let i = start + 1;
    while (i < n && isWs(b[i])) i++;
    if (i >= n || b[i] === RBRACK) return false;
    let buf = this.buf;
    let count = 0;
    for (;;) {
      // One number: -?(0|[1-9]d*)(.d+)?([eE][+-]?d+)?
      const numStart = i;
      let neg = false;
      if (b[i] === MINUS) { neg = true; i++; }
      if (i >= n) return false;
      let c = b[i];
      if (c < D0 || c > D9) return false;
      let m = 0;
      let exact = true;
      let exp10 = 0;
      if (c === D0) {
        i++;
        if (i < n && b[i] >= D0 && b[i] <= D9) return false;
      } else {
        while (i < n && (c = b[i]) >= D0 && c <= D9) {
          if (m < 900719925474099) m = m * 10 + (c - D0);
          else { exact = false; }
          i++;
        }
      }
      if (i < n && b[i] === DOT) {
        i++;
        if (i >= n || b[i] < D0 || b[i] > D9) return false;
        while (i < n && (c = b[i]) >= D0 && c <= D9) {
          if (m < 900719925474099) { m = m * 10 + (c - D0); exp10--; } else exact = false;
          i++;
        }
      }
      if (i < n && (b[i] === 0x65 || b[i] === 0x45)) {
        i++;
        let eNeg = false;
        if (i < n && (b[i] === PLUS || b[i] === MINUS)) { eNeg = b[i] === MINUS; i++; }
        if (i >= n || b[i] < D0 || b[i] > D9) return false;
        let e = 0;
        while (i < n && (c = b[i]) >= D0 && c <= D9) {
          if (e < 100000) e = e * 10 + (c - D0);
          i++;
        }
        exp10 += eNeg ? -e : e;
      }
      let v: number;
      if (exact && exp10 >= -22 && exp10 <= 22) v = exp10 >= 0 ? m * POW10[exp10] : m / POW10[-exp10];
      else v = Number(this.text(numStart, i));
      if (neg && exact && exp10 >= -22 && exp10 <= 22) v = -v;
      if (count === buf.length) {
        const grown = new Float64Array(buf.length * 2);
        grown.set(buf);
        buf = grown;
        this.buf = grown;
      }
      buf[count++] = v;
      while (i < n && isWs(b[i])) i++;
      if (i >= n) return false;
      if (b[i] === COMMA) {
        i++;
        while (i < n && isWs(b[i])) i++;
        continue;
      }
      if (b[i] === RBRACK) {
        this.end = i + 1;
        this.count = count;
        return true;
      }
      this.count = count;
      return false;
    }
  }

  values(): Float64Array {
    return this.buf.slice(0, this.count);
  }
}

/**
 * E_MODEL_TOO_LARGE: the JSON text JSON.parse must see (everything but the packed lists) is `textBytes`
 * bytes, more than `maxTextBytes` (V8 cannot make a longer string: 0x1fffffe8 units).
 */
function textTooLarge(file: string, fileBytes: number, textBytes: number, maxTextBytes: number): AerchipError {
  return new AerchipError("E_MODEL_TOO_LARGE", `model JSON is ${fileBytes} bytes, of which at least ${textBytes} are text outside numeric lists of ${MIN_PACKED_NUMBERS} or more numbers; the limit for that text is ${maxTextBytes} bytes (the longest string JavaScript can hold)`, {
    file, hint: "write large weight and index data as flat numeric lists, or use NIR (HDF5) for large models",
  });
}

/**
 * Parses a JSON model file's bytes (UTF-8) like parseJsonText, with large numeric lists packed.
 * `maxTextBytes`: the most bytes of text (outside packed lists) turned into one string (a parameter for tests).
 */
export function parseJsonBytes(bytes: Buffer, file: string, minPacked: number = MIN_PACKED_NUMBERS, maxTextBytes: number = MAX_TEXT_FILE_BYTES): Json {
  const n = bytes.length;
  const text = (from: number, to: number): string => bytes.toString("latin1", from, to);
  const whole = (): string => {
    if (n > maxTextBytes) throw textTooLarge(file, n, n, maxTextBytes);
    return bytes.toString("utf8");
  };
  if (bytes.includes(NUL_ESCAPE, 0, "latin1")) return parseJsonText(whole(), file);
  let textBytes = 0;
  const pieces: string[] = [];
  const packed: Float64Array[] = [];
  // Where each packed list was: its placeholder's offset in the reduced text and its bytes in the file (for line numbers).
  const spans: { reducedAt: number; from: number; to: number }[] = [];
  let reducedLength = 0;
  const reader = new ArrayReader(bytes, text);
  let last = 0;
  // The last significant byte outside strings (−1 at the start: a top-level array is never packed).
  let prev = -1;
  let i = 0;
  while (i < n) {
    const c = bytes[i];
    if (c === QUOTE) {
      // Skip the string (its bytes never start a packed array).
      i++;
      while (i < n) {
        const d = bytes[i];
        if (d === BACKSLASH) { i += 2; continue; }
        i++;
        if (d === QUOTE) break;
      }
      prev = QUOTE;
      continue;
    }
    if (c === LBRACK && (prev === COLON || prev === COMMA || prev === LBRACK) && reader.read(i)) {
      let j = reader.end;
      while (j < n && isWs(bytes[j])) j++;
      const next = j < n ? bytes[j] : -1;
      if (reader.count >= minPacked && (next === COMMA || next === RBRACK || next === RBRACE)) {
        textBytes += i - last + PLACEHOLDER_ESCAPED.length + 12;
        if (textBytes > maxTextBytes) throw textTooLarge(file, n, textBytes, maxTextBytes);
        const before = bytes.toString("utf8", last, i);
        const placeholder = `"${PLACEHOLDER_ESCAPED}${packed.length}"`;
        spans.push({ reducedAt: reducedLength + before.length, from: i, to: reader.end });
        reducedLength += before.length + placeholder.length;
        pieces.push(before, placeholder);
        packed.push(reader.values());
        last = reader.end;
        i = reader.end;
        prev = RBRACK;
        continue;
      }
    }
    if (!isWs(c)) prev = c;
    i++;
  }
  if (packed.length === 0) return parseJsonText(whole(), file);
  textBytes += n - last;
  if (textBytes > maxTextBytes) throw textTooLarge(file, n, textBytes, maxTextBytes);
  pieces.push(bytes.toString("utf8", last, n));
  let tree: Json;
  let reduced = "";
  try {
    reduced = pieces.join("");
    tree = JSON.parse(reduced) as Json;
  } catch {
    // Report the original text's error (the reduced text is invalid exactly when it is), unless the
    // original is too long to be one string: then the reduced text's.
    if (n > maxTextBytes) return parseJsonText(reduced, file);
    return parseJsonText(bytes.toString("utf8"), file);
  }
  // Repeated keys (E_MODEL_FIELD), found in the reduced text; a line counts the newlines the packed lists before it held.
  refuseDuplicateKeys(reduced, file, (offset) => {
    let line = lineAt(reduced, offset);
    for (const s of spans) if (s.reducedAt < offset) line += newlinesIn(bytes, s.from, s.to);
    return line;
  });
  return unpackPlaceholders(tree, packed);
}

/** Replaces placeholder strings (in arrays and object values) by PackedNumbers, without recursion. */
function unpackPlaceholders(tree: Json, packed: readonly Float64Array[]): Json {
  const resolve = (v: Json): Json | undefined => {
    if (typeof v !== "string" || !v.startsWith(PLACEHOLDER)) return undefined;
    const k = Number(v.slice(PLACEHOLDER.length));
    return new PackedNumbers(packed[k]) as unknown as Json;
  };
  const top = resolve(tree);
  if (top !== undefined) return top;
  const stack: Json[] = [tree];
  while (stack.length > 0) {
    const v = stack.pop() as Json;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const x = v[i];
        const r = resolve(x);
        if (r !== undefined) v[i] = r;
        else if (x !== null && typeof x === "object") stack.push(x);
      }
    } else if (v !== null && typeof v === "object") {
      for (const key of Object.keys(v)) {
        const x = v[key];
        const r = resolve(x);
        if (r !== undefined) v[key] = r;
        else if (x !== null && typeof x === "object") stack.push(x);
      }
    }
  }
  return tree;
}

/**
 * Repeated keys in one JSON object. JSON.parse keeps the last value of a repeated key without a word
 * (`{"vThreshold": 1, "vThreshold": 5}` reads as 5), where the YAML readers refuse them; the readers of
 * files users write (models, chip specs, weights files) run this check after JSON.parse succeeded and
 * refuse the file instead.
 *
 * One pass over the text: strings are skipped (a key, decoded only if it holds an escape, so "a" and "\u0061"
 * are the same key, as for JSON.parse), and each open object keeps a Map key → offset. The text must be
 * valid JSON (call it after JSON.parse); the result is then the first repeated key in document order, with
 * its JSON path.
 */

import { AerchipError } from "../diagnostics.ts";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACK = 0x5b;
const RBRACK = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const NEWLINE = 0x0a;

export interface DuplicateJsonKey {
  /** The repeated key. */
  readonly key: string;
  /** JSON path of the repeated key, e.g. `populations[1].vThreshold` (`["a b"]` for keys that are not names). */
  readonly path: string;
  /** JSON path of the object holding it ("" for the top level). */
  readonly parent: string;
  /** Offsets (UTF-16 units) of the key's first and second occurrence (its opening quote). */
  readonly firstOffset: number;
  readonly offset: number;
}

const NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function pathOf(keys: readonly (string | number)[]): string {
  let out = "";
  for (const k of keys) {
    if (typeof k === "number") out += `[${k}]`;
    else if (NAME.test(k)) out += out === "" ? k : `.${k}`;
    else out += `[${JSON.stringify(k)}]`;
  }
  return out;
}

/**
 * The first key repeated within one object of `text` (valid JSON), or undefined when there is none.
 * Fast pass: only `"`, `{` and `}` matter (found by a native regex search, so long numeric lists cost little),
 * and a string is a key when the next non-blank character is `:`. Only when a key repeats is the text read
 * again, up to it, to build its JSON path (pathAt).
 */
export function findDuplicateJsonKey(text: string): DuplicateJsonKey | undefined {
  const special = /["{}]/g;
  // The keys of each open object (created at its first key), innermost last.
  const open: (Map<string, number> | undefined)[] = [];
  while (special.test(text)) {
    const i = special.lastIndex - 1;
    const c = text.charCodeAt(i);
    if (c === LBRACE) { open.push(undefined); continue; }
    if (c === RBRACE) { open.pop(); continue; }
    const end = stringEnd(text, i);
    special.lastIndex = end + 1;
    let k = end + 1;
    while (isBlank(text.charCodeAt(k))) k++;
    if (text.charCodeAt(k) !== COLON) continue;
    const raw = text.slice(i + 1, end);
    const key = raw.includes("\\") ? (JSON.parse(`"${raw}"`) as string) : raw;
    let keys = open[open.length - 1];
    if (keys === undefined) { keys = new Map(); open[open.length - 1] = keys; }
    const first = keys.get(key);
    if (first !== undefined) {
      // pathAt gives the open containers down to this object, with its current (earlier) key last: dropped.
      const parent = pathAt(text, i).slice(0, -1);
      return { key, path: pathOf([...parent, key]), parent: pathOf(parent), firstOffset: first, offset: i };
    }
    keys.set(key, i);
  }
  return undefined;
}

/** Offset of the quote closing the string that opens at `start` (a quote preceded by an odd run of backslashes is escaped). */
function stringEnd(text: string, start: number): number {
  let j = text.indexOf('"', start + 1);
  for (;;) {
    let b = 0;
    while (text.charCodeAt(j - 1 - b) === BACKSLASH) b++;
    if (b % 2 === 0) return j;
    j = text.indexOf('"', j + 1);
  }
}

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** The path (keys and indices) of the container holding offset `at`, read from the start of `text`. */
function pathAt(text: string, at: number): (string | number)[] {
  const isObject: boolean[] = [];
  const path: (string | number)[] = [];
  let expectKey = false;
  for (let i = 0; i < at; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (expectKey) {
        const raw = text.slice(i + 1, end);
        path[isObject.length - 1] = raw.includes("\\") ? (JSON.parse(`"${raw}"`) as string) : raw;
        expectKey = false;
      }
      i = end;
    } else if (c === LBRACE || c === LBRACK) {
      isObject.push(c === LBRACE);
      path.push(0);
      expectKey = c === LBRACE;
    } else if (c === COMMA) {
      const top = isObject.length - 1;
      if (isObject[top]) expectKey = true;
      else path[top] = (path[top] as number) + 1;
    } else if (c === RBRACE || c === RBRACK) {
      isObject.pop();
      path.pop();
      expectKey = false;
    }
  }
  return path;
}

/** 1-based line of `offset` in `text` (lines end at \n). */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) line++;
  return line;
}

/** Counts \n in bytes[from, to) (for line numbers of text that was read in pieces). */
export function newlinesIn(bytes: Uint8Array, from: number, to: number): number {
  let k = 0;
  for (let i = from; i < to; i++) if (bytes[i] === NEWLINE) k++;
  return k;
}

/**
 * The one-line message for a repeated key: where it is, both lines, and that a JSON reader would silently
 * keep the last value. `line` maps an offset of the scanned text to the file's line.
 */
export function duplicateJsonKeyMessage(dup: DuplicateJsonKey, line: (offset: number) => number): string {
  return `${dup.path}: key "${dup.key}" appears twice in ${dup.parent === "" ? "the top-level object" : dup.parent} (lines ${line(dup.firstOffset)} and ${line(dup.offset)}); a JSON reader would silently keep the last value`;
}

/**
 * Refuses a repeated key in `text` (valid JSON, already parsed): a model, a chip spec, or a file aerchip wrote
 * and reads back (a report.json, a checkpoint, a point file, …), where a hand-edited `"steps": 10, "steps": 20`
 * would otherwise be read silently with the last value. Throws `code` naming `file` and the key's JSON path;
 * `what`, when given, names the file's kind before the message ("report", "checkpoint header"); the hint says
 * which key to keep, then `hint` (e.g. how to write the file again); `line` maps offsets to the file's lines.
 */
export function refuseDuplicateJsonKey(text: string, o: { readonly file: string; readonly code: string; readonly what?: string; readonly hint?: string; readonly line?: (offset: number) => number }): void {
  const dup = findDuplicateJsonKey(text);
  if (dup === undefined) return;
  const where = dup.parent === "" ? "the top-level object" : dup.parent;
  const message = duplicateJsonKeyMessage(dup, o.line ?? ((off) => lineAt(text, off)));
  throw new AerchipError(o.code, o.what === undefined ? message : `${o.what} ${o.file}: ${message}`, {
    file: o.file, field: dup.path, hint: `keep one "${dup.key}" in ${where}${o.hint === undefined ? "" : `, or ${o.hint}`}`,
  });
}

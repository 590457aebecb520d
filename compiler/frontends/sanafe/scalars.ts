/**
 * Typed reading of SANA-FE YAML values, following SANA-FE's own rules (src/yaml_common.cpp at commit
 * 8951ab0): a scalar becomes the first type it parses as, in the order int → double → bool → string;
 * a list becomes a list of attributes; a map becomes a list of *named* attributes. A field then casts
 * the attribute (double accepts int; bool accepts int; int accepts only whole numbers).
 *
 * Every failure raises E_SANAFE_FIELD naming the file, the field path and the line.
 */
import { AerchipError } from "../../../core/diagnostics.ts";
import type { YNode } from "./yaml-tree.ts";

export type Attr =
  | { readonly t: "int"; readonly v: number; readonly line: number; readonly name?: string }
  | { readonly t: "double"; readonly v: number; readonly line: number; readonly name?: string }
  | { readonly t: "bool"; readonly v: boolean; readonly line: number; readonly name?: string }
  | { readonly t: "string"; readonly v: string; readonly line: number; readonly name?: string }
  | { readonly t: "list"; readonly items: readonly Attr[]; readonly line: number; readonly name?: string };

const INT_RE = /^[+-]?\d+$/;
const HEX_RE = /^[+-]?0[xX][0-9a-fA-F]+$/;
const FLOAT_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** SANA-FE's scalar typing: int (32-bit) → double → bool → string. */
export function scalarAttr(text: string, line: number, name?: string): Attr {
  const s = text.trim();
  const named = name === undefined ? {} : { name };
  if (INT_RE.test(s) || HEX_RE.test(s)) {
    const neg = s.startsWith("-");
    const body = s.replace(/^[+-]/, "");
    const mag = HEX_RE.test(s) ? Number.parseInt(body.slice(2), 16) : Number(body);
    const v = neg ? -mag : mag;
    if (Number.isSafeInteger(v) && v >= INT32_MIN && v <= INT32_MAX) return { t: "int", v, line, ...named };
  }
  if (FLOAT_RE.test(s)) return { t: "double", v: Number(s), line, ...named };
  const low = s.toLowerCase();
  if (low === "true" || low === "false") return { t: "bool", v: low === "true", line, ...named };
  return { t: "string", v: text, line, ...named };
}

/** Any YAML node as an attribute (lists and maps recursively). */
export function nodeAttr(n: YNode, name?: string): Attr {
  const named = name === undefined ? {} : { name };
  if (n.kind === "scalar") return scalarAttr(n.value, n.line, name);
  if (n.kind === "seq") return { t: "list", items: n.items.map((it) => nodeAttr(it)), line: n.line, ...named };
  return { t: "list", items: n.entries.map(([k, v]) => nodeAttr(v, k)), line: n.line, ...named };
}

/** Casts with file/field context. */
export class AttrReader {
  readonly file: string;
  constructor(file: string) {
    this.file = file;
  }

  fail(field: string, line: number, message: string, hint: string, code = "E_SANAFE_FIELD"): never {
    const where = line > 0 ? ` (line ${line})` : "";
    throw new AerchipError(code, `${message}${where}`, { file: this.file, field, hint });
  }

  double(a: Attr, field: string): number {
    if (a.t === "int" || a.t === "double") {
      if (!Number.isFinite(a.v)) this.fail(field, a.line, `${field} must be a finite number`, "NaN and infinities are not allowed");
      return a.v;
    }
    return this.fail(field, a.line, `${field} must be a number, got ${describe(a)}`, "write a plain number such as 1.5 or 2e-12");
  }

  int(a: Attr, field: string, min: number, max: number): number {
    let v: number | undefined;
    if (a.t === "int") v = a.v;
    else if (a.t === "double" && Number.isInteger(a.v)) v = a.v;
    if (v === undefined || v < min || v > max) {
      return this.fail(field, a.line, `${field} must be an integer in [${min}, ${max}], got ${describe(a)}`, "write a whole number within the range");
    }
    return v;
  }

  bool(a: Attr, field: string): boolean {
    if (a.t === "bool") return a.v;
    if (a.t === "int") return a.v !== 0;
    return this.fail(field, a.line, `${field} must be true or false, got ${describe(a)}`, "write true or false");
  }

  string(a: Attr, field: string): string {
    if (a.t === "list") return this.fail(field, a.line, `${field} must be a single value, got a list`, "write a plain name");
    return a.t === "string" ? a.v : String(a.v);
  }

  list(a: Attr, field: string): readonly Attr[] {
    if (a.t !== "list") return this.fail(field, a.line, `${field} must be a list, got ${describe(a)}`, "write a YAML list such as [1, 2, 3]");
    return a.items;
  }
}

export function describe(a: Attr): string {
  if (a.t === "list") return `a list of ${a.items.length}`;
  return JSON.stringify(a.v);
}

/**
 * SANA-FE's name ranges: "foo[2..5]" or "2..5" → [2, 5] (inclusive); undefined when there is no "..".
 * `max` bounds the range length so a typo cannot allocate billions of units.
 */
export function parseRange(text: string): { readonly first: number; readonly last: number } | undefined {
  const d = text.indexOf("..");
  if (d < 0) return undefined;
  const b0 = text.indexOf("[");
  const b1 = text.indexOf("]");
  const start = b0 >= 0 ? b0 + 1 : 0;
  const end = b1 >= 0 ? b1 : text.length;
  const a = text.slice(start, d).trim();
  const b = text.slice(d + 2, end).trim();
  if (!/^\d+$/.test(a) || !/^\d+$/.test(b)) return { first: NaN, last: NaN };
  return { first: Number(a), last: Number(b) };
}

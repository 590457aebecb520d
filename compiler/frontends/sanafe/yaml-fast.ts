/**
 * A fast reader for the YAML that SANA-FE files are written in: block mappings and sequences by
 * indentation, flow collections (`[..]`, `{..}`, also over several lines), plain and quoted one-line
 * scalars, comments. It builds the same YNode tree (values and line numbers) as the full `yaml` parser
 * in yaml-tree.ts does under the failsafe schema, at a fraction of the cost (dvs.yaml: 0.7 MB, 22k lines).
 *
 * It returns undefined — and the caller falls back to the full parser, with its errors and limits — for
 * anything outside that subset or anything unusual: anchors, aliases, tags, block scalars (| >), complex
 * keys (?), directives and document markers, tabs, CR line ends, multi-line plain or quoted scalars,
 * escapes in double quotes, empty flow values, duplicate keys, merge keys, a root that is not a block
 * mapping, nesting deeper than the limit, more nodes than the limit, and every syntax error. So the
 * robustness guarantees (alias bombs, nesting, coded errors) stay those of yaml-tree.ts.
 *
 * Line numbers follow the yaml package: a scalar or flow collection is on the line where it starts, a
 * block mapping on the line of its first key, a block sequence on the line of its first dash, a pair
 * inside a flow sequence (`[a: 1]`) on its key's line, and an absent value (`key:` or `-` with nothing
 * after) on the line of its key or dash.
 */
import type { YMap, YNode, YScalar, YSeq } from "./yaml-tree.ts";

/** Control flow: the text leaves the subset (the reason matters only to tests and debugging). */
class Bail {}
const BAIL = new Bail();

const SP = 0x20;
const NL = 0x0a;
const HASH = 0x23;
const COLON = 0x3a;
const DASH = 0x2d;
const COMMA = 0x2c;
const LBRACK = 0x5b;
const RBRACK = 0x5d;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const SQUOTE = 0x27;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Characters that may not start a plain scalar here (anchors, aliases, tags, block scalars, reserved, complex keys, flow ends). */
function badPlainStart(c: number): boolean {
  return c === 0x26 /* & */ || c === 0x2a /* * */ || c === 0x21 /* ! */ || c === 0x7c /* | */ || c === 0x3e /* > */ ||
    c === 0x25 /* % */ || c === 0x40 /* @ */ || c === 0x60 /* ` */ || c === 0x3f /* ? */ || c === COMMA || c === RBRACK || c === RBRACE || c === HASH;
}

/** `-`, `:` (or `?`) starts a plain scalar only when a character that could continue it follows. */
function indicatorAlone(s: string, p: number): boolean {
  if (p + 1 >= s.length) return true;
  const d = s.charCodeAt(p + 1);
  return d === SP || d === NL || d === COMMA || d === LBRACK || d === RBRACK || d === LBRACE || d === RBRACE || d === HASH;
}

class FastYaml {
  private readonly s: string;
  private readonly n: number;
  private pos = 0;
  /** 1-based line of `pos`. */
  private line = 1;
  private nodes = 0;
  private readonly maxDepth: number;
  private readonly maxNodes: number;
  /** Lines that continue a flow collection must be indented deeper than this (the enclosing block's column). */
  private flowMinIndent = 0;
  /** Position and indentation of the content line nextContentLine last found. */
  private contentPos = -1;
  private contentIndent = -1;

  constructor(text: string, maxDepth: number, maxNodes: number) {
    this.s = text;
    this.n = text.length;
    this.maxDepth = maxDepth;
    this.maxNodes = maxNodes;
  }

  parse(): YNode {
    // Tabs (as indentation or separation), CR and byte-order marks are left to the full parser.
    if (this.s.indexOf("\t") >= 0 || this.s.indexOf("\r") >= 0 || this.s.indexOf("\uFEFF") >= 0) throw BAIL;
    const ind = this.nextContentLine();
    if (ind !== 0) throw BAIL;
    if (this.isSeqIndicator() || !this.keyAhead()) throw BAIL;
    const root = this.blockMap(0, 0);
    if (this.nextContentLine() >= 0) throw BAIL;
    return root;
  }

  private count(depth: number): void {
    if (++this.nodes > this.maxNodes || depth > this.maxDepth) throw BAIL;
  }

  /**
   * Duplicate keys are an error for the full parser; merge keys are left to it too. Small maps are scanned;
   * large ones keep a set (returned, to pass back in), so a map with many keys stays linear.
   */
  private checkKey(entries: ReadonlyArray<readonly [string, YNode]>, key: string, set: Set<string> | undefined): Set<string> | undefined {
    if (key === "<<") throw BAIL;
    if (set === undefined) {
      for (let i = 0; i < entries.length; i++) if (entries[i][0] === key) throw BAIL;
      if (entries.length < 16) return undefined;
      set = new Set(entries.map((e) => e[0]));
    } else if (set.has(key)) throw BAIL;
    set.add(key);
    return set;
  }

  private scalar(value: string, line: number, depth: number): YScalar {
    this.count(depth);
    return { kind: "scalar", value, line };
  }

  // ------------------------------------------------------------------ lines

  /**
   * From the start of a line, skips blank and comment-only lines; leaves `pos` at the first content
   * character of the next content line and returns its indentation, or −1 at the end of the text. The
   * document must not use tabs, CR, directives or document markers.
   */
  private nextContentLine(): number {
    // Idempotent: a nested collection stops at the first line that is not its own, and its parent asks again.
    if (this.pos === this.contentPos) return this.contentIndent;
    const s = this.s;
    for (;;) {
      if (this.pos >= this.n) return -1;
      const start = this.pos;
      let p = start;
      while (p < this.n && s.charCodeAt(p) === SP) p++;
      if (p >= this.n) { this.pos = p; return -1; }
      const c = s.charCodeAt(p);
      if (c === NL) { this.pos = p + 1; this.line++; continue; }
      if (c === HASH) {
        const e = s.indexOf("\n", p);
        if (e < 0) { this.pos = this.n; return -1; }
        this.pos = e + 1;
        this.line++;
        continue;
      }
      if (c === 0x09 || c === 0x0d || c === 0xfeff) throw BAIL;
      if (p === start && (c === DASH || c === 0x2e /* . */ || c === 0x25 /* % */)) {
        // "---" / "..." document markers and "%" directives start at column 0.
        if (c === 0x25 || s.startsWith("---", p) || s.startsWith("...", p)) throw BAIL;
      }
      this.pos = p;
      this.contentPos = p;
      this.contentIndent = p - start;
      return p - start;
    }
  }

  /** At the end of the inline content of a line: only spaces and a comment may follow; moves to the next line. */
  private endOfLine(): void {
    const s = this.s;
    let p = this.pos;
    while (p < this.n && s.charCodeAt(p) === SP) p++;
    if (p < this.n) {
      const c = s.charCodeAt(p);
      if (c === HASH && p > 0 && s.charCodeAt(p - 1) === SP) {
        const e = s.indexOf("\n", p);
        p = e < 0 ? this.n : e;
      } else if (c !== NL) throw BAIL;
    }
    if (p < this.n) { this.pos = p + 1; this.line++; } else this.pos = p;
  }

  /** Whether the rest of the current line is empty or a comment (does not move). */
  private restIsEmpty(): boolean {
    const s = this.s;
    let p = this.pos;
    while (p < this.n && s.charCodeAt(p) === SP) p++;
    if (p >= this.n) return true;
    const c = s.charCodeAt(p);
    return c === NL || (c === HASH && p > 0 && s.charCodeAt(p - 1) === SP);
  }

  private column(): number {
    const nl = this.s.lastIndexOf("\n", this.pos - 1);
    return this.pos - (nl + 1);
  }

  /** `-` followed by a space or the end of the line. */
  private isSeqIndicator(): boolean {
    if (this.s.charCodeAt(this.pos) !== DASH) return false;
    const c = this.pos + 1 < this.n ? this.s.charCodeAt(this.pos + 1) : NL;
    return c === SP || c === NL;
  }

  /** Whether the content at `pos` is a block mapping key (`key:` then a space or the end of the line). */
  private keyAhead(): boolean {
    const s = this.s;
    let p = this.pos;
    const c0 = s.charCodeAt(p);
    if (c0 === LBRACK || c0 === LBRACE) return false;
    if (c0 === SQUOTE || c0 === DQUOTE) {
      const q = s.indexOf(String.fromCharCode(c0), p + 1);
      const nl = s.indexOf("\n", p);
      if (q < 0 || (nl >= 0 && q > nl)) return false;
      p = q + 1;
      while (p < this.n && s.charCodeAt(p) === SP) p++;
      return p < this.n && s.charCodeAt(p) === COLON && (p + 1 >= this.n || s.charCodeAt(p + 1) === SP || s.charCodeAt(p + 1) === NL);
    }
    for (; p < this.n; p++) {
      const c = s.charCodeAt(p);
      if (c === NL) return false;
      if (c === HASH && s.charCodeAt(p - 1) === SP) return false;
      if (c === COLON) {
        const d = p + 1 < this.n ? s.charCodeAt(p + 1) : NL;
        if (d === SP || d === NL) return true;
      }
    }
    return false;
  }

  // ------------------------------------------------------------------ block collections

  /** A block mapping whose keys sit at column `col`; `pos` is at its first key. */
  private blockMap(col: number, depth: number): YMap {
    this.count(depth);
    const line = this.line;
    const entries: Array<readonly [string, YNode]> = [];
    let keySet: Set<string> | undefined;
    for (;;) {
      const keyLine = this.line;
      const key = this.blockKey();
      keySet = this.checkKey(entries, key, keySet);
      let value: YNode;
      if (this.restIsEmpty()) {
        this.endOfLine();
        const ind = this.nextContentLine();
        if (ind > col) value = this.blockNode(ind, depth + 1);
        else if (ind === col && this.isSeqIndicator()) value = this.blockSeq(col, depth + 1);
        else value = this.scalar("", keyLine, depth + 1);
      } else {
        while (this.s.charCodeAt(this.pos) === SP) this.pos++;
        this.flowMinIndent = col;
        value = this.inlineValue(depth + 1);
        this.endOfLine();
      }
      entries.push([key, value]);
      const ind = this.nextContentLine();
      if (ind < col) break;
      if (ind > col || this.isSeqIndicator() || !this.keyAhead()) throw BAIL;
    }
    return { kind: "map", entries, line };
  }

  /** A block sequence whose dashes sit at column `col`; `pos` is at its first dash. */
  private blockSeq(col: number, depth: number): YSeq {
    this.count(depth);
    const line = this.line;
    const items: YNode[] = [];
    for (;;) {
      const dashLine = this.line;
      this.pos++;
      while (this.pos < this.n && this.s.charCodeAt(this.pos) === SP) this.pos++;
      let item: YNode;
      if (this.restIsEmpty()) {
        this.endOfLine();
        const ind = this.nextContentLine();
        item = ind > col ? this.blockNode(ind, depth + 1) : this.scalar("", dashLine, depth + 1);
      } else {
        const c2 = this.column();
        if (this.isSeqIndicator()) item = this.blockSeq(c2, depth + 1);
        else if (this.keyAhead()) item = this.blockMap(c2, depth + 1);
        else {
          this.flowMinIndent = col;
          item = this.inlineValue(depth + 1);
          this.endOfLine();
        }
      }
      items.push(item);
      const ind = this.nextContentLine();
      if (ind < col || (ind === col && !this.isSeqIndicator())) break;
      if (ind > col) throw BAIL;
    }
    return { kind: "seq", items, line };
  }

  /** A node that starts on its own line at column `col` (the value of `key:` or `-` on an earlier line). */
  private blockNode(col: number, depth: number): YNode {
    if (this.isSeqIndicator()) return this.blockSeq(col, depth);
    if (this.keyAhead()) return this.blockMap(col, depth);
    this.flowMinIndent = col;
    const v = this.inlineValue(depth);
    this.endOfLine();
    // Whatever follows must be less indented (no multi-line scalars).
    const save = this.pos;
    const saveLine = this.line;
    const ind = this.nextContentLine();
    if (ind >= col) throw BAIL;
    this.pos = save;
    this.line = saveLine;
    return v;
  }

  /** The key at `pos` and its colon; leaves `pos` after the colon. */
  private blockKey(): string {
    const s = this.s;
    const c0 = s.charCodeAt(this.pos);
    let key: string;
    if (c0 === SQUOTE || c0 === DQUOTE) key = this.quoted();
    else {
      if (badPlainStart(c0) || c0 === LBRACK || c0 === LBRACE || c0 === SQUOTE || c0 === DQUOTE) throw BAIL;
      if ((c0 === DASH || c0 === COLON) && indicatorAlone(s, this.pos)) throw BAIL;
      let p = this.pos;
      for (;;) {
        const c = s.charCodeAt(p);
        if (c === COLON) {
          const d = p + 1 < this.n ? s.charCodeAt(p + 1) : NL;
          if (d === SP || d === NL) break;
        }
        if (c === NL || p >= this.n) throw BAIL;
        p++;
      }
      key = s.slice(this.pos, p).trimEnd();
      this.pos = p;
    }
    while (this.pos < this.n && s.charCodeAt(this.pos) === SP) this.pos++;
    if (s.charCodeAt(this.pos) !== COLON) throw BAIL;
    this.pos++;
    return key;
  }

  /** A value that fits on the rest of the line (a flow collection may continue on later lines). */
  private inlineValue(depth: number): YNode {
    const s = this.s;
    const c0 = s.charCodeAt(this.pos);
    if (c0 === LBRACK || c0 === LBRACE) {
      const v = this.flowCollection(depth);
      // `{..}: x` would be a complex key.
      let p = this.pos;
      while (p < this.n && s.charCodeAt(p) === SP) p++;
      if (s.charCodeAt(p) === COLON) throw BAIL;
      return v;
    }
    const line = this.line;
    if (c0 === SQUOTE || c0 === DQUOTE) {
      const v = this.quoted();
      return this.scalar(v, line, depth);
    }
    if (badPlainStart(c0) || ((c0 === DASH || c0 === COLON) && indicatorAlone(s, this.pos))) throw BAIL;
    // A block plain scalar runs to the end of the line or to a comment; `: ` inside it is an error.
    let p = this.pos;
    let end = -1;
    for (; p < this.n; p++) {
      const c = s.charCodeAt(p);
      if (c === NL) break;
      if (c === HASH && s.charCodeAt(p - 1) === SP) { end = p; break; }
      if (c === COLON) {
        const d = p + 1 < this.n ? s.charCodeAt(p + 1) : NL;
        if (d === SP || d === NL) throw BAIL;
      }
    }
    if (end < 0) end = p;
    const v = s.slice(this.pos, end).trimEnd();
    this.pos = end;
    return this.scalar(v, line, depth);
  }

  /** A quoted scalar on one line: '' is a quote in single quotes; double quotes must hold no escapes. */
  private quoted(): string {
    const s = this.s;
    const q = s.charCodeAt(this.pos);
    let p = this.pos + 1;
    let out = "";
    let from = p;
    for (;;) {
      if (p >= this.n) throw BAIL;
      const c = s.charCodeAt(p);
      if (c === NL) throw BAIL;
      if (q === DQUOTE && c === BACKSLASH) throw BAIL;
      if (c === q) {
        if (q === SQUOTE && p + 1 < this.n && s.charCodeAt(p + 1) === SQUOTE) {
          out += s.slice(from, p + 1);
          p += 2;
          from = p;
          continue;
        }
        out += s.slice(from, p);
        this.pos = p + 1;
        return out;
      }
      p++;
    }
  }

  // ------------------------------------------------------------------ flow collections

  /** Skips spaces, line breaks and comments inside a flow collection. */
  private flowSpace(): void {
    const s = this.s;
    for (;;) {
      if (this.pos >= this.n) throw BAIL;
      const c = s.charCodeAt(this.pos);
      if (c === SP) { this.pos++; continue; }
      if (c === NL) {
        this.pos++;
        this.line++;
        // A continuation line with content must be indented deeper than the enclosing block.
        let p = this.pos;
        while (p < this.n && s.charCodeAt(p) === SP) p++;
        const d = p < this.n ? s.charCodeAt(p) : NL;
        if (d !== NL && d !== HASH && p - this.pos <= this.flowMinIndent) throw BAIL;
        this.pos = p;
        continue;
      }
      if (c === HASH) {
        const prev = s.charCodeAt(this.pos - 1);
        if (prev !== SP && prev !== NL) throw BAIL;
        const e = s.indexOf("\n", this.pos);
        if (e < 0) throw BAIL;
        this.pos = e;
        continue;
      }
      if (c === 0x09 || c === 0x0d) throw BAIL;
      return;
    }
  }

  private flowCollection(depth: number): YNode {
    this.count(depth);
    const line = this.line;
    const isMap = this.s.charCodeAt(this.pos) === LBRACE;
    const close = isMap ? RBRACE : RBRACK;
    this.pos++;
    const items: YNode[] = [];
    const entries: Array<readonly [string, YNode]> = [];
    let keySet: Set<string> | undefined;
    this.flowSpace();
    while (this.s.charCodeAt(this.pos) !== close) {
      const itemLine = this.line;
      const c0 = this.s.charCodeAt(this.pos);
      let node: YNode;
      let key: string | undefined;
      if (c0 === LBRACK || c0 === LBRACE) node = this.flowCollection(depth + 1);
      else {
        key = c0 === SQUOTE || c0 === DQUOTE ? this.quoted() : this.flowPlain();
        node = { kind: "scalar", value: key, line: itemLine };
      }
      // `key: value` (the colon on the key's line, then a space or a line break).
      let p = this.pos;
      while (p < this.n && this.s.charCodeAt(p) === SP) p++;
      const isPair = this.s.charCodeAt(p) === COLON && (p + 1 < this.n && (this.s.charCodeAt(p + 1) === SP || this.s.charCodeAt(p + 1) === NL));
      if (isPair) {
        if (key === undefined || key === "<<") throw BAIL;
        this.pos = p + 1;
        this.flowSpace();
        const c1 = this.s.charCodeAt(this.pos);
        if (c1 === COMMA || c1 === RBRACK || c1 === RBRACE) throw BAIL;
        const valueDepth = isMap ? depth + 1 : depth + 2;
        let value: YNode;
        const valueLine = this.line;
        if (c1 === LBRACK || c1 === LBRACE) value = this.flowCollection(valueDepth);
        else value = this.scalar(c1 === SQUOTE || c1 === DQUOTE ? this.quoted() : this.flowPlain(), valueLine, valueDepth);
        if (isMap) {
          keySet = this.checkKey(entries, key, keySet);
          entries.push([key, value]);
        } else {
          // A pair inside a flow sequence is a one-entry mapping on the key's line.
          this.count(depth + 1);
          items.push({ kind: "map", entries: [[key, value]], line: itemLine });
        }
      } else {
        if (isMap) throw BAIL;
        if (node.kind === "scalar") this.count(depth + 1);
        items.push(node);
      }
      this.flowSpace();
      const c = this.s.charCodeAt(this.pos);
      if (c === COMMA) {
        this.pos++;
        this.flowSpace();
        const d = this.s.charCodeAt(this.pos);
        if (d === COMMA) throw BAIL;
        continue;
      }
      if (c !== close) throw BAIL;
    }
    this.pos++;
    return isMap ? { kind: "map", entries, line } : { kind: "seq", items, line };
  }

  /** A plain scalar inside a flow collection, on one line: ends at , [ ] { } `: ` or ` #`. */
  private flowPlain(): string {
    const s = this.s;
    const c0 = s.charCodeAt(this.pos);
    if (badPlainStart(c0) || c0 === LBRACK || c0 === LBRACE) throw BAIL;
    if ((c0 === DASH || c0 === COLON) && indicatorAlone(s, this.pos)) throw BAIL;
    let p = this.pos;
    for (; p < this.n; p++) {
      const c = s.charCodeAt(p);
      if (c === COMMA || c === RBRACK || c === RBRACE || c === NL) break;
      if (c === LBRACK || c === LBRACE) throw BAIL;
      if (c === HASH && s.charCodeAt(p - 1) === SP) break;
      if (c === COLON) {
        const d = p + 1 < this.n ? s.charCodeAt(p + 1) : NL;
        if (d === SP || d === NL || d === COMMA || d === RBRACK || d === RBRACE) break;
      }
    }
    if (p >= this.n) throw BAIL;
    const v = s.slice(this.pos, p).trimEnd();
    if (v === "") throw BAIL;
    this.pos = p;
    // A plain scalar continued on the next line would be folded: not in the subset.
    if (s.charCodeAt(p) === NL || s.charCodeAt(p) === HASH) {
      const save = this.pos;
      const saveLine = this.line;
      this.flowSpace();
      const c = s.charCodeAt(this.pos);
      this.pos = save;
      this.line = saveLine;
      if (c !== COMMA && c !== RBRACK && c !== RBRACE) throw BAIL;
    }
    return v;
  }
}

/**
 * The YNode tree of `text` when it lies in the subset above (and within the limits), else undefined.
 * Never throws.
 */
export function parseYamlFast(text: string, maxDepth: number, maxNodes: number): YNode | undefined {
  try {
    return new FastYaml(text, maxDepth, maxNodes).parse();
  } catch {
    return undefined;
  }
}

/**
 * Safe YAML reading for SANA-FE files: the text becomes a small tree of string scalars, sequences and
 * ordered maps, each node carrying its 1-based source line for error messages.
 *
 * Why a tree of strings: SANA-FE reads YAML with RapidYAML, which keeps every scalar as text and converts
 * it only when a field asks for a type (so `core: 0.10` is tile 0, core 10, never the float 0.1). The
 * `failsafe` schema gives exactly that; `scalars.ts` does the conversions.
 *
 * Most SANA-FE files are read by a small reader for their plain block/flow YAML (yaml-fast.ts, ~20×
 * faster on dvs.yaml), which builds the same tree or gives up; the `yaml` package reads the rest and
 * reports every error, so the limits below hold for every file.
 *
 * Resource limits (all raise an AerchipError with a stable code):
 *  - E_SANAFE_TOO_LARGE: file larger than MAX_SANAFE_FILE_BYTES, or more than `maxNodes` tree nodes
 *    after alias expansion;
 *  - E_SANAFE_ALIAS_BOMB: more than `maxAliasCount` alias dereferences (billion-laughs documents);
 *  - E_SANAFE_NESTING: deeper than `maxDepth` nested collections;
 *  - E_SANAFE_YAML: syntax errors, duplicate keys, several documents.
 */
import { createRequire } from "node:module";
import type { Document, Node as YamlNode } from "yaml";
import { AerchipError } from "../../../core/diagnostics.ts";
import { readInputText } from "../../../core/io/read-input.ts";
import { parseYamlFast } from "./yaml-fast.ts";

export type YNode = YScalar | YSeq | YMap;
export interface YScalar { readonly kind: "scalar"; readonly value: string; readonly line: number }
export interface YSeq { readonly kind: "seq"; readonly items: readonly YNode[]; readonly line: number }
export interface YMap { readonly kind: "map"; readonly entries: ReadonlyArray<readonly [string, YNode]>; readonly line: number }

/** 256 MiB: far above any real SANA-FE file (the DVS net is 0.7 MiB) and below V8's string limit. */
export const MAX_SANAFE_FILE_BYTES = 256 * 1024 * 1024;

export interface YamlLimits {
  /** Alias dereferences allowed in one document (the `yaml` package's default is 100). */
  readonly maxAliasCount?: number;
  /** Nested collections allowed. */
  readonly maxDepth?: number;
  /** Tree nodes allowed after alias expansion. */
  readonly maxNodes?: number;
}

const DEFAULTS = { maxAliasCount: 100, maxDepth: 64, maxNodes: 50_000_000 } as const;

export function readSanafeText(path: string): string {
  // E_SANAFE_NOT_FOUND, E_INPUT_NOT_A_FILE (a directory, /dev/zero), E_SANAFE_TOO_LARGE (core/io/read-input.ts).
  return readInputText(path, {
    what: "SANA-FE file", maxBytes: MAX_SANAFE_FILE_BYTES, hint: "give a SANA-FE network or architecture YAML file",
    codes: { notFound: "E_SANAFE_NOT_FOUND", tooLarge: "E_SANAFE_TOO_LARGE" },
  });
}

/**
 * Parses YAML text into a YNode tree (the document's root). SANA-FE's plain block/flow YAML is read by a
 * small reader (yaml-fast.ts) that gives the same tree; anything else, and every error, goes through the
 * full parser (parseYamlTreeFull).
 */
export function parseYamlTree(text: string, file: string, limits: YamlLimits = {}): YNode {
  const fast = parseYamlFast(text, limits.maxDepth ?? DEFAULTS.maxDepth, limits.maxNodes ?? DEFAULTS.maxNodes);
  return fast ?? parseYamlTreeFull(text, file, limits);
}

/**
 * The `yaml` package, loaded on first use: most files never need it (yaml-fast.ts reads them), and
 * loading it costs ~60 ms of every process that imports this front end.
 */
let yamlPackage: typeof import("yaml") | undefined;
function yamlLib(): typeof import("yaml") {
  yamlPackage ??= createRequire(import.meta.url)("yaml") as typeof import("yaml");
  return yamlPackage;
}

/** parseYamlTree through the `yaml` package only (the reference the fast reader must agree with). */
export function parseYamlTreeFull(text: string, file: string, limits: YamlLimits = {}): YNode {
  const { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments } = yamlLib();
  const maxAliasCount = limits.maxAliasCount ?? DEFAULTS.maxAliasCount;
  const maxDepth = limits.maxDepth ?? DEFAULTS.maxDepth;
  const maxNodes = limits.maxNodes ?? DEFAULTS.maxNodes;
  const lc = new LineCounter();
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, { schema: "failsafe", lineCounter: lc, prettyErrors: false }) as Document.Parsed[];
  } catch (e) {
    throw new AerchipError("E_SANAFE_YAML", `not valid YAML: ${(e as Error).message}`, { file, hint: "fix the YAML syntax" });
  }
  if (!Array.isArray(docs)) throw new AerchipError("E_SANAFE_YAML", "not valid YAML", { file, hint: "fix the YAML syntax" });
  if (docs.length !== 1) {
    throw new AerchipError("E_SANAFE_YAML", `expected one YAML document, found ${docs.length}`, { file, hint: "keep the architecture or network in a single document (no `---` separators)" });
  }
  const doc = docs[0];
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const pos = lc.linePos(e.pos[0]);
    if (/call stack/i.test(e.message)) {
      throw new AerchipError("E_SANAFE_NESTING", `YAML nesting is too deep near line ${pos.line}`, { file, field: `line ${pos.line}`, hint: `SANA-FE files nest a few levels; at most ${maxDepth} are accepted` });
    }
    const first = e.message.split("\n")[0];
    throw new AerchipError("E_SANAFE_YAML", `YAML error at line ${pos.line}, column ${pos.col}: ${first}`, { file, field: `line ${pos.line}`, hint: e.code === "DUPLICATE_KEY" ? "remove the repeated key" : "fix the YAML syntax" });
  }
  let aliases = 0;
  let nodes = 0;
  const lineOf = (n: YamlNode | null | undefined): number => (n?.range === undefined || n.range === null ? 0 : lc.linePos(n.range[0]).line);
  const convert = (n: unknown, depth: number, parentLine: number): YNode => {
    if (++nodes > maxNodes) {
      throw new AerchipError("E_SANAFE_TOO_LARGE", `the YAML document expands to more than ${maxNodes} nodes`, { file, hint: "split the network or use hyper-edges" });
    }
    if (depth > maxDepth) {
      throw new AerchipError("E_SANAFE_NESTING", `YAML nesting deeper than ${maxDepth} levels near line ${parentLine}`, { file, field: `line ${parentLine}`, hint: "SANA-FE files nest only a few levels; flatten the structure" });
    }
    if (n === null || n === undefined) return { kind: "scalar", value: "", line: parentLine };
    if (isAlias(n)) {
      if (++aliases > maxAliasCount) {
        throw new AerchipError("E_SANAFE_ALIAS_BOMB", `more than ${maxAliasCount} YAML alias dereferences (line ${lineOf(n)})`, { file, field: `line ${lineOf(n)}`, hint: "expand the anchors by hand; documents that multiply through aliases are rejected" });
      }
      const target = n.resolve(doc);
      if (target === undefined) throw new AerchipError("E_SANAFE_YAML", `unresolved alias *${n.source} at line ${lineOf(n)}`, { file, field: `line ${lineOf(n)}`, hint: "define the anchor before using it" });
      return convert(target, depth + 1, lineOf(n));
    }
    if (isScalar(n)) {
      const v = n.value;
      return { kind: "scalar", value: v === null || v === undefined ? "" : String(v), line: lineOf(n) };
    }
    if (isSeq(n)) {
      const line = lineOf(n);
      return { kind: "seq", items: n.items.map((it) => convert(it, depth + 1, line)), line };
    }
    if (isMap(n)) {
      const line = lineOf(n);
      const entries: Array<readonly [string, YNode]> = [];
      for (const pair of n.items) {
        const k = isAlias(pair.key) ? convert(pair.key, depth + 1, line) : pair.key;
        let key: string;
        if (isScalar(k)) key = k.value === null || k.value === undefined ? "" : String(k.value);
        else if (k !== null && typeof k === "object" && "kind" in k && (k as YNode).kind === "scalar") key = (k as YScalar).value;
        else throw new AerchipError("E_SANAFE_YAML", `a mapping key at line ${line} is not a scalar`, { file, field: `line ${line}`, hint: "use plain names as keys" });
        entries.push([key, convert(pair.value, depth + 1, lineOf(pair.key as YamlNode) || line)]);
      }
      return { kind: "map", entries, line };
    }
    throw new AerchipError("E_SANAFE_YAML", `unsupported YAML node near line ${parentLine}`, { file, field: `line ${parentLine}`, hint: "use plain scalars, lists and mappings" });
  };
  return convert(doc.contents, 0, 1);
}

/** First value under `key` in a map node, or undefined (RapidYAML's find_child). */
export function child(node: YNode | undefined, key: string): YNode | undefined {
  if (node === undefined || node.kind !== "map") return undefined;
  for (const [k, v] of node.entries) if (k === key) return v;
  return undefined;
}

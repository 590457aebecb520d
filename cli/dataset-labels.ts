/**
 * `aerchip evaluate --input DIR --labels FILE.csv`: the labels of a directory data set that is not arranged
 * in class folders (a flat folder of recordings with a label table, DVS128 Gesture exports), from a CSV.
 *
 * Format (UTF-8; LF or CRLF line ends; blank lines ignored): one row per sample, two comma-separated
 * fields, the sample's path relative to the --input directory with "/" between folders (the `id` of its
 * row in dataset.json; a leading "./" is allowed) and its class, a whole number ≥ 0:
 *
 *     file,label            ← optional header: a first line whose label field is not a whole number
 *     user01/rec_000.aedat,3
 *     user01/rec_001.aedat,10
 *
 * A field may be double-quoted (a path with a comma: "a,b.npy"; "" inside quotes is one quote), and
 * spaces around a field are dropped. Every sample the evaluation reads must have a row; a row for a file
 * that is not one of the directory's event files, a path given twice, a row without exactly two fields, and
 * a label that is not a whole number ≥ 0 are refused (E_DATASET_LABEL naming the CSV, the line and the
 * field): a label table that does not match the data set is a mistake to fix, not to guess around.
 */
import { AerchipError } from "../core/diagnostics.ts";
import { MAX_TEXT_FILE_BYTES, readInputText } from "../core/io/read-input.ts";
import { printable } from "../core/io/events/errors.ts";

/** The labels a --labels CSV gives: sample id (its path relative to the directory, "/"-separated) → class. */
export interface LabelTable {
  readonly file: string;
  readonly labels: ReadonlyMap<string, number>;
}

/** The largest label accepted (labels are classes of an output layer; 9 digits as --label-from number's folders). */
const MAX_LABEL = 999_999_999;

/** The fields of one CSV line: comma-separated, optionally double-quoted; null when a quote is not closed. */
function splitCsvLine(line: string): string[] | null {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    while (line[i] === " " || line[i] === "\t") i++;
    let field = "";
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) return null;
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += line[i++];
      }
      while (line[i] === " " || line[i] === "\t") i++;
      if (i < line.length && line[i] !== ",") return null;
    } else {
      const end = line.indexOf(",", i);
      field = (end < 0 ? line.slice(i) : line.slice(i, end)).trim();
      i = end < 0 ? line.length : end;
    }
    fields.push(field);
    if (i >= line.length) return fields;
    i++; // the comma
  }
}

/**
 * Reads the label CSV `file` for a directory whose event files have the ids `ids` (every file of the data
 * set, before --samples). Throws E_DATASET_LABEL for a malformed row, a path given twice, or a path that
 * is not one of `ids`.
 */
export function readLabelTable(file: string, ids: ReadonlySet<string>): LabelTable {
  const text = readInputText(file, { what: "label file", maxBytes: MAX_TEXT_FILE_BYTES, field: "--labels", hint: "give a CSV of sample path,label rows (docs/evaluate.md)" });
  const lines = text.replace(/^\uFEFF/, "").split("\n");
  const labels = new Map<string, number>();
  const lineOf = new Map<string, number>();
  const bad = (line: number, field: string, message: string, hint: string): AerchipError =>
    new AerchipError("E_DATASET_LABEL", `${file} line ${line}: ${message}`, { file, field: `line ${line}, ${field}`, hint });
  let first = true;
  for (let li = 0; li < lines.length; li++) {
    const raw = lines[li].replace(/\r$/, "");
    if (raw.trim() === "") continue;
    const n = li + 1;
    const fields = splitCsvLine(raw);
    const isFirst = first;
    first = false;
    if (fields === null) throw bad(n, "path", `a quoted field is not closed ("${printable(raw)}")`, 'close the quote: "path,with,commas.npy",3');
    if (fields.length !== 2) throw bad(n, fields.length < 2 ? "label" : "path", `has ${fields.length} field${fields.length === 1 ? "" : "s"} ("${printable(raw)}"); a row is path,label`, "give each sample as its path relative to --input and its class, e.g. rec_000.aedat,3");
    const id = fields[0].replace(/^(\.\/)+/, "");
    const text = fields[1];
    const whole = /^\d+$/.test(text);
    // A header: the first line, its label field not a number and its path no sample (file,label).
    if (isFirst && !whole && !ids.has(id)) continue;
    if (!whole || Number(text) > MAX_LABEL) {
      throw bad(n, "label", `the label "${printable(text)}" of ${printable(id)} is not a whole number from 0 to ${MAX_LABEL}`, "labels are class indices 0, 1, 2, … of the output's neurons");
    }
    if (id === "") throw bad(n, "path", "the path is empty", "give the sample's path relative to --input, e.g. rec_000.aedat");
    const before = lineOf.get(id);
    if (before !== undefined) throw bad(n, "path", `${printable(id)} is labelled again (first on line ${before})`, "give each sample one row");
    if (!ids.has(id)) {
      throw bad(n, "path", `${printable(id)} is not an event file of the data set`, "paths are relative to the --input directory, with / between folders (as the rows' ids in dataset.json); remove rows of files that are not in it");
    }
    labels.set(id, Number(text));
    lineOf.set(id, n);
  }
  return { file, labels };
}

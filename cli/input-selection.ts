/**
 * Which part of an event file a command reads: `--sample I` picks sample I of an SHD / SSC HDF5 file (the
 * readers' default is sample 0), `--labels FILE.csv --gesture ROW` cuts one labelled gesture out of a DVS
 * Gesture AEDAT recording: the events with startTime_usec ≤ t < endTime_usec of label row ROW (0 = the
 * first row after the header), with time re-based to the label's start (docs/events.md §7).
 *
 * The options are refused (E_CLI_OPTION, exit 2) where they cannot apply: without an input file, on a
 * file of another format, --labels without --gesture (or the reverse), and --sample with --labels. A row or
 * sample beyond the file's is the reader's E_EVENTS_OPTIONS, named by the flag.
 */
import type { Command } from "commander";
import { AerchipError, isAerchipError } from "../core/diagnostics.ts";
import { sha256File } from "./provenance.ts";

export interface InputSelection {
  /** SHD / SSC: the sample (0-based). */
  readonly sample?: number;
  /** DVS Gesture: the label CSV. */
  readonly labels?: string;
  /** DVS Gesture: the label row (0-based, header excluded). */
  readonly gesture?: number;
}

/** The selection options of a command's parsed options. */
export function inputSelectionOf(o: InputSelection): InputSelection {
  return {
    ...(o.sample === undefined ? {} : { sample: o.sample }),
    ...(o.labels === undefined ? {} : { labels: o.labels }),
    ...(o.gesture === undefined ? {} : { gesture: o.gesture }),
  };
}

const usage = (flag: string, message: string, hint: string, file?: string): AerchipError =>
  new AerchipError("E_CLI_OPTION", message, { field: flag, hint, ...(file === undefined ? {} : { file }) });

/**
 * The checks that need no file: --labels and --gesture go together, --sample does not go with them, and
 * `needsInput` (run and compare, whose --input is optional) says whether an --input was given.
 */
export function checkInputSelectionOptions(cmd: Command, needsInput: boolean): void {
  const given = (option: string): boolean => {
    const source = cmd.getOptionValueSource(option);
    return source !== undefined && source !== "default";
  };
  const used = (["sample", "labels", "gesture"] as const).filter(given);
  if (used.length === 0) return;
  const flag = (o: string): string => `--${o}`;
  if (needsInput && !given("input")) {
    throw usage(flag(used[0]), `${flag(used[0])} picks part of an --input file, and no --input was given`, `add --input FILE, or drop ${flag(used[0])}`);
  }
  if (given("labels") !== given("gesture")) {
    const missing = given("labels") ? "--gesture" : "--labels";
    throw usage(missing, `${given("labels") ? "--labels" : "--gesture"} needs ${missing}: --labels names the DVS Gesture label CSV, --gesture the row in it to cut`, `add ${missing === "--gesture" ? "--gesture ROW (0 = the first label row)" : "--labels FILE_labels.csv"}`);
  }
  if (given("sample") && given("labels")) {
    throw usage("--sample", "--sample picks an SHD/SSC sample and --labels/--gesture cut a DVS Gesture recording; one file is not both", "drop --sample (for an AEDAT recording) or --labels and --gesture (for an HDF5 file)");
  }
}

/**
 * readEventsForInput / convertEventFile options for the selection, after checking that the input's
 * format takes it (E_CLI_OPTION otherwise). The library calls the label row `sample` too.
 */
export async function inputSelectionReadOptions(path: string, sel: InputSelection): Promise<{ sample?: number; labels?: string }> {
  if (sel.sample === undefined && sel.labels === undefined) return {};
  const { detectEventFormat, EventFormat } = await import("../core/io/events/index.ts");
  const format = await detectEventFormat(path);
  if (sel.sample !== undefined) {
    if (format !== EventFormat.hdf5) throw usage("--sample", `--sample picks a sample of an SHD/SSC HDF5 file; ${path} is ${format}`, "drop --sample (it applies to .h5 inputs only)", path);
    return { sample: sel.sample };
  }
  if (format !== EventFormat.aedat2 && format !== EventFormat.aedat3) {
    throw usage("--labels", `--labels/--gesture cut a DVS Gesture AEDAT recording; ${path} is ${format}`, "drop --labels and --gesture (they apply to AEDAT 2.0/3.1 inputs only)", path);
  }
  return { labels: sel.labels as string, sample: sel.gesture as number };
}

/** The reader's "no such sample / row" (field "sample") named by the flag the user gave. */
export function renameSelectionError(e: unknown, sel: InputSelection): unknown {
  if (!isAerchipError(e) || e.field !== "sample") return e;
  const flag = sel.labels !== undefined ? "--gesture" : "--sample";
  return new AerchipError(e.code, e.message, { ...(e.file === undefined ? {} : { file: e.file }), field: flag, hint: `${e.hint ?? "choose an existing index"} with ${flag}`, cause: e });
}

/** What a report's provenance records of the selection: options only when given (older reports stay byte-identical). */
export function inputSelectionProvenance(sel: InputSelection): { inputs: Array<{ role: string; path: string; sha256: string }>; options: Record<string, number> } {
  return {
    inputs: sel.labels === undefined ? [] : [{ role: "labels", path: sel.labels, sha256: sha256File(sel.labels) }],
    options: { ...(sel.sample === undefined ? {} : { sample: sel.sample }), ...(sel.gesture === undefined ? {} : { gesture: sel.gesture }) },
  };
}

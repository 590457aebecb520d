/**
 * Output paths a command must not write: one of its own inputs (`run --packets-out MODEL`, `report R
 * --out R`, `convert IN IN` would replace the file being read), or one file twice in one set (`run
 * --packets-out OUT/report.json`). Checked before anything runs or is written (E_CLI_OPTION, exit 2,
 * naming both roles); files compared as core/same-file.ts does (links, "..", hard links).
 * core/atomic-write.ts writeOutputSet checks the duplicates again when the set is written.
 */
import { existsSync, statSync } from "node:fs";
import { join, sep } from "node:path";
import { checkDistinctOutputs } from "../core/atomic-write.ts";
import { AerchipError } from "../core/diagnostics.ts";
import { canonicalPath, sameFile } from "../core/same-file.ts";
import { LAYER_TICKS_FILE } from "./layer-ticks-out.ts";

/** A file a command reads or writes, and what it is (an option, or the argument's name). */
export interface RolePath {
  readonly role: string;
  readonly path: string;
}

/**
 * What to change when an output would replace an input. A file in --out ("--out's 1.npy") takes a name the
 * command gives it, which the user cannot change: use another --out directory or move the input out of it
 * (audit s23y #6c). An output named by its own option (--packets-out, convert's OUT) can take another path.
 */
function outputClashHint(outRole: string, inputRole: string): string {
  if (outRole.startsWith("--out's ")) return `use another --out directory, or move the file given as ${inputRole} out of it (${outRole.slice("--out's ".length)} is a name this command writes there)`;
  return `give ${outRole} another path`;
}

/** Refuses an output that is one of the inputs, or two outputs that are one file (E_CLI_OPTION). */
export function checkOutputPaths(outputs: readonly RolePath[], inputs: readonly RolePath[]): void {
  for (const out of outputs) {
    for (const inp of inputs) {
      if (!sameFile(out.path, inp.path)) continue;
      throw new AerchipError("E_CLI_OPTION", `${out.role} (${out.path}) is the same file as ${inp.role} (${inp.path}); writing it would replace the input being read`, {
        field: out.role, hint: outputClashHint(out.role, inp.role),
      });
    }
  }
  checkDistinctOutputs(outputs);
}

/**
 * An output directory that is an input directory or inside it (`evaluate --input D --out D`): the outputs
 * would join the data set read, whose digest was taken before they were written, and the next run would
 * read them as samples (audit s22r-y #10). E_CLI_OPTION naming both; an input that is a file is not checked.
 */
export function checkOutDirOutside(out: RolePath, input: RolePath): void {
  if (!existsSync(input.path) || !statSync(input.path).isDirectory()) return;
  const o = canonicalPath(out.path);
  const d = canonicalPath(input.path);
  if (o !== d && !o.startsWith(d.endsWith(sep) ? d : d + sep)) return;
  throw new AerchipError("E_CLI_OPTION", `${out.role} (${out.path}) is ${o === d ? "the same directory as" : "inside"} ${input.role} (${input.path}); its files would be written into the data being read`, {
    field: out.role, hint: `give ${out.role} a directory outside ${input.role}`,
  });
}

/** What `aerchip run` (JSON model, SANA-FE network, NIR graph or compiled program) reads and names as output. */
export interface RunPaths {
  readonly out: string;
  readonly arch: string;
  readonly sanafeArch?: string;
  readonly input?: string;
  readonly labels?: string;
  readonly initialWeights?: string;
  readonly thirdFactor?: readonly { readonly path: string }[];
  readonly packetsOut?: string;
  readonly logFile?: string;
  readonly perLayerTicks?: boolean;
}

/**
 * `aerchip run MODEL`: the outputs in --out this run writes (spikes.json, report.json; mapping.json but for
 * a compiled .aerprog, whose mapping compile wrote; layer-ticks.csv only with --per-layer-ticks),
 * --packets-out and --log-file, against each other and against every file it reads. Only files the run
 * writes: a file it does not write replaces no input (`run FROZEN --initial-weights D/weights.json --out D`
 * writes no weights.json and is not refused; s23).
 * `modelFiles`: the further file names in --out that only the loaded model tells (a NIR graph's
 * `<node>.npy`, a readout's `<name>.v.npy`, cli/readout-files.ts; weights.json when the model has plastic
 * projections; hand-mapping-report.json for --remap); the commands call this again with them once the
 * model is loaded, still before the run (audit s22r-y #1).
 */
export function checkRunOutputPaths(model: string, o: RunPaths, modelFiles: readonly string[] = []): void {
  const inputs: RolePath[] = [
    { role: "<model>", path: model },
    ...(existsSync(o.arch) ? [{ role: "--arch", path: o.arch }] : []),
    ...(o.sanafeArch === undefined ? [] : [{ role: "--sanafe-arch", path: o.sanafeArch }]),
    ...(o.input === undefined ? [] : [{ role: "--input", path: o.input }]),
    ...(o.labels === undefined ? [] : [{ role: "--labels", path: o.labels }]),
    ...(o.initialWeights === undefined ? [] : [{ role: "--initial-weights", path: o.initialWeights }]),
    ...(o.thirdFactor ?? []).map((t) => ({ role: "--third-factor", path: t.path })),
  ];
  const named: RolePath[] = [
    ...(o.packetsOut === undefined ? [] : [{ role: "--packets-out", path: o.packetsOut }]),
    ...(o.logFile === undefined ? [] : [{ role: "--log-file", path: o.logFile }]),
  ];
  const program = /\.aerprog$/i.test(model);
  const fixed = ["spikes.json", "report.json", ...(program ? [] : ["mapping.json"]), ...(o.perLayerTicks === true ? [LAYER_TICKS_FILE] : [])].map((f) => ({ role: `--out's ${f}`, path: join(o.out, f) }));
  const perModel = modelFiles.map((f) => ({ role: `--out's ${f}`, path: join(o.out, f) }));
  checkOutputPaths([...named, ...fixed, ...perModel], inputs);
}

/**
 * `aerchip rerun FILE --out DIR`: DIR must not hold a file the re-run is compared with (FILE itself, and the
 * layer-ticks.csv or weights.json beside it): the re-run would replace it first and then compare it with
 * itself. E_CLI_OPTION naming the file.
 */
export function checkRerunOut(out: string, original: string, siblings: readonly string[]): void {
  const dir = canonicalPath(out);
  for (const file of [original, ...siblings]) {
    const holders = [canonicalPath(join(file, ".."))];
    if (existsSync(file)) holders.push(join(canonicalPath(file), ".."));
    if (!holders.some((h) => canonicalPath(h) === dir)) continue;
    throw new AerchipError("E_CLI_OPTION", `--out ${out} holds ${file}, which the re-run is compared with; writing the re-run there would replace it before the comparison`, {
      field: "--out", hint: "give --out another directory (a new one): the re-run's files are compared with the original's",
    });
  }
}

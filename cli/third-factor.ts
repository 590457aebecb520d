/**
 * `aerchip run MODEL.json --third-factor [POP=]FILE.npy`: the learning rules' third factor m (a reward or
 * learning signal, docs/learning.md §1) per tick from a file, so a three-factor rule (reward-modulated
 * STDP, S-TLLR with a precomputed signal) learns from the command line; without it m is 0 and such rules
 * change nothing.
 *
 *   FILE.npy        shape (T,): m[t] for every neuron (a global reward / neuromodulator)
 *   POP=FILE.npy    shape (T, size of POP) or (T, *POP's shape): m[t] for each neuron of POP
 *                   (overrides a global file for POP's neurons)
 *
 * Tick t reads row t (the engine's tick, as the model's input spikes); ticks past the file read 0, and rows
 * past the run's last tick are not read. Both are allowed (a signal for the first ticks only is a use), but
 * a file whose rows ≠ the run's ticks is often a mistake, so the run warns (W_THIRD_FACTOR_ROWS, on stderr
 * and in report.json `warnings`). Values are finite numbers. The option repeats; a population at most once, one global file at most. Each file
 * is recorded in the report's provenance (role "third-factor", its SHA-256) with its population in
 * provenance.options.thirdFactor, so `aerchip rerun` reads it again.
 */
import { AerchipError, type Diagnostic } from "../core/diagnostics.ts";
import { readPlainNpyFile } from "../core/io/npy-file.ts";
import type { ThirdFactorSchedule } from "../chip/sim/run.ts";
import { sha256File } from "./provenance.ts";

/** Largest third-factor file read (bytes). */
const MAX_BYTES = 2 ** 31 - 1;

export interface ThirdFactorArg {
  readonly population: string | null;
  readonly path: string;
}

/** commander collector for the repeatable option. */
export function collectThirdFactor(v: string, prev: ThirdFactorArg[] = []): ThirdFactorArg[] {
  const eq = v.indexOf("=");
  const arg: ThirdFactorArg = eq > 0 && !/\.npy$/i.test(v.slice(0, eq)) ? { population: v.slice(0, eq), path: v.slice(eq + 1) } : { population: null, path: v };
  return [...prev, arg];
}

/** The schedules, read and checked against the model's populations (name → size). */
export function readThirdFactor(args: readonly ThirdFactorArg[], populations: ReadonlyMap<string, number>, modelPath: string, option = "--third-factor"): ThirdFactorSchedule[] {
  const seen = new Set<string | null>();
  return args.map((a) => {
    const who = a.population === null ? "the global third factor" : `population "${a.population}"`;
    if (seen.has(a.population)) throw new AerchipError("E_CLI_OPTION", `${option} gives ${who} twice`, { field: option, hint: "give each population (and the global file) once" });
    seen.add(a.population);
    if (a.population !== null && (a.population.includes(",") || a.population === "*")) throw new AerchipError("E_CLI_OPTION", `${option} ${a.population}=…: a population named with a comma or "*" cannot be recorded in the provenance`, { field: option, hint: "rename the population" });
    const size = a.population === null ? 1 : populations.get(a.population);
    if (size === undefined) throw new AerchipError("E_CLI_OPTION", `${option} ${a.population}=…: the model has no population "${a.population}"`, { file: modelPath, field: option, hint: `use one of: ${[...populations.keys()].join(", ")}` });
    const arr = readPlainNpyFile(a.path, {
      what: "third-factor file", maxBytes: MAX_BYTES, field: option,
      notPlain: { code: "E_THIRD_FACTOR", message: "the third factor is a plain array of numbers", hint: "save ticks × neurons values with numpy.save" },
    });
    const values = arr.values;
    const T = arr.shape[0] ?? 0;
    const perTick = arr.shape.slice(1).reduce((x, y) => x * y, 1);
    const want = a.population === null ? "(T,)" : `(T, ${size}) for its ${size} neurons`;
    if (arr.shape.length === 0 || T < 1 || perTick !== size || (a.population === null && arr.shape.length !== 1)) {
      throw new AerchipError("E_THIRD_FACTOR", `${a.path} has shape (${arr.shape.join(", ")}); ${who} takes ${want}`, { file: a.path, field: "shape", hint: "one row per tick (row t is tick t)" });
    }
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i])) throw new AerchipError("E_THIRD_FACTOR", `${a.path}: value ${i} (tick ${Math.floor(i / size)}) is ${values[i]}; the third factor is finite`, { file: a.path, field: `[${Math.floor(i / size)}]`, hint: "replace NaN / inf" });
    }
    return { population: a.population, values };
  });
}

/**
 * W_THIRD_FACTOR_ROWS for each file whose rows (ticks) differ from the run's `steps`: with fewer, the ticks
 * after its last row read m = 0; with more, the rows after the run's last tick are not used.
 * `schedules` are readThirdFactor's for `args`, in the same order.
 */
export function thirdFactorRowsWarnings(args: readonly ThirdFactorArg[], schedules: readonly ThirdFactorSchedule[], populations: ReadonlyMap<string, number>, steps: number, option = "--third-factor"): Diagnostic[] {
  const out: Diagnostic[] = [];
  args.forEach((a, i) => {
    const size = a.population === null ? 1 : populations.get(a.population) ?? 1;
    const rows = schedules[i].values.length / size;
    if (rows === steps) return;
    const what = rows < steps
      ? `ticks ${rows}..${steps - 1} read m = 0 (zero-padded)`
      : `rows ${steps}..${rows - 1} are not used (truncated)`;
    out.push({
      code: "W_THIRD_FACTOR_ROWS", severity: "warning", file: a.path, field: option,
      message: `${a.path} has ${rows} rows (ticks) and the run has ${steps} ticks: ${what}`,
      hint: `give the file one row per tick of the run (${steps}), or --steps ${rows}, unless the ${rows < steps ? "padding" : "cut"} is meant`,
    });
  });
  return out;
}

/**
 * Provenance: one input per file (role "third-factor") and options.thirdFactor, the populations in the same
 * order joined by commas, "*" for the global file (readThirdFactor refused names with a comma).
 */
export function thirdFactorProvenance(args: readonly ThirdFactorArg[]): { inputs: Array<{ role: string; path: string; sha256: string }>; options: { thirdFactor?: string } } {
  if (args.length === 0) return { inputs: [], options: {} };
  return { inputs: args.map((a) => ({ role: "third-factor", path: a.path, sha256: sha256File(a.path) })), options: { thirdFactor: args.map((a) => a.population ?? "*").join(",") } };
}

/**
 * The option values a report's provenance recorded (for `aerchip rerun`), or undefined; `role` / `key`: the
 * input role and option name (train's --third-factor-dir records "third-factor-dir" / "thirdFactorDir").
 */
export function thirdFactorFromProvenance(inputs: ReadonlyArray<{ role: string; path: string }>, options: Readonly<Record<string, unknown>>, bad: (field: string) => never, role = "third-factor", key = "thirdFactor"): ThirdFactorArg[] | undefined {
  const files = inputs.filter((i) => i.role === role).map((i) => i.path);
  const recorded = options[key];
  if (files.length === 0 && recorded === undefined) return undefined;
  if (typeof recorded !== "string") return bad(key);
  const pops = recorded.split(",");
  if (pops.length !== files.length || pops.some((p) => p === "")) return bad(key);
  return files.map((path, k) => ({ population: pops[k] === "*" ? null : pops[k], path }));
}

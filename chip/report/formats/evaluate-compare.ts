/**
 * One model over one data set on several chips, side by side: the rows of `aerchip evaluate --arch a,b,c`
 * (one per chip, from each chip's dataset.json summary, or the error code when the chip did not run), as a
 * table (Markdown, LaTeX, tidy CSV) and JSON. Rows keep the order the chips were given in. Every number is
 * one of the chip's per-inference statistics (chip/report/dataset.ts), except
 *   energy per effective synaptic op = mean total energy per inference ÷ mean effective synaptic ops per
 *   inference (= Σ energy ÷ Σ effective ops over the samples), NeuroBench's effective ops (the model's layers).
 */
import { datasetDisplayName } from "./dataset-name.ts";
import type { DatasetDocument } from "../dataset.ts";
import { csvField } from "./csv.ts";
import { energyUnit, maxOf, NOT_MODELLED, timeUnit, type Cell, type ReportTable } from "./cells.ts";
import { isCountsOnly } from "../counts-only.ts";
import { markdownTable } from "./markdown.ts";
import { compareLabels } from "./compare.ts";

export interface EvaluateCompareOk {
  readonly arch: string;
  readonly status: "ok";
  /** Directory (relative to the comparison's output directory) holding this chip's dataset.json. */
  readonly dir: string;
  readonly document: DatasetDocument;
}

export interface EvaluateCompareFailed {
  readonly arch: string;
  readonly status: "error";
  readonly code: string;
  readonly message: string;
}

export type EvaluateCompareEntry = EvaluateCompareOk | EvaluateCompareFailed;

/** One chip's row; null where the chip did not run or the figure does not apply (the flags say which). */
export interface EvaluateCompareRow {
  readonly arch: string;
  readonly dir: string | null;
  readonly chip: string | null;
  /** "ok" or the error code. */
  readonly status: string;
  readonly errorMessage: string | null;
  readonly coresUsed: number | null;
  readonly coresAvailable: number | null;
  readonly samples: number | null;
  /** correct / labelled; null without labels. */
  readonly accuracy: number | null;
  readonly accuracyInterval95: readonly [number, number] | null;
  /** Mean and sample standard deviation of the total energy per inference, pJ. */
  readonly energyMeanPj: number | null;
  readonly energyStdPj: number | null;
  /** Mean (total − static) per inference; null with all-in costs (they hold static power: `allInCosts`). */
  readonly dynamicEnergyMeanPj: number | null;
  /** Mean static energy per inference; null when the chip spec has no static cost (`staticModelled` false). */
  readonly staticEnergyMeanPj: number | null;
  readonly allInCosts: boolean | null;
  readonly staticModelled: boolean | null;
  /** Mean simulated time per inference, ns; null when the chip models no time (`timeBasis` "not-modelled"). */
  readonly simulatedTimeMeanNs: number | null;
  readonly timeBasis: string | null;
  readonly effectiveSynOpsMean: number | null;
  /** energyMeanPj / effectiveSynOpsMean; null when no effective op was made. */
  readonly energyPerEffectiveSynOpPj: number | null;
  /** --target-from / --target-dir: mean reconstruction MSE over the samples that have one (absent without a target). */
  readonly reconstructionMseMean?: number | null;
  /** --rest-steps: input-free ticks after each sample, charged in the energy and time (absent without a rest). */
  readonly restSteps?: number;
}

export function evaluateCompareRows(entries: readonly EvaluateCompareEntry[]): EvaluateCompareRow[] {
  return entries.map((e) => {
    if (e.status === "error") {
      return {
        arch: e.arch, dir: null, chip: null, status: e.code, errorMessage: e.message, coresUsed: null, coresAvailable: null, samples: null,
        accuracy: null, accuracyInterval95: null, energyMeanPj: null, energyStdPj: null, dynamicEnergyMeanPj: null, staticEnergyMeanPj: null,
        allInCosts: null, staticModelled: null, simulatedTimeMeanNs: null, timeBasis: null, effectiveSynOpsMean: null, energyPerEffectiveSynOpPj: null,
      };
    }
    const d = e.document;
    const s = d.summary;
    const pi = s.perInference;
    const eff = pi.effectiveSynOps.mean;
    // --costs counts (chip/report/counts-only.ts): the document has no energy; the row's energy fields are null.
    if (isCountsOnly(d)) {
      return {
        arch: e.arch, dir: e.dir, chip: d.chip.name, status: "ok", errorMessage: null, coresUsed: d.chip.coresUsed, coresAvailable: d.chip.coresAvailable,
        samples: s.samples, accuracy: s.accuracy, accuracyInterval95: s.accuracyInterval95,
        energyMeanPj: null, energyStdPj: null, dynamicEnergyMeanPj: null, staticEnergyMeanPj: null, allInCosts: null, staticModelled: null,
        simulatedTimeMeanNs: pi.simulatedTimeNs?.mean ?? null, timeBasis: d.timeBasis ?? "not-modelled",
        effectiveSynOpsMean: eff, energyPerEffectiveSynOpPj: null,
        ...(s.reconstruction === undefined ? {} : { reconstructionMseMean: s.reconstruction.samples > 0 ? s.reconstruction.mse.mean : null }),
        ...(d.input.restSteps === undefined ? {} : { restSteps: d.input.restSteps }),
      };
    }
    // As the per-chip tables (formats/dataset.ts): all-in costs have no dynamic share; a component without a cost is not modelled.
    const allIn = d.costs.some((c) => c.evidence === "all-in");
    const staticModelled = s.energyTerms.some((t) => t.component === "static");
    return {
      arch: e.arch, dir: e.dir, chip: d.chip.name, status: "ok", errorMessage: null, coresUsed: d.chip.coresUsed, coresAvailable: d.chip.coresAvailable,
      samples: s.samples, accuracy: s.accuracy, accuracyInterval95: s.accuracyInterval95,
      energyMeanPj: pi.energyPj.total.mean, energyStdPj: pi.energyPj.total.std,
      dynamicEnergyMeanPj: allIn ? null : pi.dynamicEnergyPj.mean, staticEnergyMeanPj: staticModelled ? pi.energyPj.static.mean : null,
      allInCosts: allIn, staticModelled,
      simulatedTimeMeanNs: pi.simulatedTimeNs?.mean ?? null, timeBasis: d.timeBasis ?? "not-modelled",
      effectiveSynOpsMean: eff, energyPerEffectiveSynOpPj: eff > 0 ? pi.energyPj.total.mean / eff : null,
      ...(s.reconstruction === undefined ? {} : { reconstructionMseMean: s.reconstruction.samples > 0 ? s.reconstruction.mse.mean : null }),
      ...(d.input.restSteps === undefined ? {} : { restSteps: d.input.restSteps }),
    };
  });
}

const nums = (rows: readonly EvaluateCompareRow[], f: (r: EvaluateCompareRow) => number | null): number[] => rows.map(f).filter((v): v is number => v !== null);

/** Definitions printed under every table (Markdown, LaTeX). */
export const EVALUATE_COMPARE_NOTE = "Per inference: mean over the chip's samples (each one inference from the chip's initial state), std the sample standard deviation (n - 1; n/a for one sample). "
  + "Energy = dynamic (counts x per-operation costs) + static (the cores used, over the inference's simulated time on the chip's time basis: tick-period, paced, or modelled-latency, compute-bound). "
  + "Dynamic n/a: the chip's costs are all-in (they hold static power). Energy/effective op = mean total energy / mean NeuroBench effective synaptic ops (the model's layers). "
  + "Each chip's full tables are in its directory's dataset.md.";

/** The definitions under a counts-only table (--costs counts): no energy or power is reported. */
export const EVALUATE_COMPARE_NOTE_COUNTS = "Counts only (--costs counts): no energy or power is reported. "
  + "Per inference: mean over the chip's samples (each one inference from the chip's initial state). Time is on each chip's time basis (tick-period, paced, or modelled-latency, compute-bound). "
  + "Each chip's full tables are in its directory's dataset.md.";

/** `countsOnly` (--costs counts): no energy columns, and a note without energy. */
export function evaluateCompareTable(model: string, dataset: string, rows: readonly EvaluateCompareRow[], datasetName?: string, countsOnly = false): ReportTable {
  const eu = energyUnit(maxOf(nums(rows, (r) => r.energyMeanPj)));
  const tu = timeUnit(maxOf(nums(rows, (r) => r.simulatedTimeMeanNs)));
  const n = (v: number | null, f: "int" | "sig" | "pct", scale = 1): Cell => (v === null ? null : { v: v / scale, f });
  const failed = rows.filter((r) => r.errorMessage !== null);
  const ran = (r: EvaluateCompareRow, c: Cell): Cell => (r.status === "ok" ? c : null);
  // Columns of the options given only (a comparison without them keeps its table).
  const recon = rows.some((r) => r.reconstructionMseMean !== undefined);
  const note = evaluateCompareNote(rows, countsOnly);
  // The energy columns and their cells, left out in counts-only mode.
  const e = <T,>(...xs: T[]): T[] => (countsOnly ? [] : xs);
  // Two chips of one spec name (a preset and an edited copy) are told apart by their --arch item (compare.ts).
  const labels = compareLabels(rows);
  return {
    id: "evaluate-compare", title: `${model} over ${datasetDisplayName(dataset, datasetName)} on ${rows.length} chip${rows.length === 1 ? "" : "s"}`,
    columns: [
      { header: "Chip", align: "l" }, { header: "Status", align: "l" }, { header: "Cores", align: "r" }, { header: "Samples", align: "r" }, { header: "Accuracy", align: "r" },
      ...e<ReportTable["columns"][number]>({ header: `Energy mean (${eu.unit})`, align: "r" }, { header: `Energy std (${eu.unit})`, align: "r" }, { header: `Dynamic mean (${eu.unit})`, align: "r" },
        { header: `Static mean (${eu.unit})`, align: "r" }), { header: `Time mean (${tu.unit})`, align: "r" }, { header: "Time basis", align: "l" },
      { header: "Effective syn. ops mean", align: "r" }, ...e<ReportTable["columns"][number]>({ header: "Energy/effective op (pJ)", align: "r" }),
      ...(recon ? [{ header: "Reconstruction MSE mean", align: "r" as const }] : []),
    ],
    rows: rows.map((r, i) => [
      labels[i], r.status, r.coresUsed === null ? null : `${r.coresUsed} of ${r.coresAvailable}`, n(r.samples, "int"),
      ran(r, r.accuracy === null ? "no labels" : n(r.accuracy, "pct")),
      ...e(n(r.energyMeanPj, "sig", eu.scale), ran(r, r.samples !== null && r.samples > 1 ? n(r.energyStdPj, "sig", eu.scale) : "n/a"),
        ran(r, r.allInCosts === true ? "n/a" : n(r.dynamicEnergyMeanPj, "sig", eu.scale)),
        ran(r, r.staticModelled === false ? NOT_MODELLED : n(r.staticEnergyMeanPj, "sig", eu.scale))),
      ran(r, r.simulatedTimeMeanNs === null ? NOT_MODELLED : n(r.simulatedTimeMeanNs, "sig", tu.scale)), r.timeBasis,
      n(r.effectiveSynOpsMean, "sig"), ...e(ran(r, r.energyPerEffectiveSynOpPj === null ? "n/a" : n(r.energyPerEffectiveSynOpPj, "sig"))),
      ...(recon ? [ran(r, r.reconstructionMseMean === null || r.reconstructionMseMean === undefined ? "n/a" : n(r.reconstructionMseMean, "sig"))] : []),
    ]),
    note: failed.length === 0 ? note : `${note} Did not run: ${failed.map((r) => `${r.arch}: ${r.status} (${r.errorMessage ?? ""})`).join("; ")}.`,
  };
}

/** The definitions, and what the options given add to them (the rest's ticks are in the energy and time). */
function evaluateCompareNote(rows: readonly EvaluateCompareRow[], countsOnly = false): string {
  const rest = rows.find((r) => r.restSteps !== undefined)?.restSteps;
  const recon = rows.some((r) => r.reconstructionMseMean !== undefined);
  return (countsOnly ? EVALUATE_COMPARE_NOTE_COUNTS : EVALUATE_COMPARE_NOTE)
    + (rest === undefined ? "" : ` Each sample is followed by ${rest} input-free rest tick${rest === 1 ? "" : "s"} (--rest-steps), simulated and charged: ${countsOnly ? "counts" : "energy"} and time include them.`)
    + (recon ? " Reconstruction MSE: the decoded output per step against the target, mean over the samples (dataset.md has SSE and MAE)." : "");
}

/** evaluate-compare.md: the table, the definitions, and the chips that did not run as a list (one item per chip). */
export function evaluateCompareMarkdown(t: ReportTable, rows: readonly EvaluateCompareRow[], countsOnly = false): string {
  const esc = (s: string): string => s.replace(/\\/g, "\\\\").replace(/_/g, "\\_").replace(/\r?\n/g, " ");
  const failed = rows.filter((r) => r.errorMessage !== null);
  const list = failed.length === 0 ? "" : `\nChips that did not run:\n\n${failed.map((r) => `- ${esc(r.arch)}: \`${r.status}\` ${esc(r.errorMessage ?? "")}`).join("\n")}\n`;
  return `# ${esc(t.title)}\n\n${markdownTable(t)}\n\n_${esc(evaluateCompareNote(rows, countsOnly))}_\n${list}`;
}

export const EVALUATE_COMPARE_CSV_COLUMNS = [
  "arch", "dir", "chip", "status", "error_message", "cores_used", "cores_available", "samples", "accuracy", "accuracy_low95", "accuracy_high95",
  "energy_mean_pj", "energy_std_pj", "dynamic_energy_mean_pj", "static_energy_mean_pj", "all_in_costs", "static_modelled",
  "simulated_time_mean_ns", "time_basis", "effective_syn_ops_mean", "energy_per_effective_syn_op_pj",
] as const;

export function evaluateCompareCsv(rows: readonly EvaluateCompareRow[]): string {
  // Columns of the options given only, after the fixed ones (a comparison without them keeps its bytes).
  const recon = rows.some((r) => r.reconstructionMseMean !== undefined);
  const rest = rows.some((r) => r.restSteps !== undefined);
  const lines: string[] = [[...EVALUATE_COMPARE_CSV_COLUMNS, ...(recon ? ["reconstruction_mse_mean"] : []), ...(rest ? ["rest_steps"] : [])].join(",")];
  for (const r of rows) {
    lines.push([
      r.arch, r.dir, r.chip, r.status, r.errorMessage, r.coresUsed, r.coresAvailable, r.samples, r.accuracy, r.accuracyInterval95?.[0] ?? null, r.accuracyInterval95?.[1] ?? null,
      r.energyMeanPj, r.energyStdPj, r.dynamicEnergyMeanPj, r.staticEnergyMeanPj, r.allInCosts === null ? null : String(r.allInCosts), r.staticModelled === null ? null : String(r.staticModelled),
      r.simulatedTimeMeanNs, r.timeBasis, r.effectiveSynOpsMean, r.energyPerEffectiveSynOpPj,
      ...(recon ? [r.reconstructionMseMean ?? null] : []), ...(rest ? [r.restSteps ?? null] : []),
    ].map(csvField).join(","));
  }
  return `${lines.join("\n")}\n`;
}

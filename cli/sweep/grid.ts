/**
 * The sweep grid: the Cartesian product of the axes in AXES order (the last axis varies fastest), so the
 * order of points, and of the rows of every output, depends only on the sweep file. Each point has a
 * stable id: the first 16 hex digits of SHA-256 over its parameters and the content hashes of what it
 * runs (model, input, chip spec files, steps, timing, the NIR reader's options), so a resumed sweep reuses a finished point only
 * when it would compute the same thing, and never one of an edited model.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { sha256File } from "../provenance.ts";
import { AXES, resolveArch, type SweepConfig, type SweepNirOptions } from "./config.ts";
import type { PlacementStrategy } from "../../compiler/passes/place.ts";
import type { CostMode } from "../../chip/report/counts-only.ts";

/** The parameters of one point (null: the chip's own value). */
export interface PointParams {
  readonly arch: string;
  readonly seed: number;
  readonly precision: "float" | "fixed";
  readonly placement: PlacementStrategy;
  readonly coreNeurons: number | null;
  readonly meshWidth: number | null;
  readonly meshHeight: number | null;
  /** null for float points: float64 arithmetic does not use the chip's weight bits. */
  readonly weightBits: number | null;
  /** Every learning rule's weightBits at this point; null: the model's own. */
  readonly learningWeightBits: number | null;
}

/** Everything a worker needs to run one point (structured-cloneable: plain data only). */
export interface PointTask {
  readonly id: string;
  readonly index: number;
  readonly params: PointParams;
  /** Absolute paths. */
  readonly model: string;
  readonly input: string | null;
  /** JSON models: the input population `input` drives (null: the only one). */
  readonly inputPopulation: string | null;
  readonly archPath: string;
  readonly steps: number | null;
  readonly timing: "simple" | "detailed";
  readonly tickUs: number | null;
  /** NIR graphs: the sweep file's `reset`, `nirBias`, `dt` (absent when it gives none). */
  readonly nir?: SweepNirOptions;
  /** `sweep --costs counts`: every point's run counts-only (chip/report/counts-only.ts); absent in the default mode. */
  readonly costs?: "counts";
}

export interface SweepGrid {
  readonly tasks: readonly PointTask[];
  /** SHA-256 of each input file (model, input, chip spec files), for provenance. */
  readonly inputs: ReadonlyArray<{ readonly role: string; readonly path: string; readonly sha256: string }>;
}

export function pointId(fingerprint: unknown): string {
  return createHash("sha256").update(JSON.stringify(fingerprint)).digest("hex").slice(0, 16);
}

/** `costs`: `sweep --costs` (counts-only points have ids of their own, so a resumed sweep never mixes modes). */
export function buildGrid(cfg: SweepConfig, costs?: CostMode): SweepGrid {
  const counts = costs === "counts" ? { costs: "counts" as const } : {};
  // In the id only when given, so that the ids of sweeps without them (and their finished points) stay.
  const nir = Object.keys(cfg.nir).length === 0 ? {} : { nir: cfg.nir };
  const modelSha = sha256File(cfg.model);
  const inputSha = cfg.input === null ? null : sha256File(cfg.input);
  const inputs: Array<{ role: string; path: string; sha256: string }> = [{ role: "model", path: cfg.modelAsGiven, sha256: modelSha }];
  if (cfg.input !== null) inputs.push({ role: "input", path: cfg.input, sha256: inputSha as string });
  const archSha = new Map<string, string | null>();
  for (const a of cfg.axes.arch) {
    const p = resolveArch(a, cfg.file);
    const sha = existsSync(p) ? sha256File(p) : null;
    archSha.set(a, sha);
    if (sha !== null) inputs.push({ role: "arch", path: a, sha256: sha });
  }
  const a = cfg.axes;
  const tasks: PointTask[] = [];
  const seen = new Set<string>();
  // Nested loops in AXES order; the innermost (learningWeightBits) varies fastest.
  for (const arch of a.arch) for (const seed of a.seed) for (const precision of a.precision) for (const placement of a.placement)
    for (const coreNeurons of a.coreNeurons) for (const meshWidth of a.meshWidth) for (const meshHeight of a.meshHeight) for (const wb of a.weightBits) for (const lwb of a.learningWeightBits) {
      const params: PointParams = { arch, seed, precision, placement, coreNeurons, meshWidth, meshHeight, weightBits: precision === "float" ? null : wb, learningWeightBits: lwb };
      // learningWeightBits joins the fingerprint only when set, so points of sweeps without it keep their ids (resume).
      const id = pointId({
        v: 1, model: modelSha, input: inputSha, ...(cfg.inputPopulation === null ? {} : { inputPopulation: cfg.inputPopulation }), steps: cfg.steps, timing: cfg.timing, tickUs: cfg.tickUs, archSha: archSha.get(arch) ?? null,
        params: AXES.filter((k) => k !== "learningWeightBits").map((k) => params[k]), ...(lwb === null ? {} : { learningWeightBits: lwb }), ...counts, ...nir,
      });
      // Float points do not depend on weightBits: one per combination of the other axes.
      if (seen.has(id)) continue;
      seen.add(id);
      tasks.push({
        id, index: tasks.length, params, model: cfg.model, input: cfg.input, inputPopulation: cfg.inputPopulation, archPath: resolveArch(arch, cfg.file),
        steps: cfg.steps, timing: cfg.timing, tickUs: cfg.tickUs, ...nir, ...counts,
      });
    }
  return { tasks, inputs };
}

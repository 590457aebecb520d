/**
 * The library-level pipeline the CLI drives: load a model, compile it for a chip, run it and build the
 * report. Every step is a plain function so that the same numbers come out of the CLI and the API.
 *
 * The CLI uses the async variants (runCompiledAsync, compileAndRunAsync): they run the simulation in
 * chunks of about YIELD_EVERY_MS and yield to the event loop between chunks (cli/interrupt.ts), so that
 * Ctrl-C stops a long run with E_INTERRUPTED (exit 130) before any output is written. The synchronous
 * variants give identical results (the chunks only change when the event loop runs).
 */
import { AerchipError } from "../core/diagnostics.ts";
import type { ChipSpec } from "../chip/spec/types.ts";
import type { ChipProgram, ChipStimulus } from "../chip/program/types.ts";
import { performance } from "node:perf_hooks";
import { adaptiveThresholdsOf, runState, startRun, type SimResult, type SimRun, type SimulateOptions } from "../chip/sim/run.ts";
import { createTimingModel, type TimingModelName } from "../chip/timing/index.ts";
import { buildSimState, releaseProgramSynapses, type SimState } from "../chip/sim/state.ts";
import { buildRunReport, type Provenance, type RunReport } from "../chip/report/run-report.ts";
import { programCoreFigures, type ProgramCoreFigures } from "../chip/report/metrics.ts";
import { compileModel, type CompileOptions, type CompileResult } from "../compiler/compile.ts";
import { loadJsonModel } from "../compiler/frontends/load-model.ts";
import type { LoadedModel } from "../compiler/frontends/snnref.ts";
import type { ModelGraph } from "../compiler/ir/types.ts";
import type { AerPacketBuffer } from "../core/aer.ts";
import type { Logger } from "../core/log.ts";
import { YIELD_EVERY_MS, yieldForSignals } from "./interrupt.ts";
import { collectReleased, graphReleaseRefs, programReleaseRefs } from "./release.ts";
import { checkSpikesJsonSize, MAX_SPIKES_JSON_CHARS, spikePairChars, type SpikeList } from "./spikes-json-size.ts";

export type { TimingModelName };

/** `fitsChip`: refuse a model too large for that chip's cores (for several: for every one's) before building it (compiler/core-capacity.ts). */
export function loadModel(path: string, fitsChip?: ChipSpec | readonly ChipSpec[]): LoadedModel {
  if (/\.(nir|h5|hdf5)$/i.test(path)) {
    throw new AerchipError("E_MODEL_FORMAT", "NIR models are not supported by this build", { file: path, hint: "use an snnref-1 or aerchip-model-1 JSON model" });
  }
  return loadJsonModel(path, fitsChip);
}

export interface RunOutcome {
  /** With CompileAndRunOptions.releaseProgram, a large non-plastic program is its skeleton here. */
  readonly compiled: CompileResult;
  readonly sim: SimResult;
  readonly report: RunReport;
}

export interface RunHooks {
  /** Populations whose membrane potential is recorded every tick (non-spiking readouts). */
  readonly recordVoltages?: readonly string[];
  readonly tracePackets?: AerPacketBuffer;
  readonly onProgress?: (ticksDone: number) => void;
  readonly logger?: Logger;
  /** Threads that run the chip's cores (chip/sim/threads); results are identical for every count. */
  readonly threads?: number;
  /** The learning rules' third factor m per tick (`run --third-factor`, cli/third-factor.ts). */
  readonly thirdFactor?: SimulateOptions["thirdFactor"];
  /** Graded post traces from each neuron's own potential, Ψ(u) (`run --psi`). */
  readonly gradedPsi?: SimulateOptions["gradedPsi"];
  /** --per-layer-ticks: the neuron and learning counters per tick and population too (SimulateOptions.layerTallies). */
  readonly layerTallies?: boolean;
}

function simulateOptions(steps: number, timing: TimingModelName, hooks: RunHooks): SimulateOptions {
  return {
    steps, timing: createTimingModel(timing), timingPerPacket: timing === "detailed",
    ...(hooks.tracePackets === undefined ? {} : { tracePackets: hooks.tracePackets }),
    ...(hooks.onProgress === undefined ? {} : { onProgress: hooks.onProgress }),
    ...(hooks.recordVoltages === undefined ? {} : { recordVoltages: hooks.recordVoltages }),
    ...(hooks.threads === undefined ? {} : { threads: hooks.threads }),
    ...(hooks.thirdFactor === undefined ? {} : { thirdFactor: hooks.thirdFactor }),
    ...(hooks.gradedPsi === undefined ? {} : { gradedPsi: hooks.gradedPsi }),
    ...(hooks.layerTallies === true ? { layerTallies: true } : {}),
  };
}

/** The simulator state, in shared memory when worker threads will map it. */
function stateFor(spec: ChipSpec, program: ChipProgram, threads: number | undefined): SimState {
  return buildSimState(spec, program, { shared: (threads ?? 1) > 1 });
}

export function runCompiled(spec: ChipSpec, program: ChipProgram, stimulus: ChipStimulus, steps: number, provenance: Provenance, timing: TimingModelName = "simple", hooks: RunHooks = {}): { sim: SimResult; report: RunReport } {
  const log = hooks.logger;
  const st = stateFor(spec, program, hooks.threads);
  log?.info({ phase: "build", cores: st.coreCount, neurons: st.neuronCount, synapses: st.synapseCount }, "simulator state built");
  const sim = runState(spec, program, st, stimulus, simulateOptions(steps, timing, hooks));
  log?.info({ phase: "run", steps }, "simulation finished");
  return { sim, report: buildRunReport(spec, program, sim, provenance, timing) };
}

/**
 * Runs `run` to its end in chunks of about YIELD_EVERY_MS of simulation, yielding to the event loop
 * before each chunk; throws E_INTERRUPTED ("at tick X of Y") when SIGINT arrived.
 */
export async function stepWithSignals(run: SimRun, what = "simulating"): Promise<void> {
  let batch = 1;
  while (!run.done) {
    await yieldForSignals(`while ${what}, at tick ${run.ticksDone} of ${run.steps}`);
    const deadline = performance.now() + YIELD_EVERY_MS;
    do {
      const t0 = performance.now();
      const ticks = run.step(batch);
      batch = nextStepBatch(batch, ticks, performance.now() - t0);
    } while (!run.done && performance.now() < deadline);
  }
}

/** Runs `run` to its end with stepWithSignals and returns its result; on an error (an interrupt) closes it first. */
export async function runToEnd(run: SimRun, what = "simulating"): Promise<SimResult> {
  try {
    await stepWithSignals(run, what);
  } catch (e) {
    run.close();
    throw e;
  }
  return run.finish();
}

/** Simulation time a step() call aims at, ms: a few calls per YIELD_EVERY_MS. */
export const STEP_TARGET_MS = 10;
export const MAX_STEP_BATCH = 4096;

/**
 * Ticks for the next step() call, from the last call (`batch` asked, `ticks` done in `ms`): the ticks that
 * take about STEP_TARGET_MS at that pace, at most 4× the last batch (a run's first ticks are its slowest:
 * code not yet optimised) and at least a quarter of it, within 1 … MAX_STEP_BATCH.
 * Why not smaller: each call has a fixed cost, larger with threads (their part of a tick is handed over,
 * and JavaScript folds the call's counters); the earlier rule, doubling only while calls took under 2 ms,
 * held bench_lif10k's CLI run at 20–30 ticks per call, ~40 calls per 1,000 ticks.
 */
export function nextStepBatch(batch: number, ticks: number, ms: number): number {
  const pace = ticks > 0 && ms > 0 ? (ticks * STEP_TARGET_MS) / ms : 4 * batch;
  const next = Math.round(Math.min(4 * batch, Math.max(batch / 4, pace)));
  return Math.min(MAX_STEP_BATCH, Math.max(1, next));
}

/** runCompiled, interruptible: the simulation yields for signals between chunks. */
export async function runCompiledAsync(spec: ChipSpec, program: ChipProgram, stimulus: ChipStimulus, steps: number, provenance: Provenance, timing: TimingModelName = "simple", hooks: RunHooks = {}): Promise<{ sim: SimResult; report: RunReport }> {
  const st = stateFor(spec, program, hooks.threads);
  hooks.logger?.info({ phase: "build", cores: st.coreCount, neurons: st.neuronCount, synapses: st.synapseCount }, "simulator state built");
  return simulateBuilt(spec, program, st, stimulus, steps, provenance, timing, hooks);
}

/** Runs a built state to its end, yielding for signals between chunks, and reports; `cores`: see buildRunReport. */
async function simulateBuilt(spec: ChipSpec, program: ChipProgram, st: SimState, stimulus: ChipStimulus, steps: number, provenance: Provenance, timing: TimingModelName, hooks: RunHooks, cores?: ProgramCoreFigures): Promise<{ sim: SimResult; report: RunReport }> {
  const sim = await runToEnd(startRun(spec, program, st, stimulus, simulateOptions(steps, timing, hooks)));
  hooks.logger?.info({ phase: "run", steps, threads: sim.threads }, "simulation finished");
  return { sim, report: buildRunReport(spec, program, sim, provenance, timing, cores) };
}

interface CompileAndRunOptions {
  readonly steps?: number;
  readonly compile?: CompileOptions;
  readonly provenance: Provenance;
  readonly timing?: TimingModelName;
  readonly hooks?: RunHooks;
  /**
   * The caller keeps no reference to the model (compileAndRunAsync only): its IR graph is collected after
   * compiling, before the state is built, when it is large (cli/release.ts). Without this the graph
   * of a large model stays resident beside the program and the state until the process ends.
   */
  readonly modelReleased?: boolean;
  /**
   * compileAndRunAsync only: once the state is built, a large non-plastic program's per-synapse and
   * per-neuron arrays are released and collected before the run, and RunOutcome.compiled.program is its
   * skeleton (chip/sim/state.ts releaseProgramSynapses: populations, projections, core ids and sizes).
   */
  readonly releaseProgram?: boolean;
}

/**
 * What a run keeps of its model once compiled. The IR graph (per-population and per-synapse arrays, about
 * 64 MB for SANA-FE's dvs.yaml) is not among them, except for a fixed-point compile, whose float64
 * ("ideal") reference recompiles it after the run: the simulation itself never reads it.
 */
interface CompiledRun {
  /** Its program becomes the skeleton once the state is built, with CompileAndRunOptions.releaseProgram. */
  compiled: CompileResult;
  readonly steps: number;
  readonly stimulus: ChipStimulus;
  /** The graph to recompile in float64 after the run (fixed-point compiles only). */
  readonly floatReference?: ModelGraph;
  /** The released graph, watched until it is collected (empty: nothing to collect). */
  readonly graphRefs: ReadonlyArray<WeakRef<object>>;
}

function compileForRun(spec: ChipSpec, model: LoadedModel, opts: CompileAndRunOptions): CompiledRun {
  const compiled = compileModel(model.graph, spec, opts.compile ?? {});
  opts.hooks?.logger?.info({ phase: "compile", coresUsed: compiled.mapping.coresUsed, neurons: compiled.mapping.neurons, synapses: compiled.mapping.synapses }, "model compiled");
  const fixed = compiled.quantisation !== undefined;
  return {
    compiled, steps: opts.steps ?? model.graph.defaultSteps, stimulus: model.stimulus,
    ...(fixed ? { floatReference: model.graph } : {}),
    graphRefs: opts.modelReleased === true && !fixed ? graphReleaseRefs(model.graph) : [],
  };
}

export function compileAndRun(spec: ChipSpec, model: LoadedModel, opts: CompileAndRunOptions): RunOutcome {
  const { compiled, steps, stimulus, floatReference } = compileForRun(spec, model, opts);
  const { sim, report } = runCompiled(spec, compiled.program, stimulus, steps, opts.provenance, opts.timing ?? "simple", opts.hooks ?? {});
  if (floatReference === undefined) return { compiled, sim, report };
  // Fixed point: the same model in float64 ("ideal") arithmetic, for spike agreement.
  const ideal = compileModel(floatReference, spec, { ...(opts.compile ?? {}), precision: "float" });
  const threads = opts.hooks?.threads;
  const floatSim = runState(spec, ideal.program, stateFor(spec, ideal.program, threads), stimulus, { steps, ...(threads === undefined ? {} : { threads }) });
  return { compiled, sim, report: withPrecision(report, compiled, sim, floatSim) };
}

/**
 * compileAndRun, interruptible: both simulations (fixed point and its float reference) yield for signals.
 *
 * The model is compiled here, synchronously, and only the CompiledRun goes on to the async part. This
 * function is not itself async on purpose: V8 keeps every parameter and local of a suspended async
 * function reachable until it returns, used again or not, so an async compileAndRunAsync would hold
 * `model` (and its graph) through the whole simulation. A caller that does not keep the model either
 * lets the graph be collected while the chip runs (cli/commands/run.ts), and with `modelReleased` it is
 * collected before the state is built. Compile errors still reject.
 */
export function compileAndRunAsync(spec: ChipSpec, model: LoadedModel, opts: CompileAndRunOptions): Promise<RunOutcome> {
  try {
    return runCompiledRunAsync(spec, compileForRun(spec, model, opts), opts);
  } catch (e) {
    return Promise.reject(e);
  }
}

async function runCompiledRunAsync(spec: ChipSpec, run: CompiledRun, opts: CompileAndRunOptions): Promise<RunOutcome> {
  const hooks = opts.hooks ?? {};
  // compileAndRunAsync, which held the model, returns at this function's first await: the graph can then
  // be collected before the state is built, so graph, program and state are never resident together.
  if (run.graphRefs.length > 0) await collectReleased("IR graph", run.graphRefs, hooks.logger);
  const built = buildReleasing(spec, run, hooks, opts.releaseProgram === true);
  if (built.released.length > 0) await collectReleased("program arrays", built.released, hooks.logger);
  const { compiled, steps, stimulus } = run;
  const { sim, report } = await simulateBuilt(spec, compiled.program, built.st, stimulus, steps, opts.provenance, opts.timing ?? "simple", hooks, built.cores);
  if (run.floatReference === undefined) return { compiled, sim, report };
  const ideal = compileModel(run.floatReference, spec, { ...(opts.compile ?? {}), precision: "float" });
  const threads = opts.hooks?.threads;
  const floatSim = await runToEnd(startRun(spec, ideal.program, stateFor(spec, ideal.program, threads), stimulus, { steps, ...(threads === undefined ? {} : { threads }) }), "simulating the float64 reference");
  return { compiled, sim, report: withPrecision(report, compiled, sim, floatSim) };
}

/**
 * Builds the state of run's program (synchronously: no suspended frame keeps the program). With `release`
 * and a large non-plastic program, run.compiled's program then becomes its skeleton; the per-core figures
 * the report reads of the crossbars are computed first, and WeakRefs to the dropped arrays are returned.
 */
function buildReleasing(spec: ChipSpec, run: CompiledRun, hooks: RunHooks, release: boolean): { st: SimState; cores?: ProgramCoreFigures; released: Array<WeakRef<object>> } {
  const program = run.compiled.program;
  const st = stateFor(spec, program, hooks.threads);
  hooks.logger?.info({ phase: "build", cores: st.coreCount, neurons: st.neuronCount, synapses: st.synapseCount }, "simulator state built");
  const released = release ? programReleaseRefs(program) : [];
  if (released.length === 0) return { st, released };
  const cores = programCoreFigures(spec, program);
  run.compiled = { ...run.compiled, program: releaseProgramSynapses(program) };
  return { st, cores, released };
}

function withPrecision(report: RunReport, compiled: CompileResult, sim: SimResult, floatSim: SimResult): RunReport {
  const q = compiled.quantisation!;
  const precision = {
    mode: "fixed" as const,
    layers: q.layers,
    warnings: q.diagnostics.map((d) => `${d.code}: ${d.message}`),
    agreementWithFloat: spikeAgreement(sim, floatSim, compiled.program),
  };
  return { ...report, precision };
}

/**
 * Spike agreement of two runs of one model: per population, the spikes of each and the (t, i) pairs they
 * share; jaccard = shared / (a + b − shared) (1 when both are silent).
 */
export function spikeAgreement(a: SimResult, b: SimResult, program: ChipProgram): Array<{ population: string; spikes: number; spikesFloat: number; shared: number; jaccard: number }> {
  return program.populations.filter((p) => p.kind !== "input").map((p) => {
    const sa = a.spikes.get(p.name)!;
    const sb = b.spikes.get(p.name)!;
    const keys = new Set<number>();
    for (let k = 0; k < sb.tick.length; k++) keys.add(sb.tick[k] * p.size + sb.neuron[k]);
    let shared = 0;
    for (let k = 0; k < sa.tick.length; k++) if (keys.has(sa.tick[k] * p.size + sa.neuron[k])) shared++;
    const union = sa.tick.length + sb.tick.length - shared;
    return { population: p.name, spikes: sa.tick.length, spikesFloat: sb.tick.length, shared, jaccard: union === 0 ? 1 : shared / union };
  });
}


/** snnref-1-result JSON: spikes of every non-input population, sorted by (t, i), written compactly. */
/** Writes an snnref-1-result document from named spike lists (already sorted by t, then i). */
/**
 * `[tick,neuron]` pairs joined by commas, written as ASCII bytes (one buffer, decimal digits by hand):
 * SANA-FE's DVS network fires 364k spikes, and a template string per pair then a join took ~50 ms of the
 * CLI's output phase. The text is the same as `${pairs.map(([t, n]) => `[${t},${n}]`).join(",")}` for
 * integers.
 */
export function spikePairsJson(tick: ArrayLike<number>, neuron: ArrayLike<number>): string {
  const n = tick.length;
  if (n === 0) return "";
  // The exact length (counted as written below), not a 25-byte-per-pair bound: 5·10^7 spikes would
  // otherwise take 1.25 GB of buffer for ~0.7 GB of text.
  const buf = Buffer.allocUnsafe(spikePairChars([{ name: "", tick, neuron }]));
  let p = 0;
  for (let k = 0; k < n; k++) {
    if (k > 0) buf[p++] = 0x2c; // ,
    buf[p++] = 0x5b; // [
    p = writeInteger(buf, p, tick[k]);
    buf[p++] = 0x2c;
    p = writeInteger(buf, p, neuron[k]);
    buf[p++] = 0x5d; // ]
  }
  return buf.toString("latin1", 0, p);
}

/** Writes integer `x` (|x| < 2^32) in decimal at `p`; returns the end. */
function writeInteger(buf: Buffer, p: number, x: number): number {
  if (!Number.isInteger(x) || Math.abs(x) >= 2 ** 32) {
    // Not expected (spike ticks and neuron indices are integers); the general text keeps the output right.
    const s = String(x);
    return p + buf.write(s, p, "latin1");
  }
  if (x < 0) {
    buf[p++] = 0x2d; // -
    x = -x;
  }
  let digits = 1;
  for (let y = x; y >= 10; y = Math.floor(y / 10)) digits++;
  for (let i = digits - 1; i >= 0; i--) {
    buf[p + i] = 0x30 + (x % 10);
    x = Math.floor(x / 10);
  }
  return p + digits;
}

/**
 * The snnref-1-result text of a run. Its length is counted first (cli/spikes-json-size.ts): a text longer
 * than V8's string limit (`maxChars`) is refused with E_SPIKES_JSON_SIZE before any pair is written.
 */
export function spikesJsonFrom(modelName: string, simulator: string, steps: number, lists: ReadonlyArray<SpikeList>, finalWeights: ReadonlyMap<string, Float64Array> = new Map(), maxChars: number = MAX_SPIKES_JSON_CHARS): string {
  const weights: string[] = [];
  for (const [name, w] of finalWeights) weights.push(`${JSON.stringify(name)}:${JSON.stringify(Array.from(w))}`);
  const head = `{"format":"snnref-1-result","network":${JSON.stringify(modelName)},"simulator":${JSON.stringify(simulator)},"steps":${steps},"spikes":{`;
  const tail = `},"final_weights":{${weights.join(",")}}}\n`;
  // Fixed characters: head, tail, and per list `"name":[` + `]` and the comma between lists.
  let fixedChars = head.length + tail.length + Math.max(0, lists.length - 1);
  for (const l of lists) fixedChars += JSON.stringify(l.name).length + 3;
  checkSpikesJsonSize(lists, steps, fixedChars, maxChars);
  const parts: string[] = [];
  for (const l of lists) parts.push(`${JSON.stringify(l.name)}:[${spikePairsJson(l.tick, l.neuron)}]`);
  return `${head}${parts.join(",")}${tail}`;
}

/** spikes.json of a run: the non-input populations' spikes in program order, and any final weights. */
export function spikesJson(modelName: string, simulator: string, sim: SimResult, program: ChipProgram): string {
  const lists: Array<{ name: string; tick: ArrayLike<number>; neuron: ArrayLike<number> }> = [];
  for (const pop of program.populations) {
    if (pop.kind === "input") continue;
    const sp = sim.spikes.get(pop.name);
    if (sp !== undefined) lists.push({ name: pop.name, tick: sp.tick, neuron: sp.neuron });
  }
  return spikesJsonFrom(modelName, simulator, sim.steps, lists, sim.finalWeights);
}

/**
 * aerchip-weights JSON (docs/model-format.md, "Final weights"): the weights of every plastic projection
 * after the run, in the model's synapse order (SimResult.finalWeights), one line per projection so the
 * file stays diffable. Projections appear in program order; undefined when the model has no plastic ones.
 * `thresholds` (only when a population adapts its threshold): per such population its size and θ at the
 * end of the run, in the population's neuron order.
 */
export function weightsJson(modelName: string, sim: SimResult, program: ChipProgram): string | undefined {
  const lines: string[] = [];
  for (const pr of program.projections) {
    const w = sim.finalWeights.get(pr.name);
    if (w === undefined) continue;
    const rule = pr.learning !== undefined ? pr.learning.name : pr.plasticity !== undefined ? "pair" : "";
    lines.push(`${JSON.stringify(pr.name)}:{"pre":${JSON.stringify(pr.pre)},"post":${JSON.stringify(pr.post)},"rule":${JSON.stringify(rule)},"synapseCount":${w.length},"weights":${JSON.stringify(Array.from(w))}}`);
  }
  if (lines.length === 0) return undefined;
  // Learned adaptive thresholds θ (the run's end state), per population that adapts; absent for models
  // without θ, so their files keep their bytes. `--initial-weights` loads them (cli/initial-weights.ts).
  const theta = [...adaptiveThresholdsOf(program, sim.state)].map(([name, t]) => `${JSON.stringify(name)}:{"size":${t.length},"theta":${JSON.stringify(Array.from(t))}}`);
  const thresholds = theta.length === 0 ? "" : `,"thresholds":{\n${theta.join(",\n")}\n}`;
  return `{"format":"aerchip-weights","version":1,"model":${JSON.stringify(modelName)},"projections":{\n${lines.join(",\n")}\n}${thresholds}}\n`;
}

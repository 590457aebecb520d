/**
 * The chip's time-stepped, event-driven run. One tick (the chip's algorithmic time step, barrier
 * synchronised as on Loihi and in SANA-FE):
 *   0. learn    – trace decay of the learning engine (plastic programs only);
 *   1. deliver  – apply every synapse group due at t (scheduled when its spike was emitted):
 *                 acc[target] += weight (plastic synapses are depressed on arrival);
 *   2. update   – each core's neurons in local order: compartments integrate and may fire (chip/program
 *                 compartment equations, or SANA-FE's soma for `sanafeLif`); input neurons fire when the
 *                 stimulus says so; fired compartments potentiate their plastic synapses;
 *   3. emit     – each spike becomes one AER packet per destination core (XY-routed: hops counted per
 *                 direction). The destination core reads the packet's whole axon row at once, so its
 *                 synaptic ops are counted in this tick; the row's delay groups are queued for t + delay.
 * Spikes depend only on the program and the stimulus; the timing model only reads the work counted.
 *
 * Each phase is a small function of its own (deliver.ts, update.ts, plasticity.ts, and emit below), so
 * V8 optimises each with full type feedback. Counting: per tick, totals over cores (perTick) are added
 * per spike from per-neuron constants; per-core totals of the emission and synaptic counters follow
 * from the spike counts when the run finishes (derive-counters.ts). The per-route loop (packets and
 * synaptic ops per destination core and tick) runs only when a timing model needs it.
 *
 * A run is resumable: startRun() returns a SimRun whose step(maxTicks) advances the simulation and whose
 * finish() returns the SimResult; runState() is the one-shot wrapper. All run scratch lives in the run
 * object (no module state), and every kernel takes explicit ranges of cores or records.
 */
import type { ChipSpec } from "../spec/types.ts";
import { AerchipError } from "../../core/diagnostics.ts";
import type { ChipProgram, ChipStimulus } from "../program/types.ts";
import { aerLayoutFor, encodeAer, type AerLayout, type AerPacketBuffer } from "../../core/aer.ts";
import { populationIndexAt, ResetMode } from "../program/types.ts";
import { STLLR_PSI, type StllrPsi } from "../program/named-rules.ts";
import { TickWork, type TimingModel } from "../timing/types.ts";
import { isSimpleTiming } from "../timing/simple.ts";
import { learningPhaseNs, syncLatencyNs, timingCosts } from "../timing/costs.ts";
import { MAX_RECORDED_VALUES, MAX_RUN_TICKS } from "../../core/run-limits.ts";
import { allocateCounters, COUNTER_COUNT, CounterKind, type CounterArrays } from "./counters.ts";
import { buildSimState, hasCells, programIsPlastic, type KernelChoice, type SimState } from "./state.ts";
import { resolveStimulus, type ResolvedStimulus } from "./stimulus.ts";
import { resolveStimulusWasm } from "./wasm/stimulus.ts";
import {
  buildPlasticity, decayPlasticTraces, deliverPlasticGroup, hasPlasticity, markPlasticGroup, potentiate, readPlasticWeights, resetPlasticTraces, type PlasticityState,
} from "./plasticity.ts";
import {
  addGradedTraces, applyTagsAtRunEnd, buildLearningEngine, decayTraces, deliverLearningGroup, hasGeneralLearning, learnEpochEnd, noteThirdFactor,
  learnOnPostSpikes, readLearningWeights, type LearningEngine,
} from "./learning.ts";
import { DelayQueue, RECORD_INTS } from "./delay-queue.ts";
import { chooseDeliverMode, deliverCompact, deliverMarks, DeliverMode } from "./deliver-dispatch.ts";
import { CoreClass, coreClassesOf, classRuns, TALLY_ACCESSES, TALLY_COUNT, TALLY_FIRED, TALLY_OVERFLOWS, TALLY_UPDATES, TALLY_WITH_INPUT, type UpdateContext } from "./update.ts";
import { allocFiredLists, allocSharedUpdateBuffers, countsUpdatesWithInput, createUpdateContext } from "./update-context.ts";
import { updateCoreRuns } from "./update-cores.ts";
import { oneThreadContext, runBuffers, writeUpdateContext } from "./wasm/binding.ts";
import { spikesByPopulationWasm } from "./wasm/by-population.ts";
import { assertDeliveryArrays } from "./wasm/deliver.ts";
import { foldDerive, prepareDerive, runDeriveKernel } from "./wasm/derive.ts";
import { inFlightByProjectionWasm } from "./wasm/in-flight.ts";
import { inFlightByProjection } from "./in-flight.ts";
import { writeStdpContext } from "./wasm/stdp.ts";
import { packetRecordsFor, recordPacketsWasm } from "./wasm/packets.ts";
import type { WasmPacketRecords } from "./wasm/binding.ts";
import { clearWheelBucket, deliverFromWheel, emitWasm, wheelBucketAddress, wheelBucketLength, wheelFor, type WasmWheel } from "./wasm/wheel.ts";
import { kernelsFor, type WasmKernelExports } from "./wasm/kernels.ts";
import { addFusedCoreSums, beginChunk, chunkEndTick, chunkFull, foldChunk, fusedBuffersFor, fusedClassesOnly, fusedTimed, runFusedTicks, setTeamTallies, type FusedBuffers } from "./wasm/fused.ts";
import { checkThreadCount, createThreadTeam, type ThreadTeam } from "./threads/team.ts";
import { shareState } from "./threads/share-state.ts";
import { threadableTiming, TimingThreads } from "../timing/thread.ts";
import { deriveSpikeCounters, neuronSynOpsByEncoding } from "./derive-counters.ts";
import { SpikeRecord, type PopulationSpikes } from "./spike-record.ts";
import { LayerTally, type LayerTallies } from "./layer-tally.ts";
import { deliverCondRange } from "./cond.ts";

export type { PopulationSpikes } from "./spike-record.ts";

/** One entry of SimulateOptions.thirdFactor. */
export interface ThirdFactorSchedule {
  readonly population: string | null;
  readonly values: Float64Array;
}

export interface SimulateOptions {
  readonly steps: number;
  /** Populations whose membrane potential (after the update of each tick) is recorded. */
  readonly recordVoltages?: readonly string[];
  /** Per-tick latency model (chip/timing); absent = latency not modelled (0). */
  readonly timing?: TimingModel;
  /** The timing model needs per-packet records (the `detailed` model). */
  readonly timingPerPacket?: boolean;
  /** When given, every AER packet (destination address, sending neuron, tick) is appended here. */
  readonly tracePackets?: AerPacketBuffer;
  /** Called every `progressEveryTicks` ticks (and after the last) with the ticks done; never per event. */
  readonly onProgress?: (ticksDone: number) => void;
  readonly progressEveryTicks?: number;
  /**
   * A general learning engine built by buildLearningEngine(program, state) and kept across runs of the
   * same state (training schedules); absent = built for this run when the program has `learning` rules.
   */
  readonly learningEngine?: LearningEngine;
  /** false = weights, traces and tags frozen for this run (inference); plastic synapses act as static ones. */
  readonly learningEnabled?: boolean;
  /**
   * Called at the start of every tick when a rule reads the third factor m or has graded post traces:
   * write m and g per global neuron (arrays keep their values until overwritten).
   */
  readonly learningInput?: (tick: number, thirdFactor: Float64Array, graded: Float64Array) => void;
  /**
   * The third factor m as data instead of a callback (a reward schedule, a precomputed learning signal):
   * per entry, `population` null broadcasts values[t] to every neuron (values: one per tick), else
   * neuron i of the population gets values[t·size + i] (row-major ticks × size, in the population's
   * order; it overrides a broadcast for its neurons). Ticks past an entry's rows read 0; neurons no entry
   * names read 0. Not with `learningInput`.
   */
  readonly thirdFactor?: readonly ThirdFactorSchedule[];
  /**
   * Graded post traces driven by the neuron itself: g_n[t] = Ψ(u_n[t], vThreshold_n), u the potential after
   * the tick's update and before its reset (S-TLLR's secondary activation, chip/program/named-rules.ts
   * STLLR_PSI), computed after the update, as a Loihi 2-style engine reads its own compartment. The
   * pre-reset u is v + vThreshold for a neuron that fired with subtractive reset, v otherwise; a spiking
   * neuron with a reset to a value loses u, and is refused. Float programs (learning runs in float).
   * Replaces graded inputs from learningInput; m still comes from learningInput or thirdFactor.
   */
  readonly gradedPsi?: StllrPsi;
  /**
   * Threads that run the chip's cores (threads/team.ts): 1 (default) runs on the calling thread; more
   * partitions the cores over worker threads with identical results. Programs with plastic synapses run
   * on one thread (SimResult.threads says what ran).
   */
  readonly threads?: number;
  /** A team made by threadTeamFor for this state, reused across runs (else one is made per run). */
  readonly team?: ThreadTeam;
  /**
   * Timing threads (chip/timing/thread.ts): a per-packet timing model that can be re-created by name
   * (`detailed`; TimingModel.threadable) is scheduled on threads of their own, pipelined with the
   * simulation, with the same latencies. Default (undefined or true): with `threads` N ≥ 2, N − 1 timing
   * threads and the cores on this thread (the schedule is the larger part of such runs: SANA-FE's DVS
   * network and bench_lif10k alike); false: never (the cores get the threads). With a `team`, one timing
   * thread besides the team's, only when true.
   */
  readonly timingThread?: boolean;
  /**
   * "js" runs the TypeScript kernels even on a state built for the WebAssembly ones (comparisons); default
   * "wasm" uses them when the state has them (one-thread runs of static synapses).
   */
  readonly kernels?: KernelChoice;
  /**
   * Count the neuron updates (and, when the run learns, the learning engine's synaptic and trace updates)
   * per population and tick as well (layer-tally.ts; `run --per-layer-ticks`): SimResult.layerTallies. The
   * cores then run on this thread, their update phase by population segments in the TypeScript kernels, one
   * tick per call; every other result is the same as without it.
   */
  readonly layerTallies?: boolean;
}

/**
 * AER destination address of every route (chip/program routing), packed with the mesh's layout
 * [axon | core | y | x] (core/aer.ts). Computed only when packets are traced.
 */
export function routeAddresses(spec: ChipSpec, _program: ChipProgram, st: SimState): { layout: AerLayout; address: Uint32Array } {
  let maxAxons = 1;
  for (let c = 0; c < st.coreCount; c++) maxAxons = Math.max(maxAxons, st.coreAxonStart[c + 1] - st.coreAxonStart[c]);
  const layout = aerLayoutFor({ widthTiles: spec.mesh.widthTiles, heightTiles: spec.mesh.heightTiles, coresPerTile: spec.mesh.coresPerTile, maxAxons });
  const address = new Uint32Array(st.routeDestCore.length);
  for (let r = 0; r < address.length; r++) {
    const dc = st.routeDestCore[r];
    address[r] = encodeAer(layout, st.coreTileX[dc], st.coreTileY[dc], st.coreId[dc] % spec.mesh.coresPerTile, st.routeAxon[r] - st.coreAxonStart[dc]);
  }
  return { layout, address };
}

export interface SimResult {
  readonly steps: number;
  readonly state: SimState;
  readonly spikes: ReadonlyMap<string, PopulationSpikes>;
  /** steps × population size, row-major. */
  readonly voltages: ReadonlyMap<string, Float64Array>;
  readonly counters: CounterArrays;
  readonly tickLatencyNs: Float64Array;
  /** Weights of plastic projections after the last tick, in the model's synapse order. */
  readonly finalWeights: ReadonlyMap<string, Float64Array>;
  /**
   * Synaptic events applied before the run ended (arrival t + delay < steps), per projection: the
   * reference simulators' count. `counters` count ops when the packet is read (emission tick).
   */
  readonly synapticEventsDeliveredByProjection: Float64Array;
  /** The general learning engine of the run, when the program has `learning` rules. */
  readonly learning?: LearningEngine;
  /**
   * With a learning engine: the updates of this run that changed a stored weight, per tick (tags applied at
   * the run's end in the last tick) and per program core; Σ of either = this run's share of
   * learning.weightChanges. What a report billing learning on changes (ChipSpec.learningBilledOn) multiplies.
   */
  readonly weightChangesPerTick?: Float64Array;
  readonly weightChangesPerCore?: Float64Array;
  /** The Ψ that drove the engine's graded post traces (SimulateOptions.gradedPsi), when one did. */
  readonly gradedPsi?: StllrPsi;
  /** Threads the run used: 1, or the team's size, plus the timing threads. */
  readonly threads: number;
  /** Threads that scheduled the ticks besides the simulating one (SimulateOptions.timingThread); 0: none. */
  readonly timingThreads: number;
  /** Kernels of the hot loops: "wasm" when delivery and the `lifUniform` updates ran in WebAssembly (on every thread). */
  readonly kernels: KernelChoice;
  /** SimulateOptions.layerTallies: the neuron and learning counters per tick and population. */
  readonly layerTallies?: LayerTallies;
}

/** A run in progress: advance it with step(), then take its result with finish(). */
export interface SimRun {
  readonly steps: number;
  readonly ticksDone: number;
  readonly done: boolean;
  /** Runs up to `maxTicks` more ticks (default: to the end); returns the ticks run. */
  step(maxTicks?: number): number;
  /** The result (once done; at most once). Stops the run's worker threads. */
  finish(): SimResult;
  /** Stops the run's worker threads without a result (an abandoned run); finish() calls it. */
  close(): void;
}

export function simulate(spec: ChipSpec, program: ChipProgram, stimulus: ChipStimulus, opts: SimulateOptions): SimResult {
  const st = buildSimState(spec, program);
  return runState(spec, program, st, stimulus, opts);
}

export function runState(spec: ChipSpec, program: ChipProgram, st: SimState, stimulus: ChipStimulus, opts: SimulateOptions): SimResult {
  const run = startRun(spec, program, st, stimulus, opts);
  run.step();
  return run.finish();
}

/**
 * Throws E_SIM_STEPS_EXCEEDED when a run would simulate more than MAX_RUN_TICKS ticks (core/run-limits.ts:
 * the per-tick counters and the report's per-tick data must fit in memory and in one JSON string).
 */
export function checkRunTicks(steps: number): void {
  if (!(steps > MAX_RUN_TICKS)) return;
  throw new AerchipError("E_SIM_STEPS_EXCEEDED", `the run has ${steps} ticks; a run simulates at most ${MAX_RUN_TICKS}`, {
    field: "steps", hint: `lower --steps or the model's "steps" to at most ${MAX_RUN_TICKS}; for event recordings, use a longer --tick-us (fewer ticks), or run the recording in pieces`,
  });
}

/**
 * Throws E_RECORD_SIZE when recording the potential of populations of `sizes` neurons over `ticks` ticks
 * would hold more than MAX_RECORDED_VALUES values (core/run-limits.ts), before any memory is taken.
 */
export function checkRecordedValues(sizes: readonly number[], ticks: number, file?: string): void {
  const perTick = sizes.reduce((a, b) => a + b, 0);
  if (perTick * ticks <= MAX_RECORDED_VALUES) return;
  throw new AerchipError("E_RECORD_SIZE", `recording the membrane potential of ${perTick} readout neurons over ${ticks} ticks would hold ${perTick * ticks} values; a run records at most ${MAX_RECORDED_VALUES}`, {
    ...(file === undefined ? {} : { file }), field: "steps",
    hint: `lower --steps to at most ${Math.floor(MAX_RECORDED_VALUES / Math.max(1, perTick))} (the non-spiking populations' <name>.v.npy traces are what is limited), or make fewer populations non-spiking`,
  });
}

export function startRun(spec: ChipSpec, program: ChipProgram, st: SimState, stimulus: ChipStimulus, opts: SimulateOptions): SimRun {
  return new Run(spec, program, st, stimulus, opts);
}

/** Tiles holding at least one program core (SANA-FE's sync-table key). */
export function mappedTileCount(st: SimState, spec: ChipSpec): number {
  const tiles = new Set<number>();
  for (let c = 0; c < st.coreCount; c++) tiles.add(Math.floor(st.coreId[c] / spec.mesh.coresPerTile));
  return tiles.size;
}

interface RecordedPopulation {
  readonly name: string;
  readonly globalOf: Uint32Array;
  readonly trace: Float64Array;
  readonly unit: number;
}

class Run implements SimRun {
  readonly steps: number;
  ticksDone = 0;
  private finished = false;
  private readonly spec: ChipSpec;
  private readonly program: ChipProgram;
  private readonly st: SimState;
  private readonly opts: SimulateOptions;
  private readonly E: number;
  private readonly counters: CounterArrays;
  private readonly stim: ResolvedStimulus;
  private readonly queue: DelayQueue;
  private readonly tickLatencyNs: Float64Array;
  private readonly upd: UpdateContext;
  private readonly coreClass: Uint8Array;
  /** Consecutive cores of one class: (first, end, class) triples. */
  private readonly classRuns: Uint32Array;
  /** The tick's work for the timing model (the state's own, in its memory, when the packet kernel records it). */
  private work: TickWork | undefined;
  private packets: WasmPacketRecords | undefined;
  private readonly perPacket: boolean;
  private readonly updatedWithInput: boolean;
  private readonly weightBits: number;
  private readonly pl: PlasticityState | undefined;
  private readonly le: LearningEngine | undefined;
  /** With le: weight changes per tick of this run, and le's totals when the run started (an engine may be reused). */
  private readonly changesPerTick: Float64Array;
  private changesSoFar = 0;
  private readonly changesByCoreAtStart: Float64Array;
  private readonly learningInput: SimulateOptions["learningInput"];
  /** gradedPsi: Ψ, the neurons whose graded traces it drives, and a fired mark per neuron (cleared each tick). */
  private readonly psiName: StllrPsi | undefined;
  private readonly psi: { readonly fn: (u: number, vTh: number) => number; readonly neurons: Uint32Array; readonly firedMark: Uint8Array } | undefined;
  private readonly recorded: readonly RecordedPopulation[];
  private readonly record: SpikeRecord;
  private readonly deliverMode: DeliverMode;
  /** Per neuron and encoding synaptic ops of one spike (E > 1 only). */
  private readonly synOpsByEnc: Float64Array;
  private readonly routeAddress: Uint32Array;
  private readonly progressEvery: number;
  /** The threads running the cores (multi-threaded runs only). */
  private readonly team: ThreadTeam | undefined;
  /** The threads scheduling a per-packet timing model (SimulateOptions.timingThread). */
  private readonly timingThreads: TimingThreads | undefined;
  private readonly ownsTeam: boolean = false;
  /** The WebAssembly kernels (one-thread runs of states built in a WebAssembly memory). */
  private readonly wasm: WasmKernelExports | undefined;
  /** Pair STDP in WebAssembly: the context block's address (0: not used) and the per-core update counts. */
  private readonly stdpContext: number = 0;
  private readonly coreSynUpdates: Float64Array = new Float64Array(0);
  /** The tick's emission totals of the TypeScript emit (see emit). */
  private readonly emitTotals = new Float64Array(8);
  private readonly emitTotalsInt = new Int32Array(8);
  /** The timing wheel in the state's memory (one-thread WebAssembly runs; else `queue`). */
  private readonly wheel: WasmWheel | undefined;
  /**
   * Whole ticks in one kernel call (wasm/fused.ts): one-thread WebAssembly runs whose cores all have update
   * kernels and that need nothing per tick but counters and spikes.
   */
  private readonly fused: FusedBuffers | undefined;
  /** Multi-threaded runs counting each tick with the teamTick kernel (`fused` holds its chunk). */
  private readonly teamFused: boolean = false;
  /** SimulateOptions.layerTallies: the update phase by population segments, counted per population. */
  private readonly layer: LayerTally | undefined;

  constructor(spec: ChipSpec, program: ChipProgram, stIn: SimState, stimulus: ChipStimulus, opts: SimulateOptions) {
    const T = opts.steps;
    // Before anything is allocated per tick (counters, latencies, the stimulus): every path into the
    // simulator (CLI options, a model's steps, binned event input, sweeps, re-runs) passes here.
    checkRunTicks(T);
    this.steps = T;
    this.spec = spec;
    this.program = program;
    this.opts = opts;
    if (opts.threads !== undefined) checkThreadCount(opts.threads);
    const perPacket = opts.timing !== undefined && opts.timingPerPacket === true;
    const useTimingThread = perPacket && threadableTiming(opts.timing) && (opts.team !== undefined ? opts.timingThread === true : (opts.threads ?? 1) > 1 && opts.timingThread !== false);
    const timingWorkers = !useTimingThread ? 0 : opts.team !== undefined ? 1 : (opts.threads ?? 1) - 1;
    const coreThreads = useTimingThread && opts.team === undefined ? 1 : opts.threads ?? 1;
    // A stimulus that keeps repeats (an input neuron firing several times in one tick: --input-counts) runs
    // on this thread in the TypeScript kernels, whose fired lists are sized for its repeats (the WebAssembly
    // and multi-threaded paths hold one entry per neuron and tick). Same results; SimResult says what ran.
    const repeats = keepsRepeats(stimulus);
    // Several threads for programs with static synapses (compact layouts); plastic ones, and runs counting
    // per population (layerTallies: the update phase by population segments, layer-tally.ts), on this thread.
    const threaded = (opts.team !== undefined || coreThreads > 1) && !programIsPlastic(program) && stIn.synapses.kind !== "wide" && !repeats && opts.layerTallies !== true;
    if (opts.team !== undefined && threaded && opts.team.state !== stIn) {
      throw new AerchipError("E_SIM_THREADS", "the thread team was made for another state", { field: "team", hint: "create the team with threadTeamFor(spec, program, state, threads) for the state you run" });
    }
    const st = threaded && opts.team === undefined ? shareState(stIn) : stIn;
    this.st = st;
    const useWasm = !threaded && !repeats && st.wasm !== undefined && (opts.kernels ?? "wasm") === "wasm";
    const N = st.neuronCount;
    this.E = Math.max(1, st.encodingNames.length);
    this.counters = allocateCounters(st.coreCount, T, this.E, program.projections.length, N);
    // The input's per-spike pass in a kernel when the state lives in a WebAssembly memory (same result).
    this.stim = st.wasm !== undefined && (opts.kernels ?? "wasm") === "wasm" && !repeats
      ? resolveStimulusWasm(kernelsFor(st.wasm.memory), st.wasm, program, st.coreNeuronStart, stimulus, T)
      : resolveStimulus(program, st.coreNeuronStart, stimulus, T);
    this.queue = new DelayQueue(st.maxDelayTicks + 1, 256);
    this.tickLatencyNs = new Float64Array(T);
    this.weightBits = spec.precision.weightBits;
    this.updatedWithInput = countsUpdatesWithInput(spec);
    this.work = opts.timing === undefined ? undefined : new TickWork(spec, st.coreId, st.encodingNames);
    this.perPacket = perPacket;
    if (this.work !== undefined) this.work.syncTiles = mappedTileCount(st, spec);
    const fx = program.fixedPoint;
    const hasDynamics = st.dynamics !== undefined;
    this.coreClass = coreClassesOf(st, fx !== undefined);
    this.classRuns = classRuns(this.coreClass);
    if (threaded && opts.team !== undefined && (opts.team.updatedWithInput !== this.updatedWithInput || opts.team.fixed !== (fx !== undefined))) {
      throw new AerchipError("E_SIM_THREADS", "the thread team was made for another chip or precision", { field: "team", hint: "create it with threadTeamFor(spec, program, state, threads)" });
    }
    if (threaded) {
      this.team = opts.team ?? createThreadTeam(st, { threads: coreThreads, coreClass: this.coreClass, fixedPoint: fx, updatedWithInput: this.updatedWithInput, ...(opts.kernels === undefined ? {} : { kernels: opts.kernels }) });
      this.ownsTeam = opts.team === undefined;
      // The run's fired list is the team's combined list (the same order as one thread's).
      this.upd = createUpdateContext(st, fx, this.updatedWithInput, { ...this.team.shared, ...this.team.combined, stimCursor: new Int32Array(1) });
    } else if (useWasm) {
      // The state's WebAssembly memory holds the run buffers too (reused by every run on it).
      this.upd = createUpdateContext(st, fx, this.updatedWithInput, { ...runBuffers(st.wasm!, st), stimCursor: new Int32Array(1) });
    } else {
      // A tick fires each neuron at most once, but for an input's kept repeats.
      const inputRepeat = repeats ? { inputRepeat: new Uint32Array(N) } : {};
      this.upd = createUpdateContext(st, fx, this.updatedWithInput, { ...allocSharedUpdateBuffers(st), ...allocFiredLists(N + this.stim.maxRepeatsPerTick), stimCursor: new Int32Array(1), ...inputRepeat });
    }
    checkRecordedValues((opts.recordVoltages ?? []).map((name) => program.populations.find((p) => p.name === name)?.size ?? 0), T);
    this.recorded = (opts.recordVoltages ?? []).map((name) => {
      const pi = program.populations.findIndex((p) => p.name === name);
      if (pi < 0) throw new AerchipError("E_RECORD_UNKNOWN_POPULATION", `cannot record the potential of "${name}": no such population`, { field: "recordVoltages", hint: `use one of: ${program.populations.map((p) => p.name).join(", ")}` });
      const pop = program.populations[pi];
      const globalOf = globalNeuronsOf(pop, st);
      return { name, globalOf, trace: new Float64Array(T * pop.size), unit: 2 ** -(pop.stateScaleExp ?? 0) };
    });
    this.pl = hasPlasticity(program) ? st.plasticity ?? buildPlasticity(program, st) : undefined;
    if (this.pl !== undefined) resetPlasticTraces(this.pl);
    this.le = opts.learningEnabled === false ? undefined : opts.learningEngine ?? (hasGeneralLearning(program) ? buildLearningEngine(program, st) : undefined);
    this.changesPerTick = new Float64Array(this.le === undefined ? 0 : T);
    this.changesByCoreAtStart = this.le === undefined ? new Float64Array(0) : this.le.weightChangesByCore.slice();
    if (this.le !== undefined) this.changesSoFar = sumOf(this.le.weightChanges);
    if ((this.pl !== undefined || this.le !== undefined) && st.synapses.kind !== "wide") {
      throw new AerchipError("E_SIM_LAYOUT", `plastic synapses need the wide synapse layout; this state uses ${st.synapses.kind}`, { field: "state", hint: "build the state with buildSimState(spec, program) without a layout option" });
    }
    if (opts.thirdFactor !== undefined && opts.learningInput !== undefined) {
      throw new AerchipError("E_SIM_OPTIONS", "thirdFactor and learningInput both write the third factor", { field: "thirdFactor", hint: "give one: the schedule as data, or the callback" });
    }
    const input = opts.thirdFactor === undefined ? opts.learningInput : thirdFactorInput(program, st, opts.thirdFactor);
    this.learningInput = this.le !== undefined && this.le.needsInput ? input : undefined;
    this.psi = opts.gradedPsi === undefined || this.le === undefined ? undefined : psiDriver(this.le, st, opts.gradedPsi);
    this.psiName = this.psi === undefined ? undefined : opts.gradedPsi;
    this.record = new SpikeRecord(T);
    // Conductance neurons (cond.ts) take their synapses in the wide loop, which routes them to g_e / g_i.
    this.deliverMode = chooseDeliverMode(st, this.pl !== undefined || this.le !== undefined || st.cond !== undefined, hasDynamics);
    this.synOpsByEnc = this.E > 1 ? neuronSynOpsByEncoding(st) : new Float64Array(0);
    this.layer = opts.layerTallies === true ? new LayerTally(program, st, this.upd, this.coreClass, T, this.pl !== undefined || this.le !== undefined, this.le) : undefined;
    if (useWasm) {
      // Compact layouts, and wide ones whose plasticity is pair STDP only (no learning engine, no soma
      // dynamics), run delivery in WebAssembly; the lifUniform update then does too.
      const b = st.wasm!;
      if (this.deliverMode !== DeliverMode.wide) {
        assertDeliveryArrays(b.memory, st, this.upd.gotInput);
        this.wasm = kernelsFor(b.memory);
      } else if (this.pl !== undefined && this.le === undefined && !hasDynamics && st.plasticity === this.pl) {
        const stdp = writeStdpContext(b, st, this.pl);
        this.stdpContext = stdp.ctx;
        this.coreSynUpdates = stdp.coreSynUpdates;
        this.wasm = kernelsFor(b.memory);
      }
      if (this.wasm !== undefined) {
        this.wheel = wheelFor(b, st, this.upd.fired);
        this.upd.wasm = this.wasm;
        this.upd.wasmContext = writeUpdateContext(b.memory, oneThreadContext(b), this.upd);
        if (this.perPacket) {
          this.packets = packetRecordsFor(b, st, spec);
          this.work = this.packets.work;
          this.work.syncTiles = mappedTileCount(st, spec);
        }
        if (this.stdpContext === 0 && this.canFuse(fx !== undefined)) {
          this.fused = this.fusedBuffers(deliverMarks(this.deliverMode), this.upd.hasDynamics);
        }
      }
    }
    if (this.team !== undefined && this.team.kernels === "wasm" && this.canFuse(fx !== undefined)) {
      // The main thread counts each tick in one kernel call (teamTick); the parts deliver and update.
      const b = st.wasm!;
      this.wasm = kernelsFor(b.memory);
      this.wheel = wheelFor(b, st, this.upd.fired, false);
      this.upd.wasmContext = writeUpdateContext(b.memory, oneThreadContext(b), this.upd);
      this.fused = this.fusedBuffers(false, false);
      setTeamTallies(this.fused, this.team.tallySnap);
      this.team.useRouteWork(this.fused, fusedTimed(this.fused));
      beginChunk(this.fused, 0);
      this.teamFused = true;
    } else this.team?.useRouteWork(undefined, false);
    if (opts.tracePackets === undefined) this.routeAddress = new Uint32Array(0);
    else {
      const routes = routeAddresses(spec, program, st);
      this.routeAddress = routes.address;
      opts.tracePackets.layout = routes.layout; // --packets-out records it, so the stream can be decoded
    }
    if (useTimingThread) {
      try {
        this.timingThreads = new TimingThreads(spec, opts.timing!, this.work!, T, { workers: timingWorkers, ...(opts.kernels === undefined ? {} : { kernels: opts.kernels }) });
      } catch (e) {
        this.close();
        throw e;
      }
    }
    this.progressEvery = Math.max(1, opts.progressEveryTicks ?? Math.ceil(T / 100));
    if (this.team !== undefined) {
      try {
        this.team.begin(this.stim);
      } catch (e) {
        this.close();
        throw e;
      }
    }
  }

  /**
   * Whether ticks can run in whole-tick kernel calls: no per-tick output besides counters, spikes and the
   * built-in `simple` model's latency (which the kernel computes with the same operations), no learning,
   * and every core of a class the kernel updates.
   */
  private canFuse(fixedPoint: boolean): boolean {
    const simple = this.opts.timing !== undefined && isSimpleTiming(this.opts.timing) && !this.perPacket;
    const perTickOutput = (this.work !== undefined && !simple) || this.recorded.length > 0 || this.opts.tracePackets !== undefined;
    return !perTickOutput && this.layer === undefined && this.pl === undefined && this.le === undefined && fusedClassesOnly(this.classRuns, this.st, fixedPoint);
  }

  /** The state's fused-run buffers for this run (its one-thread update context block must be written). */
  private fusedBuffers(mark: boolean, clearGotInput: boolean): FusedBuffers {
    const { st, spec, work } = this;
    const timing = work === undefined ? undefined : (() => {
      const costs = timingCosts(spec, work.encodings);
      return { costs, learnNs: learningPhaseNs(new Float64Array(st.coreCount), costs), syncNs: syncLatencyNs(spec.sync, work.syncTiles) };
    })();
    return fusedBuffersFor(st.wasm!, st, {
      updateCtx: this.upd.wasmContext, wheel: this.wheel!, classRuns: this.classRuns, mark, clearGotInput, weightBits: this.weightBits,
      synOpsByEnc: this.synOpsByEnc, ...(timing === undefined ? {} : { timing }),
    });
  }

  close(): void {
    this.timingThreads?.close();
    if (this.ownsTeam) this.team?.close();
    else this.team?.settle();
  }

  get done(): boolean {
    return this.ticksDone >= this.steps;
  }

  step(maxTicks = Infinity): number {
    if (this.finished) throw new AerchipError("E_SIM_FINISHED", "the run has finished; its state cannot be stepped again", { field: "run", hint: "start a new run with startRun" });
    if (this.teamFused) return this.stepTeamFused(maxTicks);
    if (this.fused !== undefined) return this.stepFused(maxTicks);
    const onProgress = this.opts.onProgress;
    let ran = 0;
    while (ran < maxTicks && this.ticksDone < this.steps) {
      const t = this.ticksDone;
      this.tick(t);
      this.ticksDone = t + 1;
      ran++;
      if (onProgress !== undefined && ((t + 1) % this.progressEvery === 0 || t + 1 === this.steps)) onProgress(t + 1);
    }
    return ran;
  }

  /** step() of a fused run: chunks of whole ticks in the kernel, ending at each progress report. */
  private stepFused(maxTicks: number): number {
    const onProgress = this.opts.onProgress;
    const first = this.ticksDone;
    const target = Math.min(this.steps, first + Math.max(0, Math.floor(maxTicks)));
    const every = this.progressEvery;
    while (this.ticksDone < target) {
      const t = this.ticksDone;
      const next = onProgress === undefined ? target : Math.min(target, (Math.floor(t / every) + 1) * every);
      runFusedTicks(this.wasm!, this.st.wasm!, this.st, this.fused!, this.wheel!, this.stim, this.counters, this.record, this.tickLatencyNs, t, next);
      this.ticksDone = next;
      if (onProgress !== undefined && (next % every === 0 || next === this.steps)) onProgress(next);
    }
    return this.ticksDone - first;
  }

  /**
   * step() of a multi-threaded run counted by teamTick: per tick the parts' tick (team.finish), then the
   * parts start the next tick while this thread counts the combined fired list in one kernel call.
   */
  private stepTeamFused(maxTicks: number): number {
    const onProgress = this.opts.onProgress;
    const team = this.team!;
    const f = this.fused!;
    const k = this.wasm!;
    const rt = f.ctx.byteOffset;
    const N = this.st.neuronCount;
    const every = this.progressEvery;
    let ran = 0;
    while (ran < maxTicks && this.ticksDone < this.steps) {
      const t = this.ticksDone;
      if (chunkFull(f, t, N)) foldChunk(f, this.counters, this.record, this.tickLatencyNs, t);
      if (team.loopReady) {
        // Whole ticks in the main thread's WebAssembly loop, up to the chunk's end, the step's end and the
        // next progress report; it stops early at a full spike buffer (folded above next time round) or at
        // a tick whose part 0 went over to TypeScript (finished by the path below).
        const end = Math.min(this.steps, t + Math.floor(Math.min(maxTicks - ran, this.steps)), chunkEndTick(f), onProgress === undefined ? Infinity : (Math.floor(t / every) + 1) * every);
        const next = team.loop(rt, t, end, this.steps);
        if (next > t) {
          ran += next - t;
          this.ticksDone = next;
          if (onProgress !== undefined && (next % every === 0 || next === this.steps)) onProgress(next);
          continue;
        }
        if (team.loopReady) continue;
      }
      const nFired = team.finish(t, false);
      // The parts start tick t + 1 (they read the combined list of t, untouched until finish(t + 1)) while
      // this thread counts tick t, with the tallies the parts left in their snapshot slot of t.
      if (t + 1 < this.steps) team.start(t + 1);
      k.teamTick(rt, t, nFired);
      this.ticksDone = t + 1;
      ran++;
      if (onProgress !== undefined && ((t + 1) % this.progressEvery === 0 || t + 1 === this.steps)) onProgress(t + 1);
    }
    return ran;
  }

  /** Weight changes of the engine since the last call (Σ over its rules: a few adds, once per tick). */
  private takeNewChanges(le: LearningEngine): number {
    const now = sumOf(le.weightChanges);
    const d = now - this.changesSoFar;
    this.changesSoFar = now;
    return d;
  }

  private tick(t: number): void {
    const { st, le, pl, counters, upd } = this;
    const K = COUNTER_COUNT;
    const pt = t * K;
    // The tick's per-core learning counters (pair STDP and the learning engine), folded at its end.
    const learns = le !== undefined || pl !== undefined;
    if (learns) counters.tickCore.fill(0);
    this.work?.reset();
    // 0. learning-engine trace decay (P1).
    if (pl !== undefined) {
      if (this.stdpContext !== 0) this.wasm!.decayStdpTraces(this.stdpContext);
      else decayPlasticTraces(pl);
    }
    if (le !== undefined) {
      if (this.learningInput !== undefined) {
        this.learningInput(t, le.thirdFactor, le.graded);
        noteThirdFactor(le, t);
      }
      decayTraces(le, counters.tickCore, K);
    }
    let nFired: number;
    if (this.team === undefined) {
      // 1. deliver, 2. update
      this.deliver(t, pt);
      nFired = this.update(t);
    } else {
      // 1 and 2 on every thread, each with its own timing wheel.
      nFired = this.team.finish(t, this.perPacket);
    }
    this.addTallies(pt);
    for (let i = 0; i < this.recorded.length; i++) {
      const rec = this.recorded[i];
      const size = rec.globalOf.length;
      const off = t * size;
      for (let i = 0; i < size; i++) rec.trace[off + i] = st.v[rec.globalOf[i]] * rec.unit;
    }
    // The workers start the next tick while this thread counts and times this one (below): it reads only
    // the combined fired lists and read-only tables, which the workers do not write.
    if (this.team !== undefined && t + 1 < this.steps) this.team.start(t + 1);
    // 2b. potentiation (P5) for compartments that fired, then their post traces.
    if (pl !== undefined) {
      if (this.stdpContext !== 0) {
        this.wasm!.potentiateStdp(this.stdpContext, upd.fired.byteOffset, nFired);
        this.foldStdpUpdates();
      } else potentiate(pl, upd.fired, nFired, st.synWeight, st.coreOfNeuron, counters.tickCore, K);
    }
    // 2c. general learning engine: y0 products and post-trace jumps, graded traces, epoch end.
    if (le !== undefined) {
      if (this.psi !== undefined) gradedFromPotential(this.psi, le, st, upd.fired, nFired);
      learnOnPostSpikes(le, upd.fired, nFired, t, st.synWeight, st.synTarget, st.synCore, st.coreOfNeuron, counters.tickCore, K);
      if (le.needsInput) addGradedTraces(le, st.coreOfNeuron, counters.tickCore, K);
      learnEpochEnd(le, t, st.synWeight, st.synTarget, st.synCore, counters.tickCore, K);
    }
    // 3. emit
    this.emit(t, pt, nFired);
    // Close the tick: the learning engine's per-core counters, latency.
    if (learns) {
      this.layer?.addLearning(t, counters.tickCore);
      foldTickCore(counters, st.coreCount, pt);
    }
    if (le !== undefined) {
      this.changesPerTick[t] = this.takeNewChanges(le);
      this.layer?.addWeightChanges(t, le);
    }
    const work = this.work;
    if (work !== undefined) {
      if (learns) for (let c = 0; c < st.coreCount; c++) work.synUpdates[c] = counters.tickCore[c * K + CounterKind.synUpdates];
      if (this.timingThreads !== undefined) this.timingThreads.submit(t, work);
      else this.tickLatencyNs[t] = this.opts.timing!.tickLatencyNs(work, this.spec);
    }
  }

  private deliver(t: number, pt: number): void {
    const { st, queue, upd } = this;
    const wheel = this.wheel;
    if (wheel !== undefined) {
      // Records straight from the wheel in the state's memory.
      if (this.stdpContext !== 0) {
        const count = wheelBucketLength(wheel, t);
        if (count > 0) this.wasm!.deliverStdp(this.stdpContext, wheelBucketAddress(wheel, t), count);
        clearWheelBucket(wheel, t);
      } else deliverFromWheel(this.wasm!, wheel, st, t, deliverMarks(this.deliverMode), upd.gotInput);
      return;
    }
    const records = queue.bucket(t);
    const count = queue.length(t);
    if (count === 0) return;
    if (this.deliverMode === DeliverMode.wide) this.deliverWide(t, pt, records, count);
    else deliverCompact(this.deliverMode, records, count, st, upd.gotInput);
    queue.clear(t);
  }

  /**
   * The WebAssembly STDP kernels count synaptic updates per core in their own buffer (whole numbers in
   * float64, exact in any order); they join the tick's per-core row here, once per tick.
   */
  private foldStdpUpdates(): void {
    const buf = this.coreSynUpdates;
    const tickCore = this.counters.tickCore;
    for (let c = 0; c < buf.length; c++) {
      const x = buf[c];
      if (x !== 0) {
        tickCore[c * COUNTER_COUNT + CounterKind.synUpdates] += x;
        buf[c] = 0;
      }
    }
  }

  /** Phase 1 with plastic groups (pair STDP and/or the general learning engine), wide layout. */
  private deliverWide(t: number, pt: number, records: Int32Array, count: number): void {
    const { st, le, pl, counters } = this;
    const K = COUNTER_COUNT;
    const { acc, synTarget, synWeight, synCore } = st;
    const gotInput = this.upd.hasDynamics ? this.upd.gotInput : undefined;
    for (let k = 0; k < count; k += RECORD_INTS) {
      const g = records[k];
      const lo = records[k + 1];
      const hi = records[k + 2];
      if (le !== undefined && le.groupPlastic[g] === 1) {
        deliverLearningGroup(le, g, lo, hi, t, acc, synTarget, synWeight, synCore, counters.tickCore, K, st.cond);
        if (gotInput !== undefined) for (let s = lo; s < hi; s++) gotInput[synTarget[s]] = 1;
      } else if (pl !== undefined && pl.groupPlastic[g] === 1) {
        deliverPlasticGroup(pl, g, acc, synTarget, synWeight, counters.tickCore, K, st.cond);
      } else if (st.cond !== undefined) {
        deliverCondRange(st.cond, lo, hi, synTarget, synWeight, acc, gotInput);
      } else if (gotInput !== undefined) {
        for (let s = lo; s < hi; s++) { const tg = synTarget[s]; acc[tg] += synWeight[s]; gotInput[tg] = 1; }
      } else {
        for (let s = lo; s < hi; s++) acc[synTarget[s]] += synWeight[s];
      }
    }
    if (pl !== undefined && gotInput !== undefined) {
      for (let k = 0; k < count; k += RECORD_INTS) if (pl.groupPlastic[records[k]] === 1) markPlasticGroup(pl, records[k], synTarget, gotInput);
    }
  }

  /** Phase 2 over every core; returns the number of neurons fired (in upd.fired). */
  private update(t: number): number {
    const { st, stim } = this;
    if (this.layer !== undefined) return this.layer.update(this.upd, t, stim.neuron, stim.tickPtr[t], stim.tickPtr[t + 1], this.coreClass, st.coreOfNeuron, 0, st.neuronCount);
    return updateCoreRuns(this.upd, this.classRuns, t, stim.neuron, stim.tickPtr[t], stim.tickPtr[t + 1], this.coreClass, st.coreOfNeuron, 0, st.neuronCount);
  }

  /** Adds the update kernels' per-core tallies of this tick to the counters (and the timing model's work). */
  private addTallies(pt: number): void {
    const { counters, work, coreClass } = this;
    const K = COUNTER_COUNT;
    const tally = this.upd.coreTally;
    const { perCore, perTick } = counters;
    let accessesT = 0, updatesT = 0, withInputT = 0, firedT = 0, overflowsT = 0;
    for (let c = 0; c < coreClass.length; c++) {
      const cls = coreClass[c];
      if (cls === CoreClass.empty || cls === CoreClass.input) continue;
      const j = c * TALLY_COUNT;
      const accesses = tally[j + TALLY_ACCESSES];
      const updates = tally[j + TALLY_UPDATES];
      const withInput = tally[j + TALLY_WITH_INPUT];
      const fired = tally[j + TALLY_FIRED];
      const overflows = tally[j + TALLY_OVERFLOWS];
      const o = c * K;
      perCore[o + CounterKind.neuronAccesses] += accesses;
      perCore[o + CounterKind.neuronUpdates] += updates;
      perCore[o + CounterKind.neuronUpdatesWithInput] += withInput;
      perCore[o + CounterKind.neuronsFired] += fired;
      if (overflows > 0) perCore[o + CounterKind.overflows] += overflows;
      accessesT += accesses;
      updatesT += updates;
      withInputT += withInput;
      firedT += fired;
      overflowsT += overflows;
      if (work !== undefined) {
        work.neuronsAccessed[c] = accesses;
        work.neuronsUpdated[c] = this.updatedWithInput ? withInput : updates;
        work.neuronsFired[c] = fired;
      }
    }
    perTick[pt + CounterKind.neuronAccesses] += accessesT;
    perTick[pt + CounterKind.neuronUpdates] += updatesT;
    perTick[pt + CounterKind.neuronUpdatesWithInput] += withInputT;
    perTick[pt + CounterKind.neuronsFired] += firedT;
    perTick[pt + CounterKind.overflows] += overflowsT;
  }

  /** Phase 3: spikes become packets; per-tick totals; groups queued; per-route work for timing models. */
  private emit(t: number, pt: number, nFired: number): void {
    const { st, upd, counters, E } = this;
    const { fired } = upd;
    const { perTick, synOpsByTickEncoding } = counters;
    const { routePtr } = st;
    // The tick's totals: packets, hops east / west / north / south, local and in-tile packets, synaptic ops
    // (int32 when they fit: this per-tick code runs unoptimised for the first thousands of ticks, where a
    // float64 element read allocates a number and an int32 one does not).
    const tot = this.wheel !== undefined ? emitWasm(this.wasm!, st.wasm!, this.wheel, st, fired, nFired, t) : this.emitSpikes(t, nFired);
    const synOps = tot[7];
    addEmitTotals(perTick, pt, tot, nFired, this.weightBits);
    this.record.addTick(t, fired, nFired);
    if (E === 1) synOpsByTickEncoding[t] += synOps;
    else addOpsByEncoding(synOpsByTickEncoding, t * E, this.synOpsByEnc, fired, nFired, E);
    if (this.work !== undefined) {
      if (this.packets !== undefined) recordPacketsWasm(this.wasm!, this.st.wasm!, this.st, this.upd, this.packets, nFired);
      else if (this.perPacket) this.emitPackets(nFired);
      else this.emitCoreWork(nFired);
    }
    const trace = this.opts.tracePackets;
    if (trace !== undefined) {
      const address = this.routeAddress;
      for (let f = 0; f < nFired; f++) {
        const n = fired[f];
        for (let r = routePtr[n]; r < routePtr[n + 1]; r++) trace.push(address[r], n, t);
      }
    }
  }

  /**
   * Phase 3's per-spike part in TypeScript: spike counts, the tick's totals (this.emitTotals, see emit) and,
   * with one thread, the groups on the timing wheel (with threads each part keeps its own wheel).
   */
  private emitSpikes(t: number, nFired: number): Float64Array | Int32Array {
    const { st, upd, counters, queue } = this;
    const { fired } = upd;
    const { spikesPerNeuron } = counters;
    const { routePtr, neuronGroupStart, groupDelay, groupSynStart, neuronHopsEast, neuronHopsWest, neuronHopsNorth, neuronHopsSouth, neuronPacketsLocal, neuronPacketsInTile } = st;
    const offsetLayout = st.synapses.kind === "offset16";
    const { neuronBase, groupDense } = st.synapses;
    const schedule = this.team === undefined;
    let packets = 0, hopsE = 0, hopsW = 0, hopsN = 0, hopsS = 0, local = 0, inTile = 0, synOps = 0;
    for (let f = 0; f < nFired; f++) {
      const n = fired[f];
      spikesPerNeuron[n]++;
      const g0 = neuronGroupStart[n];
      const g1 = neuronGroupStart[n + 1];
      const routes = routePtr[n + 1] - routePtr[n];
      if (routes > 0) {
        packets += routes;
        hopsE += neuronHopsEast[n];
        hopsW += neuronHopsWest[n];
        hopsN += neuronHopsNorth[n];
        hopsS += neuronHopsSouth[n];
        local += neuronPacketsLocal[n];
        inTile += neuronPacketsInTile[n];
        synOps += groupSynStart[g1] - groupSynStart[g0];
      }
      if (g1 > g0 && schedule) queue.scheduleGroups(t, g0, g1, groupDelay, groupSynStart, offsetLayout ? neuronBase[n] : 0, groupDense);
    }
    const fits = Math.max(packets, hopsE, hopsW, hopsN, hopsS, local, inTile, synOps) <= 0x7fffffff;
    const tot = fits ? this.emitTotalsInt : this.emitTotals;
    tot[0] = packets; tot[1] = hopsE; tot[2] = hopsW; tot[3] = hopsN; tot[4] = hopsS; tot[5] = local; tot[6] = inTile; tot[7] = synOps;
    return tot;
  }

  /** Timing (simple): packets and synaptic ops per core for this tick. */
  private emitCoreWork(nFired: number): void {
    const { st, E } = this;
    const work = this.work!;
    const fired = this.upd.fired;
    const { routePtr, routeDestCore, routeAxon, routeSynapses, routeCell, axonCellStart, axonCellId, axonCellCount, cellEncoding, coreOfNeuron } = st;
    // A route's counter cells lie on its destination core d (counter-cells.ts), so only their encodings are
    // looked up; with one encoding a mixed row's cells add up to its synapses (whole numbers: exact).
    const byEncoding = hasCells(st) && E > 1;
    const { packetsOut, packetsIn, synOps } = work;
    for (let f = 0; f < nFired; f++) {
      const n = fired[f];
      const r0 = routePtr[n];
      const r1 = routePtr[n + 1];
      packetsOut[coreOfNeuron[n]] += r1 - r0;
      for (let r = r0; r < r1; r++) {
        const d = routeDestCore[r];
        packetsIn[d]++;
        if (byEncoding) {
          const one = routeCell[r];
          if (one >= 0) { synOps[d * E + cellEncoding[one]] += routeSynapses[r]; continue; }
          const a = routeAxon[r];
          for (let k = axonCellStart[a]; k < axonCellStart[a + 1]; k++) synOps[d * E + cellEncoding[axonCellId[k]]] += axonCellCount[k];
        } else synOps[d * E] += routeSynapses[r];
      }
    }
  }

  /**
   * Timing (detailed): one record per packet, in emission order (as TickWork.addPacket and
   * addPacketSynOps would write them, filled directly after one reservation per tick).
   */
  private emitPackets(nFired: number): void {
    const { st } = this;
    const work = this.work!;
    const { fired, firedAccessed, firedUpdated, firedFired } = this.upd;
    const { routePtr, routeDestCore, routeAxon, routeSynapses, routeCell, axonCellStart, axonCellId, axonCellCount, cellEncoding, coreOfNeuron } = st;
    const cells = hasCells(st);
    let more = 0;
    for (let f = 0; f < nFired; f++) more += routePtr[fired[f] + 1] - routePtr[fired[f]];
    if (more === 0) return;
    work.reservePackets(more);
    const { packetSrc, packetDst, packetDx, packetDy, packetAccessed, packetUpdated, packetFired, packetSynOps, packetsOut, packetsIn, synOps, coreTileX, coreTileY } = work;
    const E = work.encodings.length;
    let p = work.packetCount;
    for (let f = 0; f < nFired; f++) {
      const n = fired[f];
      const c = coreOfNeuron[n];
      const acc = firedAccessed[f];
      const upd = firedUpdated[f];
      const fir = firedFired[f];
      for (let r = routePtr[n]; r < routePtr[n + 1]; r++, p++) {
        const d = routeDestCore[r];
        packetSrc[p] = c;
        packetDst[p] = d;
        packetDx[p] = coreTileX[d] - coreTileX[c];
        packetDy[p] = coreTileY[d] - coreTileY[c];
        packetAccessed[p] = acc;
        packetUpdated[p] = upd;
        packetFired[p] = fir;
        packetsOut[c]++;
        packetsIn[d]++;
        if (cells) {
          const one = routeCell[r];
          if (one >= 0) {
            packetSynOps[p * E + cellEncoding[one]] += routeSynapses[r];
            synOps[d * E + cellEncoding[one]] += routeSynapses[r];
            continue;
          }
          const a = routeAxon[r];
          for (let k = axonCellStart[a]; k < axonCellStart[a + 1]; k++) {
            const e = cellEncoding[axonCellId[k]];
            packetSynOps[p * E + e] += axonCellCount[k];
            synOps[d * E + e] += axonCellCount[k];
          }
        } else if (routeSynapses[r] > 0) {
          packetSynOps[p * E] += routeSynapses[r];
          synOps[d * E] += routeSynapses[r];
        }
      }
    }
    work.packetCount = p;
  }

  finish(): SimResult {
    if (this.finished) throw new AerchipError("E_SIM_FINISHED", "the run's result was already taken", { field: "run", hint: "call finish() once" });
    if (!this.done) throw new AerchipError("E_SIM_NOT_DONE", `the run is at tick ${this.ticksDone} of ${this.steps}`, { field: "run", hint: "step() to the end before finish()" });
    this.finished = true;
    const { st, program, counters, le, pl } = this;
    const T = this.steps;
    let spikes: Map<string, PopulationSpikes>;
    let delivered: Float64Array;
    try {
      this.team?.settle();
      if (this.timingThreads !== undefined) this.tickLatencyNs.set(this.timingThreads.drain());
      if (this.wheel !== undefined) counters.spikesPerNeuron.set(this.wheel.spikes);
      if (this.teamFused) foldChunk(this.fused!, counters, this.record, this.tickLatencyNs, this.steps);
      if (this.fused !== undefined) addFusedCoreSums(this.fused, counters);
      // The main thread of a team whose parts ran the WebAssembly kernels derives with them too; worker 1
      // runs the kernel while this thread sorts the spikes (each reads the run's results, writes its own scratch).
      const k = this.wasm ?? (this.team?.kernels === "wasm" ? kernelsFor(st.wasm!.memory) : undefined);
      const derive = k !== undefined ? prepareDerive(st.wasm!, st, counters) : undefined;
      const onWorker = derive !== undefined && this.team !== undefined && this.team.startDerive(derive.ctx.byteOffset, st.neuronCount);
      if (derive === undefined) deriveSpikeCounters(st, counters, this.weightBits);
      else if (!onWorker) runDeriveKernel(k!, derive.ctx.byteOffset, st.neuronCount);
      const P = counters.synOpsByProjection.length;
      const inFlight = k !== undefined
        ? inFlightByProjectionWasm(k, st.wasm!, st, this.record.raw(), T, P)
        : inFlightByProjection(st, this.record.raw(), T, P);
      spikes = k !== undefined
        ? spikesByPopulationWasm(k, st.wasm!, st, program.populations, this.record.raw(), T)
        : this.record.byPopulation(st, program.populations.map((p) => p.name), T);
      if (onWorker) this.team!.awaitDerive();
      if (derive !== undefined) foldDerive(derive, st, counters, this.weightBits);
      delivered = Float64Array.from(counters.synOpsByProjection, (ops, p) => ops - inFlight[p]);
    } finally {
      this.close();
    }
    const voltages = new Map<string, Float64Array>();
    for (const rec of this.recorded) voltages.set(rec.name, rec.trace);
    if (le !== undefined) {
      applyTagsAtRunEnd(le, st.synWeight, st.synCore);
      if (T > 0) {
        this.changesPerTick[T - 1] += this.takeNewChanges(le);
        this.layer?.addWeightChanges(T - 1, le);
      }
    }
    const finalWeights = pl === undefined ? new Map<string, Float64Array>() : readPlasticWeights(program, st);
    if (le !== undefined || hasGeneralLearning(program)) for (const [name, w] of readLearningWeights(program, st)) finalWeights.set(name, w);
    return {
      steps: T, state: st, spikes, voltages, counters, tickLatencyNs: this.tickLatencyNs, finalWeights, synapticEventsDeliveredByProjection: delivered,
      ...(le === undefined ? {} : {
        learning: le, weightChangesPerTick: this.changesPerTick,
        weightChangesPerCore: Float64Array.from(le.weightChangesByCore, (n, c) => n - this.changesByCoreAtStart[c]),
      }), ...(this.psiName === undefined ? {} : { gradedPsi: this.psiName }), threads: (this.team?.threads ?? 1) + (this.timingThreads?.workers ?? 0), timingThreads: this.timingThreads?.workers ?? 0, kernels: this.team !== undefined ? this.team.kernels : this.wasm !== undefined ? "wasm" : "js",
      ...(this.layer === undefined ? {} : { layerTallies: this.layer.result }),
    };
  }
}

/** Whether any population of the stimulus keeps its repeats (StimulusSpikes.keepRepeats). */
function keepsRepeats(stimulus: ChipStimulus): boolean {
  for (const sp of stimulus.spikes.values()) if (sp.keepRepeats === true) return true;
  return false;
}

/** Counter kind of each emission total (emit's `tot`), in order. */
const EMIT_TOTAL_KINDS = Int32Array.of(
  CounterKind.packetsOut, CounterKind.hopsEast, CounterKind.hopsWest, CounterKind.hopsNorth, CounterKind.hopsSouth,
  CounterKind.packetsLocal, CounterKind.packetsInTile, CounterKind.synOps,
);

/**
 * The tick's emission totals into its perTick row. A loop, so that V8 optimises it within the first
 * hundreds of ticks (loop-free code waits for thousands of calls, and unoptimised code boxes every
 * float64 element it reads).
 */
function addEmitTotals(perTick: Float64Array, pt: number, tot: Float64Array | Int32Array, nFired: number, weightBits: number): void {
  for (let i = 0; i < EMIT_TOTAL_KINDS.length; i++) perTick[pt + EMIT_TOTAL_KINDS[i]] += tot[i];
  perTick[pt + CounterKind.spikes] += nFired;
  perTick[pt + CounterKind.packetsIn] += tot[0];
  perTick[pt + CounterKind.weightReadBits] += tot[7] * weightBits;
}

/**
 * The tick's synaptic ops per encoding: Σ over its spikes of each neuron's ops of one spike. Whole numbers,
 * so the sum per encoding, then one add, equals adding spike by spike. A function of its own with locals
 * only, so V8 optimises it early (inline in emit it cost ~20 ms over SANA-FE's DVS run).
 */
function addOpsByEncoding(out: Float64Array, at: number, byEnc: Float64Array, fired: Uint32Array, nFired: number, E: number): void {
  for (let e = 0; e < E; e++) {
    let sum = 0;
    for (let f = 0; f < nFired; f++) sum += byEnc[fired[f] * E + e];
    out[at + e] += sum;
  }
}

function sumOf(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

/** Adds this tick's per-core learning counters (tickCore: pair STDP and the learning engine) to the run totals. */
function foldTickCore(counters: CounterArrays, C: number, pt: number): void {
  const K = COUNTER_COUNT;
  const { tickCore, perCore, perTick } = counters;
  for (let c = 0; c < C; c++) {
    const o = c * K;
    for (let k = 0; k < K; k++) {
      const x = tickCore[o + k];
      if (x !== 0) {
        perCore[o + k] += x;
        perTick[pt + k] += x;
      }
    }
  }
}

/**
 * SimulateOptions.thirdFactor as a learningInput: each tick, m ← 0 for every neuron, then each schedule's
 * value of that tick for its neurons (global indices computed once). Graded inputs stay 0.
 */
function thirdFactorInput(program: ChipProgram, st: SimState, schedules: readonly ThirdFactorSchedule[]): NonNullable<SimulateOptions["learningInput"]> {
  // A broadcast first, so a population's own schedule overrides it for that population.
  const ordered = [...schedules.filter((sc) => sc.population === null), ...schedules.filter((sc) => sc.population !== null)];
  const parts = ordered.map((sc) => {
    if (sc.population === null) return { globalOf: null, size: 1, values: sc.values };
    const pop = program.populations.find((p) => p.name === sc.population);
    if (pop === undefined) throw new AerchipError("E_SIM_OPTIONS", `third factor for "${sc.population}": no such population`, { field: "thirdFactor", hint: `use one of: ${program.populations.map((p) => p.name).join(", ")}` });
    if (sc.values.length % pop.size !== 0) throw new AerchipError("E_SIM_OPTIONS", `third factor for "${sc.population}": ${sc.values.length} values are not whole rows of its ${pop.size} neurons`, { field: "thirdFactor", hint: "give ticks × size values" });
    const globalOf = globalNeuronsOf(pop, st);
    return { globalOf, size: pop.size, values: sc.values };
  });
  return (tick, m) => {
    m.fill(0);
    for (const p of parts) {
      const rows = p.values.length / p.size;
      if (tick >= rows) continue;
      if (p.globalOf === null) m.fill(p.values[tick]);
      else for (let i = 0; i < p.size; i++) m[p.globalOf[i]] = p.values[tick * p.size + i];
    }
  };
}

/** SimulateOptions.gradedPsi's set-up: the post neurons of rules with graded traces, checked. */
function psiDriver(le: LearningEngine, st: SimState, name: StllrPsi): { fn: (u: number, vTh: number) => number; neurons: Uint32Array; firedMark: Uint8Array } {
  const fn = STLLR_PSI[name];
  if (fn === undefined) throw new AerchipError("E_SIM_OPTIONS", `gradedPsi "${String(name)}" is not a secondary activation`, { field: "gradedPsi", hint: `use one of ${Object.keys(STLLR_PSI).join(", ")}` });
  const seen = new Uint8Array(st.neuronCount);
  const list: number[] = [];
  for (let slot = 0; slot < le.yRule.length; slot++) {
    const r = le.rules[le.yRule[slot]];
    if (!r.yGraded.some((g) => g === 1)) continue;
    const n = le.yNeuron[slot];
    if (seen[n] === 1) continue;
    seen[n] = 1;
    list.push(n);
    if (st.spiking[n] === 1 && st.resetMode[n] === ResetMode.zero) {
      throw new AerchipError("E_SIM_OPTIONS", `Ψ(u) of neuron ${n} needs its potential before the reset, which a reset to vReset loses`, { field: "gradedPsi", hint: "give the population a subtractive reset (S-TLLR's soft reset) or none" });
    }
  }
  if (list.length === 0) throw new AerchipError("E_SIM_OPTIONS", "gradedPsi drives graded post traces, and no learning rule of the program has one", { field: "gradedPsi", hint: "give a rule a trace with input \"graded\" (S-TLLR's y1, y2), or drop gradedPsi" });
  return { fn, neurons: Uint32Array.from(list), firedMark: new Uint8Array(st.neuronCount) };
}

/** g_n ← Ψ(u_n, vThreshold_n) for the driven neurons, u the pre-reset potential (see SimulateOptions.gradedPsi). */
function gradedFromPotential(p: { fn: (u: number, vTh: number) => number; neurons: Uint32Array; firedMark: Uint8Array }, le: LearningEngine, st: SimState, fired: Uint32Array, nFired: number): void {
  for (let k = 0; k < nFired; k++) p.firedMark[fired[k]] = 1;
  const { v, vThreshold, resetMode } = st;
  for (let i = 0; i < p.neurons.length; i++) {
    const n = p.neurons[i];
    const th = vThreshold[n];
    const u = p.firedMark[n] === 1 && resetMode[n] === ResetMode.subtract ? v[n] + th : v[n];
    le.graded[n] = p.fn(u, th);
  }
  for (let k = 0; k < nFired; k++) p.firedMark[fired[k]] = 0;
}

/**
 * θ of each population that has an adaptive threshold (some neuron with thetaPlus ≠ 0 or a starting θ ≠ 0),
 * in the population's neuron order, read from the state (after a run: the θ it ended with).
 */
export function adaptiveThresholdsOf(program: ChipProgram, st: SimState): Map<string, Float64Array> {
  const out = new Map<string, Float64Array>();
  const { theta, thetaPlus, thetaInit } = st;
  if (theta === undefined || thetaPlus === undefined) return out;
  for (const pop of program.populations) {
    const g = globalNeuronsOf(pop, st);
    if (!g.some((n) => thetaPlus[n] !== 0 || (thetaInit !== undefined && thetaInit[n] !== 0))) continue;
    out.set(pop.name, Float64Array.from(g, (n) => theta[n]));
  }
  return out;
}

/** The state's global index of each neuron of a population, in the population's order. */
function globalNeuronsOf(pop: ChipProgram["populations"][number], st: SimState): Uint32Array {
  const globalOf = new Uint32Array(pop.size);
  for (const b of pop.blocks) for (let i = 0; i < b.count; i++) globalOf[populationIndexAt(pop, b.populationStart + i)] = st.coreNeuronStart[b.coreIndex] + b.neuronStart + i;
  return globalOf;
}

/**
 * The schema of the run report, version 1 (chip/report/run-report.ts), as a zod 4 schema and exported as
 * JSON Schema (draft 2020-12) with `z.toJSONSchema`. Objects are closed (additionalProperties: false), so a
 * field added to the report without its schema fails the schema test; fields added within version 1
 * (`metrics`, `chip.specSha256`, `chip.mesh`, `provenance.gitCommit`, `provenance.compiledWith`, `totals.crossbar`, `precision`, `nir`, `input`) are optional, so reports written
 * before them still validate.
 */
import { z } from "zod";
import { COUNTER_NAMES } from "../../sim/counters.ts";
import { REPORT_FORMAT, REPORT_VERSION } from "../run-report.ts";

/**
 * What each counter counts over its scope (chip/sim/counters.ts, docs/architecture.md "Counting
 * conventions"); typed by the counter names, so a new counter without a description does not compile.
 */
const COUNTER_DESCRIPTIONS: Record<(typeof COUNTER_NAMES)[number], string> = {
  synOps: "Synaptic operations: synapses read when a packet reaches its core (one spike × one synapse), counted in the tick the spike is sent, all delays.",
  neuronAccesses: "Neuron accesses: every mapped compartment (not input neurons) on every tick.",
  neuronUpdates: "Compartments that integrated in a tick (not refractory); summed over ticks.",
  neuronUpdatesWithInput: "Integrating compartments that received synaptic input in the tick (Loihi's active update); summed over ticks.",
  spikes: "Spikes emitted, input neurons' spikes included.",
  packetsOut: "AER packets sent: one per spike and destination core, core-local packets included.",
  packetsIn: "AER packets received.",
  hopsEast: "Router hops in +x (east).",
  hopsWest: "Router hops in −x (west).",
  hopsNorth: "Router hops in +y (north).",
  hopsSouth: "Router hops in −y (south).",
  packetsInTile: "Packets between two cores of one tile (no router hop).",
  packetsLocal: "Packets whose destination is the sending core itself.",
  weightReadBits: "Weight-memory bits read (bits).",
  synUpdates: "Plastic synapse updates (read-modify-write of weight memory).",
  neuronsFired: "Spikes of the model's compartments only (input neurons excluded).",
  overflows: "Fixed-point saturations of u or v (each clamp counts once).",
  learnRuleEvaluations: "General learning engine: rule equations evaluated (one per synapse, phase and target).",
  learnTraceUpdates: "General learning engine: trace decay steps and spike/graded jumps (a pre trace's once per destination core keeping a copy with its input axons).",
};

/**
 * The report schema; `closed` objects reject unknown fields (the exported JSON Schema, the tests), open
 * ones accept them (reading reports from newer aerchips that added fields). Every field carries a
 * description with its unit (zod `.describe`, exported as JSON Schema `description`; docs/reports.md,
 * "Fields of report.json", says the same).
 */
function buildReportSchema(closed: boolean) {
  const obj = (closed ? z.object : z.looseObject) as typeof z.object;
  const num = z.number();
  const nn = z.number().nonnegative();
  const str = z.string();
  const counters = obj(Object.fromEntries(COUNTER_NAMES.map((k) => [k, nn.describe(COUNTER_DESCRIPTIONS[k])])) as Record<(typeof COUNTER_NAMES)[number], typeof nn>);
  const energy = obj({
    synapse: num.describe("Synapse energy (pJ): synOps × energySynOpPj (per encoding) + weightReadBits × energyWeightReadPjPerBit, + crossbar reads on compute-in-memory presets."),
    neuron: num.describe("Neuron energy (pJ): accesses, updates and non-input spikes × their costs (chip/report/energy.ts)."),
    network: num.describe("Network energy (pJ): packets out/in, east-west and north-south hops, in-tile packets × their costs."),
    learning: num.describe("Learning energy (pJ): synUpdates × energySynUpdatePj, or weight changes × energySynUpdatePj when totals.learningBilledOn is \"changes\"."),
    dynamic: num.describe("synapse + neuron + network + learning (pJ)."),
  });
  const footprint = {
    weightBytes: nn.describe("Stored weights at the chip's weight width (bytes)."),
    neuronStateBytes: nn.describe("Neuron state and per-neuron parameters at the chip's widths (bytes)."),
    traceBytes: nn.describe("Learning traces (bytes)."),
    totalBytes: nn.describe("weightBytes + neuronStateBytes + traceBytes (bytes)."),
  };
  const synOps = obj({
    effectiveACs: nn.describe("Spikes × non-zero outgoing synapses (accumulates)."),
    effectiveMACs: nn.describe("Multiply-accumulates (0: every activation is a binary spike)."),
    dense: nn.describe("Weights of the dense matrix × ticks (what sparsity-unaware hardware would execute)."),
  });
  const fraction = z.number().min(0).max(1);

  const metrics = obj({
    definitions: str.describe("Where the metric definitions come from (NeuroBench)."),
    rateHistogramEdgesPerTick: z.array(fraction).describe("Firing-rate histogram bin edges (spikes per tick); bin k = [e_k, e_k+1), the last closed."),
    totals: obj({
      weightCount: nn.describe("Stored synaptic weights, bias drives included (NeuroBench parameter count)."),
      footprint: obj({ ...footprint, synapseMemoryBytes: nn.describe("The chip's whole synapse-memory layout, with delay, index and header bits (bytes).") }).describe("Memory footprint at the chip's bit widths."),
      connectionSparsity: fraction.describe("Zero weights ÷ weights of the matrices the projections are views of (0 dense, 1 no connections)."),
      activationSparsity: fraction.describe("1 − spikes ÷ (neurons × ticks) over spiking non-input populations."),
      synapticOps: synOps.describe("Synaptic operations over non-helper projections."),
      neuronUpdates: obj({
        effective: nn.describe("The chip's integrating compartment updates."),
        dense: nn.describe("Compartments of model layers × ticks."),
      }),
      deadNeurons: nn.describe("Neurons of spiking non-input populations with no spike in the run."),
      burstingNeurons: nn.describe("Neurons of spiking non-input populations spiking in ≥ 90 % of the ticks."),
      spikingNeurons: nn.describe("Neurons of spiking non-input populations."),
      inferenceTimeNs: nn.nullable().describe("Time of one inference (ns); null when time is not modelled."),
      inferencesPerSecond: nn.nullable().describe("10⁹ ÷ inferenceTimeNs; null when time is not modelled."),
      inferenceTimeBasis: z.enum(["tick-period", "modelled-latency", "not-modelled"]).describe("tick-period: Σ max(tickPeriodNs, latency); modelled-latency: Σ latency; not-modelled."),
      energyPerInferencePj: num.nullable().describe("The run's total energy, static included (pJ); null in counts-only reports (--costs counts: provenance.options.costs \"counts\")."),
    }),
    perPopulation: z.array(obj({
      name: str, helper: z.boolean().describe("A front end's constant drive (name starting with __), left out of the totals."),
      kind: z.enum(["input", "neuron"]), spiking: z.boolean().describe("false for non-spiking readouts."),
      size: nn.describe("Neurons."), spikes: nn, meanRatePerTick: nn.describe("spikes ÷ (size × ticks)."),
      activationSparsity: fraction.nullable(), deadNeurons: nn.nullable(), burstingNeurons: nn.nullable(),
      spikeDensityActive: fraction.nullable().optional().describe("spikes ÷ ((size − deadNeurons) × ticks): spike density over the neurons that fired at least once; null for non-spiking readouts and when no neuron fired. Absent from reports written before it."),
      rateHistogram: z.array(nn).nullable().describe("Neurons per firing-rate bin (rateHistogramEdgesPerTick); null for non-spiking readouts."),
      synapticOpsIn: synOps.describe("Over the projections ending on this population."),
      connectionSparsityIn: fraction.nullable().describe("Of the projections ending on this population; null when none does."),
      footprint: obj(footprint).describe("Incoming weights, this population's neuron state, and the traces it owns."),
    })).describe("NeuroBench-style metrics per population."),
    perProjection: z.array(obj({
      name: str, helper: z.boolean().describe("From a helper population (a bias drive)."), pre: str, post: str,
      encoding: str.describe("Synapse encoding (sparse, dense, conv, …)."), synapses: nn.describe("Stored synapses."),
      nonZeroSynapses: nn, denseWeights: nn.describe("Weights of the matrix the projection is a view of."),
      connectionSparsity: fraction, synapticOps: synOps,
    })).describe("NeuroBench-style metrics per projection."),
    perCore: z.array(obj({
      coreId: nn, neurons: nn.describe("Mapped neurons (compartments and input neurons)."), compartments: nn,
      inputAxons: nn, outputAxons: nn, synapses: nn,
      synapseMemoryBits: nn.describe("Synapse memory used (bits)."), neuronMemoryBits: nn.describe("Neuron memory used (bits)."),
      utilisation: obj({ neurons: nn, inputAxons: nn, outputAxons: nn, synapseMemory: nn })
        .describe("used ÷ limit of the neuron, input-axon, output-axon and synapse-memory limits (as in mapping.json)."),
    })).describe("Per used core, in the order of perCore."),
  }).describe("NeuroBench-style metrics (docs/reports.md, Metrics); absent from reports written before it.");

  return obj({
    format: z.literal(REPORT_FORMAT),
    version: z.literal(REPORT_VERSION),
    provenance: obj({
      aerchipVersion: str,
      inputs: z.array(obj({ role: str, path: str.describe("As given on the command line."), sha256: str })).describe("Every input file, with its SHA-256."),
      options: z.record(str, z.union([str, z.number(), z.boolean(), z.null()])).describe("Every option of the run, the seed included (null: default). costs: \"counts\" marks a counts-only report (--costs counts: every energy and power field null); absent in the default mode, energy."),
      compiledWith: z.record(str, z.union([str, z.number(), z.boolean()])).optional().describe("Runs of a program compiled from a NIR graph: the options it was compiled with (dtSeconds, precision, reset, recurrentBias, nirBias, ifMultiSpike, lenient), read from the program; informational, not options rerun passes."),
      gitCommit: str.optional().describe("Commit of the aerchip source tree, when run from a checkout."),
    }).describe("What is needed to regenerate the report (aerchip rerun)."),
    model: str.describe("Model name."),
    chip: obj({
      name: str.describe("Chip spec name; a trailing * marks a chip changed by command-line or sweep overrides (core neurons, mesh size, weight bits)."),
      source: str.describe("Publication of the chip's structure and limits."),
      coresUsed: nn.describe("Cores the program uses (the cores charged static power)."),
      coresAvailable: nn.describe("Mesh width × height × cores per tile."),
      specSha256: str.optional().describe("SHA-256 of the chip spec as loaded."),
      mesh: obj({ widthTiles: nn, heightTiles: nn, coresPerTile: nn }).optional(),
    }),
    steps: nn.describe("Ticks run."),
    timingModel: str.describe("Timing model: simple or detailed."),
    totals: obj({
      counters: counters.describe("The simulator's counters summed over cores and ticks (docs/architecture.md, Counting conventions)."),
      synOpsByEncoding: z.record(str, nn).describe("synOps split by the synapse encoding of their projection."),
      synOpsBilledOn: z.literal("connected").optional().describe("Present on chips whose synaptic cost is per event on a connected synapse (chip spec synOpsBilledOn \"connected\", TrueNorth): energyPj.synapse bills connectedSynOpsByEncoding, not synOps."),
      connectedSynOpsByEncoding: z.record(str, nn).optional().describe("With synOpsBilledOn: synaptic events on synapses with a non-zero weight, by encoding (≤ synOpsByEncoding)."),
      synapticEventsDelivered: nn.describe("Synaptic events applied before the run ended (arrival tick + delay < steps): the reference simulators' count."),
      crossbar: obj({
        reads: nn.describe("Crossbar reads: one per core and tick in which a packet arrived."),
        activeRows: nn.describe("Distinct input axons that received a packet, per core and tick, summed."),
        conversions: nn.describe("ADC conversions: reads × the core's mapped compartments."),
        energyPj: nn.nullable().describe("Crossbar energy (pJ), included in energyPj.synapse; null in counts-only reports (--costs counts: provenance.options.costs \"counts\")."),
      }).optional().describe("Compute-in-memory presets only (chip/report/crossbar.ts)."),
      sanafe: obj({
        synapticEvents: nn.describe("SANA-FE synaptic events = counters.synOps."),
        packets: nn.describe("SANA-FE packets = counters.packetsOut (core-local packets included)."),
        hops: nn.describe("SANA-FE hops = hops in all four directions."),
        neuronUpdates: nn.describe("SANA-FE neuron updates = counters.neuronUpdates + the input neurons' spikes (SANA-FE counts an input neuron that fires as updated)."),
        neuronsFired: nn.describe("SANA-FE neurons fired = counters.spikes, input neurons included (counters.neuronsFired excludes them)."),
      }).describe("The five counters with SANA-FE v2.2.1's meanings (docs/sanafe.md §5), to put beside SANA-FE's output."),
      energyPj: energy.extend({
        learning: num.nullable().describe("Learning energy (pJ): synUpdates × energySynUpdatePj, or weight changes × energySynUpdatePj when totals.learningBilledOn is \"changes\"; null when the run billed synapse updates on a chip spec without energySynUpdatePj (not modelled: unknown, not 0; it then adds nothing to dynamic and total)."),
        static: num.describe("Static energy (pJ) = (staticPowerPerCoreMw × coresUsed + staticPowerChipMw) × simulated time; unused cores are not charged."),
        total: num.describe("dynamic + static (pJ)."),
      }).nullable().describe("Energy by component (pJ); null in counts-only reports (--costs counts: provenance.options.costs \"counts\")."),
      learningBilledOn: z.enum(["evaluations", "changes"]).optional()
        .describe("What energyPj.learning bills: \"evaluations\" = counters.synUpdates × energySynUpdatePj, \"changes\" = learning.weightChanges × energySynUpdatePj (ChipSpec.learningBilledOn or run --bill-learning); present when the run learned or bills changes (added within version 1)."),
      timeBasis: z.enum(["tick-period", "modelled-latency", "not-modelled"]).optional()
        .describe("The basis of simulatedTimeNs, averagePowerMw and static energy (chip/report/time-basis.ts; added within version 1)."),
      tickPeriodNs: nn.optional().describe("The chip's tick period (ns) on the tick-period basis."),
      simulatedTimeNs: nn.nullable().describe("Σ_t max(tickPeriodNs, perTick.latencyNs[t]) on the tick-period basis, Σ perTick.latencyNs on modelled-latency (ns); null when time is not modelled."),
      averagePowerMw: num.nullable().describe("energyPj.total ÷ simulatedTimeNs (mW); null when time is not modelled, and in counts-only reports (--costs counts)."),
      energyPerStepPj: num.nullable().describe("energyPj.total ÷ steps (pJ), static included; null in counts-only reports (--costs counts: provenance.options.costs \"counts\")."),
    }),
    costs: z.array(obj({
      key: str.describe("ChipSpec cost name."), value: num, unit: str, source: str.describe("Publication or derivation of the value."),
      evidence: str.describe("simulated, measured, all-in, calibrated or derived."),
    })).describe("Every per-operation cost used (counts-only reports: the latency costs only, no pJ or mW figure)."),
    notModelled: z.array(str).describe("Cost keys the chip spec leaves out (they contribute 0; counts-only reports: the latency keys only)."),
    perCore: z.array(obj({
      coreId: nn, tile: obj({ x: nn, y: nn }).describe("Tile on the mesh."), counters: counters.describe("This core's counters over the run."),
      energyPj: energy.nullable().describe("This core's dynamic energy (pJ); static energy is not split per core; null in counts-only reports (--costs counts: provenance.options.costs \"counts\")."),
      synOpsByEncoding: z.record(str, nn).optional().describe("This core's synOps split by the synapse encoding of their projection (as totals.synOpsByEncoding); absent from reports written before it."),
    })).describe("Per used core."),
    perPopulation: z.array(obj({
      name: str, kind: str.describe("input or neuron."), size: nn.describe("Neurons."),
      spikes: nn.describe("Spikes of the population over the run (an input population's are the stimulus spikes)."),
      synOpsIn: nn.describe("Synaptic ops of the projections ending on this population."),
      meanRatePerTick: nn.describe("spikes ÷ (size × steps)."), deadNeurons: nn.describe("Neurons with no spike in the run."),
    })).describe("Per population (no energy, packets, hops or latency: those are per core and per tick)."),
    perProjection: z.array(obj({
      name: str, pre: str, post: str, synapses: nn.describe("Stored synapses."), synOps: nn,
      connectedSynOps: nn.optional().describe("With totals.synOpsBilledOn: the projection's synaptic events on non-zero weights, the count its synapse energy bills."),
      synapticEventsDelivered: nn.describe("Synaptic events applied before the run ended."),
    })).describe("Per projection."),
    /** General learning engine runs (chip/report/learning-report.ts). */
    learning: obj({
      synUpdates: nn, ruleEvaluations: nn, weightChanges: nn,
      thirdFactorValues: nn.optional().describe("Non-zero third-factor values delivered to the learning engine: Σ over the rules' thirdFactorValues (added within version 1)."),
      rules: z.array(obj({
        projection: z.string(), rule: z.string(), plasticSynapses: nn, weightChanges: nn, readsThirdFactor: z.boolean(), thirdFactorNonZero: z.boolean().nullable(),
        thirdFactorValues: nn.nullable().optional().describe("(post neuron, tick) pairs with m ≠ 0 on the rule's learning ticks; null when the rule does not read m (added within version 1)."), psi: z.string().nullable().optional(), gradedNonZero: z.boolean().optional(),
        initialWeightsOutsideBounds: nn.optional().describe("Plastic synapses whose starting weight lay outside the rule's [wMin, wMax]; present only when some did (added within version 1).") })),
      notes: z.array(z.string()),
      warnings: z.array(str).optional().describe("W_LEARNING_INITIAL_WEIGHTS_OUTSIDE_BOUNDS per projection whose starting weights lie outside its rule's bounds, and W_LEARNING_TRACE_STICKS per quantised trace of a nearest-rounding rule whose decay never reaches 0, as \"CODE: message\"; absent when none (added within version 1)."),
    }).optional(),
    warnings: z.array(str).optional().describe("Warnings of the run that belong to no section, as \"CODE: message\" (aerchip run: W_THIRD_FACTOR_ROWS, a --third-factor file whose rows differ from the run's ticks); absent when none."),
    metrics: metrics.optional(),
    perTick: obj({
      latencyNs: z.array(nn).describe("Latency of each tick (ns): the timing model's, plus crossbar reads on compute-in-memory presets."),
      spikes: z.array(nn).describe("Spikes per tick, input neurons included."),
      synOps: z.array(nn).describe("Synaptic ops per tick."),
      packets: z.array(nn).describe("Packets sent per tick (packetsOut)."),
      hops: z.array(nn).describe("Router hops per tick, all directions."),
      energyPj: z.array(num).nullable().describe("Dynamic energy per tick (pJ); static energy is not split per tick; null in counts-only reports (--costs counts: provenance.options.costs \"counts\")."),
    }).describe("One value per tick, steps values each."),
    input: obj({
      kind: z.enum(["events", "spike-tensor"]).describe("events: an event file binned into ticks; spike-tensor: a dense .npy of 0/1 spikes (no events, so spikes only)."),
      eventsRead: nn.optional().describe("Events the reader gave for this input (the file, SHD/SSC sample or labelled gesture), before any transform."),
      eventsDroppedByTransforms: nn.optional().describe("Of eventsRead, removed before binning by a time slice, --crop or --polarity 0|1."),
      eventsOutsideTicks: nn.optional().describe("Of the rest, binned into no tick (before tick 0, or past the last time bin: --time-bins-rule tonic drops the last event)."),
      eventsBinned: nn.optional().describe("eventsRead − eventsDroppedByTransforms − eventsOutsideTicks: events that landed on an input neuron in a tick."),
      spikes: nn.describe("Input spikes: occupied (tick, input neuron) pairs (with inputCounts: one per event), every tick of the input (also after a shorter --steps)."),
      eventsMerged: nn.optional().describe("eventsBinned − spikes: events of an input neuron in a tick that already had its one spike."),
      eventsRepeated: nn.optional().describe("--event-overlap: extra deliveries of events in more than one (overlapping) tick; eventsBinned + eventsRepeated = spikes + eventsMerged. Present only with the option."),
      spikesAfterSteps: nn.optional().describe("Of spikes, those at a step at or after steps (a shorter --steps), outside the steps the run covers; present only when some are."),
      steps: nn.optional().describe("The run's steps, with spikesAfterSteps."),
      inputCounts: z.literal(true).optional().describe("--input-counts: every binned event (a count tensor's every count) is an input spike, an input neuron firing once per event of its tick; spikes = eventsBinned, eventsMerged = 0. Present only with the option."),
      warnings: z.array(str).describe("W_EVENTS_MERGED when eventsMerged > 10 % of eventsBinned."),
    }).optional().describe("Runs with --input (cli/input-accounting.ts; added within version 1): how the input file became input spikes."),
    nir: obj({
      version: str.describe("NIR version of the graph."), steps: nn.describe("Data steps of the input."),
      extraTicks: nn.describe("Pipeline ticks run after the data (the run has steps + extraTicks ticks)."), inputShape: z.array(nn),
      outputs: z.array(obj({ output: str, node: str, spiking: z.boolean(), counts: z.array(nn).nullable().describe("Spikes per output neuron; null for a non-spiking output.") })),
      projections: z.array(obj({ projection: str, pre: str, post: str, via: z.array(str), modelWeights: nn.describe("Weights in the NIR graph."), synapses: nn.describe("Stored synapses on the chip."), encoding: str })),
      warnings: z.array(str),
    }).optional().describe("NIR runs only (cli/commands/run-nir.ts): the graph's version, steps, outputs and projections."),
    readouts: z.array(obj({
      population: str.describe("The non-spiking population (NIR: the node)."),
      file: str.describe("Its membrane trace in the run's output directory: <population>.v.npy, T × shape float64, the potential after each tick's update in model units."),
      size: nn.describe("Neurons."), shape: z.array(nn).describe("Logical shape (C order)."), steps: nn.describe("Ticks in the trace, T (NIR: data steps)."),
      sumV: z.array(num).describe("Per neuron Σ_t v[t] over the T ticks (S-TLLR's logits summed over time)."),
      maxV: z.array(num).nullable().describe("Per neuron max_t v[t]; null when T = 0."),
      lastV: z.array(num).nullable().describe("Per neuron v[T−1]; null when T = 0."),
      argmax: obj({
        sum: nn.nullable().describe("argmax_i of sumV (lowest index on ties)."),
        max: nn.nullable().describe("argmax_i of maxV (lowest index on ties)."),
        last: nn.nullable().describe("argmax_i of lastV (lowest index on ties)."),
      }).describe("The class each decoder gives: index of the largest value over the population's neurons (flat, C order)."),
    })).optional().describe("Runs of models with non-spiking readout populations: each one's trace file and its decoders (docs/reports.md, Readouts)."),
    precision: obj({
      mode: z.literal("fixed"),
      layers: z.array(obj({
        population: str, stateScaleExp: num.describe("State scale exponent q: a model value x is stored as the integer round(x · 2^q) (docs/fixed-point.md)."),
        maxAbsWeightError: num, maxRelWeightError: num, clippedWeights: nn,
        weightExponents: z.record(str, num), maxDecayError: num,
        maxThresholdError: num.optional().describe("Largest |vThreshold − stored threshold| in model units: the state scale 2^-q and the threshold granularity 2^max(0, stateBits − 1 − thresholdBits) (docs/fixed-point.md). Absent in reports written before it was reported."),
      })),
      warnings: z.array(str),
      agreementWithFloat: z.array(obj({
        population: str, spikes: nn.describe("Spikes at fixed point."), spikesFloat: nn.describe("Spikes of the same model in float64."),
        shared: nn.describe("Spikes at the same (tick, neuron) in both."), jaccard: fraction.describe("shared ÷ (spikes + spikesFloat − shared)."),
      })),
    }).optional().describe("Fixed-point runs only: quantisation per layer and spike agreement with float64."),
  });
}

/** Closed schema of report v1 (every field documented). */
export const runReportSchema = buildReportSchema(true);
/** The same schema accepting unknown fields: what `aerchip report` and `aerchip rerun` read with. */
export const runReportReadSchema = buildReportSchema(false);

/** JSON Schema (draft 2020-12) of report version 1. */
export function reportJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(runReportSchema) as Record<string, unknown>;
  return {
    $schema: schema.$schema,
    $id: "urn:aerchip:schema:report:1",
    title: "aerchip run report, version 1",
    description: "The report written by `aerchip run` (report.json): counters, energies and NeuroBench-style metrics at chip, core, population, projection and tick level, with the provenance needed to regenerate it.",
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== "$schema")),
  };
}

export function renderJsonSchema(): string {
  return `${JSON.stringify(reportJsonSchema(), null, 2)}\n`;
}

/**
 * The schema of the run report, version 1 (chip/report/run-report.ts), as a zod 4 schema and exported as
 * JSON Schema (draft 2020-12) with `z.toJSONSchema`. Objects are closed (additionalProperties: false), so a
 * field added to the report without its schema fails the schema test; fields added within version 1
 * (`metrics`, `chip.specSha256`, `chip.mesh`, `provenance.gitCommit`, `totals.crossbar`, `precision`, `nir`) are optional, so reports written
 * before them still validate.
 */
import { z } from "zod";
import { COUNTER_NAMES } from "../../sim/counters.ts";
import { REPORT_FORMAT, REPORT_VERSION } from "../run-report.ts";

/**
 * The report schema; `closed` objects reject unknown fields (the exported JSON Schema, the tests), open
 * ones accept them (reading reports from newer aerchips that added fields).
 */
function buildReportSchema(closed: boolean) {
  const obj = (closed ? z.object : z.looseObject) as typeof z.object;
  const num = z.number();
  const nn = z.number().nonnegative();
  const counters = obj(Object.fromEntries(COUNTER_NAMES.map((k) => [k, nn])) as Record<(typeof COUNTER_NAMES)[number], typeof nn>);
  const energy = obj({ synapse: num, neuron: num, network: num, learning: num, dynamic: num });
  const footprint = { weightBytes: nn, neuronStateBytes: nn, traceBytes: nn, totalBytes: nn };
  const synOps = obj({ effectiveACs: nn, effectiveMACs: nn, dense: nn });
  const fraction = z.number().min(0).max(1);

  const metrics = obj({
    definitions: z.string(),
    rateHistogramEdgesPerTick: z.array(fraction),
    totals: obj({
      weightCount: nn,
      footprint: obj({ ...footprint, synapseMemoryBytes: nn }),
      connectionSparsity: fraction,
      activationSparsity: fraction,
      synapticOps: synOps,
      neuronUpdates: obj({ effective: nn, dense: nn }),
      deadNeurons: nn,
      burstingNeurons: nn,
      spikingNeurons: nn,
      inferenceTimeNs: nn.nullable(),
      inferencesPerSecond: nn.nullable(),
      inferenceTimeBasis: z.enum(["tick-period", "modelled-latency", "not-modelled"]),
      energyPerInferencePj: num,
    }),
    perPopulation: z.array(obj({
      name: z.string(), helper: z.boolean(), kind: z.enum(["input", "neuron"]), spiking: z.boolean(), size: nn, spikes: nn, meanRatePerTick: nn,
      activationSparsity: fraction.nullable(), deadNeurons: nn.nullable(), burstingNeurons: nn.nullable(), rateHistogram: z.array(nn).nullable(),
      synapticOpsIn: synOps, connectionSparsityIn: fraction.nullable(), footprint: obj(footprint),
    })),
    perProjection: z.array(obj({
      name: z.string(), helper: z.boolean(), pre: z.string(), post: z.string(), encoding: z.string(), synapses: nn, nonZeroSynapses: nn, denseWeights: nn,
      connectionSparsity: fraction, synapticOps: synOps,
    })),
    perCore: z.array(obj({
      coreId: nn, neurons: nn, compartments: nn, inputAxons: nn, outputAxons: nn, synapses: nn, synapseMemoryBits: nn, neuronMemoryBits: nn,
      utilisation: obj({ neurons: nn, inputAxons: nn, outputAxons: nn, synapseMemory: nn }),
    })),
  });

  return obj({
    format: z.literal(REPORT_FORMAT),
    version: z.literal(REPORT_VERSION),
    provenance: obj({
      aerchipVersion: z.string(),
      inputs: z.array(obj({ role: z.string(), path: z.string(), sha256: z.string() })),
      options: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
      gitCommit: z.string().optional(),
    }),
    model: z.string(),
    chip: obj({ name: z.string(), source: z.string(), coresUsed: nn, coresAvailable: nn, specSha256: z.string().optional(),
      mesh: obj({ widthTiles: nn, heightTiles: nn, coresPerTile: nn }).optional() }),
    steps: nn,
    timingModel: z.string(),
    totals: obj({
      counters,
      synOpsByEncoding: z.record(z.string(), nn),
      synapticEventsDelivered: nn,
      /** Compute-in-memory presets only (chip/report/crossbar.ts). */
      crossbar: obj({ reads: nn, activeRows: nn, conversions: nn, energyPj: nn }).optional(),
      sanafe: obj({ synapticEvents: nn, packets: nn, hops: nn, neuronUpdates: nn, neuronsFired: nn }),
      energyPj: energy.extend({ static: num, total: num }),
      simulatedTimeNs: nn.nullable(),
      averagePowerMw: num.nullable(),
      energyPerStepPj: num,
    }),
    costs: z.array(obj({ key: z.string(), value: num, unit: z.string(), source: z.string(), evidence: z.string() })),
    notModelled: z.array(z.string()),
    perCore: z.array(obj({ coreId: nn, tile: obj({ x: nn, y: nn }), counters, energyPj: energy })),
    perPopulation: z.array(obj({ name: z.string(), kind: z.string(), size: nn, spikes: nn, synOpsIn: nn, meanRatePerTick: nn, deadNeurons: nn })),
    perProjection: z.array(obj({ name: z.string(), pre: z.string(), post: z.string(), synapses: nn, synOps: nn, synapticEventsDelivered: nn })),
    /** General learning engine runs (chip/report/learning-report.ts). */
    learning: obj({
      synUpdates: nn, ruleEvaluations: nn, weightChanges: nn,
      rules: z.array(obj({ projection: z.string(), rule: z.string(), plasticSynapses: nn, weightChanges: nn, readsThirdFactor: z.boolean(), thirdFactorNonZero: z.boolean().nullable() })),
      notes: z.array(z.string()),
    }).optional(),
    metrics: metrics.optional(),
    perTick: obj({ latencyNs: z.array(nn), spikes: z.array(nn), synOps: z.array(nn), packets: z.array(nn), hops: z.array(nn), energyPj: z.array(num) }),
    /** NIR runs (cli/commands/run-nir.ts): the graph's version, steps, outputs and projections. */
    nir: obj({
      version: z.string(), steps: nn, extraTicks: nn, inputShape: z.array(nn),
      outputs: z.array(obj({ output: z.string(), node: z.string(), spiking: z.boolean(), counts: z.array(nn).nullable() })),
      projections: z.array(obj({ projection: z.string(), pre: z.string(), post: z.string(), via: z.array(z.string()), modelWeights: nn, synapses: nn, encoding: z.string() })),
      warnings: z.array(z.string()),
    }).optional(),
    precision: obj({
      mode: z.literal("fixed"),
      layers: z.array(obj({
        population: z.string(), stateScaleExp: num, maxAbsWeightError: num, maxRelWeightError: num, clippedWeights: nn,
        weightExponents: z.record(z.string(), num), maxDecayError: num,
      })),
      warnings: z.array(z.string()),
      agreementWithFloat: z.array(obj({ population: z.string(), spikes: nn, spikesFloat: nn, shared: nn, jaccard: fraction })),
    }).optional(),
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

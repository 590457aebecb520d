/**
 * `aerchip run MODEL.json --input FILE [--input-population NAME]`: an external input for a JSON model
 * (aerchip-model-1 or snnref-1). The file's spikes replace the embedded `spikes` of one input population,
 * so the run is the one the model would make with those spikes written into it (tests/cli/model-input.test.ts
 * checks this spike for spike). The file is read as for NIR graphs (cli/spike-inputs.ts): a dense T × shape
 * .npy tensor (its trailing dimensions must hold as many neurons as the population), the output of `convert
 * --encode`, or an event file binned at --tick-us with the event transforms, mapped onto the population's
 * shape ([C, H, W] with channel = polarity, or a flat size; docs/events.md).
 *
 * Which population: the one --input-population names, else the model's only input population; a model
 * with several and no --input-population is a usage error listing them (E_CLI_OPTION). A program compiled from
 * a JSON model (`run PROGRAM.aerprog`) chooses the same way, with the same errors; its other input populations
 * get no spikes (W_PROGRAM_INPUTS_SILENT).
 */
import { AerchipError, isAerchipError, type Diagnostic } from "../core/diagnostics.ts";
import type { PopulationIR, StimulusIR } from "../compiler/ir/types.ts";
import type { LoadedModel } from "../compiler/frontends/snnref.ts";
import { readInputSpikes, stimulusSpikesOf, type InputOptions, type InputSpikes } from "./spike-inputs.ts";

/** What chooseInputPopulation reads of a population. */
export type PopulationOutline = Pick<PopulationIR, "name" | "kind" | "size" | "shape">;

/** The input population --input drives (see the module comment), of the model's `populations`. */
export function chooseInputPopulation(populations: readonly PopulationOutline[], asked: string | undefined, file: string, what: "model" | "program" = "model"): PopulationOutline {
  const inputs = populations.filter((p) => p.kind === "input");
  const names = inputs.map((p) => p.name).join(", ");
  if (asked !== undefined) {
    const p = inputs.find((x) => x.name === asked);
    if (p !== undefined) return p;
    const other = populations.some((x) => x.name === asked);
    throw new AerchipError("E_CLI_OPTION", `--input-population ${asked}: ${other ? "that population is not an input population" : `the ${what} has no population of that name`}`, {
      file, field: "--input-population", hint: inputs.length === 0 ? `the ${what} has no input population for --input to drive` : `give one of its input populations: ${names}`,
    });
  }
  if (inputs.length === 1) return inputs[0];
  if (inputs.length === 0) {
    throw new AerchipError("E_CLI_OPTION", `--input replaces an input population's spikes, and the ${what} has no input population`, { file, field: "--input", hint: `add a population of kind "input" to the model${what === "program" ? " and compile it again" : ""}, or drop --input` });
  }
  throw new AerchipError("E_CLI_OPTION", `the ${what} has ${inputs.length} input populations (${names}); --input drives one`, { file, field: "--input-population", hint: `give --input-population NAME, one of: ${names}` });
}

/**
 * W_PROGRAM_INPUTS_SILENT: a program of a JSON model with several input populations, run with --input driving
 * `driven`: a program holds no input spikes, so `silent` get none (the model run keeps their embedded spikes).
 */
export function silentInputsWarning(file: string, driven: string, silent: readonly string[]): Diagnostic {
  return {
    code: "W_PROGRAM_INPUTS_SILENT", severity: "warning", file, field: "--input-population",
    message: `--input drives input population "${driven}"; the program's other input population${silent.length === 1 ? "" : "s"} (${silent.join(", ")}) get${silent.length === 1 ? "s" : ""} no spikes (a compiled program holds none of the model's embedded spikes)`,
    hint: "run the JSON model instead (`aerchip run MODEL.json --input FILE --input-population NAME` keeps the other populations' embedded spikes)",
  };
}

/**
 * The spikes of `path` for population `pop` of the model `modelPath`. A file whose shape or events do not
 * fit the population keeps the reader's code (E_EVENTS_SHAPE, E_EVENTS_OUT_OF_RANGE) and its message, which
 * names both sizes, and adds the population and the model.
 */
export async function readModelInput(path: string, pop: PopulationOutline, modelPath: string, opts: InputOptions): Promise<InputSpikes> {
  try {
    return await readInputSpikes(path, pop.shape, opts);
  } catch (e) {
    if (isAerchipError(e) && (e.code === "E_EVENTS_SHAPE" || e.code === "E_EVENTS_OUT_OF_RANGE")) {
      throw new AerchipError(e.code, `${e.message} (input population "${pop.name}" of ${modelPath}: shape [${pop.shape.join(", ")}], ${pop.size} neurons)`, {
        file: path, ...(e.field === undefined ? {} : { field: e.field }),
        hint: e.hint ?? `give a T × ${pop.shape.join(" × ")} spike tensor, or events that map onto that shape`, cause: e,
      });
    }
    throw e;
  }
}

/** The model with `population`'s embedded spikes replaced by `input` (the other input populations keep theirs). */
export function withInputSpikes(model: LoadedModel, population: string, input: Pick<InputSpikes, "tick" | "neuron" | "inputCounts">): LoadedModel {
  const spikes = new Map(model.stimulus.spikes);
  spikes.set(population, stimulusSpikesOf(input));
  const stimulus: StimulusIR = { spikes };
  return { graph: model.graph, stimulus };
}

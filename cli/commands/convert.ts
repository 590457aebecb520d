/**
 * `aerchip convert IN OUT`: event files between formats (N-MNIST .bin, AEDAT 2.0/3.1, CSV, structured .npy,
 * SHD HDF5 in; .bin, .aedat, .csv, .npy, .aer out), or binned onto ticks as chip input spikes
 * (`--spikes --tick-us 1000`: a dense T × N .npy tensor, an .aer stream or CSV). Writes are atomic. `--sample`
 * picks an SHD/SSC sample, `--labels`/`--gesture` one DVS Gesture sample (cli/input-selection.ts).
 * `--encode poisson|bernoulli|first-spike --steps T` encodes a static .npy tensor (one sample) as input spikes
 * instead (core/io/events/encode-tensor.ts; options checked in cli/option-applicability.ts).
 */
import { checkOutputPaths } from "../output-paths.ts";
import { convertEventFile } from "../../core/io/events/index.ts";
import { encodeTensorFile, type TensorEncoding } from "../../core/io/events/encode-tensor.ts";
import { inputSelectionReadOptions, renameSelectionError, type InputSelection } from "../input-selection.ts";

export interface ConvertCommandOptions extends InputSelection {
  readonly spikes: boolean;
  readonly tickUs?: number;
  readonly counts: boolean;
  readonly json: boolean;
  readonly quiet: boolean;
  readonly encode?: TensorEncoding;
  readonly steps?: number;
  readonly maxRateHz?: number;
  readonly maxValue?: number;
  readonly seed?: number;
}

function encodeCommand(input: string, output: string, o: ConvertCommandOptions & { encode: TensorEncoding }): void {
  const res = encodeTensorFile(input, output, {
    encoding: o.encode, steps: o.steps ?? 0,
    ...(o.maxValue === undefined ? {} : { maxValue: o.maxValue }),
    ...(o.maxRateHz === undefined ? {} : { maxRateHz: o.maxRateHz }),
    ...(o.tickUs === undefined ? {} : { tickUs: o.tickUs }),
    ...(o.seed === undefined ? {} : { seed: o.seed }),
  });
  if (o.json) process.stdout.write(`${JSON.stringify({ ...res, output })}\n`);
  else if (!o.quiet) process.stdout.write(`encoded ${input} (shape [${res.shape.join(", ")}], ${res.encoding}) → ${output}: ${res.count} spikes over ${res.steps} ticks\n`);
}

export async function convertCommand(input: string, output: string, o: ConvertCommandOptions): Promise<void> {
  // OUT over IN (or over the --labels CSV) would replace the file being read (cli/output-paths.ts).
  checkOutputPaths([{ role: "<out>", path: output }], [{ role: "<in>", path: input }, ...(o.labels === undefined ? [] : [{ role: "--labels", path: o.labels }])]);
  if (o.encode !== undefined) return encodeCommand(input, output, { ...o, encode: o.encode });
  const selection = await inputSelectionReadOptions(input, o);
  let res;
  try {
    res = await convertEventFile(input, output, {
      output: o.spikes ? "spikes" : "events",
      ...(o.tickUs === undefined ? {} : { tickUs: o.tickUs }),
      counts: o.counts,
      ...selection,
    });
  } catch (e) {
    throw renameSelectionError(e, o);
  }
  if (o.json) process.stdout.write(`${JSON.stringify(res)}\n`);
  else if (!o.quiet) {
    const what = res.mode === "spikes" ? `${res.count} spikes over ${res.steps ?? 0} ticks` : res.mode === "packets" ? `${res.count} packets` : `${res.count} events`;
    process.stdout.write(`converted ${input} (${res.inputFormat}) → ${output} (${res.output}): ${what}\n`);
  }
}

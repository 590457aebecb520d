/**
 * `aerchip convert IN OUT`: event files between formats (N-MNIST .bin, AEDAT 2.0/3.1, CSV, structured .npy,
 * SHD HDF5 in; .bin, .aedat, .csv, .npy, .aer out), or binned onto ticks as chip input spikes
 * (`--spikes --tick-us 1000`: a dense T × N .npy tensor, an .aer stream or CSV). Writes are atomic. `--sample`
 * picks an SHD/SSC sample, `--labels`/`--gesture` one DVS Gesture sample (cli/input-selection.ts).
 */
import { convertEventFile } from "../../core/io/events/index.ts";
import { inputSelectionReadOptions, renameSelectionError, type InputSelection } from "../input-selection.ts";

export interface ConvertCommandOptions extends InputSelection {
  readonly spikes: boolean;
  readonly tickUs?: number;
  readonly counts: boolean;
  readonly json: boolean;
  readonly quiet: boolean;
}

export async function convertCommand(input: string, output: string, o: ConvertCommandOptions): Promise<void> {
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

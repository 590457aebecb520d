/**
 * The Diehl & Cook harness's default parameters, each with where its value comes from, as data so that the
 * result files can carry the provenance of every number they were made with (learn-mnist.json and
 * learn-features.json `paramsProvenance`), not only this source file's comments.
 *
 * Tags as in the project's paper notes (../shared/docs/papers.md): [C] read in the authors' code, [S] a
 * secondary summary of the paper, [A] abstract only, [M] background knowledge, not re-verified. "D&C code" =
 * peter-u-diehl/stdp-mnist @d527ca3 (Brian 1); "BindsNET" = BindsNET/bindsnet @34ee292 `DiehlAndCook2015`.
 * Voltages are mV above the resting potential (exc rest −65 mV, inh rest −60 mV). Values tagged "aerchip"
 * are this harness's own mapping of a conductance-based quantity onto the chip's current-based compartment
 * (derivation in diehl-cook.ts's header); no paper prints them.
 */
import type { DiehlCookParams } from "./diehl-cook.ts";

/** A default and its source. */
export interface SourcedValue {
  readonly value: number;
  readonly source: string;
}

export const DIEHL_COOK_SOURCED: { readonly [K in keyof DiehlCookParams]: SourcedValue } = {
  tickMs: { value: 1, source: "[C] BindsNET dt = 1 ms (D&C code: 0.5 ms [C])" },
  presentMs: { value: 350, source: "[C] D&C code: 350 ms input per example" },
  restMs: { value: 0, source: "aerchip: 0 = the state is reset after each presentation, no rest ticks simulated or charged; [C] D&C code: 150 ms rest (set restMs=150 to simulate and charge it)" },
  tauExcMs: { value: 100, source: "[C] D&C code: excitatory membrane τ = 100 ms" },
  tauInhMs: { value: 10, source: "[C] D&C code: inhibitory membrane τ = 10 ms" },
  tauSynMs: { value: 1, source: "[C] D&C code: τ_ge = 1 ms (conductance → current decay)" },
  vThresholdExc: { value: 13, source: "[C] D&C code: threshold −52 mV, rest −65 mV → 13 mV above rest (θ added on top)" },
  vResetExc: { value: 0, source: "[C] D&C code: exc reset −65 mV = rest → 0 (BindsNET: −60 mV → 5 [C])" },
  vThresholdInh: { value: 20, source: "[C] D&C code: inh threshold −40 mV, rest −60 mV → 20" },
  vResetInh: { value: 15, source: "[C] D&C code: inh reset −45 mV, rest −60 mV → 15" },
  refractoryExcMs: { value: 5, source: "[C] D&C code: 5 ms" },
  refractoryInhMs: { value: 2, source: "[C] D&C code: 2 ms" },
  thetaPlus: { value: 0.05, source: "[C] D&C code: θ += 0.05 mV per spike" },
  tauThetaMs: { value: 1e7, source: "[C] D&C code: τ_θ = 10⁷ ms" },
  inputGainExc: {
    value: 0.38,
    source: "aerchip: 0.38·Σ_k e^(−k) ≈ 0.6, so a spike of weight w moves v by ≈ 0.6·w mV ≈ w·1 ms/100 ms·(E_exc − v), v ≈ −60 mV ([C] values)",
  },
  inputGainInh: { value: 3, source: "aerchip: gain of the inhibitory population's input (current-based; no paper value)" },
  wExcInh: { value: 10.4, source: "[C] D&C code: exc→inh weight 10.4 (BindsNET uses 22.5 [C])" },
  wInhExc: { value: -22.6, source: "aerchip: −22.6·0.6 ≈ −13.6 mV = D&C code's inh→exc 17.0 · 2 ms/100 ms · (−100 + 60) mV ([C] values)" },
  wInitMax: { value: 0.3, source: "[C] D&C code: initial weights (U[0,1) + 0.01)·0.3" },
  wInitOffset: { value: 0.01, source: "[C] D&C code: the + 0.01 in (U[0,1) + 0.01)·0.3 (BindsNET: 0.3·U[0,1), offset 0 [C])" },
  normTotal: { value: 78, source: "[C] D&C code: Σ_i w_ij = 78 over 784 inputs before each example (BindsNET: norm 78.4 [C]); scaled by D/784 for D inputs" },
  rateHzPerPixel: { value: 63.75, source: "[C] D&C code: rate = pixel/8·intensity, intensity 2 → 255/4 = 63.75 Hz at pixel 1" },
  minSpikes: { value: 5, source: "[C] D&C code: fewer than 5 exc spikes → intensity + 1, example shown again" },
  maxIntensity: { value: 32, source: "aerchip: a cap on that loop (D&C code has none)" },
  nuPre: { value: 1e-4, source: "[C] D&C code: on a pre spike w −= 1e-4·post1 (BindsNET ν = (1e-4, 1e-2) [C])" },
  nuPost: { value: 1e-2, source: "[C] D&C code: on a post spike w += 1e-2·x_pre·post2" },
  preTauMs: { value: 20, source: "[C] D&C code: pre trace τ = 20 ms" },
  post1TauMs: { value: 20, source: "[C] D&C code: post1 trace τ = 20 ms" },
  post2TauMs: { value: 40, source: "[C] D&C code: post2 trace τ = 40 ms" },
  mu: {
    value: -1,
    source: "aerchip: -1 = the released code's rule (diehl-cook-2015-code, nuPre/nuPost); mu >= 0 = the paper's rule Δw = nuPost·(x_pre − xTar)·(1 − w)^mu on post spikes ([M] paper; [C] mu = 0.2 is a constant in the D&C code, present but unused)",
  },
  xTar: { value: 0.4, source: "[C] D&C code: x_tar = 0.4 (present, unused there); used only with mu >= 0" },
  beta: {
    value: 0,
    source: "aerchip: 0 = unset; only the exponential rule (--rule diehl-cook-2015-exp, mu -3: Δw = nuPost·(x_pre·e^(−beta·w) − xTar·e^(−beta·(1 − w))), [M] the paper's exponential weight dependence) reads it and needs beta > 0 from --set: papers.md §5 gives no value",
  },
  inputDelayMaxMs: {
    value: 0,
    source: "[C] BindsNET: no delays; D&C code: delay['ee_input'] = (0 ms, 10 ms), uniform per synapse (set 10 for it)",
  },
};

/** The legend of the tags, written beside the provenance in result files. */
export const PROVENANCE_TAGS =
  "[C] read in the authors' code; [S] secondary summary of the paper; [A] abstract only; [M] background knowledge, not re-verified; aerchip: this harness's own mapping (no paper prints it); user: set on the command line (--set)";

/**
 * Where each value of `params` comes from: the default's source, or, for a value set with --set, "user" with
 * the default it replaced and that default's source (so a figure lifted from a result file keeps its tag);
 * a value in `chosen` keeps the text given there.
 */
export function paramsProvenance(
  params: DiehlCookParams, chosen: Partial<Record<keyof DiehlCookParams, string>> = {},
  base: { readonly [K in keyof DiehlCookParams]: SourcedValue } = DIEHL_COOK_SOURCED,
): Record<keyof DiehlCookParams, string> {
  const out = {} as Record<keyof DiehlCookParams, string>;
  // base: the named set the run started from (--params, cli/learn/param-sets.ts); its values are the "defaults" here.
  for (const k of Object.keys(DIEHL_COOK_SOURCED) as (keyof DiehlCookParams)[]) {
    const d = base[k];
    // `chosen`: a value the harness chose itself (--set rateHzPerPixel=auto, cli/learn/auto-gain.ts), with its reason.
    out[k] = chosen[k] ?? (Object.is(params[k], d.value) ? d.source : `user: --set ${k}=${params[k]} (default ${d.value}: ${d.source})`);
  }
  return out;
}

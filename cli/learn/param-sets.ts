/**
 * Named parameter sets of the Diehl & Cook harness (`aerchip learn … --params <name>`): every value with its
 * source, as DIEHL_COOK_SOURCED (diehl-cook-defaults.ts) does for the default set. `--set key=value` still
 * overrides single values on top of the chosen set.
 *
 * bindsnet-eth-mnist: BindsNET's `examples/mnist/eth_mnist.py` with its `DiehlAndCook2015` model
 * (BindsNET/bindsnet @34ee292 = 34ee2920cf3b605a8d29e777ad6af1bf4bd04036; papers.md §5), read in these files:
 *   models.py   = bindsnet/models/models.py (class DiehlAndCook2015)
 *   eth_mnist   = examples/mnist/eth_mnist.py (argparse defaults)
 *   nodes.py    = bindsnet/network/nodes.py (LIFNodes.forward, DiehlAndCookNodes.forward, Nodes traces)
 *   MCC         = bindsnet/learning/MCC_learning.py (PostPre._connection_update)
 *   encodings   = bindsnet/encoding/encodings.py (poisson)
 * BindsNET's per-step equations (nodes.py, dt = 1 ms, voltages mV):
 *   v ← e^(−dt/τ)·(v − rest) + rest; θ ← e^(−dt/τ_θ)·θ (learning only); v += Σ_i w_i·s_i unless refractory
 *   (current-based: no synaptic current, the sum lands on v at once); s = v ≥ thresh + θ; on s: refractory
 *   count ← refrac, v ← reset, θ += θ+. Each layer sees the other layers' spikes of the previous step.
 * The chip's compartment with tauSynMs 0 (currentDecay 0) and inputGain 1 computes v ← e^(−dt/τ)·v + Σ w·s,
 * fire iff v ≥ θ_th + θ, the same update in mV above rest, with these differences (also in the provenance):
 *   - one spike per step (the largest; not emulated): BindsNET's DiehlAndCookNodes default one_spike=True
 *     (nodes.py; models.py keeps it): every exc neuron that crosses is reset, made refractory and gets θ += θ+,
 *     but only one, drawn at random, emits (inhibits, learns, counts). The chip emits every crossing neuron; a
 *     population-level one-spike-per-tick rule is a winner-take-all no chip preset has. Audit s21h: after
 *     3,000 samples at 100 neurons, 46 % of the chip's exc spikes on test digits share a tick with another;
 *     one_spike would emit 13.4 per sample where the chip emits 19.6.
 *   - refractory: the chip holds v at reset for refractoryTicks ticks; BindsNET lets v decay toward rest
 *     meanwhile (exc: reset 5 mV above rest → 4.76 mV after 5 ticks instead of 5); both drop the input.
 *   - STDP timing: BindsNET pairs a pre spike at its emission step with the post trace of that step; the
 *     chip's rule sees it on arrival, one tick later (pair-stdp: "x0 products see the post trace from
 *     earlier post spikes only; y0 products see the pre trace including this tick's arrival"), so every
 *     depression is e^(−1/20) = 0.951 of BindsNET's, and potentiation uses the pre trace one tick later
 *     (e^(+1/20) larger for earlier pairs, same-tick pre spikes missed): audit s21h, per synapse 5 % apart
 *     at the median, 11 % at the 90th percentile, equal in sum.
 *   - normalisation: as BindsNET, after each training sample (LEARN_PARAM_SET_HARNESS: the first sample sees the
 *     raw 0.3·U[0,1) weights, the label and test passes Σ_i w_ij = 78.4); the default set normalises before each.
 *   - Poisson input: BindsNET's own construction (encodings.py poisson: intervals Poisson(1000/rate steps),
 *     0 → 1, cumulative from step 0; chip/learning/poisson-isi-encoder.ts), from aerchip's seeded stream, so
 *     the same statistics (white pixel ≈ 31.6 spikes per 250 steps, pixels ≲ 3.5 Hz silent), not the same spikes.
 *   - label assignment: eth_mnist labels from the spikes recorded while training (learning on), summing the
 *     per-class mean rates of every block of 250 samples (evaluation.assign_labels with rates); the harness
 *     labels frozen by default; `--label-samples 0` labels from the responses of the last training pass
 *     (mean per class over all of them), the closer match. eth_mnist reports two test accuracies,
 *     all-activity and proportion weighting; the harness reports all-activity (chip/learning/readout.ts).
 *     BindsNET gives a neuron silent while labelling class 0 (it then dilutes class 0's mean) and predicts
 *     class 0 for a test digit without exc spikes; the harness leaves such a neuron unassigned and predicts
 *     −1 (wrong). eth_mnist labels only at multiples of 250 samples (the last 250 never label), trains
 *     n_train + 1 samples and shuffles the training set (seed 0); the IDX path trains in file order.
 */
import { paramsUnusedByRule, type DiehlCookParams, type InputEncoderName, type NormaliseWhen } from "./diehl-cook.ts";
import { MU_EXP_RULE } from "./rule-names.ts";
import { AerchipError } from "../../core/diagnostics.ts";
import { DIEHL_COOK_SOURCED, type SourcedValue } from "./diehl-cook-defaults.ts";

const B = "BindsNET @34ee292";

export const BINDSNET_ETH_MNIST_SOURCED: { readonly [K in keyof DiehlCookParams]: SourcedValue } = {
  tickMs: { value: 1, source: `[C] ${B} eth_mnist: --dt 1.0 (DiehlAndCook2015 dt = 1.0)` },
  presentMs: { value: 250, source: `[C] ${B} eth_mnist: --time 250 (ms per sample)` },
  restMs: { value: 0, source: `[C] ${B} eth_mnist: no rest; network.reset_state_variables() after each sample (v ← rest, refractory 0, traces 0; θ kept), as the harness's reset` },
  tauExcMs: { value: 100, source: `[C] ${B} models.py: exc tc_decay = 100.0 (decay e^(−dt/τ), nodes.py, as the chip's)` },
  tauInhMs: { value: 10, source: `[C] ${B} models.py: inh tc_decay = 10.0` },
  tauSynMs: { value: 0, source: `[C] ${B} nodes.py: current-based, v += Σ w·s in the step (no synaptic current); aerchip: 0 = currentDecay 0` },
  vThresholdExc: { value: 13, source: `[C] ${B} models.py: exc_thresh −52.0, rest −65.0 → 13 mV above rest (θ added on top)` },
  vResetExc: { value: 5, source: `[C] ${B} models.py: exc reset −60.0, rest −65.0 → 5 (the chip holds v there while refractory; BindsNET lets it decay: nodes.py)` },
  vThresholdInh: { value: 20, source: `[C] ${B} models.py: inh_thresh −40.0, rest −60.0 → 20` },
  vResetInh: { value: 15, source: `[C] ${B} models.py: inh reset −45.0, rest −60.0 → 15` },
  refractoryExcMs: { value: 5, source: `[C] ${B} models.py: exc refrac = 5 (5 steps without input in nodes.py, as the chip's 5 ticks)` },
  refractoryInhMs: { value: 2, source: `[C] ${B} models.py: inh refrac = 2` },
  thetaPlus: { value: 0.05, source: `[C] ${B} eth_mnist: --theta_plus 0.05 (models.py default 0.05); θ += θ+ on a spike, after the threshold test (nodes.py); BindsNET also resets and raises θ for the neurons whose spike its one-spike-per-step draw drops (one_spike=True), the chip emits them all` },
  tauThetaMs: { value: 1e7, source: `[C] ${B} models.py: tc_theta_decay = 1e7 (θ ← e^(−dt/τ_θ)·θ every step while learning; frozen at test, as the harness)` },
  inputGainExc: { value: 1, source: `[C] ${B} nodes.py: an input spike of weight w adds w mV to v (v += x); aerchip: gain 1 with tauSynMs 0` },
  inputGainInh: { value: 1, source: `[C] ${B} nodes.py: LIFNodes v += x; aerchip: gain 1` },
  wExcInh: { value: 22.5, source: `[C] ${B} eth_mnist: --exc 22.5 (= models.py default), one-to-one` },
  wInhExc: { value: -120, source: `[C] ${B} eth_mnist: --inh 120 → weight −120, all-but-self (models.py class default inh = 17.5 is not used by the script)` },
  wInitMax: { value: 0.3, source: `[C] ${B} models.py: w = 0.3·torch.rand(784, n)` },
  wInitOffset: { value: 0, source: `[C] ${B} models.py: w = 0.3·U[0,1), no offset` },
  normTotal: { value: 78.4, source: `[C] ${B} eth_mnist/models.py: norm = 78.4 (Σ_i w_ij per exc neuron), applied after each training sample as BindsNET (the set's harness choice)` },
  rateHzPerPixel: { value: 128, source: `[C] ${B} eth_mnist: --intensity 128, ToTensor pixels in [0,1] × 128 = rate in Hz (encodings.py poisson: intervals Poisson with mean 1000/rate ms, 0 → 1; the set uses that encoder, so a white pixel gives ≈ 31.6 spikes per 250 ms, not 32)` },
  minSpikes: { value: 0, source: `[C] ${B} eth_mnist: no "< 5 spikes → raise intensity" loop; aerchip: 0 = every sample shown once` },
  maxIntensity: { value: 32, source: "aerchip: the cap of the intensity loop, unused with minSpikes 0" },
  nuPre: { value: 1e-4, source: `[C] ${B} models.py: nu = (1e-4, 1e-2); MCC PostPre: pre spike w −= ν0·x_post` },
  nuPost: { value: 1e-2, source: `[C] ${B} models.py: nu = (1e-4, 1e-2); MCC PostPre: post spike w += ν1·x_pre` },
  preTauMs: { value: 20, source: `[C] ${B} models.py: Input tc_trace = 20.0 (trace set to 1 on a spike, trace_scale 1, nodes.py)` },
  post1TauMs: { value: 20, source: `[C] ${B} models.py: exc tc_trace = 20.0 (the post trace of PostPre)` },
  post2TauMs: { value: 40, source: "aerchip: unused by PostPre (mu −2), which has one post trace; kept at the default set's value" },
  mu: {
    value: -2,
    source: `[C] ${B} models.py: learning_rule = MMCPostPre, range [wmin 0, wmax 1]; aerchip: mu −2 = pair-stdp nearest, additive, [0, 1] (the chip's rule sees a pre spike on arrival, one tick after BindsNET pairs it)`,
  },
  xTar: { value: 0.4, source: "aerchip: unused by PostPre (mu −2); kept at the default set's value" },
  beta: { value: 0, source: "aerchip: unused by PostPre (mu −2); BindsNET has no such parameter; kept at the default set's value (0 = unset)" },
  inputDelayMaxMs: { value: 0, source: `[C] ${B} models.py: no delays (the chip's one-tick delivery matches BindsNET's previous-step spikes)` },
};

/**
 * What a set changes in the harness beyond DiehlCookParams' numbers, with sources: the input encoder and when
 * the weights are normalised (DiehlCookOptions.inputEncoder / .normalise). The default set's are the harness's
 * defaults, so a run without --params is as before these choices existed.
 */
export interface ParamSetHarness {
  readonly inputEncoder: { readonly value: InputEncoderName; readonly source: string };
  readonly normalise: { readonly value: NormaliseWhen; readonly source: string };
}

export const LEARN_PARAM_SET_HARNESS: { readonly [name: string]: ParamSetHarness } = {
  "diehl-cook-code": {
    inputEncoder: { value: "per-tick", source: "[C] D&C code's Brian PoissonGroup input (Brian 1 PoissonThreshold: spike when rand() < rate·dt): one draw per input and tick, P(spike) = min(1, rate·dt) (core/poisson-tick.ts, chip/learning/encoders.ts)" },
    normalise: { value: "before-each-sample", source: "[C] D&C code: normalize_weights() before each training presentation, a digit re-shown at a higher intensity included (normTotal's source), none after the last" },
  },
  "bindsnet-eth-mnist": {
    inputEncoder: {
      value: "bindsnet-poisson",
      source: `[C] ${B} encodings.py poisson: inter-spike intervals Poisson(1000/rate steps), 0 → 1, spike times their cumulative sum from step 0, cut at time; a white pixel at 128 Hz gives ≈ 31.6 spikes in 250 steps (sd ≈ 2), pixels ≲ 3.5 Hz almost none; drawn from aerchip's seeded stream (chip/learning/poisson-isi-encoder.ts)`,
    },
    normalise: { value: "after-each-sample", source: `[C] ${B} network.py: run() normalises after every training sample (Weight norm_frequency "sample"), so the label and test passes see Σ_i w_ij = 78.4` },
  },
};

/** The sets by name; the first is the default. */
export const LEARN_PARAM_SETS = {
  "diehl-cook-code": DIEHL_COOK_SOURCED,
  "bindsnet-eth-mnist": BINDSNET_ETH_MNIST_SOURCED,
} as const;

export type LearnParamSetName = keyof typeof LEARN_PARAM_SETS;
export const LEARN_PARAM_SET_NAMES = Object.keys(LEARN_PARAM_SETS) as LearnParamSetName[];
export const DEFAULT_LEARN_PARAM_SET: LearnParamSetName = "diehl-cook-code";

/** The set's values as overrides of the default set (only the keys that differ, so the default set gives {}). */
export function paramSetOverrides(name: LearnParamSetName): Partial<DiehlCookParams> {
  const set = LEARN_PARAM_SETS[name];
  const out: Record<string, number> = {};
  for (const k of Object.keys(DIEHL_COOK_SOURCED) as (keyof DiehlCookParams)[]) {
    if (!Object.is(set[k].value, DIEHL_COOK_SOURCED[k].value)) out[k] = set[k].value;
  }
  return out as Partial<DiehlCookParams>;
}

/** --params: a known set's name (default diehl-cook-code); an unknown one is a usage error. */
export function paramSetName(text: string | undefined): LearnParamSetName {
  if (text === undefined) return "diehl-cook-code";
  if ((LEARN_PARAM_SET_NAMES as readonly string[]).includes(text)) return text as LearnParamSetName;
  throw new AerchipError("E_CLI_OPTION", `--params is "${text}"; the parameter sets are ${LEARN_PARAM_SET_NAMES.join(", ")}`, { field: "--params", hint: `e.g. --params bindsnet-eth-mnist (BindsNET's eth_mnist.py defaults), or drop --params (${LEARN_PARAM_SET_NAMES[0]}, D&C's code)` });
}

type SourcedTable = { readonly [K in keyof DiehlCookParams]: SourcedValue };

/**
 * The set's sources for a run whose rule is `mu` (audit s21h H6). The bindsnet-eth-mnist set's texts for the
 * rule's parameters describe PostPre (mu −2); after `--set mu=-1` (the released code's rule) or `mu ≥ 0`
 * (the paper's rule) they would describe a rule that did not run, and the values it kept from the default
 * set (post2TauMs 40, xTar 0.4) would lose their D&C source. Here those texts follow the rule in use; the
 * values are unchanged. The default set's texts already name D&C's code and are returned as they are.
 */
export function paramSetSourcesForRule(name: LearnParamSetName, mu: number): SourcedTable {
  const set = LEARN_PARAM_SETS[name];
  if (mu === set.mu.value) return set;
  if (name !== "bindsnet-eth-mnist") return withUnusedMarked(set, mu);
  const D = DIEHL_COOK_SOURCED;
  const nu = `[C] ${B} models.py: nu = (1e-4, 1e-2)`;
  const inherited = (k: "post2TauMs" | "xTar") => `${D[k].source} (the default set's value, kept by bindsnet-eth-mnist: BindsNET has no such parameter)`;
  const exp = mu === MU_EXP_RULE;
  const paper = exp ? "the paper's exponential rule (mu −3)" : "the paper's rule (mu ≥ 0)";
  const rule: Partial<Record<keyof DiehlCookParams, string>> = mu < 0 && !exp
    ? {
      // mu −1: diehl-cook-2015-code reads nuPre, nuPost, preTauMs, post1TauMs, post2TauMs; not xTar.
      nuPre: `${nu}; with --set mu=-1 the released code's rule: pre spike w −= nuPre·post1 (D&C's value too)`,
      nuPost: `${nu}; with --set mu=-1 the released code's rule: post spike w += nuPost·x_pre·post2 (D&C's value too)`,
      post1TauMs: `[C] ${B} models.py: exc tc_trace = 20.0; with --set mu=-1 the released code's post1 trace (D&C's value too)`,
      post2TauMs: inherited("post2TauMs"),
      xTar: `aerchip: unused by the released code's rule (mu −1); ${inherited("xTar")}`,
    }
    : {
      // mu ≥ 0: diehl-cook-2015 reads nuPost (as η), preTauMs and xTar; not nuPre, post1TauMs or post2TauMs (nor
      // mu −3, diehl-cook-2015-exp, which reads beta too).
      nuPre: `aerchip: unused by ${paper}; ${nu}`,
      nuPost: exp ? `${nu}; with --rule diehl-cook-2015-exp the exponential rule's η: post spike Δw = nuPost·(x_pre·e^(−beta·w) − xTar·e^(−beta·(1 − w)))`
        : `${nu}; with --set mu=${mu} the paper's rule's η: post spike Δw = nuPost·(x_pre − xTar)·(1 − w)^mu`,
      post1TauMs: `aerchip: unused by ${paper}; ${set.post1TauMs.source}`,
      post2TauMs: `aerchip: unused by ${paper}; ${inherited("post2TauMs")}`,
      xTar: exp ? `${D.xTar.source}, and by the exponential rule (mu -3) as its x_tar (the default set's value, kept by bindsnet-eth-mnist: BindsNET has no such parameter)` : inherited("xTar"),
      ...(exp ? { beta: D.beta.source } : {}),
    };
  const out = { ...set } as Record<keyof DiehlCookParams, SourcedValue>;
  for (const [k, source] of Object.entries(rule) as [keyof DiehlCookParams, string][]) out[k] = { value: set[k].value, source };
  return out;
}

/**
 * The default set after `--set mu` chose another rule (audit s21i I3): the texts of the rule parameters the
 * chosen rule does not read say so first (the values and their D&C sources are kept), as checkRuleParamsUsed
 * (diehl-cook.ts) lists them: PostPre (mu −2) reads no xTar or post2TauMs; the released code's rule (mu −1)
 * no xTar; the paper's rule (mu ≥ 0) no nuPre, post1TauMs or post2TauMs.
 */
function withUnusedMarked(set: SourcedTable, mu: number): SourcedTable {
  // beta is unset (0) and unread by every rule but the exponential one: its own text says so already.
  const unused = paramsUnusedByRule(mu).filter((k) => k !== "beta");
  const rule = mu === -2 ? "BindsNET's PostPre (mu −2)" : mu === MU_EXP_RULE ? "the paper's exponential rule (mu −3)" : mu < 0 ? "the released code's rule (mu −1)" : `the paper's rule (mu ${mu})`;
  const out = { ...set } as Record<keyof DiehlCookParams, SourcedValue>;
  for (const k of unused) out[k] = { value: set[k].value, source: `aerchip: unused by ${rule}; ${set[k].source}` };
  // xTar's own text ("used only with mu >= 0") predates the exponential rule, which reads it too; kept as it was for the other rules' files.
  if (mu === MU_EXP_RULE) out.xTar = { value: set.xTar.value, source: `${set.xTar.source}, and by the exponential rule (mu -3) as its x_tar` };
  return out;
}

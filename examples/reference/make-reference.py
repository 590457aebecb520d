"""Writes the reference models of examples/reference/ (papers.md requirement 27), each with a `provenance`
record of where its numbers come from (requirement 28: [C] read in the authors' code, [S] secondary
summary, [A] abstract, [M] not verified; papers.md's legend).

  shd-rsnn.model.json.gz   S-TLLR's recurrent SNN for SHD: 700 inputs -> 450 recurrent LIF -> 20 readout
  sae-mnist.model.json.gz  the spiking auto-encoder's MNIST topology (Hubotter et al., papers.md section 3)

The shapes and neuron constants are the papers' (see each file's provenance). The WEIGHTS ARE NOT: no
trained weights are published, so every weight is a seeded placeholder (+s or -s with a fixed scale s per
layer, drawn from random.Random(SEED)); the files reproduce shapes and costs (synapses, neurons, learning
cost), not accuracy. The input spikes are placeholders too (give real data with `aerchip run --input`).

Run from the repository root: `python3 examples/reference/make-reference.py [OUT_DIR]` (default
examples/reference) gives the committed files back byte for byte (the JSON inside each .gz, and the .gz
itself with the same zlib: gzip is written with mtime 0 and no file name).
"""
import gzip
import json
import math
import os
import random
import sys

SEED = 20261124
STLLR_CODE = "mapolinario94/S-TLLR @29c575529617f6c384b0a045e5f32ea01102845d"
STLLR_URL = "https://github.com/mapolinario94/S-TLLR/blob/29c575529617f6c384b0a045e5f32ea01102845d/"
SAE_CODE = "jhuebotter/SpikingVAE @8ef6171559542b8bc73bb2cc45ec90b5f6612ccd"
SAE_URL = "https://github.com/jhuebotter/SpikingVAE/blob/8ef6171559542b8bc73bb2cc45ec90b5f6612ccd/"
PLACEHOLDER = "placeholder: seeded +/-s weights (make-reference.py, SEED %d), not trained, not from any source" % SEED


def signs(rng, n, scale):
    """n weights of +scale or -scale (1 bit each: the gzipped files stay small)."""
    return [scale if rng.random() < 0.5 else -scale for _ in range(n)]


def dense(rng, n_pre, n_post, scale):
    """A dense block's n_pre x n_post weights (row = pre neuron)."""
    return [signs(rng, n_post, scale) for _ in range(n_pre)]


def bernoulli_spikes(rng, probs, ticks):
    """[tick, neuron] pairs, neuron i firing with probability probs[i] at each tick."""
    return [[t, i] for t in range(ticks) for i, p in enumerate(probs) if p > 0 and rng.random() < p]


def shd_rsnn(rng):
    T, T_l = 100, 10
    gamma = 1 / (1 + math.exp(-5))  # sigmoid(leak), leak = 5
    n_in, n_hid, n_out = 700, 450, 20
    ws = {"gain": 1, "eps": 0.0001, "variance": "unbiased"}
    hidden_rule = {"named": "s-tllr", "lambdaPost": 0.5, "lambdaPre": 1, "alphaPost": 2, "alphaPre": 1,
                   "learnFromTick": T_l, "learningRate": -0.0002, "mode": "accumulate", "psi": "inverseSquare"}
    # The code's readout (accumulate) layer learns delta (x) tr_x with lambda_pre = 0.99 and no Psi (factors
    # [0, 0.99, 0, 1]): rule text, since the named rule multiplies by Psi(u) of the post neuron.
    readout_rule = {"rule": "dt = -0.0002*m*x1*u0", "traces": {"x1": {"decay": 0.99, "impulse": 1, "mode": "add"}},
                    "thirdFactorFromTick": T_l, "apply": "tag-at-sample-end", "name": "s-tllr-readout"}
    model = {
        "format": "aerchip-model-1",
        "name": "shd-rsnn",
        "description": "S-TLLR's recurrent SNN for SHD (Apolinario & Roy, arXiv 2306.15220; papers.md section 1): 700 input channels -> 450 recurrent LIF (soft reset) -> 20 non-spiking leaky-integrator readout, T = 100 ticks of 10 ms, the rule learning on the last 90. Shapes and constants from the authors' code; weights and input spikes are seeded placeholders (make-reference.py): for shape and cost reproduction, not accuracy.",
        "provenance": {
            "source": "%s (models/STDPAudioSNN.py, models/layers/STLLR_layers.py, utils/dataloader.py, README.md); tags as papers.md: [C] code, [S] secondary summary, [M] not verified" % STLLR_CODE,
            "steps": "[S] T = 100: the paper's SHD rows and its (T, T_l) = (100, 10) ablation (papers.md section 1). The code does not run T = 100 [C]: dataloader() sets args.n_steps = 100, but %sutils/train.py overwrites it with data.size(1) (args.n_steps = timesteps), the batch's padded frame count; 1 s slices (SliceByTime(1000000 us)) in 10 ms frames (ToFrame(time_window=10000), frames from the slice's first event, the incomplete last one dropped; %sutils/dataloader.py dataloader_shd) give floor((D - 10^4)/10^4) + 1 <= 99 frames for a slice spanning D < 1 s" % (STLLR_URL, STLLR_URL),
            "populations.in.size": "[C] 700 SHD channels: AudioNet(n_inputs=700), %smodels/STDPAudioSNN.py" % STLLR_URL,
            "populations.in.spikes": "placeholder: each channel fires with probability 0.02 per tick (seeded); SHD frames are spike counts per 10 ms bin, the chip's input is one spike per channel and tick (aerchip run --input merges them, W_EVENTS_MERGED)",
            "populations.hidden.size": "[C] net_size = 450, %smodels/STDPAudioSNN.py" % STLLR_URL,
            "populations.hidden.voltageDecay": "[C] gamma = sigmoid(leak) with leak = 5 (LinearRecSTLLR(..., leak=5)) = 0.99331; the paper's appendix gives 0.99 [S]",
            "populations.hidden.vThreshold": "[C] threshold = 0.6 (LinearRecSTLLR default), used as threshold.clamp(min=0.5) = 0.6, %smodels/layers/STLLR_layers.py; the paper's appendix gives 0.8 [S] (not checked against the PDF)" % STLLR_URL,
            "populations.hidden.thresholdOp": "[C] spike iff u - v_th > 0 (output = (u_thr > 0).float())",
            "populations.hidden.reset": "[C] reset_mechanism = 'soft': u <- u - v_th on a spike",
            "populations.hidden.bias": "[C] bias = True, initialised to 0 (_initialize_weights: constant 0)",
            "populations.out.size": "[C] labels = 20 (SHD classes), LinearSTLLR(net_size, labels, accumulate=True)",
            "populations.out.spiking": "[C] accumulate = True: the readout's output is its membrane u (no spike, no reset); logits summed over t in utils/train.py",
            "populations.out.voltageDecay": "[C] u <- sigmoid(leak)*u + W x with leak = 5: 0.99331",
            "projections.in_hidden.dense": "[C] 700 x 450 (nn.Linear weight [450, 700], written here pre x post); weights: " + PLACEHOLDER + ", s = 1 (scale-free under the standardisation)",
            "projections.in_hidden.weightStandardisation": "[C] get_weight(): (w - mean)/sqrt(var*fan_in + 1e-4) * gain per output unit, torch.var unbiased, gain initialised to 1",
            "projections.hidden_hidden.dense": "[C] recurrent 450 x 450 (weight_rec), fed by the previous step's spikes (output_spikes): delay 1 tick; weights: " + PLACEHOLDER + ", s = 1",
            "projections.hidden_hidden.weightStandardisation": "[C] weight_rec standardised like weight, with its own gain_rec (initialised to 1)",
            "projections.hidden_out.dense": "[C] 450 x 20, NOT standardised (the accumulate branch uses self.weight); weights: " + PLACEHOLDER + ", s = 0.07 (about kaiming_normal's std sqrt(2/450) = 0.067 [C])",
            "delays": "[M] feed-forward delays are 1 tick (the chip's minimum); the code passes spikes to the next layer within the same step, so on the chip the readout lags by one tick",
            "projections.*.learning": "[C] S-TLLR factors [lambda_post, lambda_pre, alpha_post, alpha_pre] = [0.5, 1, 1, 1] (README SHD command --factors-stdp 0.5 1 1 1); alphaPost = 1 / lambda_post = 2 because aerchip's non-causal product reads lambda_post*y[t-1] where the code reads y[t-1] (chip/program/named-rules.ts stllr); psi inverseSquare = 1/(100|u - v_th| + 1)^2 (the code's Psi); mode accumulate = the code's default training mode 'stllr' (one optimizer step per sample)",
            "learnFromTick": "[C] T - T_l = 90 learning steps (--delay-ls 90: the code learns at steps t with T - t <= 90, utils/train.py); with T = 100 [S] the signal starts at tick 10 (the code's T <= 99 starts it at T - 90 <= 9)",
            "learningRate": "[C] lr = 2e-4 (README SHD command --lr 0.0002) but the code uses Adam; here a plain step rho = -2e-4 on delta = dL/dy [M: not the paper's optimizer]",
            "projections.hidden_out.learning": "[C] readout factors [0, 0.99, 0, 1]: dw = rho*delta*tr_x with tr_x decaying by 0.99 (STDPAudioSNN.py last_layer); u0 = every epoch (1 tick)",
        },
        "steps": T,
        "populations": [
            {"name": "in", "kind": "input", "size": n_in, "spikes": bernoulli_spikes(rng, [0.02] * n_in, T)},
            {"name": "hidden", "kind": "neuron", "size": n_hid, "voltageDecay": gamma, "vThreshold": 0.6,
             "thresholdOp": ">", "reset": "subtract", "bias": 0},
            {"name": "out", "kind": "neuron", "size": n_out, "spiking": False, "voltageDecay": gamma},
        ],
        "projections": [
            {"name": "in_hidden", "pre": "in", "post": "hidden", "dense": {"weights": dense(rng, n_in, n_hid, 1), "delays": 1},
             "weightStandardisation": ws, "learning": hidden_rule},
            {"name": "hidden_hidden", "pre": "hidden", "post": "hidden", "dense": {"weights": dense(rng, n_hid, n_hid, 1), "delays": 1},
             "weightStandardisation": ws, "learning": hidden_rule},
            {"name": "hidden_out", "pre": "hidden", "post": "out", "dense": {"weights": dense(rng, n_hid, n_out, 0.07), "delays": 1},
             "learning": readout_rule},
        ],
    }
    return model


def sae_mnist(rng):
    T = 100
    lif = {"voltageDecay": 0.99, "vThreshold": 1, "thresholdOp": ">", "reset": "zero", "vReset": 0, "vMin": -1}

    def kernel(c_a, c_b, k, scale):
        return {"kernelShape": [c_a, c_b, k, k], "weights": signs(rng, c_a * c_b * k * k, scale)}

    # A placeholder image: a 28 x 28 "plus" of full-intensity pixels, encoded as the code's spike encoder
    # does (spike iff |x * 0.2| > U(0, 1): probability 0.2 per tick for x = 1).
    image = [1.0 if (11 <= y <= 16 and 6 <= x <= 21) or (11 <= x <= 16 and 6 <= y <= 21) else 0.0
             for y in range(28) for x in range(28)]
    model = {
        "format": "aerchip-model-1",
        "name": "sae-mnist",
        "description": "The spiking convolutional auto-encoder's MNIST topology at full size (Huebotter, Lanillos, Tomczak, arXiv 2109.11045; papers.md section 3), from the first author's code: conv 1->16 (5x5) -> conv 16->32 (5x5) -> FC 12800->100 latent -> FC 100->12800 -> convTranspose 32->16 (5x5) -> convTranspose 16->1 (5x5), all LIF (decay 0.99, threshold 1, reset to 0, potentials clamped at -threshold), T = 100. Weights and input spikes are seeded placeholders (make-reference.py): for shape and cost reproduction, not reconstruction quality.",
        "provenance": {
            "source": "%s (src/experiment_snn.py, src/utils.py get_argparser, src/models/scnn_autoencoder_new.py, src/models/spiking_layers.py); mapping of that thesis code to the paper's exact settings is [M] (papers.md section 3)" % SAE_CODE,
            "steps": "[C] --steps default 100, %ssrc/utils.py" % SAE_URL,
            "populations.image": "[C] MNIST 1 x 28 x 28 (get_datasets('mnist'))",
            "populations.image.spikes": "placeholder image (a 'plus' of ones), encoded as the code's 'spike' encoder: spike iff |x * 0.2| > U(0, 1) (--encoder spike, --scale 0.2 [C]; src/models/input_encoders.py)",
            "populations.conv1.shape": "[C] --conv_channels '16, 32', --kernel_size 5, stride 1, padding 0 (experiment_snn.py): 28 - 5 + 1 = 24",
            "populations.conv2.shape": "[C] 32 channels, 24 - 5 + 1 = 20",
            "populations.latent.size": "[C] --hidden_sizes [100]: FC 32*20*20 = 12800 -> 100",
            "populations.fc_dec.shape": "[C] FC 100 -> 12800 (output_size = _to_linear), viewed as [32, 20, 20] (_from_linear)",
            "populations.deconv1.shape": "[C] ConvTranspose 32 -> 16, 5x5, stride 1, padding 0: 20 + 5 - 1 = 24",
            "populations.recon.shape": "[C] ConvTranspose 16 -> 1 (channels [input_channels] + conv2d_channels[:-1], reversed): 24 + 5 - 1 = 28; a LIF layer too (its potential's max over time, / (T * scale), is the reconstruction: --decoder max)",
            "voltageDecay": "[C] --decay 0.99 (every layer): u <- decay * u after threshold and reset (lif_sneuron); the order leak-after-reset gives the same sequence as aerchip's v <- decay*v + I",
            "vThreshold": "[C] threshold = 1 (experiment_snn.py)",
            "thresholdOp": "[C] spike where u > threshold (lif_sneuron: torch.where(u > threshold, ...))",
            "reset": "[C] --reset True: u <- u - (u where spiking) = 0",
            "vReset": "[C] 0: the reset subtracts the whole potential (lif_sneuron with reset=True)",
            "vMin": "[C] potentials below -threshold are clamped (lif_sneuron); the code writes +threshold there, which papers.md takes for a bug [M]: here -threshold, as the comment in the code says",
            "bias": "[C] Conv2dLIF / LinearLIF bias = False: no bias",
            "thetaPlus": "[C] --adapt_threshold False by default: no adaptive threshold here",
            "projections.*.weights": PLACEHOLDER + "; s per layer about 1/sqrt(fan-in): conv1 0.2 (25), conv2 0.05 (400), enc 0.01 (12800), dec 0.1 (100), deconv1 0.05, deconv2 0.25",
            "delays": "[M] 1 tick per layer (the chip's minimum); the code passes spikes on within the same step",
        },
        "steps": T,
        "populations": [
            {"name": "image", "kind": "input", "size": 784, "shape": [1, 28, 28],
             "spikes": bernoulli_spikes(rng, [abs(x * 0.2) for x in image], T)},
            dict({"name": "conv1", "kind": "neuron", "size": 9216, "shape": [16, 24, 24]}, **lif),
            dict({"name": "conv2", "kind": "neuron", "size": 12800, "shape": [32, 20, 20]}, **lif),
            dict({"name": "latent", "kind": "neuron", "size": 100}, **lif),
            dict({"name": "fc_dec", "kind": "neuron", "size": 12800, "shape": [32, 20, 20]}, **lif),
            dict({"name": "deconv1", "kind": "neuron", "size": 9216, "shape": [16, 24, 24]}, **lif),
            dict({"name": "recon", "kind": "neuron", "size": 784, "shape": [1, 28, 28]}, **lif),
        ],
        "projections": [
            {"name": "conv1", "pre": "image", "post": "conv1", "conv2d": kernel(16, 1, 5, 0.2)},
            {"name": "conv2", "pre": "conv1", "post": "conv2", "conv2d": kernel(32, 16, 5, 0.05)},
            {"name": "enc", "pre": "conv2", "post": "latent", "dense": {"weights": dense(rng, 12800, 100, 0.01), "delays": 1}},
            {"name": "dec", "pre": "latent", "post": "fc_dec", "dense": {"weights": dense(rng, 100, 12800, 0.1), "delays": 1}},
            {"name": "deconv1", "pre": "fc_dec", "post": "deconv1", "convTranspose2d": kernel(32, 16, 5, 0.05)},
            {"name": "deconv2", "pre": "deconv1", "post": "recon", "convTranspose2d": kernel(16, 1, 5, 0.25)},
        ],
    }
    return model


def write(out_dir, name, model):
    text = (json.dumps(model, separators=(",", ":"), ensure_ascii=False) + "\n").encode("utf-8")
    with open(os.path.join(out_dir, name), "wb") as f:
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0, compresslevel=9) as gz:
            gz.write(text)


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else "examples/reference"
    os.makedirs(out_dir, exist_ok=True)
    # One generator per file, each seeded on its own, so that changing one model leaves the other's bytes alone.
    write(out_dir, "shd-rsnn.model.json.gz", shd_rsnn(random.Random(SEED)))
    write(out_dir, "sae-mnist.model.json.gz", sae_mnist(random.Random(SEED + 1)))


if __name__ == "__main__":
    main()

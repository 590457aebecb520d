"""Writes examples/demo/ei-small.net.json: a small excitatory/inhibitory network in aerchip-model-1 format.

200 input neurons firing with probability 0.05 per tick drive 400 excitatory and 100 inhibitory LIF
neurons (fan-out 20, integer weights, delays 1-4 ticks) for 300 ticks. A fixed seed makes the file
reproducible: `python3 examples/demo/make-demo.py`.
"""
import json
import random

rng = random.Random(20261123)
T, N_IN, N_E, N_I, FAN = 300, 200, 400, 100, 20
spikes = [[t, i] for t in range(T) for i in range(N_IN) if rng.random() < 0.05]

def sparse(n_pre, n_post, w_lo, w_hi, d_hi):
    pre, post, w, d = [], [], [], []
    for i in range(n_pre):
        for j in rng.sample(range(n_post), FAN):
            pre.append(i); post.append(j); w.append(rng.randint(w_lo, w_hi)); d.append(rng.randint(1, d_hi))
    return {"pre": pre, "post": post, "weights": w, "delays": d}

model = {
    "format": "aerchip-model-1",
    "name": "ei-small",
    "steps": T,
    "populations": [
        {"name": "in", "kind": "input", "size": N_IN, "spikes": spikes},
        {"name": "E", "kind": "neuron", "size": N_E, "voltageDecay": 0.875, "vThreshold": 16, "reset": "subtract", "refractoryTicks": 2},
        {"name": "I", "kind": "neuron", "size": N_I, "voltageDecay": 0.75, "vThreshold": 8, "reset": "zero"},
    ],
    "projections": [
        {"name": "in_E", "pre": "in", "post": "E", "sparse": sparse(N_IN, N_E, 2, 6, 2)},
        {"name": "E_E", "pre": "E", "post": "E", "sparse": sparse(N_E, N_E, 1, 3, 4)},
        {"name": "E_I", "pre": "E", "post": "I", "sparse": sparse(N_E, N_I, 1, 3, 2)},
        {"name": "I_E", "pre": "I", "post": "E", "sparse": sparse(N_I, N_E, -8, -4, 2)},
    ],
}
with open("examples/demo/ei-small.net.json", "w") as f:
    json.dump(model, f, separators=(",", ":"))
    f.write("\n")

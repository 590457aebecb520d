/**
 * The spike probability per tick of a Poisson input sampled once per tick, shared by every Poisson encoder
 * (`convert --encode poisson`: core/io/events/encoders.ts; `aerchip learn`: chip/learning/encoders.ts):
 *
 *   p = min(1, r · Δt)        r in Hz, Δt = tickUs · 10⁻⁶ s
 *
 * Source: Brian's PoissonGroup, the input of Diehl & Cook 2015's released code (peter-u-diehl/stdp-mnist;
 * Brian 1 `PoissonThreshold`: a neuron spikes when rand() < rate·dt; Brian 2's PoissonGroup draws the same),
 * so a channel's mean count over T ticks is r · T · Δt exactly while r · Δt ≤ 1 (the Poisson process's
 * 1 − e^(−r·Δt), the chance of at least one event in a tick, is 3.1 % lower at 63.75 Hz and 1 ms).
 *
 * Rule for r · Δt > 1: p = 1, one spike every tick (what rand() < r·dt does; the rate above 1/Δt is lost).
 * A caller that promises the exact mean refuses such rates before encoding (`convert --encode poisson`:
 * E_CLI_OPTION / E_ENCODE_RATE); `learn`'s intensity loop and rate search can exceed it and are clipped.
 */
export function poissonTickProbability(rateHz: number, tickUs: number): number {
  return Math.min(1, rateHz * tickUs * 1e-6);
}

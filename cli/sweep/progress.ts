/**
 * The sweep's progress bar: finished points of the pending ones, with an ETA (cli-progress, on stderr).
 * Only on a TTY, outside CI, and without --quiet/--json; updated once per finished point.
 */
import cliProgress from "cli-progress";

export interface PointProgress {
  tick(): void;
  stop(): void;
}

export function makePointProgress(total: number, resumed: number, enabled: boolean): PointProgress {
  if (!enabled || !process.stderr.isTTY || process.env.CI !== undefined || total <= 0) return { tick: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar({
    format: `sweep [{bar}] {percentage}% | {value}/{total} points${resumed > 0 ? ` (+${resumed} resumed)` : ""} | ETA {eta_formatted}`,
    stream: process.stderr,
    hideCursor: true,
    clearOnComplete: true,
    etaBuffer: 20,
  }, cliProgress.Presets.shades_classic);
  bar.start(total, 0);
  let done = 0;
  return { tick: () => bar.update(++done), stop: () => bar.stop() };
}

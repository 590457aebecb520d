/**
 * The small event recording the event-binning CLI tests share: 7 events on writeIf4Nir's 4 inputs (2 pixels
 * × 2 polarities; channel (p·H + y)·W + x = 2, 2, 0, 3, 3, 2, 2) at 100, 300, 500, 900, 1500, 1999 and 2100 µs.
 * Each test file works its expected ticks out by hand from these events in its header.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeIf4Nir } from "./nir-dataset.ts";

export const IF4_EVENTS_CSV = "x,y,t,p\n0,0,100,1\n0,0,300,1\n0,0,500,0\n1,0,900,1\n1,0,1500,1\n0,0,1999,1\n0,0,2100,1\n";

/** The paths of the IF4 graph and the recording in `dir` (written by writeIf4Events). */
export function if4EventPaths(dir: string): { readonly IF4: string; readonly EVENTS: string } {
  return { IF4: join(dir, "if4.nir"), EVENTS: join(dir, "ev.csv") };
}

/** Writes the IF4 graph and the recording into `dir`. */
export async function writeIf4Events(dir: string): Promise<void> {
  const { IF4, EVENTS } = if4EventPaths(dir);
  await writeIf4Nir(IF4);
  writeFileSync(EVENTS, IF4_EVENTS_CSV);
}

/**
 * Reads a data set's samples (cli/dataset-inputs.ts) as input spikes, for `aerchip evaluate`.
 *
 * A file of a directory data set is read as `aerchip run --input FILE` reads it (readInputSpikes). An
 * SHD/SSC .h5 data set is one file holding every sample: opening it costs the superblock check, a libhdf5
 * open and the layout and labels read (~8 ms per sample measured on a 1,500-sample file), so the file is
 * opened on the first read and kept open for the next ones, until `close()`: the check of every sample
 * before the evaluation costs one open, and so does the evaluation's pass. Each sample's spikes are those
 * readInputSpikes(path, shape, { sample }) gives (core/io/events/detect.ts shdSampleForInput: the same
 * events through the same mapping and binning; tests/cli/dataset-reader.test.ts compares them).
 *
 * Reads are one at a time (a second read waits for the first): the file's libhdf5 worker serves one call
 * at a time. `close()` closes the file (its worker is given back); a later read opens it again.
 */
import type { ShdFile } from "../core/io/events/shd.ts";
import { isAerchipError } from "../core/diagnostics.ts";
import type { DatasetSample } from "./dataset-inputs.ts";
import { eventReadOptions, type EventTransformChoice } from "./event-transforms.ts";
import { cliInputSpikes, readInputSpikes, type InputSpikes } from "./spike-inputs.ts";

export class DatasetSampleReader {
  private readonly inputShape: readonly number[];
  private readonly tickUs: number | undefined;
  private readonly transforms: EventTransformChoice;
  /** The .h5 file open or being opened (its path, the open's promise, and the file once open). */
  private open: { readonly path: string; readonly file: Promise<ShdFile>; done?: ShdFile } | undefined;
  /** The last read queued: the next one starts when it has settled. */
  private last: Promise<unknown> = Promise.resolve();

  /** `tickUs`: the --tick-us the events are binned at (readInputSpikes' default when undefined). */
  constructor(inputShape: readonly number[], tickUs: number | undefined, transforms: EventTransformChoice = {}) {
    this.inputShape = inputShape;
    this.tickUs = tickUs;
    this.transforms = transforms;
  }

  /** The input spikes of sample `s`. */
  read(s: DatasetSample): Promise<InputSpikes> {
    const next = this.last.then(() => this.readNow(s), () => this.readNow(s));
    this.last = next.catch(() => undefined);
    return next;
  }

  private async readNow(s: DatasetSample): Promise<InputSpikes> {
    const opts = { ...(this.tickUs === undefined ? {} : { tickUs: this.tickUs }), transforms: this.transforms };
    const w = s.windowUs;
    if (w !== undefined) {
      // --slice-us: the window's events only; tick 0 at the window's start (or its first event with --tick-origin first-event).
      const { readEventsForInput } = await import("../core/io/events/detect.ts");
      const read = eventReadOptions(this.transforms);
      return cliInputSpikes(s.path, opts, () => readEventsForInput(s.path, { inputShape: [...this.inputShape], tickUs: this.tickUs ?? 1000, ...read, timeSliceUs: w, t0Us: read.t0Us ?? w[0] }));
    }
    if (s.sample === undefined) return readInputSpikes(s.path, this.inputShape, opts);
    const sample = s.sample;
    return cliInputSpikes(s.path, { ...opts, sample }, async () => {
      const { shdSampleForInput } = await import("../core/io/events/detect.ts");
      const f = await this.file(s.path);
      return shdSampleForInput(f, sample, { inputShape: [...this.inputShape], tickUs: this.tickUs ?? 1000, ...eventReadOptions(this.transforms) });
    });
  }

  /** The open file at `path` (opened now when it is not; another open file is closed first). */
  private async file(path: string): Promise<ShdFile> {
    if (this.open !== undefined && this.open.path !== path) this.close();
    if (this.open === undefined) {
      const file = (async () => {
        const { ShdFile } = await import("../core/io/events/shd.ts");
        try {
          return await ShdFile.open(path);
        } catch (e) {
          // As the one-sample read reports it (core/io/events/detect.ts eventsToInput).
          throw isAerchipError(e) ? e.withFile(path) : e;
        }
      })();
      const o: NonNullable<DatasetSampleReader["open"]> = { path, file };
      this.open = o;
      file.then((f) => {
        if (this.open === o) o.done = f;
        else f.close(); // closed while it was opening
      }, () => {
        if (this.open === o) this.open = undefined;
      });
    }
    return this.open.file;
  }

  /** Closes the open file, if any, at once (idempotent; a file still opening is closed when it opens). */
  close(): void {
    const o = this.open;
    this.open = undefined;
    o?.done?.close();
  }
}

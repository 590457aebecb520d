/**
 * Time limit for reading one HDF5 file through libhdf5 (see core/watchdog.ts for why one is needed).
 * limit = 30 s + 0.5 s per MB of file: a healthy NIR or SHD file of 100 MB reads in a few seconds on
 * the 2-core machines this project targets, so the limit only ends genuine hangs.
 * `AERCHIP_HDF5_TIME_LIMIT_S` overrides it (a positive number of seconds).
 */
export const HDF5_BASE_LIMIT_MS = 30_000;
export const HDF5_LIMIT_MS_PER_MB = 500;

export function hdf5TimeLimitMs(fileBytes: number, env: NodeJS.ProcessEnv = process.env): number {
  const override = Number(env.AERCHIP_HDF5_TIME_LIMIT_S);
  if (env.AERCHIP_HDF5_TIME_LIMIT_S !== undefined && Number.isFinite(override) && override > 0) return override * 1000;
  return HDF5_BASE_LIMIT_MS + HDF5_LIMIT_MS_PER_MB * (fileBytes / 1e6);
}

/** The one-line message the watchdog prints when libhdf5 does not return in time. */
export function hdf5HangMessage(path: string, limitMs: number, code: string): string {
  return `aerchip: ${code}: libhdf5 did not finish reading "${path}" within ${(limitMs / 1000).toFixed(1)} s; ` +
    `the file is probably damaged (libhdf5 loops forever on some corrupt files) — export or copy it again, ` +
    `or set AERCHIP_HDF5_TIME_LIMIT_S to a larger limit if the file is very large and healthy\n`;
}

/**
 * Time limit for one call into libhdf5 (see core/io/hdf5-worker.ts for why one is needed: libhdf5
 * loops forever on some damaged files, and the worker running it is stopped at this limit).
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

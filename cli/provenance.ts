/** Provenance helpers: SHA-256 of input files, so every report names exactly what it was computed from. */
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";

export function sha256File(path: string): string {
  if (!statSync(path).isFile()) return "";
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

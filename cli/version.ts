/** aerchip's version, read from the package.json above this module (works from source and from dist/). */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let cached: string | undefined;

export function aerchipVersion(): string {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const p = join(dir, "package.json");
    if (existsSync(p)) {
      const pkg = JSON.parse(readFileSync(p, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "aerchip" && typeof pkg.version === "string") return (cached = pkg.version);
    }
    dir = dirname(dir);
  }
  return (cached = "0.0.0-unknown");
}

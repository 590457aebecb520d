/**
 * A worker script next to a compiled CLI module (`moduleUrl`, its import.meta.url), or undefined when that
 * module runs from the TypeScript sources or the script is missing: Node 20 worker threads cannot import the
 * sources, so callers (sweep points, evaluate --jobs) then run their tasks on the main thread instead.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export function compiledSibling(moduleUrl: string, name: string): URL | undefined {
  if (!moduleUrl.endsWith(".js")) return undefined;
  const url = new URL(`./${name}`, moduleUrl);
  return existsSync(fileURLToPath(url)) ? url : undefined;
}

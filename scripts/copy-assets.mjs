// Copies the data files the compiled code reads at run time (chip presets) next to the emitted JS,
// so `dist/` mirrors the source tree: code finds them relative to its own module URL in both.
import { cpSync, existsSync, mkdirSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const assetDirs = ["chip/spec/presets"];
for (const rel of assetDirs) {
  const from = join(root, rel);
  if (!existsSync(from)) continue;
  const to = join(root, "dist", rel);
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) cpSync(join(from, name), join(to, name), { recursive: true });
}

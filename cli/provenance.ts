/** Provenance helpers: SHA-256 of input files, so every report names exactly what it was computed from. */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export function sha256File(path: string): string {
  if (!statSync(path).isFile()) return "";
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/**
 * The commit of the aerchip source tree this module runs from, read from `.git` without spawning git:
 * HEAD is either a commit id (detached) or `ref: refs/heads/x`, resolved through the loose ref file or
 * `packed-refs` (in the common directory for worktrees, whose `.git` is a `gitdir:` file). undefined when
 * aerchip does not run from a git checkout (e.g. an npm install) or the ref cannot be resolved.
 */
export function gitCommit(): string | undefined {
  try {
    let dir = dirname(fileURLToPath(import.meta.url));
    for (let i = 0; i < 6; i++) {
      const dotGit = join(dir, ".git");
      if (existsSync(dotGit)) return resolveHead(dotGit);
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  } catch {
    // Unreadable .git: provenance simply has no commit.
  }
  return undefined;
}

const COMMIT_ID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

function resolveHead(dotGit: string): string | undefined {
  let gitDir = dotGit;
  if (statSync(dotGit).isFile()) {
    const m = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, "utf8"));
    if (m === null) return undefined;
    gitDir = resolve(dirname(dotGit), m[1].trim());
  }
  const head = readFileSync(join(gitDir, "HEAD"), "utf8").trim();
  if (COMMIT_ID.test(head)) return head;
  const ref = /^ref:\s*(\S+)$/.exec(head)?.[1];
  if (ref === undefined) return undefined;
  const common = existsSync(join(gitDir, "commondir")) ? resolve(gitDir, readFileSync(join(gitDir, "commondir"), "utf8").trim()) : gitDir;
  for (const base of [gitDir, common]) {
    const loose = join(base, ref);
    if (existsSync(loose)) {
      const id = readFileSync(loose, "utf8").trim();
      if (COMMIT_ID.test(id)) return id;
    }
  }
  for (const base of [gitDir, common]) {
    const packed = join(base, "packed-refs");
    if (!existsSync(packed)) continue;
    for (const line of readFileSync(packed, "utf8").split("\n")) {
      const [id, name] = line.trim().split(" ");
      if (name === ref && COMMIT_ID.test(id)) return id;
    }
  }
  return undefined;
}

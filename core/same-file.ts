/**
 * Whether two paths name the same file, so that a command never writes one of its outputs over another
 * output of the same set, or over a file it reads. Paths are compared as the file system resolves them:
 *  - canonicalPath: the longest existing prefix of the path through realpath (symbolic links, "..", a
 *    relative path from the current directory), then the missing rest appended, so `out/../x.json`,
 *    `./x.json` and a link to x.json all give one name, whether or not the file exists yet;
 *  - sameFile: equal canonical paths, or two existing files with the same device and inode (hard links).
 */
import { realpathSync, statSync } from "node:fs";
import { basename, dirname, join, parse, resolve } from "node:path";

/** The absolute path `path` names: its longest existing prefix resolved by realpath, the rest appended. */
export function canonicalPath(path: string): string {
  let head = resolve(path);
  const rest: string[] = [];
  const root = parse(head).root;
  for (;;) {
    try {
      return join(realpathSync(head), ...rest.reverse());
    } catch {
      if (head === root) return resolve(path);
      rest.push(basename(head));
      head = dirname(head);
    }
  }
}

/** True when `a` and `b` name one file: the same canonical path, or the same existing inode (a hard link). */
export function sameFile(a: string, b: string): boolean {
  if (canonicalPath(a) === canonicalPath(b)) return true;
  try {
    const sa = statSync(a, { throwIfNoEntry: false });
    const sb = statSync(b, { throwIfNoEntry: false });
    return sa !== undefined && sb !== undefined && sa.isFile() && sb.isFile() && sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false; // e.g. ENOTDIR: a parent is a file, so at most one of them can exist
  }
}

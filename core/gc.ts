/**
 * Full garbage collections on request, for the few points where a phase has just dropped a large
 * structure that the phases after it would otherwise keep resident.
 *
 * Why: V8 frees an ArrayBuffer's memory only when a major collection finds the buffer dead, and it starts
 * major collections from growth of the JS heap (or, incrementally, from fast growth of ArrayBuffer memory,
 * finished as JavaScript runs). Phases that allocate almost nothing on the JS heap — building a simulator
 * state in a WebAssembly memory, then running it — can keep hundreds of MB of dead typed arrays resident to
 * the end of the process: SANA-FE's DVS network leaves its ~64 MB IR graph beside the program and the state.
 *
 * How: Node has no API that asks for one collection. Its documented `--expose-gc` option exposes V8's
 * `gc()`; v8.setFlagsFromString (documented, "use with care") sets that flag at run time, a vm context
 * created while it is set gets `gc` (the main context's globalThis does not), and the flag is reset at
 * once. A process started with --expose-gc uses its own `gc`. Where neither works, nothing is collected.
 * (v8.queryObjects, the one documented call that collects without a flag, runs memory-reducing collections
 * that also flush compiled code: 100–200 ms on the DVS run and a slower state build after them, plus an
 * ExperimentalWarning on stderr.)
 *
 * Why a wait, and several tries (collectUntilReleased): an optimising-compiler (TurboFan) job on a
 * background thread holds its function, and through the function's closure whatever that scope captured,
 * until the main thread installs the result; a collection made while such a job is in flight keeps it all.
 * Right after compiling the DVS network, a collection at once kept the graph in about half the runs (never
 * with --no-concurrent-recompilation); after a 5 ms wait, in 3 of 8 `aerchip run`s and none of 8 benchmark
 * runs, and the second try, 10 ms later, released it every time. Each try runs in a macrotask of its own,
 * which also ends the job in which a WeakRef was last dereferenced (V8 keeps a dereferenced target until
 * then).
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** undefined: not looked up yet; null: no way to collect in this process. */
let collector: (() => void) | null | undefined;

function findCollector(): (() => void) | null {
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === "function") return () => { exposed(); };
  try {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as unknown;
    return typeof gc === "function" ? () => { gc(); } : null;
  } catch {
    // Flags frozen or the extension missing (a future Node): no collector.
    return null;
  } finally {
    setFlagsFromString("--no-expose-gc");
  }
}

/** One full (mark-compact) collection now; false when this process has no way to ask for one. */
export function collectGarbage(): boolean {
  if (collector === undefined) collector = findCollector();
  if (collector === null) return false;
  collector();
  return true;
}

/** Collections made by collectUntilReleased at most (10–25 ms each for a 20 MB heap). */
export const RELEASE_TRIES = 5;
/** Wait before the first try (long enough for a compiler job, short beside a collection); doubled before each later one. */
const FIRST_WAIT_MS = 5;

/**
 * Full collections, each after a wait in a macrotask of its own (5, 10, 20 … ms), until every target of
 * `refs` has been collected or `maxTries` collections were made. True when all were collected: V8 frees their ArrayBuffers' memory
 * right after (a background sweep). False when some survived, or no collection is possible.
 */
export async function collectUntilReleased(refs: ReadonlyArray<WeakRef<object>>, maxTries = RELEASE_TRIES): Promise<boolean> {
  let waitMs = FIRST_WAIT_MS;
  for (let tries = 0; tries < maxTries; tries++, waitMs *= 2) {
    await new Promise<void>((resolve) => setTimeout(resolve, waitMs));
    if (!collectGarbage()) return false;
    if (refs.every((r) => r.deref() === undefined)) return true;
  }
  return false;
}

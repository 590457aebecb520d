/**
 * SANA-FE files on the command line: `--arch arch.yaml` (a SANA-FE architecture) and a network YAML as
 * the model. A SANA-FE network names the hardware units of an architecture file (soma and synapse unit
 * names), so lowering it needs one: the `--arch` YAML when given, else `--sanafe-arch FILE`, else the
 * SANA-FE architecture files beside the network (tried in name order, `loihi.yaml` first).
 */
import { existsSync, readdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { AerchipError, isAerchipError } from "../core/diagnostics.ts";
import { loadSanafe, loadSanafeArch, sniffSanafeYaml, type SanafeArch, type SanafeModel } from "../compiler/frontends/sanafe/index.ts";
import { readSanafeText } from "../compiler/frontends/sanafe/yaml-tree.ts";

export function isYamlPath(p: string): boolean {
  return /\.ya?ml$/i.test(p);
}

export function sniffFile(path: string): "architecture" | "network" | undefined {
  if (!existsSync(path)) return undefined;
  // Coded errors for a directory or device (core/io/read-input.ts); the whole file is read later anyway.
  return sniffSanafeYaml(readSanafeText(path).slice(0, 64 * 1024));
}

/**
 * Where the architecture came from: `--sanafe-arch`, the `--arch` YAML, or found beside the network (the
 * one case the command line did not name, so the run says which file it took: sanafeArchNote).
 */
export type SanafeArchSource = "sanafe-arch" | "arch" | "beside";

/** The SANA-FE architecture used to lower `networkPath`, with the path it came from. */
export function sanafeArchFor(networkPath: string, archArg: string, sanafeArch?: string): { arch: SanafeArch; path: string; source: SanafeArchSource } {
  if (sanafeArch !== undefined) return { arch: loadSanafeArch(sanafeArch), path: sanafeArch, source: "sanafe-arch" };
  if (isYamlPath(archArg)) return { arch: loadSanafeArch(archArg), path: archArg, source: "arch" };
  const dir = dirname(networkPath);
  const candidates = readdirSync(dir).filter((f) => isYamlPath(f) && join(dir, f) !== networkPath)
    .sort((a, b) => (a === "loihi.yaml" ? -1 : b === "loihi.yaml" ? 1 : a.localeCompare(b)));
  for (const f of candidates) {
    const p = join(dir, f);
    try {
      // Inside the try: a candidate that is a directory or unreadable is skipped, not an error.
      if (sniffFile(p) !== "architecture") continue;
      const arch = loadSanafeArch(p);
      loadSanafe(networkPath, arch); // the network's units must resolve against it
      return { arch, path: p, source: "beside" };
    } catch (e) {
      if (!isAerchipError(e)) throw e;
    }
  }
  throw new AerchipError("E_SANAFE_ARCH_REQUIRED", `the SANA-FE network ${basename(networkPath)} names hardware units of a SANA-FE architecture, and none beside it resolves them`, {
    file: networkPath, field: "--sanafe-arch", hint: "pass the architecture the network was written for with --sanafe-arch FILE (e.g. SANA-FE's loihi.yaml)",
  });
}

/** The line a run prints when it took the architecture from beside the network, else "". */
export function sanafeArchNote(found: { path: string; source: SanafeArchSource } | undefined): string {
  if (found === undefined || found.source !== "beside") return "";
  return `SANA-FE architecture for the network's units: ${found.path} (found beside the network; --sanafe-arch FILE names another)\n`;
}

export function loadSanafeModel(networkPath: string, arch: SanafeArch): SanafeModel {
  return loadSanafe(networkPath, arch);
}

/**
 * Errors that depend on where neurons sit (a core over one of the chip's per-core limits, a core the chip
 * lacks). With the network's own mapping aerchip did not choose the cores, so "repartition" cannot be
 * followed: what can is mapping with aerchip's compiler (--remap) or the architecture the file was written for.
 */
const MAPPING_DEPENDENT_CODES = new Set([
  "E_CORE_INPUT_AXONS_EXCEEDED", "E_CORE_OUTPUT_AXONS_EXCEEDED", "E_CORE_FANOUT_EXCEEDED", "E_CORE_NEURONS_EXCEEDED",
  "E_CORE_SYNAPSE_MEMORY_EXCEEDED", "E_CORE_NEURON_CONFIGS_EXCEEDED", "E_MAPPING_INVALID",
]);

/**
 * `e` with a hint a hand-mapped SANA-FE network can follow, when it is a mapping-dependent refusal of the
 * file's own mapping on `chipName`; any other error unchanged. `archPath`: the SANA-FE architecture YAML the
 * network's units resolved against (suggested unless it is already the --arch).
 */
export function fixedMappingError(e: unknown, networkPath: string, chipName: string, archPath: string, archArg: string): unknown {
  if (!isAerchipError(e) || !MAPPING_DEPENDENT_CODES.has(e.code)) return e;
  const own = archPath === archArg ? "" : `, or run it on the architecture it was written for (--arch ${archPath})`;
  return new AerchipError(e.code, e.message, {
    ...(e.file === undefined ? {} : { file: e.file }), ...(e.field === undefined ? {} : { field: e.field }), cause: e,
    hint: `the cores are the network file's own mapping (${basename(networkPath)}), which aerchip does not repartition: map it with aerchip's compiler onto chip "${chipName}" with --remap${own}`,
  });
}

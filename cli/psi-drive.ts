/**
 * The Ψ(u) that drives a JSON model's graded learning traces in `aerchip run` (SimulateOptions.gradedPsi):
 * the model's own choice (an s-tllr rule's `psi`, ProjectionIR.learningPsi) unless `--psi` names one.
 * The chip computes one Ψ for every graded trace of a run, so
 *   - projections whose rules name different Ψ are refused (E_LEARNING_PSI, a model problem: exit 1);
 *   - a --psi that differs from a Ψ the model names is refused (E_CLI_OPTION, exit 2), not silently
 *     preferred: the run would learn with another rule than the file says;
 *   - with neither, graded traces get no drive (the run's learning report says so in a note).
 */
import type { StllrPsi } from "../chip/program/named-rules.ts";
import { AerchipError } from "../core/diagnostics.ts";

/** A projection whose learning rule names its Ψ; `index` is its position in the model's projections. */
export interface ModelPsi {
  readonly projection: string;
  readonly index: number;
  readonly psi: StllrPsi;
}

/** The Ψ of the run: --psi, or the one the model names; undefined when neither gives one. */
export function resolvePsi(cliPsi: StllrPsi | undefined, model: readonly ModelPsi[], modelPath: string): StllrPsi | undefined {
  const first = model[0];
  const other = model.find((m) => m.psi !== first?.psi);
  if (first !== undefined && other !== undefined) {
    throw new AerchipError("E_LEARNING_PSI", `projections "${first.projection}" and "${other.projection}" name different Ψ ("${first.psi}" and "${other.psi}"); the chip drives every graded trace of a run by one Ψ`, {
      file: modelPath, field: `projections[${other.index}].learning.psi`, hint: `give both rules the same psi (e.g. "${first.psi}")`,
    });
  }
  if (cliPsi === undefined) return first?.psi;
  if (first !== undefined && cliPsi !== first.psi) {
    throw new AerchipError("E_CLI_OPTION", `--psi ${cliPsi} conflicts with the model's psi "${first.psi}" (projections[${first.index}].learning.psi of projection "${first.projection}")`, {
      file: modelPath, field: "--psi", hint: `drop --psi to learn with the model's "${first.psi}", or change projections[${first.index}].learning.psi to "${cliPsi}" in the model`,
    });
  }
  return cliPsi;
}

/**
 * `--input-population NAME` for a NIR graph: the Input node whose spikes --input gives. A graph with several
 * Input nodes is driven through one of them (default: the first in graph order); the others receive no spikes,
 * which W_NIR_SEVERAL_INPUTS says, naming them. A name that is no Input node is a usage error (E_CLI_OPTION)
 * listing the Input nodes. A program compiled from a NIR graph chooses among the Input nodes of its NIR record
 * the same way (programNirInput), so `run program.aerprog` drives what `run model.nir` drives (audit s23x #2).
 */
import { AerchipError, type Diagnostic } from "../core/diagnostics.ts";
import { selectNirInput, severalInputsWarning, type LoadedNirModel, type NirPopulationInfo } from "../compiler/frontends/nir/index.ts";

/** E_CLI_OPTION for `--input-population name` that names no Input node among `nodes` (a NIR graph's populations). */
function notAnInputNode(name: string, inputs: ReadonlyArray<{ readonly node: string }>, nodes: ReadonlyArray<{ readonly node: string; readonly type: string }>, file: string): AerchipError {
  const names = inputs.map((i) => i.node).join(", ");
  const node = nodes.find((n) => n.node === name);
  return new AerchipError("E_CLI_OPTION", `--input-population ${name}: ${node === undefined ? "the graph has no Input node of that name" : `that node is a ${node.type} node, not an Input node`}`, {
    file, field: "--input-population", hint: `give one of its Input nodes: ${names}`,
  });
}

export function nirWithInput<M extends LoadedNirModel>(m: M, inputPopulation: string | undefined, file: string): M {
  if (inputPopulation === undefined) return m;
  if (!m.inputs.some((i) => i.node === inputPopulation)) throw notAnInputNode(inputPopulation, m.inputs, m.nodes, file);
  return { ...m, ...selectNirInput(m, inputPopulation) };
}

/**
 * The Input node --input drives in a program compiled from a NIR graph: `inputPopulation` (--input-population,
 * an Input node's name), or the first Input node in graph order, as `run model.nir` picks it. `nodes`: the
 * program's NIR nodes (chip/program/types.ts NirProgramInfo.nodes, in graph order). With several Input nodes
 * the run's W_NIR_SEVERAL_INPUTS (file: the program), the warning `run model.nir` gives for the same choice.
 */
export function programNirInput<N extends NirPopulationInfo>(nodes: readonly N[], inputPopulation: string | undefined, file: string): { readonly input: N; readonly warning?: Diagnostic } {
  const inputs = nodes.filter((n) => n.type === "Input");
  const input = inputPopulation === undefined ? inputs[0] : inputs.find((i) => i.node === inputPopulation);
  if (input === undefined) throw notAnInputNode(inputPopulation ?? "", inputs, nodes, file);
  return inputs.length > 1 ? { input, warning: severalInputsWarning(file, inputs, input, inputPopulation !== undefined) } : { input };
}

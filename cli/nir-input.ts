/**
 * `--input-population NAME` for a NIR graph: the Input node whose spikes --input gives. A graph with several
 * Input nodes is driven through one of them (default: the first in graph order); the others receive no spikes,
 * which W_NIR_SEVERAL_INPUTS says, naming them. A name that is no Input node is a usage error (E_CLI_OPTION)
 * listing the Input nodes.
 */
import { AerchipError } from "../core/diagnostics.ts";
import { selectNirInput, type LoadedNirModel } from "../compiler/frontends/nir/index.ts";

export function nirWithInput<M extends LoadedNirModel>(m: M, inputPopulation: string | undefined, file: string): M {
  if (inputPopulation === undefined) return m;
  if (!m.inputs.some((i) => i.node === inputPopulation)) {
    const names = m.inputs.map((i) => i.node).join(", ");
    const node = m.nodes.find((n) => n.node === inputPopulation);
    throw new AerchipError("E_CLI_OPTION", `--input-population ${inputPopulation}: ${node === undefined ? "the graph has no Input node of that name" : `that node is a ${node.type} node, not an Input node`}`, {
      file, field: "--input-population", hint: `give one of its Input nodes: ${names}`,
    });
  }
  return { ...m, ...selectNirInput(m, inputPopulation) };
}

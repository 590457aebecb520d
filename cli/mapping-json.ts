/**
 * mapping.json's text: stable JSON (core/atomic-write.ts stableJson, 2-space indent) except that each
 * population's `order` (compiler/order-runs.ts) is written on one line. Indented JSON puts every number on
 * a line of its own, which for a million reordered neurons would be ~17 bytes per neuron instead of ~7.
 */
import { stableJson } from "../core/atomic-write.ts";

export function mappingJson<M extends { readonly populations: ReadonlyArray<{ readonly order?: unknown }> }>(mapping: M, path: string): string {
  const orders: string[] = [];
  const populations = mapping.populations.map((p) => {
    if (p.order === undefined) return p;
    orders.push(JSON.stringify(p.order));
    return { ...p, order: `\u0000order${orders.length - 1}\u0000` };
  });
  const text = stableJson({ ...mapping, populations }, path);
  // A placeholder is a JSON string ("\u0000order<k>\u0000" escaped), which no other value of the mapping can contain.
  return text.replace(/"\\u0000order(\d+)\\u0000"/g, (_, k: string) => orders[Number(k)]);
}

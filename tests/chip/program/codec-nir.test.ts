/**
 * A program's NIR bookkeeping (chip/program/types.ts NirProgramInfo, schema field 12; audit s23a #2): it
 * round-trips exactly, is absent from other programs (whose files are as before), and an inconsistent record
 * is refused with the field named, on encoding and on decoding a file that carries one behind a valid checksum.
 * Its `lowering` (the NIR reader's options, NirInfo field 9; audit s23x #6) is optional: records without it read as before.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorOf as error } from "../../helpers/errors.ts";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { PROGRAM_HEADER_BYTES, PROGRAM_MAGIC, ProgramErrorCode, decodeProgram, encodeProgram } from "../../../chip/program/codec.ts";
import { PROGRAM_SCHEMA_VERSION, programMessageType } from "../../../chip/program/program-schema.ts";
import type { ChipProgram, NirProgramInfo } from "../../../chip/program/types.ts";
import { loadNirModel, type LoadedNirModel } from "../../../compiler/frontends/nir/index.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { loadArch } from "../../../cli/load-arch.ts";
import { nirProgramInfo } from "../../../cli/nir-run-view.ts";
import { nirFile, writeH5 } from "../../compiler/frontends/nir/write-h5.ts";

let tmp = "";
let m: LoadedNirModel;
let program: ChipProgram;
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "aerchip-codec-nir-"));
  const path = join(tmp, "g.nir");
  // in[2] → Affine (bias) → LIF[2] → Linear → LI[1] → Output: a bias source, two latencies, a readout.
  await writeH5(path, nirFile({
    in: { type: "Input", shape: [2n] },
    fc: { type: "Affine", weight: { f64: [1, 0.5, -0.5, 1], shape: [2, 2] }, bias: { f64: [0.1, 0.2], shape: [2] } },
    lif: { type: "LIF", tau: [1e-3, 2e-3], r: [1, 1], v_leak: [0, 0], v_threshold: [0.05, 0.05] },
    fc2: { type: "Linear", weight: { f64: [1, 1], shape: [1, 2] } },
    li: { type: "LI", tau: [1e-3], r: [1], v_leak: [0] },
    out: { type: "Output", shape: [1n] },
  }, [["in", "fc"], ["fc", "lif"], ["lif", "fc2"], ["fc2", "li"], ["li", "out"]]));
  m = await loadNirModel(path);
  program = compileModel(m.graph, loadArch("generic"), { file: path }).program;
});
afterAll(() => { rmSync(tmp, { recursive: true, force: true }); });

const withNir = (edit: (n: NirProgramInfo) => NirProgramInfo = (n) => n): ChipProgram => ({ ...program, nir: edit(nirProgramInfo(m)) });


/** A file whose message holds `nir` as given (no encoding-side validation), with a correct checksum. */
function forgeNir(nir: Record<string, unknown>): Uint8Array {
  const body = programMessageType().encode({ ...programMessageType().toObject(programMessageType().decode(encodeProgram(program).subarray(PROGRAM_HEADER_BYTES, encodeProgram(program).length - 5)), { bytes: Uint8Array }), nir }).finish();
  const out = new Uint8Array(PROGRAM_HEADER_BYTES + body.length + 5);
  const dv = new DataView(out.buffer);
  out.set(PROGRAM_MAGIC, 0);
  dv.setUint32(8, PROGRAM_SCHEMA_VERSION, true);
  out.set(body, PROGRAM_HEADER_BYTES);
  out[PROGRAM_HEADER_BYTES + body.length] = 0x7d;
  dv.setUint32(PROGRAM_HEADER_BYTES + body.length + 1, crc32(body), true);
  return out;
}

describe("NIR bookkeeping in .aerprog files", () => {
  it("round-trips exactly: nodes, latencies, outputs, projections, warnings, dt", () => {
    const p = withNir();
    const back = decodeProgram(encodeProgram(p), "g.aerprog");
    expect(back.nir).toEqual(p.nir);
    expect(back.nir!.extraTicks).toBe(2);
    expect(back.nir!.nodes.map((n) => [n.node, n.latencyTicks])).toEqual([["in", 0], ["lif", 1], ["li", 2]]);
  });

  it("records the NIR reader's options the graph was lowered with (lowering) and round-trips them, per-node resets included (audit s23x #6)", () => {
    expect(nirProgramInfo(m).lowering).toEqual({ reset: "to-v-reset", resetByNode: [], recurrentBias: "nirtorch", bias: "source", ifMultiSpike: false, lenient: false });
    const lowering = { reset: "snntorch-subtract", resetByNode: [{ node: "lif", reset: "subtract" }], recurrentBias: "snntorch", bias: "compartment", ifMultiSpike: true, lenient: true };
    const p = withNir((n) => ({ ...n, lowering }));
    expect(decodeProgram(encodeProgram(p), "g.aerprog").nir!.lowering).toEqual(lowering);
  });

  it("a record without lowering (written before it was recorded) reads as before: decoded without it", () => {
    const { lowering: _l, ...old } = nirProgramInfo(m);
    const back = decodeProgram(forgeNir({ ...old }), "old.aerprog");
    expect(back.nir).toEqual(old);
    expect("lowering" in back.nir!).toBe(false);
  });

  it("a program without it encodes to the same bytes as before the field existed and decodes without it", () => {
    const bytes = encodeProgram(program);
    expect("nir" in decodeProgram(bytes)).toBe(false);
    expect(Buffer.from(encodeProgram({ ...program, nir: undefined })).equals(Buffer.from(bytes))).toBe(true);
  });

  it("refuses an inconsistent record on encoding, naming the field", () => {
    const cases: Array<[string, (n: NirProgramInfo) => NirProgramInfo, string, string]> = [
      ["another layout", (n) => ({ ...n, layoutVersion: 2 }), ProgramErrorCode.version, "nir.layoutVersion"],
      ["an unknown population", (n) => ({ ...n, nodes: n.nodes.map((x, i) => (i === 1 ? { ...x, population: "nope" } : x)) }), ProgramErrorCode.range, "nir.nodes[1].population"],
      ["a neuron population as Input", (n) => ({ ...n, nodes: n.nodes.map((x, i) => (i === 1 ? { ...x, type: "Input" } : x)) }), ProgramErrorCode.range, "nir.nodes[1].type"],
      ["a latency past extraTicks", (n) => ({ ...n, nodes: n.nodes.map((x, i) => (i === 2 ? { ...x, latencyTicks: 3 } : x)) }), ProgramErrorCode.range, "nir.nodes[2].latencyTicks"],
      ["extraTicks not the largest latency", (n) => ({ ...n, extraTicks: 5 }), ProgramErrorCode.range, "nir.extraTicks"],
      ["an output naming no node", (n) => ({ ...n, outputs: [{ output: "out", node: "ghost" }] }), ProgramErrorCode.range, "nir.outputs[0].node"],
      ["dt 0", (n) => ({ ...n, dtSeconds: 0 }), ProgramErrorCode.range, "nir.dtSeconds"],
      ["an empty reset mode", (n) => ({ ...n, lowering: { ...n.lowering!, reset: "" } }), ProgramErrorCode.range, "nir.lowering.reset"],
      ["a node's reset given twice", (n) => ({ ...n, lowering: { ...n.lowering!, resetByNode: [{ node: "lif", reset: "subtract" }, { node: "lif", reset: "to-v-reset" }] } }), ProgramErrorCode.range, "nir.lowering.resetByNode[1].node"],
    ];
    for (const [what, edit, code, field] of cases) {
      const e = error(() => encodeProgram(withNir(edit)));
      expect({ what, code: e.code, field: e.field }).toEqual({ what, code, field });
    }
  });

  it("refuses the same when decoding a file that carries it behind a valid checksum", () => {
    const good = nirProgramInfo(m);
    expect(decodeProgram(forgeNir({ ...good })).nir).toEqual(good);
    const e = error(() => decodeProgram(forgeNir({ ...good, nodes: good.nodes.map((x, i) => (i === 2 ? { ...x, population: "lif" } : x)) }), "bad.aerprog"));
    expect([e.code, e.field]).toEqual([ProgramErrorCode.range, "nir.nodes[2].population"]);
    expect(e.message).toContain("bad.aerprog");
    const v = error(() => decodeProgram(forgeNir({ ...good, layoutVersion: 7 }), "bad.aerprog"));
    expect([v.code, v.field]).toEqual([ProgramErrorCode.version, "nir.layoutVersion"]);
    expect(v.hint).toContain("aerchip compile");
  });
});

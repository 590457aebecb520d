import { describe, it, expect } from "vitest";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { isAerchipError } from "../../../core/diagnostics.ts";
import { npyToFloat64, readNpy, writeNpy, writeNpyStructured, type NpyArray, type NpyPlainArray, type NpyStructuredArray } from "../../../core/io/npy.ts";
import { SKIP_MSG } from "../../helpers/shared.ts";

const SHARED = resolve(process.cwd(), "../shared");
const hasShared = existsSync(SHARED);

/** Files written by NumPy 2.4.6 (np.save / numpy.lib.format.write_array), base64. */
const NUMPY = {
  // np.asfortranarray(np.arange(-6, 6, dtype='>i2').reshape(3, 4))
  beFortranI2: "k05VTVBZAQB2AHsnZGVzY3InOiAnPmkyJywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMywgNCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAr/+v/+AAL/+///AAP//AAAAAT//QABAAU=",
  // np.asfortranarray(np.arange(24, dtype='<f8').reshape(2, 3, 4) * 0.5)
  f8Fortran3d: "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiwgMywgNCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAAAAAAAAAABhAAAAAAAAAAEAAAAAAAAAgQAAAAAAAABBAAAAAAAAAJEAAAAAAAADgPwAAAAAAABpAAAAAAAAABEAAAAAAAAAhQAAAAAAAABJAAAAAAAAAJUAAAAAAAADwPwAAAAAAABxAAAAAAAAACEAAAAAAAAAiQAAAAAAAABRAAAAAAAAAJkAAAAAAAAD4PwAAAAAAAB5AAAAAAAAADEAAAAAAAAAjQAAAAAAAABZAAAAAAAAAJ0A=",
  // np.array([True, False, True, True, False])
  bool: "k05VTVBZAQB2AHsnZGVzY3InOiAnfGIxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDUsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAEBAA==",
  // np.array([1.0, -2.5, 65504.0, 6.1035156e-05, 0.0], dtype='<f2')
  f2: "k05VTVBZAQB2AHsnZGVzY3InOiAnPGYyJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDUsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAPADB/3sABAAA",
  // np.array([1, 2**40, 2**63 + 5], dtype='>u8')
  u8Be: "k05VTVBZAQB2AHsnZGVzY3InOiAnPnU4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAAQAAAQAAAAAAgAAAAAAAAAU=",
  // structured [('x','<u2'),('y','<u2'),('t','<i8'),('p','u1')]: x=[1,2,300] y=[4,5,6] t=[10,-20,2**40] p=[1,0,1]
  events: "k05VTVBZAQC2AHsnZGVzY3InOiBbKCd4JywgJzx1MicpLCAoJ3knLCAnPHUyJyksICgndCcsICc8aTgnKSwgKCdwJywgJ3x1MScpXSwgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAKAQAEAAoAAAAAAAAAAQIABQDs/////////wAsAQYAAAAAAAABAAAB",
  // the same, format version 2.0
  eventsV2: "k05VTVBZAgC0AAAAeydkZXNjcic6IFsoJ3gnLCAnPHUyJyksICgneScsICc8dTInKSwgKCd0JywgJzxpOCcpLCAoJ3AnLCAnfHUxJyldLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMywpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAKAQAEAAoAAAAAAAAAAQIABQDs/////////wAsAQYAAAAAAAABAAAB",
  // version 3.0: [('é','<f4'), ('v','<i2',(2,))], é=[1.5,-2], v=[[1,2],[3,4]]
  utf8V3Subarray: "k05VTVBZAwB0AAAAeydkZXNjcic6IFsoJ8OpJywgJzxmNCcpLCAoJ3YnLCAnPGkyJywgKDIsKSldLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMiwpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAMA/AQACAAAAAMADAAQA",
  // np.dtype([('a','u1'),('b','<i4')], align=True): a=[7,8], b=[-1,100000] (descr has a '|V3' pad)
  aligned: "k05VTVBZAQB2AHsnZGVzY3InOiBbKCdhJywgJ3x1MScpLCAoJycsICd8VjMnKSwgKCdiJywgJzxpNCcpXSwgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgIAoHAAAA/////wgAAACghgEA",
  // np.float32(3.25)
  scalarF4: "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAFBA",
  // np.zeros((0, 5), dtype='<i4')
  empty: "k05VTVBZAQB2AHsnZGVzY3InOiAnPGk0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDAsIDUpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAo=",
};

function b64(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, "base64"));
}
function plain(a: NpyArray): NpyPlainArray {
  if (a.kind !== "plain") throw new Error("expected a plain array");
  return a;
}
function structured(a: NpyArray): NpyStructuredArray {
  if (a.kind !== "structured") throw new Error("expected a structured array");
  return a;
}
function codeOf(f: () => unknown): { code: string; byteOffset: number | undefined } {
  try {
    f();
  } catch (e) {
    if (isAerchipError(e)) return { code: e.code, byteOffset: e.byteOffset };
    throw e;
  }
  throw new Error("expected an AerchipError");
}

describe("readNpy on files written by NumPy", () => {
  it("big-endian int16 in Fortran order comes back in C order", () => {
    const a = plain(readNpy(b64(NUMPY.beFortranI2)));
    expect(a.shape).toEqual([3, 4]);
    expect(a.fortranOrder).toBe(true);
    expect(a.data).toBeInstanceOf(Int16Array);
    expect(Array.from(a.data as Int16Array)).toEqual([-6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5]);
  });
  it("3-d float64 Fortran array", () => {
    const a = plain(readNpy(b64(NUMPY.f8Fortran3d)));
    expect(a.shape).toEqual([2, 3, 4]);
    expect(Array.from(a.data as Float64Array)).toEqual(Array.from({ length: 24 }, (_, i) => i * 0.5));
  });
  it("bool, float16, big-endian uint64, 0-d scalar, empty", () => {
    const b = plain(readNpy(b64(NUMPY.bool)));
    expect(b.dtype.kind).toBe("b");
    expect(Array.from(b.data as Uint8Array)).toEqual([1, 0, 1, 1, 0]);
    const h = plain(readNpy(b64(NUMPY.f2)));
    expect(Array.from(h.data as Float32Array)).toEqual([1, -2.5, 65504, 2 ** -14, 0]);
    const u = plain(readNpy(b64(NUMPY.u8Be)));
    expect(Array.from(u.data as BigUint64Array)).toEqual([1n, 2n ** 40n, 2n ** 63n + 5n]);
    const s = plain(readNpy(b64(NUMPY.scalarF4)));
    expect(s.shape).toEqual([]);
    expect(Array.from(s.data as Float32Array)).toEqual([3.25]);
    const e = plain(readNpy(b64(NUMPY.empty)));
    expect(e.shape).toEqual([0, 5]);
    expect(e.data.length).toBe(0);
  });
  it("structured event records, v1 and v2, as per-field typed arrays", () => {
    for (const src of [NUMPY.events, NUMPY.eventsV2]) {
      const a = structured(readNpy(b64(src)));
      expect(a.shape).toEqual([3]);
      expect(a.itemBytes).toBe(13);
      expect([...a.fields.keys()]).toEqual(["x", "y", "t", "p"]);
      expect(Array.from(a.fields.get("x")!.data as Uint16Array)).toEqual([1, 2, 300]);
      expect(Array.from(a.fields.get("y")!.data as Uint16Array)).toEqual([4, 5, 6]);
      expect(Array.from(a.fields.get("t")!.data as BigInt64Array)).toEqual([10n, -20n, 2n ** 40n]);
      expect(Array.from(a.fields.get("p")!.data as Uint8Array)).toEqual([1, 0, 1]);
    }
    expect(readNpy(b64(NUMPY.eventsV2)).version).toBe("2.0");
  });
  it("version 3.0 with a UTF-8 field name and a sub-array field", () => {
    const a = structured(readNpy(b64(NUMPY.utf8V3Subarray)));
    expect(a.version).toBe("3.0");
    expect(Array.from(a.fields.get("é")!.data as Float32Array)).toEqual([1.5, -2]);
    const v = a.fields.get("v")!;
    expect(v.shape).toEqual([2]);
    expect(Array.from(v.data as Int16Array)).toEqual([1, 2, 3, 4]);
  });
  it("aligned structured dtype skips the padding field", () => {
    const a = structured(readNpy(b64(NUMPY.aligned)));
    expect([...a.fields.keys()]).toEqual(["a", "b"]);
    expect(Array.from(a.fields.get("a")!.data as Uint8Array)).toEqual([7, 8]);
    expect(Array.from(a.fields.get("b")!.data as Int32Array)).toEqual([-1, 100000]);
  });
});

describe("writeNpy / readNpy round trips", () => {
  const cases: Array<[string, Parameters<typeof writeNpy>[0], number[]]> = [
    ["f4", Float32Array.from([0.5, -1.25, 3e-8, 7, 8, 9]), [2, 3]],
    ["f8", Float64Array.from([Math.PI, -0, 1e300]), [3]],
    ["i1", Int8Array.from([-128, 0, 127, 5]), [2, 2]],
    ["u1", Uint8Array.from([0, 255, 9]), [3, 1]],
    ["i2", Int16Array.from([-32768, 32767]), [2]],
    ["u2", Uint16Array.from([65535, 1]), [1, 2]],
    ["i4", Int32Array.from([-(2 ** 31), 2 ** 31 - 1, 3, 4]), [4]],
    ["u4", Uint32Array.from([2 ** 32 - 1, 0]), [2]],
    ["i8", BigInt64Array.from([-(2n ** 63n), 2n ** 63n - 1n]), [2]],
    ["u8", BigUint64Array.from([2n ** 64n - 1n]), [1]],
  ];
  for (const [name, data, shape] of cases) {
    it(name, () => {
      const bytes = writeNpy(data, shape);
      // The data starts on a 64-byte boundary, as NumPy writes it.
      const headerLen = bytes[8] | (bytes[9] << 8);
      expect((10 + headerLen) % 64).toBe(0);
      const a = plain(readNpy(bytes));
      expect(a.shape).toEqual(shape);
      expect(a.data.constructor).toBe(data.constructor);
      expect(Array.from(a.data as ArrayLike<number | bigint>)).toEqual(Array.from(data as ArrayLike<number | bigint>));
    });
  }
  it("bool", () => {
    const a = plain(readNpy(writeNpy(Uint8Array.from([0, 3, 1]), [3], { bool: true })));
    expect(a.dtype.descr).toBe("|b1");
    expect(Array.from(a.data as Uint8Array)).toEqual([0, 1, 1]);
  });
  it("structured, and the file matches NumPy's bytes for the same record array", () => {
    const bytes = writeNpyStructured(
      [
        { name: "x", data: Uint16Array.from([1, 2, 300]) },
        { name: "y", data: Uint16Array.from([4, 5, 6]) },
        { name: "t", data: BigInt64Array.from([10n, -20n, 2n ** 40n]) },
        { name: "p", data: Uint8Array.from([1, 0, 1]) },
      ],
      [3],
    );
    // NumPy writes 'p' as '|u1' and the same padding; only the header text may differ in spacing.
    const np = b64(NUMPY.events);
    expect(Buffer.from(bytes.subarray(bytes.length - 39)).toString("hex")).toBe(Buffer.from(np.subarray(np.length - 39)).toString("hex"));
    const a = structured(readNpy(bytes));
    expect(Array.from(a.fields.get("t")!.data as BigInt64Array)).toEqual([10n, -20n, 2n ** 40n]);
  });
  it("a non-ASCII field name is written as version 3.0, a header over 64 KiB as version 2.0", () => {
    const v3 = writeNpyStructured([{ name: "é", data: Int16Array.from([7, -7]) }], [2]);
    expect([v3[6], v3[7]]).toEqual([3, 0]);
    expect(Array.from(structured(readNpy(v3)).fields.get("é")!.data as Int16Array)).toEqual([7, -7]);
    const many = Array.from({ length: 5000 }, (_, i) => ({ name: `f${i}`, data: Uint8Array.of(i & 255) }));
    const v2 = writeNpyStructured(many, [1]);
    expect([v2[6], v2[7]]).toEqual([2, 0]);
    const back = structured(readNpy(v2));
    expect(back.fields.size).toBe(5000);
    expect(Array.from(back.fields.get("f4999")!.data as Uint8Array)).toEqual([4999 & 255]);
  });
  it("refuses a shape that does not match the data", () => {
    expect(codeOf(() => writeNpy(new Float32Array(5), [2, 3])).code).toBe("E_NPY_SHAPE");
  });
});

describe("npyToFloat64", () => {
  it("converts int64 inside ±2^53 and refuses values beyond", () => {
    expect(Array.from(npyToFloat64(BigInt64Array.from([-(2n ** 53n), 7n])))).toEqual([-(2 ** 53), 7]);
    expect(codeOf(() => npyToFloat64(BigInt64Array.from([0n, 2n ** 53n + 1n]))).code).toBe("E_NPY_RANGE");
    expect(Array.from(npyToFloat64(Int16Array.from([-3, 4])))).toEqual([-3, 4]);
  });
});

describe("readNpy errors", () => {
  const good = writeNpy(Float32Array.from([1, 2, 3, 4]), [4]);
  it("truncated data: E_NPY_TRUNCATED at the data offset, before allocating", () => {
    const cut = good.subarray(0, good.length - 1);
    const r = codeOf(() => readNpy(cut, "x.npy"));
    expect(r.code).toBe("E_NPY_TRUNCATED");
    expect(r.byteOffset).toBe(10 + (good[8] | (good[9] << 8)));
  });
  it("truncated header", () => {
    expect(codeOf(() => readNpy(good.subarray(0, 40))).code).toBe("E_NPY_TRUNCATED");
  });
  it("a shape far beyond the bytes present is refused without allocating", () => {
    const text = "{'descr': '<f8', 'fortran_order': False, 'shape': (100000, 100000), }";
    const bytes = new Uint8Array(10 + text.length);
    bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, text.length & 0xff, text.length >> 8]);
    bytes.set(Buffer.from(text, "latin1"), 10);
    expect(codeOf(() => readNpy(bytes)).code).toBe("E_NPY_TOO_LARGE");
    const text2 = text.replace("(100000, 100000)", "(1000, 1000)");
    const bytes2 = new Uint8Array(10 + text2.length);
    bytes2.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, text2.length & 0xff, text2.length >> 8]);
    bytes2.set(Buffer.from(text2, "latin1"), 10);
    const r = codeOf(() => readNpy(bytes2));
    expect(r.code).toBe("E_NPY_TRUNCATED");
    expect(r.byteOffset).toBe(10 + text2.length);
  });
  it("bad magic, bad version, unsupported dtype, malformed header", () => {
    expect(codeOf(() => readNpy(new Uint8Array(20))).code).toBe("E_NPY_MAGIC");
    const v9 = good.slice();
    v9[6] = 9;
    expect(codeOf(() => readNpy(v9)).code).toBe("E_NPY_VERSION");
    const mk = (text: string): Uint8Array => {
      const b = new Uint8Array(10 + text.length + 16);
      b.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, text.length & 0xff, text.length >> 8]);
      b.set(Buffer.from(text, "latin1"), 10);
      return b;
    };
    expect(codeOf(() => readNpy(mk("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }"))).code).toBe("E_NPY_DTYPE");
    expect(codeOf(() => readNpy(mk("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }"))).code).toBe("E_NPY_DTYPE");
    expect(codeOf(() => readNpy(mk("{'descr': '<f4', 'fortran_order': False, 'shape': (1,"))).code).toBe("E_NPY_HEADER");
    expect(codeOf(() => readNpy(mk("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }"))).code).toBe("E_NPY_SHAPE");
  });
});

function listNpy(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listNpy(p));
    else if (name.endsWith(".npy")) out.push(p);
  }
  return out;
}

describe.skipIf(!hasShared)(`fixture .npy files ${SKIP_MSG}`, () => {
  it("every .npy under fixtures/nir reads, with the documented shapes", () => {
    const files = listNpy(join(SHARED, "fixtures/nir"));
    expect(files.length).toBeGreaterThanOrEqual(20);
    for (const f of files) {
      const a = plain(readNpy(new Uint8Array(readFileSync(f)), f));
      expect(a.data.length).toBe(a.shape.reduce((x, y) => x * y, 1));
      if (f.includes("/traces/")) expect(a.shape).toEqual([1000, 3]);
    }
    const dense = plain(readNpy(new Uint8Array(readFileSync(join(SHARED, "fixtures/nir/snntorch/snntorch_dense_lif.input.npy")))));
    expect(dense.shape).toEqual([100, 10]);
    expect(dense.dtype.descr).toBe("<f4");
    // README: the norse trace has 34 input spikes and spikes at 460, 510, 710, 760.
    const norse = plain(readNpy(new Uint8Array(readFileSync(join(SHARED, "fixtures/nir/paper_lif/traces/lif_norse.npy")))));
    const d = norse.data as Float64Array;
    let inputs = 0;
    const spikes: number[] = [];
    for (let t = 0; t < 1000; t++) {
      if (d[t * 3] !== 0) inputs++;
      if (d[t * 3 + 2] !== 0) spikes.push(t);
    }
    expect(inputs).toBe(34);
    expect(spikes).toEqual([460, 510, 710, 760]);
  });
});

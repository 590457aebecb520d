/** Audit 1.3 / 2.4: event writers refuse times their format cannot store, before writing, naming the input. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";

const tmp = (): string => mkdtempSync(join(tmpdir(), "aerchip-convert-range-"));

function csv(dir: string, name: string, tUs: string): string {
  const f = join(dir, name);
  writeFileSync(f, `x,y,t,p\n1,2,0,1\n3,4,${tUs},0\n`);
  return f;
}

describe("convert: timestamps past the output format's range", () => {
  it("AEDAT 3.1: a time at or past 2^62 µs is E_EVENTS_RANGE, naming the input; no file is written", async () => {
    const d = tmp();
    for (const t of ["5000000000000000000", "1e30"]) {
      const input = csv(d, `t${t}.csv`, t);
      const out = join(d, `o${t}.aedat`);
      const r = await cli("convert", input, out, "--quiet");
      expect(r.code, t).toBe(1);
      expect(r.stderr).toMatch(/E_EVENTS_RANGE/);
      expect(r.stderr).toContain(input);
      expect(r.stderr).toMatch(/event 1/);
      expect(existsSync(out)).toBe(false);
    }
  });

  it("AEDAT 3.1: the largest storable time round-trips", async () => {
    const d = tmp();
    const t = 2 ** 62 - 2 ** 31; // a multiple of 2^31 below 2^62: exact as a double
    const input = csv(d, "big.csv", String(t));
    expect((await cli("convert", input, join(d, "big.aedat"), "--quiet")).code).toBe(0);
    expect((await cli("convert", join(d, "big.aedat"), join(d, "back.csv"), "--quiet")).code).toBe(0);
    expect(readFileSync(join(d, "back.csv"), "utf8")).toContain(`,${t},`);
  });

  it("N-MNIST: huge times fail at once with E_EVENTS_RANGE (no crash, no endless loop, no 61 MB file)", async () => {
    const d = tmp();
    for (const t of ["100000000000", "20000000000000", "1e30"]) {
      const input = csv(d, `t${t}.csv`, t);
      const out = join(d, `o${t}.bin`);
      const started = Date.now();
      const r = await cli("convert", input, out, "--quiet");
      expect(Date.now() - started, t).toBeLessThan(5000);
      expect(r.code, t).toBe(1);
      expect(r.stderr).toMatch(/E_EVENTS_RANGE/);
      expect(r.stderr).toContain(input);
      expect(existsSync(out)).toBe(false);
    }
  });

  it("N-MNIST: a time a few markers away is still written", async () => {
    const d = tmp();
    const input = csv(d, "ok.csv", "100000000"); // 100 s: ≈ 12,000 markers
    expect((await cli("convert", input, join(d, "ok.bin"), "--quiet")).code).toBe(0);
    expect((await cli("convert", join(d, "ok.bin"), join(d, "back.csv"), "--quiet")).code).toBe(0);
    expect(readFileSync(join(d, "back.csv"), "utf8")).toContain(",100000000,");
  });
});

describe("convert: messages and write failures", () => {
  it("a binary file read as CSV: the message is one printable line, cut short", async () => {
    const d = tmp();
    const input = join(d, "rand.csv");
    // Bytes 0–255 repeated, with newlines and escape sequences among them.
    writeFileSync(input, Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 131 + 7) % 256).map((b) => (b === 0x0a ? 0x1b : b))));
    const r = await cli("convert", input, join(d, "x.csv"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/E_EVENTS_HEADER/);
    const line = r.stderr.split("\n")[0];
    expect(line).toMatch(/^[\x20-\x7e…]*$/); // eslint-disable-line no-control-regex
    expect(line.length).toBeLessThan(400);
  });

  it.skipIf(!existsSync("/proc/self/fd"))("a failed write leaves no input file open (the reader is ended, not left to garbage collection)", async () => {
    const d = tmp();
    const input = csv(d, "ok.csv", "1000");
    const openFds = (): number => readdirSync("/proc/self/fd").length;
    for (const ext of ["csv", "aedat", "bin", "npy", "aer"]) {
      const before = openFds();
      const r = await cli("convert", input, join(d, "missing", `x.${ext}`));
      expect(r.code, ext).toBe(1);
      expect(openFds(), ext).toBe(before);
    }
  });

  it("a missing output directory is E_WRITE_FAILED for every output format", async () => {
    const d = tmp();
    const input = csv(d, "ok.csv", "1000");
    for (const ext of ["csv", "aedat", "bin", "npy", "aer"]) {
      const r = await cli("convert", input, join(d, "missing", `x.${ext}`));
      expect(r.code, ext).toBe(1);
      expect(r.stderr, ext).toMatch(/^aerchip: E_WRITE_FAILED/);
    }
  });
});

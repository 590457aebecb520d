/**
 * Files aerchip writes and later reads back (report.json, spikes.json, dataset.json / train.json for rerun,
 * train and learn checkpoints, sweep point files) go through the same duplicate-key check as the user's JSON
 * inputs (core/io/json-duplicate-keys.ts): a hand-edited copy with a repeated key is refused naming the file
 * and the key's path, where JSON.parse alone would read it silently with the last value.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readReportFile } from "../../cli/commands/report.ts";
import { readRecordedDocument } from "../../cli/commands/rerun-checks.ts";
import { pointFile } from "../../cli/commands/sweep.ts";
import { restoreTrainCheckpoint, TRAIN_CHECKPOINT_FORMAT, TRAIN_CHECKPOINT_VERSION } from "../../cli/train-checkpoint.ts";
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, decodeCheckpoint } from "../../cli/learn/checkpoint.ts";
import { POINT_FORMAT, POINT_VERSION } from "../../cli/sweep/point.ts";
import { parseSpikesJson } from "../../chip/report/formats/html.ts";
import type { RunReport } from "../../chip/report/run-report.ts";
import { cli } from "../helpers/cli.ts";
import { errorOf } from "../helpers/errors.ts";

const dir = mkdtempSync(join(tmpdir(), "aerchip-readback-dup-"));
const out = join(dir, "run");

/** `text` (JSON with an object at its top) with `"key": value` repeated as its first member. */
const withRepeatedKey = (text: string, key: string, value: unknown): string => text.replace("{", `{\n  ${JSON.stringify(key)}: ${JSON.stringify(value)},`);

beforeAll(async () => {
  const r = await cli("run", "examples/demo/ei-small.net.json", "--arch", "generic", "--steps", "20", "--out", out, "--quiet");
  expect(r.code, r.stderr).toBe(0);
});

describe("read-back files with a repeated key", () => {
  it("report.json (aerchip report, rerun, compare): E_REPORT_INVALID naming the file and the key", async () => {
    const path = join(out, "report.json");
    const good = readFileSync(path, "utf8");
    const doc = JSON.parse(good) as { model: string };
    expect(readReportFile(path).model).toBe(doc.model);
    const edited = join(dir, "edited-report.json");
    writeFileSync(edited, withRepeatedKey(good, "model", "other"));
    const e = errorOf(() => readReportFile(edited));
    expect(e).toMatchObject({ code: "E_REPORT_INVALID", file: edited, field: "model" });
    expect(e.message).toContain('key "model" appears twice');
    // Through the CLI: exit 1, the code, no stack trace.
    const r = await cli("report", edited, "--format", "md");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("E_REPORT_INVALID");
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it("spikes.json (report --format html --spikes): E_SPIKES_PARSE naming the repeated population", () => {
    const report = readReportFile(join(out, "report.json")) as RunReport;
    const text = readFileSync(join(out, "spikes.json"), "utf8");
    const pops = Object.keys((JSON.parse(text) as { spikes: Record<string, unknown> }).spikes);
    expect(parseSpikesJson(text, report, "spikes.json").length).toBeGreaterThan(0);
    const edited = text.replace('"spikes":{', `"spikes":{${JSON.stringify(pops[0])}:[],`);
    expect(edited).not.toBe(text);
    expect(errorOf(() => parseSpikesJson(edited, report, "spikes.json"))).toMatchObject({ code: "E_SPIKES_PARSE", file: "spikes.json", field: `spikes.${pops[0]}` });
  });

  it("a dataset.json / train.json rerun reads: E_REPORT_INVALID for a repeated recorded option", () => {
    const path = join(dir, "train.json");
    writeFileSync(path, '{"format": "aerchip-train", "version": 1, "provenance": {"inputs": [], "options": {"seed": 1, "seed": 2}}}');
    expect(errorOf(() => readRecordedDocument(path, "aerchip-train", 1, "train"))).toMatchObject({ code: "E_REPORT_INVALID", file: path, field: "provenance.options.seed" });
    writeFileSync(path, '{"format": "aerchip-train", "version": 1, "provenance": {"inputs": [], "options": {"seed": 2}}}');
    expect(readRecordedDocument(path, "aerchip-train", 1, "train")).toBeDefined();
  });

  it("a train checkpoint: E_CHECKPOINT_CORRUPT naming the repeated key", () => {
    const path = join(dir, "t.ckpt");
    writeFileSync(path, JSON.stringify({ format: TRAIN_CHECKPOINT_FORMAT, version: TRAIN_CHECKPOINT_VERSION }).replace("{", `{"version": ${TRAIN_CHECKPOINT_VERSION},`));
    const restore = (): unknown => restoreTrainCheckpoint(path, {}, undefined as never, undefined, undefined as never, 10);
    expect(errorOf(restore)).toMatchObject({ code: "E_CHECKPOINT_CORRUPT", file: path, field: "version" });
  });

  it("a learn checkpoint's header: E_CHECKPOINT_CORRUPT naming the repeated key (before its checksum)", () => {
    const header = Buffer.from(`{"format": "${CHECKPOINT_FORMAT}", "version": ${CHECKPOINT_VERSION}, "version": ${CHECKPOINT_VERSION}}`, "utf8");
    const bytes = Buffer.alloc(12 + header.length);
    bytes.write("AERCKPT1", 0, "latin1");
    bytes.writeUInt32LE(header.length, 8);
    header.copy(bytes, 12);
    expect(errorOf(() => decodeCheckpoint(bytes, "x.ckpt"))).toMatchObject({ code: "E_CHECKPOINT_CORRUPT", file: "x.ckpt", field: "version" });
  });

  it("a sweep point file with a repeated key is damaged: the point runs again", () => {
    const path = join(dir, "p.json");
    writeFileSync(path, JSON.stringify({ format: POINT_FORMAT, version: POINT_VERSION, id: "abc" }).replace("{", '{"id": "abc",'));
    expect(pointFile(path, "abc")).toEqual({ kind: "damaged", reason: "repeats the key id" });
  });
});

/**
 * core/io/json-duplicate-keys.ts: the first key repeated within one JSON object, with its JSON path and offsets
 * (audit s24a #5); keys repeated in different objects, and key-like text inside strings, are not repeats.
 */
import { describe, expect, it } from "vitest";
import { findDuplicateJsonKey, lineAt, newlinesIn } from "../../../core/io/json-duplicate-keys.ts";

describe("findDuplicateJsonKey", () => {
  it("finds a repeated key with its path, its parent and both offsets", () => {
    const text = '{"populations":[{"name":"in"},{"name":"h","vThreshold":1,"vThreshold":5}]}';
    const d = findDuplicateJsonKey(text);
    expect(d).toEqual({ key: "vThreshold", path: "populations[1].vThreshold", parent: "populations[1]", firstOffset: text.indexOf('"vThreshold"'), offset: text.lastIndexOf('"vThreshold"') });
    // JSON.parse keeps the last value without a word: the reason for the check.
    expect(JSON.parse(text).populations[1].vThreshold).toBe(5);
  });

  it("a top-level repeat has the key as its path and no parent", () => {
    expect(findDuplicateJsonKey('{"a":1,"b":{"a":2},"a":3}')).toMatchObject({ key: "a", path: "a", parent: "" });
  });

  it("is undefined for the same key in different objects, and for key-like text in strings", () => {
    expect(findDuplicateJsonKey('{"a":{"x":1},"b":{"x":2},"c":[{"x":1},{"x":2}]}')).toBeUndefined();
    expect(findDuplicateJsonKey('{"a":"{\\"a\\":1}","b":"} {","c":"\\\\","d":["a","a"]}')).toBeUndefined();
    expect(findDuplicateJsonKey("[1, 2, {\"k\": [ ]}, \"k\"]")).toBeUndefined();
    expect(findDuplicateJsonKey("{}")).toBeUndefined();
    expect(findDuplicateJsonKey("3")).toBeUndefined();
  });

  it("keys that JSON.parse reads as the same text are the same key (escapes); paths index arrays", () => {
    const d = findDuplicateJsonKey('{"m":[0,[1,2],{"q":{"a b":0,"a\\u0020b":1}}]}');
    expect(d).toMatchObject({ key: "a b", path: 'm[2].q["a b"]', parent: "m[2].q" });
  });

  it("gives offsets whose lines are the file's (lineAt, newlinesIn)", () => {
    const text = '{\n  "a": 1,\n  "b": [1,\n 2],\n  "a": 2\n}\n';
    const d = findDuplicateJsonKey(text);
    expect(d).toBeDefined();
    expect([lineAt(text, d!.firstOffset), lineAt(text, d!.offset)]).toEqual([2, 5]);
    expect(newlinesIn(Buffer.from(text), 0, text.length)).toBe(6);
  });
});

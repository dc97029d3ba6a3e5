import { describe, expect, it } from "vitest";
import { locateJsonError } from "../../src/collect/json-error.js";

describe("locating a JSON syntax error", () => {
  it.each([
    ['{\n  "a": 1,\n  "b": tru\n}', 3, 8, 'expected a value (true, false, null, a number, a string, an object or an array), found "tru"'],
    ['{"a": 1,}', 1, 9, 'expected a property name in double quotes, found "}"'],
    ['{"a": 1 "b": 2}', 1, 9, 'expected "," or "}" after a property value, found "\\""'],
    ["[1, 2", 1, 6, 'expected "," or "]" after an array element, found the end of the file'],
    ['{"a": "x\ny"}', 1, 9, "a control character (such as a line break) inside a string"],
    ['{"a": 1} x', 1, 10, 'unexpected "x" after the end of the JSON value'],
    ["", 1, 1, "expected a value (true, false, null, a number, a string, an object or an array), found the end of the file"],
    ["{'a': 1}", 1, 2, 'expected a property name in double quotes, found "\'"'],
  ])("%j → line %i, column %i", (text, line, column, message) => {
    expect(locateJsonError(text)).toEqual({ line, column, message });
  });

  it.each(['{"a": [1, 2.5e3, -0.1, true, false, null, "x\\u00e9\\n"]}', "  []  ", '"just a string"'])("%j is valid", (text) => {
    expect(locateJsonError(text)).toBeUndefined();
    expect(() => JSON.parse(text)).not.toThrow();
  });
});

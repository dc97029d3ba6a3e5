// Where is a JSON document broken? JSON.parse's messages differ between Node versions and often carry
// no position at all, so when parsing fails this small scanner walks the text and reports the first
// problem as "line L, column C: what".

export interface JsonErrorLocation {
  line: number;
  column: number;
  message: string;
}

class Stop extends Error {
  constructor(
    readonly at: number,
    message: string,
  ) {
    super(message);
  }
}

export function locateJsonError(text: string): JsonErrorLocation | undefined {
  let i = 0;
  const n = text.length;
  const ws = () => {
    while (i < n && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++;
  };
  const show = (c: string | undefined) => (c === undefined ? "the end of the file" : JSON.stringify(c));
  const expect = (what: string): never => {
    const word = /^[A-Za-z_$][\w$]*/.exec(text.slice(i, i + 40))?.[0];
    throw new Stop(i, `expected ${what}, found ${word ? JSON.stringify(word) : show(text[i])}`);
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else expect(`a value (true, false, null, a number, a string, an object or an array)`);
  };
  const string = () => {
    i++; // opening quote
    while (i < n) {
      const c = text[i]!;
      if (c === '"') {
        i++;
        return;
      }
      if (c === "\\") {
        const e = text[i + 1];
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) throw new Stop(i, "bad \\u escape in a string");
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else throw new Stop(i, "bad escape in a string");
        continue;
      }
      if (c < " ") throw new Stop(i, "a control character (such as a line break) inside a string");
      i++;
    }
    throw new Stop(i, "a string that never ends");
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === "" || m[0] === "-") expect("a value");
    i += m![0].length;
  };
  const value = (depth: number): void => {
    if (depth > 512) throw new Stop(i, "nesting deeper than 512 levels");
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      ws();
      if (text[i] === "}") {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') expect("a property name in double quotes");
        string();
        ws();
        if (text[i] !== ":") expect('":" after the property name');
        i++;
        value(depth + 1);
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "}") {
          i++;
          return;
        }
        expect('"," or "}" after a property value');
      }
    }
    if (c === "[") {
      i++;
      ws();
      if (text[i] === "]") {
        i++;
        return;
      }
      for (;;) {
        value(depth + 1);
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "]") {
          i++;
          return;
        }
        expect('"," or "]" after an array element');
      }
    }
    if (c === '"') string();
    else if (c === "t") literal("true");
    else if (c === "f") literal("false");
    else if (c === "n") literal("null");
    else if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) number();
    else expect("a value (true, false, null, a number, a string, an object or an array)");
  };
  try {
    if (text.charCodeAt(0) === 0xfeff) i = 1;
    value(0);
    ws();
    if (i < n) throw new Stop(i, `unexpected ${show(text[i])} after the end of the JSON value`);
    return undefined;
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
    const before = text.slice(0, e.at);
    const line = before.split("\n").length;
    return { line, column: e.at - before.lastIndexOf("\n"), message: e.message };
  }
}

/** "line 3, column 9: expected ..." for a text JSON.parse rejected. */
export function describeJsonError(text: string, fallback: Error): string {
  const loc = locateJsonError(text);
  if (loc) return `line ${loc.line}, column ${loc.column}: ${loc.message}`;
  return fallback.message.split("\n")[0]!;
}

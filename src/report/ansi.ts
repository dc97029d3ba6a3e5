// Colour as data: reporters receive `color: boolean` (decided once by the CLI from NO_COLOR, FORCE_COLOR
// and whether stdout is a terminal) and never look at the environment themselves.
import { stripVTControlCharacters } from "node:util";

export interface Paint {
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
  cyan(s: string): string;
}

const wrap = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;
const identity = (s: string) => s;

export function paint(enabled: boolean): Paint {
  if (!enabled) return { red: identity, green: identity, yellow: identity, dim: identity, bold: identity, cyan: identity };
  return {
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    dim: wrap(2, 22),
    bold: wrap(1, 22),
    cyan: wrap(36, 39),
  };
}

/** Display width, ignoring colour codes (every character here is one column wide). */
export const visibleLength = (s: string): number => [...stripVTControlCharacters(s)].length;

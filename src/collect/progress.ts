// Progress on stderr while collecting: one line rewritten in place on a terminal, nothing otherwise
// (a cron job's log should hold the report, not 500 progress lines).

import { visible } from "../report/text.js";

export interface Progress {
  /** "describing services", 120 of 340 */
  update(phase: string, done?: number, total?: number): void;
  /** A line that stays (e.g. a warning), printed above the progress line. */
  note(line: string): void;
  done(): void;
}

export const silentProgress: Progress = { update() {}, note() {}, done() {} };

export function terminalProgress(stream: {
  write(s: string): unknown;
  isTTY?: boolean | undefined;
  columns?: number | undefined;
}): Progress {
  if (!stream.isTTY) return { update() {}, note: (l) => void stream.write(`${visible(l)}\n`), done() {} };
  let last = 0;
  let shown = false;
  const clear = () => {
    if (shown) stream.write("\r\u001b[2K");
    shown = false;
  };
  return {
    update(phase, done, total) {
      const now = Date.now();
      if (done !== undefined && total !== undefined && done < total && now - last < 100) return;
      last = now;
      const count = done !== undefined ? ` ${done}${total !== undefined ? `/${total}` : ""}` : "";
      const line = visible(`collecting: ${phase}${count}`);
      clear();
      stream.write(line.slice(0, Math.max(20, (stream.columns ?? 80) - 1)));
      shown = true;
    },
    note(line) {
      clear();
      stream.write(`${visible(line)}\n`);
    },
    done: clear,
  };
}

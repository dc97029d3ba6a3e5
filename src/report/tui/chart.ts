// A utilization chart in text, for the terminal UI: the hottest task's use over the window as bars, with
// the allocated and recommended levels as lines across it. Pure: series in, lines out.

export interface TextChart {
  lines: string[];
  /** What each row means, for the caption. */
  top: number;
}

const BLOCKS = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"];

/**
 * `values` (absolute units, null = no data) drawn `width` columns wide and `height` rows tall.
 * A column is the largest value of the buckets it covers. Row k (from the bottom) covers
 * (k/height, (k+1)/height] of the scale; the allocated level is drawn "─", the recommended "━", where
 * no bar covers them.
 */
export function textChart(
  values: ReadonlyArray<number | null>,
  allocated: number | null,
  recommended: number | null,
  width: number,
  height: number,
): TextChart {
  const w = Math.max(1, Math.floor(width));
  const cols: Array<number | null> = [];
  for (let c = 0; c < w; c++) {
    const from = Math.floor((c * values.length) / w);
    const to = Math.max(from + 1, Math.floor(((c + 1) * values.length) / w));
    let best: number | null = null;
    for (let i = from; i < to && i < values.length; i++) {
      const v = values[i];
      if (v !== null && v !== undefined && (best === null || v > best)) best = v;
    }
    cols.push(best);
  }
  const peak = Math.max(0, ...cols.map((v) => v ?? 0), allocated ?? 0, recommended ?? 0);
  const top = peak > 0 ? peak * 1.05 : 1;
  const rowOf = (level: number) => Math.min(height - 1, Math.max(0, Math.ceil((level / top) * height) - 1));
  const allocRow = allocated !== null ? rowOf(allocated) : -1;
  const recRow = recommended !== null ? rowOf(recommended) : -1;
  const lines: string[] = [];
  for (let row = height - 1; row >= 0; row--) {
    let line = "";
    for (const v of cols) {
      const eighths = v === null ? 0 : Math.round(((v / top) * height - row) * 8);
      const ch = v === null ? " " : BLOCKS[Math.max(0, Math.min(8, eighths))]!;
      if (ch !== " ") line += ch;
      else if (row === recRow) line += "━";
      else if (row === allocRow) line += "─";
      else line += v === null && row === 0 ? "·" : " ";
    }
    lines.push(line);
  }
  return { lines, top };
}

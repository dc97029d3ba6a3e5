import type { Report } from "../model/report.js";

export interface RenderOptions {
  /** ANSI colour (terminal formats only). */
  color: boolean;
  /** Columns available to terminal formats. */
  width: number;
  /** Files a format embeds, loaded by the CLI (reporters do no I/O): chart.js for html. */
  assets?: { chartJs?: string } | undefined;
  /** Where the full report lives (--report-url), for the formats that point to it: slack, markdown. */
  reportUrl?: string | undefined;
}

export const DEFAULT_RENDER_OPTIONS: RenderOptions = { color: false, width: 100 };

/** A reporter is a pure function of the Report (style.md): delivery is the CLI's job. */
export type Reporter = (report: Report, options: RenderOptions) => string;

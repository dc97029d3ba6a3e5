// A report's past: the stored runs of its account-region, fed oldest first, make the trend (cost now, the
// recommended fleet's cost, savings realised per run), the diff against the last run, and the date each
// open recommendation was first made. Pure; only two reports are held at a time, so a long history costs
// no more memory than two runs.
import type { Diff } from "../model/diff.js";
import type { Report, ReportHistory, TrendPoint } from "../model/report.js";
import { diffReports, isChange, serviceKeyer } from "./diff.js";

export class HistoryBuilder {
  private previous: Report | undefined;
  private readonly points: TrendPoint[] = [];
  /** Service key → when its change was first advised, in an unbroken run of reports advising one. */
  private readonly since = new Map<string, string>();
  private readonly key: ReturnType<typeof serviceKeyer>;
  private runs = 0;

  constructor(
    private readonly current: Report,
    private readonly toolVersion: string,
  ) {
    this.key = serviceKeyer(current);
  }

  /** The next stored run, oldest first. */
  add(report: Report): void {
    this.points.push(this.point(report, this.previous && diffReports(this.previous, report, this.toolVersion)));
    this.track(report);
    this.previous = report;
    this.runs++;
  }

  /** A run's point; `sinceBefore` is its diff against the run before (none for the first). */
  private point(report: Report, sinceBefore: Diff | undefined): TrendPoint {
    const t = report.totals;
    const realised = sinceBefore?.fleet.realisedMonthlyUsd ?? 0;
    return {
      at: report.generatedAt,
      nowMonthlyUsd: t.nowMonthlyUsd,
      afterMonthlyUsd: t.afterMonthlyUsd,
      realisableSavingsMonthlyUsd: t.realisableSavingsMonthlyUsd,
      realisedMonthlyUsd: realised,
    };
  }

  private track(report: Report): void {
    const open = new Set<string>();
    for (const s of report.services) {
      if (!isChange(s)) continue;
      const k = this.key(s);
      open.add(k);
      if (!this.since.has(k)) this.since.set(k, report.generatedAt);
    }
    for (const k of [...this.since.keys()]) if (!open.has(k)) this.since.delete(k);
  }

  /** The current report with its history: the since-last-run diff, the trend, first-recommended dates. */
  finish(skipped: string[]): Report {
    const sinceLast = this.previous ? diffReports(this.previous, this.current, this.toolVersion) : null;
    const points = [...this.points, this.point(this.current, sinceLast ?? undefined)];
    this.track(this.current);
    const history: ReportHistory = {
      runs: this.runs,
      skipped,
      sinceLast,
      trend: points,
      realisedMonthlyUsd: Math.round(points.reduce((a, p) => a + p.realisedMonthlyUsd, 0) * 100) / 100,
    };
    const services = this.current.services.map((s) => {
      const first = isChange(s) ? this.since.get(this.key(s)) : undefined;
      return first ? { ...s, firstRecommendedAt: first } : s;
    });
    return { ...this.current, services, history };
  }
}

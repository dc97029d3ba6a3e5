// Every reason code has one severity. Messages are written where the numbers are known.
import type { Reason, ReasonCode } from "../model/report.js";

export const SEVERITY: Record<ReasonCode, Reason["severity"]> = {
  "cpu-overprovisioned": "info",
  "cpu-underprovisioned": "risk",
  "cpu-saturated": "risk",
  "memory-overprovisioned": "info",
  "memory-underprovisioned": "risk",
  "well-sized": "info",
  "fargate-size-rounded": "info",
  "floor-applied": "info",
  "exceeds-fargate-max": "risk",
  "oom-kills": "risk",
  "possible-oom": "warning",
  "memory-leak-suspected": "risk",
  "no-metrics": "warning",
  "insufficient-data": "warning",
  "gaps-in-data": "warning",
  "recent-deployment": "warning",
  "deployed-in-window": "info",
  "size-changed-in-window": "info",
  "deployment-history-unknown": "warning",
  "downsize-blocked": "warning",
  "autoscaling-on-cpu": "info",
  "autoscaling-on-memory": "info",
  "autoscaling-proposed": "info",
  "autoscaling-capped": "risk",
  "autoscaling-min-high": "info",
  "autoscaling-target-low": "info",
  "no-price": "warning",
  "cpu-not-reserved": "warning",
  "memory-not-reserved": "warning",
  "task-definition-missing": "warning",
  "external-launch-type": "info",
  "collection-incomplete": "warning",
  "invalid-metrics": "warning",
  "windows-minimum": "info",
  "recurring-burst": "info",
  "spot-single-task": "warning",
  "daemon-service": "info",
  "autoscaling-unknown": "warning",
  "containers-need-more": "info",
};

export class Reasons {
  readonly list: Reason[] = [];
  add(code: ReasonCode, message: string, severity: Reason["severity"] = SEVERITY[code]): void {
    this.list.push({ code, severity, message });
  }
  has(code: ReasonCode): boolean {
    return this.list.some((r) => r.code === code);
  }
}

const RANK = { risk: 0, warning: 1, info: 2 } as const;

/** Risks first, then warnings, then information; stable within a severity. */
export function sortReasons(reasons: readonly Reason[]): Reason[] {
  return reasons
    .map((r, i) => ({ r, i }))
    .sort((a, b) => RANK[a.r.severity] - RANK[b.r.severity] || a.i - b.i)
    .map(({ r }) => r);
}

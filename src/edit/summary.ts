// What `apply` changed, as data (`apply --summary FILE`): the files, each service with its changes, savings,
// confidence and the report's reasons, and the notes. The GitHub Action's right-sizing pull request is
// written from it.
import type { Report } from "../model/report.js";
import type { FilePlan } from "./apply.js";

export const APPLY_SUMMARY_VERSION = 1;

export interface ApplySummary {
  schemaVersion: number;
  written: boolean;
  /** Files with changes. */
  files: string[];
  services: Array<{
    service: string;
    files: string[];
    changes: string[];
    confidence: string;
    savingsMonthlyUsd: number | null;
    current: { cpu: number | null; memory: number | null; monthlyUsd: number | null };
    recommended: { cpu: number; memory: number; monthlyUsd: number | null } | null;
    reasons: Array<{ severity: string; message: string }>;
  }>;
  /** The right-sizing savings of those services together (each service once). */
  savingsMonthlyUsd: number;
  notes: Array<{ file: string; note: string }>;
}

export function applySummary(plans: readonly FilePlan[], report: Report, written: boolean): ApplySummary {
  const byService = new Map<string, ApplySummary["services"][number]>();
  for (const p of plans) {
    for (const c of p.changes) {
      for (const key of c.service.split(", ")) {
        const f = report.services.find((s) => `${s.cluster}/${s.service}` === key);
        if (!f) continue;
        const entry = byService.get(key) ?? {
          service: key,
          files: [],
          changes: [],
          confidence: f.confidence,
          savingsMonthlyUsd: f.savingsMonthlyUsd,
          current: { cpu: f.current.cpu, memory: f.current.memory, monthlyUsd: f.current.monthlyUsd },
          recommended: f.recommended,
          reasons: f.reasons.map((r) => ({ severity: r.severity, message: r.message })),
        };
        if (!entry.files.includes(p.file)) entry.files.push(p.file);
        entry.changes.push(`${c.what} ${c.from} → ${c.to}`);
        byService.set(key, entry);
      }
    }
  }
  const services = [...byService.values()].sort((a, b) => (b.savingsMonthlyUsd ?? 0) - (a.savingsMonthlyUsd ?? 0));
  return {
    schemaVersion: APPLY_SUMMARY_VERSION,
    written,
    files: plans.filter((p) => p.changes.length > 0).map((p) => p.file),
    services,
    savingsMonthlyUsd: services.reduce((a, s) => a + (s.savingsMonthlyUsd ?? 0), 0),
    notes: plans.flatMap((p) => p.notes.map((note) => ({ file: p.file, note }))),
  };
}

// advise(snapshot, prices, policy) → Report. Pure: no I/O, no clock (generatedAt is passed in), no SDK.
import { REPORT_SCHEMA_VERSION, type ClusterFinding, type Report, type ServiceFinding } from "../model/report.js";
import type { Cluster, Prices, Snapshot, TaskDefinition } from "../model/snapshot.js";
import { taskDefinitionRef } from "../model/snapshot.js";
import { HOURS_PER_MONTH } from "../model/units.js";
import { ec2UnitPrices, type Ec2UnitPrices } from "./cost.js";
import { hostScaling, type ClusterService } from "./hosts.js";
import type { Policy } from "./policy.js";
import { billTotals, withBill } from "./bill.js";
import { type AdviseContext, adviseService } from "./service.js";

export interface AdviseInput {
  snapshot: Snapshot;
  prices: Prices;
  policy: Policy;
  /** When the report is made (the caller's clock, or a fixed time for reproducible output). */
  generatedAt: string;
  sourceKind: Report["source"]["kind"];
  toolVersion: string;
  /** Warnings the caller found on the way in (e.g. prices from the bundled book for another region). */
  warnings?: Report["warnings"];
}

/** What every service's advice reads: lookups by name, EC2 unit prices per cluster, the window, the issues. */
export function adviseContext(snapshot: Snapshot, prices: Prices, policy: Policy): AdviseContext {
  const taskDefinitions = new Map<string, TaskDefinition>(snapshot.taskDefinitions.map((td) => [taskDefinitionRef(td), td]));
  // A task definition may also be referenced by its full ARN.
  for (const td of snapshot.taskDefinitions) if (td.arn) taskDefinitions.set(td.arn, td);
  const ec2Units = new Map<string, Ec2UnitPrices | undefined>();
  for (const [name, instances] of groupBy(snapshot.containerInstances, (i) => i.cluster))
    ec2Units.set(name, ec2UnitPrices(instances, prices));
  const issues = new Map<string, Array<{ code: string; message: string }>>();
  for (const { code, message, services } of snapshot.issues)
    for (const s of services ?? []) issues.set(s, [...(issues.get(s) ?? []), { code, message }]);
  return {
    policy,
    prices,
    taskDefinitions,
    clusters: new Map<string, Cluster>(snapshot.clusters.map((c) => [c.name, c])),
    ec2Units,
    windowStartMs: Date.parse(snapshot.window.start),
    windowEndMs: Date.parse(snapshot.window.end),
    collectedAtMs: Date.parse(snapshot.collectedAt),
    autoscalingUnknown: snapshot.autoscalingUnknown === true,
    issues,
  };
}

export function advise(input: AdviseInput): Report {
  const { snapshot, prices, policy } = input;
  const ctx = adviseContext(snapshot, prices, policy);
  const { taskDefinitions, ec2Units } = ctx;
  const instancesByCluster = groupBy(snapshot.containerInstances, (i) => i.cluster);
  // Issues that name services are said on those services; the rest are the report's warnings.
  const warnings: Report["warnings"] = [...(input.warnings ?? [])];
  for (const issue of snapshot.issues) if (!issue.services?.length) warnings.push({ code: issue.code, message: issue.message });

  const account = snapshot.source.accountId ?? null;
  const region = snapshot.source.region;
  const unsorted = snapshot.services.map((s) => ({ account, region, ...adviseService(s, ctx) }));
  const services = [...unsorted].sort(bySavings);
  const inCluster = new Map<string, ClusterService[]>();
  snapshot.services.forEach((s, k) => {
    const list = inCluster.get(s.cluster) ?? [];
    list.push({ finding: unsorted[k]!, service: s, taskDefinition: taskDefinitions.get(s.taskDefinition) });
    inCluster.set(s.cluster, list);
  });
  const clusterFindings = clusterSummaries(snapshot, services, instancesByCluster, ec2Units, prices).map((c) =>
    withBill(
      {
        account,
        region,
        ...c,
        ...(hostScaling(
          inCluster.get(c.cluster) ?? [],
          instancesByCluster.get(c.cluster) ?? [],
          prices,
          policy,
          snapshot.clusters.find((k) => k.name === c.cluster),
        ) ?? {
          hostScaling: null,
          packing: null,
          fargateComparison: null,
        }),
      },
      services,
    ),
  );

  warnings.push(...fewTypes(clusterFindings));
  warnings.push(...spotAssumed(services, prices, policy));
  const totals = totalsOf(services, clusterFindings, warnings);
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    generatedAt: input.generatedAt,
    tool: { name: "ecs-advisor", version: input.toolVersion },
    source: {
      kind: input.sourceKind,
      region,
      accounts: account === null ? [] : [account],
      regions: [region],
      collectedAt: snapshot.collectedAt,
      ...(snapshot.source.description ? { description: snapshot.source.description } : {}),
      window: {
        ...snapshot.window,
        sourcePeriodSeconds: Math.min(
          snapshot.window.periodSeconds,
          ...snapshot.services.map((s) => s.utilization?.sourcePeriodSeconds ?? s.utilization?.periodSeconds ?? Number.POSITIVE_INFINITY),
        ),
      },
      prices: { source: prices.source, asOf: prices.asOf, region: prices.region, currency: prices.currency },
    },
    policy: policy as unknown as Record<string, unknown>,
    totals,
    services,
    clusters: clusterFindings,
    warnings,
    scopes: [collectedScope(account, region, snapshot.collectedAt, totals, prices)],
  };
}

/**
 * Services whose dollars rest on the assumed Fargate Spot discount, because the price set has no Spot rates.
 * (The EC2 clusters' Fargate comparison labels its own assumption: spotPrice.)
 */
function spotAssumed(services: readonly ServiceFinding[], prices: Prices, policy: Policy): Report["warnings"] {
  if (prices.fargate.linuxX86Spot) return [];
  const onSpot = services.filter((s) => s.launchType === "FARGATE" && s.capacity.startsWith("FARGATE_SPOT"));
  if (onSpot.length === 0) return [];
  const pct = Math.round((prices.fargate.spotDiscount ?? policy.fargate.spotDiscount) * 100);
  const names = onSpot.map((s) => s.service);
  const list = names.length <= 3 ? names.join(", ") : `${names.slice(0, 3).join(", ")} and ${names.length - 3} more`;
  return [
    {
      code: "fargate-spot-assumed",
      message: `Fargate Spot is priced at an assumed ${pct}% off (AWS says "up to" 70%; Spot prices vary by region and over time) for ${list}: the price set has no Spot rates`,
    },
  ];
}

/** Packings that could only try the cluster's own types (a snapshot priced before candidates were). */
function fewTypes(clusters: readonly ClusterFinding[]): Report["warnings"] {
  return clusters
    .filter((c) => c.packing && c.packing.typesConsidered <= Object.keys(c.packing.current.instanceTypes).length)
    .map((c) => {
      const n = c.packing!.typesConsidered;
      return {
        code: "packing-few-types",
        message: `${c.cluster}: packing could consider only the ${n} instance type${n === 1 ? "" : "s"} priced in the snapshot; a collection by this version prices every current-generation type, for the cheapest choice`,
      };
    });
}

/** Biggest savings first; cost increases (risks being fixed) after the zero-savings rows; no price last. */
/** The report's totals (and the warning when some services have no price). */
function totalsOf(
  services: readonly ServiceFinding[],
  clusterFindings: Report["clusters"],
  warnings: Report["warnings"],
): Report["totals"] {
  let current = 0;
  let recommended = 0;
  for (const s of services) {
    if (s.current.monthlyUsd === null) continue;
    current += s.current.monthlyUsd;
    recommended += s.recommended?.monthlyUsd ?? s.current.monthlyUsd;
  }
  const unpriced = services.filter((s) => s.current.monthlyUsd === null).length;
  if (unpriced > 0) {
    warnings.push({
      code: "unpriced-services",
      message: `${unpriced} service${unpriced === 1 ? " has" : "s have"} no price and ${unpriced === 1 ? "is" : "are"} left out of the totals`,
    });
  }

  return {
    currentMonthlyUsd: current,
    recommendedMonthlyUsd: recommended,
    savingsMonthlyUsd: current - recommended,
    services: services.length,
    withAdvice: services.filter((s) => s.recommended !== null).length,
    changes: services.filter((s) => s.action === "downsize" || s.action === "upsize" || s.action === "resize").length,
    risks: services.filter((s) => s.reasons.some((r) => r.severity === "risk")).length,
    unpricedServices: unpriced,
    ec2UnreservedMonthlyUsd: clusterFindings.reduce((a, c) => a + (c.ec2?.unreservedMonthlyUsd ?? 0), 0),
    autoscalingSavingsMonthlyUsd: services.reduce((a, s) => a + (s.autoscaling?.savingsMonthlyUsd ?? 0), 0),
    ec2PackingSavingsMonthlyUsd: clusterFindings.reduce((a, c) => a + (c.packing?.savingsMonthlyUsd ?? 0), 0),
    ...billTotals(services, clusterFindings),
  };
}

/** The report's one account-region: what the formats and a many-account merge read. */
function collectedScope(
  account: string | null,
  region: string,
  collectedAt: string,
  totals: Report["totals"],
  prices: Prices,
): NonNullable<Report["scopes"]>[number] {
  return {
    account,
    region,
    status: "collected",
    gap: null,
    collectedAt,
    services: totals.services,
    changes: totals.changes,
    risks: totals.risks,
    nowMonthlyUsd: totals.nowMonthlyUsd,
    realisableSavingsMonthlyUsd: totals.realisableSavingsMonthlyUsd,
    afterMonthlyUsd: totals.afterMonthlyUsd,
    prices: { source: prices.source, asOf: prices.asOf, region: prices.region },
  };
}

export function bySavings(a: ServiceFinding, b: ServiceFinding): number {
  const sa = a.savingsMonthlyUsd ?? Number.NEGATIVE_INFINITY;
  const sb = b.savingsMonthlyUsd ?? Number.NEGATIVE_INFINITY;
  if (sa !== sb) return sb - sa;
  const ka = `${a.cluster}/${a.service}`;
  const kb = `${b.cluster}/${b.service}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

function clusterSummaries(
  snapshot: Snapshot,
  services: readonly ServiceFinding[],
  instancesByCluster: Map<string, Snapshot["containerInstances"]>,
  ec2Units: ReadonlyMap<string, Ec2UnitPrices | undefined>,
  prices: Prices,
): Array<Omit<ClusterFinding, "hostScaling" | "packing" | "fargateComparison">> {
  const names = new Set<string>([
    ...snapshot.clusters.map((c) => c.name),
    ...snapshot.services.map((s) => s.cluster),
    ...instancesByCluster.keys(),
  ]);
  return [...names].sort().map((name) => {
    const own = services.filter((s) => s.cluster === name);
    const kinds = new Set(own.map((s) => s.launchType));
    const instances = (instancesByCluster.get(name) ?? []).filter((i) => i.status === "ACTIVE" || i.status === "DRAINING");
    let ec2: ClusterFinding["ec2"] = null;
    if (instances.length > 0) {
      const types: Record<string, number> = {};
      const registered = { cpu: 0, memory: 0 };
      const remaining = { cpu: 0, memory: 0 };
      for (const i of instances) {
        const t = i.instanceType ?? "unknown";
        types[t] = (types[t] ?? 0) + 1;
        registered.cpu += i.registered.cpu;
        registered.memory += i.registered.memory;
        remaining.cpu += i.remaining.cpu;
        remaining.memory += i.remaining.memory;
      }
      const units = ec2Units.get(name);
      const reserved = { cpu: registered.cpu - remaining.cpu, memory: registered.memory - remaining.memory };
      ec2 = {
        instances: instances.length,
        instanceTypes: Object.fromEntries(Object.entries(types).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
        monthlyUsd: units ? units.instancesHourly * HOURS_PER_MONTH : null,
        registered,
        reserved,
        reservedPercent: {
          cpu: registered.cpu > 0 ? (reserved.cpu / registered.cpu) * 100 : 0,
          memory: registered.memory > 0 ? (reserved.memory / registered.memory) * 100 : 0,
        },
        unreservedMonthlyUsd: units ? units.unreservedHourly * HOURS_PER_MONTH : null,
        // Filled in by withBill (bill.ts) once the services and the host plan are known.
        servicesMonthlyUsd: null,
        idleMonthlyUsd: null,
        plan: null,
        unitPrices: units ? { cpuUnitHour: units.cpuUnitHour, memoryMiBHour: units.memoryMiBHour } : null,
        unpricedInstanceTypes: units
          ? units.unpricedInstanceTypes
          : [...new Set(instances.map((i) => i.instanceType ?? "unknown"))].filter((t) => !prices.ec2[t]).sort(),
      };
    }
    const kind: ClusterFinding["kind"] =
      kinds.size > 1 || (kinds.has("FARGATE") && ec2 !== null) ? "mixed" : kinds.has("FARGATE") ? "fargate" : "ec2";
    return {
      cluster: name,
      kind,
      services: own.length,
      servicesMonthlyUsd: own.reduce((a, s) => a + (s.current.monthlyUsd ?? 0), 0),
      ec2,
    };
  });
}

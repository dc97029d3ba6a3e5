// Advice for one service: data quality → confidence, each resource sized, snapped to what ECS accepts,
// priced, and every step written down as a reason a person can read.
import type { Confidence, ResourceEvidence, ServiceFinding } from "../model/report.js";
import type { Cluster, Prices, Service, TaskDefinition } from "../model/snapshot.js";
import { fmtCpu, fmtHours, fmtMiB, fmtPct, fmtTime, plural } from "../model/format.js";
import { allocationOf, placementOf, type Placement } from "./allocation.js";
import { monthly, taskPricer, type Ec2UnitPrices } from "./cost.js";
import { snapToFargate } from "./fargate.js";
import { usageOf } from "./usage.js";
import { buildHistory, maskBefore, type History } from "./history.js";
import { describeStatistic, type Policy } from "./policy.js";
import { Reasons, sortReasons } from "./reasons.js";
import { ceilTo, sizeResource, type ResourceSizing } from "./rightsize.js";
import { leakEvidence, oomEvidence, targetTracking } from "./signals.js";
import { countPresent, firstPresentIndex, max, mean, min } from "./stats.js";
import { autoscalingAdvice } from "./autoscale.js";

export interface AdviseContext {
  policy: Policy;
  prices: Prices;
  taskDefinitions: ReadonlyMap<string, TaskDefinition>;
  clusters: ReadonlyMap<string, Cluster>;
  ec2Units: ReadonlyMap<string, Ec2UnitPrices | undefined>;
  windowStartMs: number;
  windowEndMs: number;
  collectedAtMs: number;
  /** Collection issues that name the service ("cluster/service" → messages). */
  issues: ReadonlyMap<string, string[]>;
}

const LEVELS: Confidence[] = ["high", "medium", "low", "none"];
const capAt = (c: Confidence, cap: Confidence): Confidence => (LEVELS.indexOf(c) >= LEVELS.indexOf(cap) ? c : cap);

const unknownEvidence = (statistic: string, target: number, allocated: number | undefined): ResourceEvidence => ({
  statistic,
  allocated: allocated ?? null,
  observedPercent: null,
  observedUnits: null,
  targetPercent: target,
  neededUnits: null,
  decision: "unknown",
});

type Pricer = (cpu: number, memory: number) => number | undefined;

function pricerFor(placement: Placement, td: TaskDefinition, service: Service, ctx: AdviseContext, reasons: Reasons): Pricer {
  const pricer = taskPricer(placement, td, ctx.prices, ctx.policy.fargate.spotDiscount, ctx.ec2Units.get(service.cluster));
  if (pricer === "external") {
    reasons.add("external-launch-type", "EXTERNAL (ECS Anywhere) capacity is your own hardware: no AWS price");
    return () => undefined;
  }
  if (pricer === "unpriced-ec2") {
    reasons.add("no-price", `no priced container instances in cluster ${service.cluster}: the EC2 cost of this service is unknown`);
    return () => undefined;
  }
  return pricer;
}

export function adviseService(service: Service, ctx: AdviseContext): ServiceFinding {
  const { policy } = ctx;
  const reasons = new Reasons();
  const td = ctx.taskDefinitions.get(service.taskDefinition);
  const cluster = ctx.clusters.get(service.cluster);
  const key = `${service.cluster}/${service.name}`;
  for (const message of ctx.issues.get(key) ?? []) reasons.add("collection-incomplete", message);

  if (!td) {
    reasons.add("task-definition-missing", `task definition ${service.taskDefinition} is not in the snapshot, so its size is unknown`);
    return {
      cluster: service.cluster,
      service: service.name,
      launchType: service.launchType ?? "EC2",
      capacity: service.launchType ?? "unknown",
      taskDefinition: service.taskDefinition,
      cpuArchitecture: "X86_64",
      operatingSystemFamily: "LINUX",
      current: { cpu: null, memory: null, tasks: service.runningCount, monthlyUsd: null },
      recommended: null,
      savingsMonthlyUsd: null,
      action: "none",
      confidence: "none",
      reasons: sortReasons(reasons.list),
      evidence: {
        cpu: unknownEvidence("", policy.cpu.target, undefined),
        memory: unknownEvidence("", policy.memory.target, undefined),
        periodSeconds: null,
        points: 0,
        dataHours: 0,
        gapPercent: 0,
        averageTasks: null,
        peakTasks: null,
        minTasks: null,
        deploymentsInWindow: 0,
        oomKills: 0,
        hourlyUsdPerTask: { current: null, recommended: null },
      },
      autoscaling: null,
      usage: null,
    };
  }

  const alloc = allocationOf(td);
  let history: History | undefined = service.utilization
    ? buildHistory(service, service.utilization, td, ctx.taskDefinitions, ctx.windowEndMs)
    : undefined;
  const usage = history ? usageOf(history) : null;
  // Only the current deployment is known and it started inside the window: what ran before it — and so
  // what the earlier percentages are percentages of — is unknown. Use the data since the deployment when
  // there is enough of it; otherwise keep it all but make nothing smaller.
  let historyUnknown: "masked" | "capped" | undefined;
  const lastDeploy = history?.lastDeploymentMs;
  if (history && service.deploymentHistory === "current-only" && lastDeploy !== undefined) {
    const index = Math.ceil((lastDeploy - history.startMs) / (history.periodSeconds * 1000));
    const hasEarlier = [history.cpuMaximum, history.memoryMaximum].some((a) => firstPresentIndex(a) >= 0 && firstPresentIndex(a) < index);
    if (hasEarlier) {
      const masked = maskBefore(history, index);
      const after = Math.max(countPresent(masked.cpuMaximum), countPresent(masked.memoryMaximum));
      if ((after * masked.periodSeconds) / 3600 >= policy.minDataHours && after >= policy.minPoints) {
        history = masked;
        historyUnknown = "masked";
      } else historyUnknown = "capped";
      const when = fmtTime(new Date(lastDeploy).toISOString());
      reasons.add(
        "deployment-history-unknown",
        historyUnknown === "masked"
          ? `only the deployment of ${when} is known, not the task size before it: only the data since then is used`
          : `only the deployment of ${when} is known, not the task size before it, and there is too little data since: nothing is made smaller`,
      );
    }
  }
  const avgTasks = history ? mean(history.runningTasks) : Number.NaN;
  const tasks = Number.isFinite(avgTasks) ? avgTasks : service.runningCount;
  const placement = placementOf(service, td, cluster, tasks);
  const price = pricerFor(placement, td, service, ctx, reasons);
  const currentHourly =
    alloc.memory !== undefined && (alloc.cpu !== undefined || placement.kind !== "fargate")
      ? price(alloc.cpu ?? 0, alloc.memory)
      : undefined;

  const cpuSeries = history ? (policy.cpu.series === "maximum" ? history.cpuMaximum : history.cpuAverage) : undefined;
  const memSeries = history ? (policy.memory.series === "maximum" ? history.memoryMaximum : history.memoryAverage) : undefined;

  // How much data, and how good — counted at the resolution CloudWatch served.
  const stats = history?.summary;
  const cpuKey = policy.cpu.series === "maximum" ? "cpuMaximum" : "cpuAverage";
  const memKey = policy.memory.series === "maximum" ? "memoryMaximum" : "memoryAverage";
  // Points are counted where they were counted: exact summaries at the source period, else the stored series.
  const sourcePeriod = history ? (stats ? history.sourcePeriodSeconds : history.periodSeconds) : 0;
  const points = history
    ? stats
      ? Math.max(stats[cpuKey].points, stats[memKey].points)
      : Math.max(countPresent(cpuSeries!), countPresent(memSeries!))
    : 0;
  const periodSeconds = history?.periodSeconds ?? null;
  const dataHours = history ? (points * sourcePeriod) / 3600 : 0;
  let gapPercent = 0;
  if (history && points > 0) {
    const first = Math.min(...[firstPresentIndex(cpuSeries!), firstPresentIndex(memSeries!)].filter((i) => i >= 0));
    const span = ((history.length - first) * history.periodSeconds) / sourcePeriod;
    gapPercent = span > 0 ? Math.max(0, ((span - points) / span) * 100) : 0;
  }
  const exactOf = (key: keyof NonNullable<typeof stats>) => (stats ? (p: number) => stats[key].quantiles[String(p)] : undefined);
  // Stops between the window's last whole period and the collection still count.
  const oom = oomEvidence(service.stoppedTasks, ctx.windowStartMs, Math.max(ctx.windowEndMs, ctx.collectedAtMs));
  const tracked = targetTracking(service.autoscaling);

  const base = {
    cluster: service.cluster,
    service: service.name,
    launchType: (placement.kind === "fargate" ? "FARGATE" : placement.kind === "ec2" ? "EC2" : "EXTERNAL") as
      | "FARGATE"
      | "EC2"
      | "EXTERNAL",
    capacity: placement.label,
    taskDefinition: service.taskDefinition,
    cpuArchitecture: td.cpuArchitecture,
    operatingSystemFamily: td.operatingSystemFamily,
  };
  const current = {
    cpu: alloc.cpu ?? null,
    memory: alloc.memory ?? null,
    tasks,
    monthlyUsd: currentHourly === undefined ? null : monthly(currentHourly) * tasks,
  };
  const commonEvidence = {
    periodSeconds,
    points,
    dataHours,
    gapPercent,
    averageTasks: Number.isFinite(avgTasks) ? avgTasks : null,
    peakTasks: history && countPresent(history.runningTasks) > 0 ? max(history.runningTasks) : null,
    minTasks: history && countPresent(history.runningTasks) > 0 ? min(history.runningTasks) : null,
    deploymentsInWindow: history?.deploymentsInWindow ?? 0,
    oomKills: oom.kills,
  };

  if (oom.kills > 0) {
    reasons.add(
      "oom-kills",
      `${plural(oom.kills, "task was", "tasks were")} killed for running out of memory in the window (last ${fmtTime(oom.lastKillAt!)})`,
    );
  }
  if (oom.possible > 0) {
    reasons.add(
      "possible-oom",
      `${plural(oom.possible, "task", "tasks")} exited with code 137 and no out-of-memory reason: an OOM kill or a stop timeout; check the task logs`,
    );
  }

  const noAdvice = (confidence: Confidence): ServiceFinding => ({
    ...base,
    current,
    recommended: null,
    savingsMonthlyUsd: null,
    action: "none",
    confidence,
    reasons: sortReasons(reasons.list),
    evidence: {
      cpu: unknownEvidence(describeStatistic(policy.cpu), policy.cpu.target, alloc.cpu),
      memory: unknownEvidence(describeStatistic(policy.memory), policy.memory.target, alloc.memory),
      ...commonEvidence,
      hourlyUsdPerTask: { current: currentHourly ?? null, recommended: null },
    },
    autoscaling: null,
    usage,
  });

  if (!history || points === 0) {
    reasons.add(
      "no-metrics",
      "CloudWatch has no CPUUtilization or MemoryUtilization for this service in the window (no running tasks, or ECS metrics are off)",
    );
    return noAdvice("none");
  }
  if (dataHours < policy.minDataHours || points < policy.minPoints) {
    reasons.add(
      "insufficient-data",
      `only ${fmtHours(dataHours)} of data (${plural(points, "period")}); advice needs ${fmtHours(policy.minDataHours)} and ${policy.minPoints} periods`,
    );
    return noAdvice("none");
  }
  if (alloc.memory === undefined) {
    reasons.add("memory-not-reserved", "the task definition reserves no memory, so utilization has no base to size from");
    return noAdvice("none");
  }
  if (alloc.cpu === undefined) {
    reasons.add(
      "cpu-not-reserved",
      "the task definition reserves no cpu (task or container level), so CPU utilization cannot be turned into units",
    );
    return noAdvice("none");
  }

  // Confidence.
  let confidence: Confidence =
    dataHours >= policy.highConfidenceHours ? "high" : dataHours >= policy.mediumConfidenceHours ? "medium" : "low";
  if (gapPercent >= policy.gapLowPercent || gapPercent >= policy.gapMediumPercent) {
    confidence = capAt(confidence, gapPercent >= policy.gapLowPercent ? "low" : "medium");
    reasons.add("gaps-in-data", `${fmtPct(gapPercent)} of periods since the first datapoint have no data`);
  }
  if (history.lastDeploymentMs !== undefined) {
    const hoursSince = (ctx.windowEndMs - history.lastDeploymentMs) / 3_600_000;
    if (hoursSince < policy.recentDeploymentHours) {
      confidence = capAt(confidence, "medium");
      reasons.add("recent-deployment", `deployed ${fmtHours(hoursSince)} before the window ends: little data on the version running now`);
    } else if (history.sizeChanges.length === 0) {
      reasons.add(
        "deployed-in-window",
        `${plural(history.deploymentsInWindow, "deployment")} in the window, the last ${fmtHours(hoursSince)} before its end: the data spans more than one version`,
      );
    }
  }
  for (const change of history.sizeChanges) {
    reasons.add(
      "size-changed-in-window",
      change.converted
        ? `the task size changed on ${fmtTime(new Date(change.atMs).toISOString())} (${change.from} → ${change.to}); earlier data was rescaled to today's size`
        : `the task size changed on ${fmtTime(new Date(change.atMs).toISOString())} (${change.from} → ${change.to}); ${change.from} is not in the snapshot, so the data before it was left out`,
      change.converted ? "info" : "warning",
    );
  }
  if (historyUnknown === "capped") confidence = capAt(confidence, "low");
  if (oom.kills > 0) confidence = capAt(confidence, "low");
  if (oom.possible > 0) confidence = capAt(confidence, "medium");
  if (ctx.issues.has(key)) confidence = capAt(confidence, "medium");

  const leak = leakEvidence(history.memoryMaximum, history.periodSeconds, history.deploymentIndexes, policy.leak);
  if (leak.suspected) {
    confidence = capAt(confidence, "low");
    const rising = leak.segments.filter((s) => s.rising).length;
    reasons.add(
      "memory-leak-suspected",
      `memory climbs between restarts and deployments (+${fmtPct(leak.percentPerHour)} of the allocation an hour, in ${rising} of ${leak.segments.length} stretches)` +
        (leak.hoursToLimit !== undefined ? `; it would reach the limit about ${fmtHours(leak.hoursToLimit)} after a restart` : "") +
        ". Fix the leak before resizing",
    );
  }

  // Size each resource.
  const blockAll = confidence === "low";
  const cpuTracked = tracked.has("cpu");
  const memTracked = tracked.has("memory");
  const hard = alloc.memoryHardLimit ?? alloc.memory;
  const bumpTo = oom.kills > 0 ? Math.max(hard * policy.oomBump.factor, hard + policy.oomBump.minMiB) : undefined;
  const cpu = sizeResource(alloc.cpu, cpuSeries!, policy.cpu, {
    minChangePercent: policy.minChangePercent,
    tracked: cpuTracked,
    blockDown: blockAll,
    exact: exactOf(cpuKey),
  });
  const memory = sizeResource(alloc.memory, memSeries!, policy.memory, {
    minChangePercent: policy.minChangePercent,
    tracked: memTracked,
    blockDown: blockAll || leak.suspected || oom.kills > 0,
    bumpTo,
    exact: exactOf(memKey),
  });

  if (cpuTracked) {
    reasons.add(
      "autoscaling-on-cpu",
      `target tracking holds CPU near ${fmtPct(tracked.get("cpu")!)}: smaller tasks would only mean more of them, so task cpu is left as it is`,
    );
  }
  if (memTracked) {
    reasons.add(
      "autoscaling-on-memory",
      `target tracking holds memory near ${fmtPct(tracked.get("memory")!)}: task memory is left as it is`,
    );
  }
  // Fargate and a task-level cpu are hard caps (CFS quota); container-level cpu alone is only a share.
  const cpuCapped = placement.kind === "fargate" || alloc.cpuSource === "task";
  if (cpu.evidence.observedPercent !== null && cpuCapped && cpu.evidence.observedPercent >= 98) {
    reasons.add(
      "cpu-saturated",
      `CPU runs at its limit (${fmtPct(cpu.evidence.observedPercent)}): tasks are throttled, so the real demand is higher than measured`,
    );
  }

  // Turn needs into a size ECS accepts.
  const wantCpu = cpu.decision === "up" || cpu.decision === "down" ? cpu.need : alloc.cpu;
  const wantMem = memory.decision === "up" || memory.decision === "down" ? memory.need : alloc.memory;
  let recCpu: number;
  let recMem: number;
  let roundingNote: string | undefined;
  let roundedTo: string | undefined;
  let windowsFloor = false;
  if (placement.kind === "fargate") {
    const snap = snapToFargate(wantCpu, wantMem, {
      arm: placement.arm,
      windows: placement.windows,
      allow32Vcpu: policy.fargate.allow32Vcpu,
      prices: ctx.prices,
    });
    recCpu = snap.cpu;
    recMem = snap.memory;
    const need = `${fmtCpu(Math.ceil(wantCpu), { unit: false })} cpu / ${fmtMiB(Math.ceil(wantMem))}`;
    if (snap.exceedsMax) {
      reasons.add(
        "exceeds-fargate-max",
        `needs ${need}, more than the largest Fargate size (${fmtCpu(snap.cpu, { unit: false })} / ${fmtMiB(snap.memory)}): split the work or move it to EC2`,
      );
    } else if (recCpu === alloc.cpu && recMem === alloc.memory) {
      roundingNote = `today's ${fmtCpu(recCpu, { unit: false })} / ${fmtMiB(recMem)} is the cheapest Fargate size that covers the need (${need})`;
    } else if (recCpu > Math.ceil(wantCpu) || recMem > Math.ceil(wantMem)) {
      roundedTo = `Fargate has no ${need} size; the cheapest that covers both is ${fmtCpu(recCpu, { unit: false })} / ${fmtMiB(recMem)}`;
    }
    windowsFloor = placement.windows && wantCpu < 1024 && recCpu === 1024;
  } else {
    const roundCpu = (v: number) => Math.max(policy.ec2.minCpu, ceilTo(v, policy.ec2.cpuStep));
    const roundMem = (v: number) => Math.max(policy.ec2.minMemoryMiB, ceilTo(v, policy.ec2.memoryStepMiB));
    recCpu = wantCpu === alloc.cpu ? alloc.cpu : roundCpu(wantCpu);
    recMem = wantMem === alloc.memory ? alloc.memory : roundMem(wantMem);
    // A "down" that rounding or a floor turned into no change is no change.
    if (cpu.decision === "down" && recCpu >= alloc.cpu) recCpu = alloc.cpu;
    if (memory.decision === "down" && recMem >= alloc.memory) recMem = alloc.memory;
    const floored =
      (recCpu < alloc.cpu && recCpu === policy.ec2.minCpu && ceilTo(wantCpu, policy.ec2.cpuStep) < policy.ec2.minCpu) ||
      (recMem < alloc.memory && recMem === policy.ec2.minMemoryMiB && ceilTo(wantMem, policy.ec2.memoryStepMiB) < policy.ec2.minMemoryMiB);
    if (floored) {
      reasons.add(
        "floor-applied",
        `kept at the floor of ${fmtCpu(policy.ec2.minCpu)} / ${fmtMiB(policy.ec2.minMemoryMiB)} for a task on EC2`,
      );
    }
    roundingNote = `both are within ${fmtPct(policy.minChangePercent)} of the need at the targets`;
  }

  // Say what changed and why, now that the final size is known.
  const cpuFinal = recCpu < alloc.cpu ? "down" : recCpu > alloc.cpu ? "up" : "same";
  const memFinal = recMem < alloc.memory ? "down" : recMem > alloc.memory ? "up" : "same";
  explainResource("cpu", cpu, cpuFinal, reasons);
  explainResource("memory", memory, memFinal, reasons);
  if (roundedTo) reasons.add("fargate-size-rounded", roundedTo);
  if (windowsFloor) reasons.add("windows-minimum", "Windows tasks on Fargate need at least 1 vCPU (1024 units)");

  const blocked = [cpu, memory].filter((r) => r.decision === "blocked");
  if (blocked.length > 0) {
    const why = blockAll
      ? `confidence is ${confidence}`
      : leak.suspected
        ? "memory looks like it leaks"
        : "tasks were killed for lack of memory";
    const parts = [
      cpu.decision === "blocked" ? `cpu ${fmtCpu(Math.ceil(cpu.need))}` : undefined,
      memory.decision === "blocked" ? `memory ${fmtMiB(Math.ceil(memory.need))}` : undefined,
    ].filter(Boolean);
    reasons.add("downsize-blocked", `the numbers point to ${parts.join(" and ")}, but ${why}, so nothing is made smaller`);
  }

  const sameSize = recCpu === alloc.cpu && recMem === alloc.memory;
  const action: ServiceFinding["action"] = sameSize
    ? "keep"
    : recCpu <= alloc.cpu && recMem <= alloc.memory
      ? "downsize"
      : recCpu >= alloc.cpu && recMem >= alloc.memory
        ? "upsize"
        : "resize";
  if (action === "keep" && !reasons.list.some((r) => r.severity === "risk") && blocked.length === 0) {
    reasons.add(
      "well-sized",
      `${summary("CPU", cpu, fmtCpu)}, ${summary("memory", memory, fmtMiB)}: ${roundingNote ?? "no change is worth making"}`,
    );
  }

  const recHourly = price(recCpu, recMem);
  const recMonthly = recHourly === undefined ? null : monthly(recHourly) * tasks;
  const scaling = autoscalingAdvice({
    history,
    autoscaling: service.autoscaling,
    currentCpu: alloc.cpu,
    sizedCpu: recCpu,
    hourlyPerTask: recHourly,
    averageTasks: tasks,
    dataHours,
    policy,
  });
  if (scaling && scaling.action !== "ok") {
    const code = (
      {
        "propose-target-tracking": "autoscaling-proposed",
        "raise-max": "autoscaling-capped",
        "lower-min": "autoscaling-min-high",
        "raise-target": "autoscaling-target-low",
      } as const
    )[scaling.action];
    reasons.add(code, scaling.message);
  }
  return {
    ...base,
    current,
    recommended: { cpu: recCpu, memory: recMem, monthlyUsd: recMonthly },
    savingsMonthlyUsd: current.monthlyUsd !== null && recMonthly !== null ? current.monthlyUsd - recMonthly : null,
    action,
    confidence,
    reasons: sortReasons(reasons.list),
    evidence: {
      cpu: cpu.evidence,
      memory: memory.evidence,
      ...commonEvidence,
      hourlyUsdPerTask: { current: currentHourly ?? null, recommended: recHourly ?? null },
    },
    autoscaling: scaling,
    usage,
  };
}

/** "CPU p95 (hottest task) 30% of 1024 units" */
function summary(name: string, r: ResourceSizing, unit: (n: number) => string): string {
  const e = r.evidence;
  if (e.observedPercent === null || e.allocated === null) return `${name} unknown`;
  return `${name} ${e.statistic} ${fmtPct(e.observedPercent)} of ${unit(e.allocated)}`;
}

function explainResource(which: "cpu" | "memory", r: ResourceSizing, final: "down" | "up" | "same", reasons: Reasons): void {
  const e = r.evidence;
  if (e.observedPercent === null || e.allocated === null) return;
  const unit = which === "cpu" ? fmtCpu : fmtMiB;
  const name = which === "cpu" ? "CPU" : "memory";
  const observed = `${name} ${e.statistic} is ${fmtPct(e.observedPercent)} of ${unit(e.allocated)} (${unit(Math.round(e.observedUnits ?? 0))})`;
  const sized = r.bumped
    ? `after the OOM kills it needs at least ${unit(Math.ceil(r.need))}`
    : `sized for ${fmtPct(e.targetPercent)} it needs ${unit(Math.ceil(r.need))}`;
  if (r.decision === "blocked" || (r.decision === "down" && final === "down")) {
    reasons.add(which === "cpu" ? "cpu-overprovisioned" : "memory-overprovisioned", `${observed}; ${sized}`);
  } else if (r.decision === "up") {
    reasons.add(which === "cpu" ? "cpu-underprovisioned" : "memory-underprovisioned", `${observed}; ${sized}`);
  }
}

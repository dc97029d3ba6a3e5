// Advice for one service, in named stages (src/advisor/stages/), each a pure function with its own tests:
//   evidence → (can it be advised at all?) → confidence → need → proposal snapped to what ECS accepts →
//   explanation → autoscaling → the finding, priced.
// Each stage writes down what it found as reasons; their order is the order a person reads them in.
import type { ResourceEvidence, ServiceFinding } from "../model/report.js";
import type { Service } from "../model/snapshot.js";
import { autoscalingAdvice } from "./autoscale.js";
import { fmtCpu, fmtMiB, fmtTasks, fmtUsdMonthly } from "../model/format.js";
import { monthly } from "./cost.js";
import { describeStatistic, type Policy } from "./policy.js";
import { Reasons, sortReasons } from "./reasons.js";
import { assessConfidence } from "./stages/confidence.js";
import { type Advisable, type AdviseContext, canAdvise, commonEvidence, type Evidence, gatherEvidence } from "./stages/evidence.js";
import { explain } from "./stages/explanation.js";
import { sizeNeeds } from "./stages/need.js";
import { ec2Proposal, fargateProposal, type Proposal, propose, wanted } from "./stages/proposal.js";
import type { Need } from "./stages/need.js";
import { sizeContainers } from "./containers.js";

export type { AdviseContext };

export function adviseService(service: Service, ctx: AdviseContext): ServiceFinding {
  const reasons = new Reasons();
  for (const { code, message } of ctx.issues.get(`${service.cluster}/${service.name}`) ?? []) {
    reasons.add(code === "invalid-metrics" ? "invalid-metrics" : "collection-incomplete", message);
  }
  const td = ctx.taskDefinitions.get(service.taskDefinition);
  if (!td) return withoutTaskDefinition(service, ctx.policy, reasons);

  const ev = gatherEvidence(service, td, ctx, reasons);
  if (!canAdvise(ev, ctx.policy, reasons)) return noAdvice(ev, ctx.policy, reasons);
  const trust = assessConfidence(ev, ctx, reasons);
  const need = sizeNeeds(ev, trust, ctx.policy, reasons);
  const blocked = {
    cpu: need.blockAll || need.cpu.decision === "blocked",
    memory: need.blockAll || need.memory.decision === "blocked" || trust.leak.suspected || ev.oom.kills > 0,
  };
  const { proposal, containers } = sizeWithContainers(ev, need, propose(ev, need, ctx, reasons), ctx, reasons, blocked);
  const action = explain(ev, need, proposal, trust, reasons);

  const hourly = ev.price(proposal.cpu, proposal.memory);
  const recommendedMonthly = hourly === undefined ? null : monthly(hourly) * ev.tasks;
  const scaling = trust.maybeScales ? null : autoscalingOf(ev, proposal.cpu, hourly, ctx.policy, reasons);
  const current = currentOf(ev);
  return {
    ...identity(ev),
    current,
    recommended: { cpu: proposal.cpu, memory: proposal.memory, monthlyUsd: recommendedMonthly },
    savingsMonthlyUsd: current.monthlyUsd !== null && recommendedMonthly !== null ? current.monthlyUsd - recommendedMonthly : null,
    action,
    confidence: trust.confidence,
    reasons: sortReasons(reasons.list),
    evidence: {
      cpu: need.cpu.evidence,
      memory: need.memory.evidence,
      ...commonEvidence(ev),
      hourlyUsdPerTask: { current: ev.currentHourly ?? null, recommended: hourly ?? null },
    },
    autoscaling: scaling,
    containers,
    usage: ev.usage,
  };
}

/**
 * Each container's size inside the task's. When the containers' own needs do not fit the proposed task, the
 * task is proposed again at the size they need (never a task below its containers' sum).
 */
function sizeWithContainers(
  ev: Advisable,
  need: Need,
  proposal: Proposal,
  ctx: AdviseContext,
  reasons: Reasons,
  blocked: { cpu: boolean; memory: boolean },
) {
  const input = {
    td: ev.td,
    current: { cpu: ev.alloc.cpu, memory: ev.alloc.memory },
    usage: ev.service.utilization?.containers,
    policy: ctx.policy,
    blocked,
  };
  const first = sizeContainers({ ...input, recommended: proposal });
  const { minTask } = first;
  if (minTask.cpu <= proposal.cpu && minTask.memory <= proposal.memory) return { proposal, containers: first.advice };
  const want = wanted(ev, need);
  const raisedWant = { cpu: Math.max(want.cpu, minTask.cpu), memory: Math.max(want.memory, minTask.memory) };
  const scratch = new Reasons();
  const raised =
    ev.placement.kind === "fargate"
      ? fargateProposal(ev, raisedWant, ctx, scratch)
      : ec2Proposal(ev, raisedWant, need, ctx.policy, scratch);
  for (const r of scratch.list) if (!reasons.has(r.code)) reasons.add(r.code, r.message);
  const size = (p: { cpu: number; memory: number }) => `${fmtCpu(p.cpu, { unit: false })} cpu / ${fmtMiB(p.memory)}`;
  reasons.add(
    "containers-need-more",
    `the containers' own needs (${size(minTask)} together) do not fit ${size(proposal)}: the task is sized to ${size(raised)} so no container goes below its peak`,
  );
  return { proposal: raised, containers: sizeContainers({ ...input, recommended: raised }).advice };
}

/** Autoscaling advice counted in tasks of the proposed size, with its reason; none for a DAEMON service. */
function autoscalingOf(ev: Advisable, sizedCpu: number, hourly: number | undefined, policy: Policy, reasons: Reasons) {
  if (ev.service.schedulingStrategy === "DAEMON") {
    const per = hourly === undefined ? "" : `, ${fmtUsdMonthly(monthly(hourly))} a task at the recommended size`;
    reasons.add(
      "daemon-service",
      `a DAEMON service runs one task on every container instance: its count follows the hosts (${fmtTasks(ev.tasks)} on average), so it gets no autoscaling advice, and it costs that much per instance${per}; packing keeps its task on every host`,
    );
    return null;
  }
  const scaling = autoscalingAdvice({
    history: ev.history,
    autoscaling: ev.service.autoscaling,
    currentCpu: ev.alloc.cpu,
    sizedCpu,
    hourlyPerTask: hourly,
    averageTasks: ev.tasks,
    dataHours: ev.data.dataHours,
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
  return scaling;
}

function identity(
  ev: Evidence,
): Pick<
  ServiceFinding,
  "cluster" | "service" | "launchType" | "capacity" | "taskDefinition" | "cpuArchitecture" | "operatingSystemFamily"
> {
  const kind = ev.placement.kind;
  return {
    cluster: ev.service.cluster,
    service: ev.service.name,
    launchType: kind === "fargate" ? "FARGATE" : kind === "ec2" ? "EC2" : "EXTERNAL",
    capacity: ev.placement.label,
    taskDefinition: ev.service.taskDefinition,
    cpuArchitecture: ev.td.cpuArchitecture,
    operatingSystemFamily: ev.td.operatingSystemFamily,
  };
}

function currentOf(ev: Evidence): ServiceFinding["current"] {
  return {
    cpu: ev.alloc.cpu ?? null,
    memory: ev.alloc.memory ?? null,
    tasks: ev.tasks,
    monthlyUsd: ev.currentHourly === undefined ? null : monthly(ev.currentHourly) * ev.tasks,
  };
}

const unknownEvidence = (statistic: string, target: number, allocated: number | undefined): ResourceEvidence => ({
  statistic,
  allocated: allocated ?? null,
  observedPercent: null,
  observedUnits: null,
  targetPercent: target,
  neededUnits: null,
  decision: "unknown",
});

/** A finding with no recommendation: the evidence gathered so far, and the reasons there is no advice. */
function noAdvice(ev: Evidence, policy: Policy, reasons: Reasons): ServiceFinding {
  return {
    ...identity(ev),
    current: currentOf(ev),
    recommended: null,
    savingsMonthlyUsd: null,
    action: "none",
    confidence: "none",
    reasons: sortReasons(reasons.list),
    evidence: {
      cpu: unknownEvidence(describeStatistic(policy.cpu), policy.cpu.target, ev.alloc.cpu),
      memory: unknownEvidence(describeStatistic(policy.memory), policy.memory.target, ev.alloc.memory),
      ...commonEvidence(ev),
      hourlyUsdPerTask: { current: ev.currentHourly ?? null, recommended: null },
    },
    autoscaling: null,
    containers: null,
    usage: ev.usage,
  };
}

/** The service runs a task definition the snapshot does not have: its size, and so everything else, is unknown. */
function withoutTaskDefinition(service: Service, policy: Policy, reasons: Reasons): ServiceFinding {
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
    containers: null,
    usage: null,
  };
}

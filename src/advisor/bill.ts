// One bill, and savings that do not overlap. "Now" is what AWS bills for what the report covers: Fargate
// tasks, and EC2 instances whole (they are paid whatever the tasks reserve). An EC2 cluster's instances are
// its services' shares plus idle capacity. Every saving belongs to exactly one lever:
// - Fargate right-sizing: the Fargate services' own savings;
// - EC2 hosts: the instances now − the host plan (the cheapest packing of the right-sized tasks, else the
//   desired hosts of the main type): right-sizing, repacking and scale-in, which only hosts can realise —
//   so the EC2 services' own savings and autoscaling advice are not added on top;
// - autoscaling: the Fargate services' autoscaling advice (priced at the recommended size, so it adds to
//   right-sizing without overlap).
// The headline is their sum. Pure.
import type { ClusterFinding, Report, ServiceFinding } from "../model/report.js";

type Totals = Report["totals"];
type Ec2 = NonNullable<ClusterFinding["ec2"]>;

/** The host plan that realises an EC2 cluster's savings, when its hosts are priced. */
export function hostPlan(c: Pick<ClusterFinding, "ec2" | "packing" | "hostScaling">): Ec2["plan"] {
  const now = c.ec2?.monthlyUsd;
  if (now === null || now === undefined) return null;
  if (c.packing) return { from: "packing", monthlyUsd: c.packing.best.monthlyUsd, savingsMonthlyUsd: now - c.packing.best.monthlyUsd };
  const desired = c.hostScaling?.hosts.desiredMonthlyUsd;
  if (desired === null || desired === undefined) return null;
  return { from: "hosts", monthlyUsd: desired, savingsMonthlyUsd: now - desired };
}

/** The EC2 part of a cluster with its services' shares, idle capacity and plan filled in. */
export function withBill(c: ClusterFinding, services: readonly ServiceFinding[]): ClusterFinding {
  if (!c.ec2) return c;
  const own = services.filter((s) => s.cluster === c.cluster && s.launchType === "EC2" && s.current.monthlyUsd !== null);
  const shares = c.ec2.monthlyUsd === null ? null : own.reduce((a, s) => a + s.current.monthlyUsd!, 0);
  const ec2: Ec2 = {
    ...c.ec2,
    servicesMonthlyUsd: shares,
    idleMonthlyUsd: shares === null || c.ec2.monthlyUsd === null ? null : c.ec2.monthlyUsd - shares,
    plan: null,
  };
  return { ...c, ec2: { ...ec2, plan: hostPlan({ ...c, ec2 }) } };
}

/** The bill now, each lever, and the headline. */
export function billTotals(
  services: readonly ServiceFinding[],
  clusters: readonly ClusterFinding[],
): Pick<
  Totals,
  | "nowMonthlyUsd"
  | "fargateMonthlyUsd"
  | "ec2InstancesMonthlyUsd"
  | "ec2IdleMonthlyUsd"
  | "byLever"
  | "realisableSavingsMonthlyUsd"
  | "afterMonthlyUsd"
> {
  const fargate = services.filter((s) => s.launchType === "FARGATE");
  const add = <T>(xs: readonly T[], f: (x: T) => number | null | undefined) => xs.reduce((a, x) => a + (f(x) ?? 0), 0);
  const fargateMonthlyUsd = add(fargate, (s) => s.current.monthlyUsd);
  const ec2InstancesMonthlyUsd = add(clusters, (c) => c.ec2?.monthlyUsd);
  const byLever = {
    fargateRightsizingMonthlyUsd: add(fargate, (s) => s.savingsMonthlyUsd),
    ec2HostsMonthlyUsd: add(clusters, (c) => c.ec2?.plan?.savingsMonthlyUsd),
    autoscalingMonthlyUsd: add(fargate, (s) => s.autoscaling?.savingsMonthlyUsd),
  };
  const nowMonthlyUsd = fargateMonthlyUsd + ec2InstancesMonthlyUsd;
  const realisableSavingsMonthlyUsd = byLever.fargateRightsizingMonthlyUsd + byLever.ec2HostsMonthlyUsd + byLever.autoscalingMonthlyUsd;
  return {
    nowMonthlyUsd,
    fargateMonthlyUsd,
    ec2InstancesMonthlyUsd,
    ec2IdleMonthlyUsd: add(clusters, (c) => c.ec2?.idleMonthlyUsd),
    byLever,
    realisableSavingsMonthlyUsd,
    afterMonthlyUsd: nowMonthlyUsd - realisableSavingsMonthlyUsd,
  };
}

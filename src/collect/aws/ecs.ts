// ECS discovery, batched to the API's limits (aws-facts §5): ListServices 100 a page, DescribeServices 10
// a call, DescribeContainerInstances and DescribeTasks 100, each task definition described once.
import {
  DescribeCapacityProvidersCommand,
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ListClustersCommand,
  ListContainerInstancesCommand,
  ListServiceDeploymentsCommand,
  ListServicesCommand,
  ListTasksCommand,
  type CapacityProvider,
  type Cluster as EcsCluster,
  type ContainerInstance as EcsContainerInstance,
  type Service as EcsService,
  type ServiceRevision,
  type Task as EcsTask,
  type TaskDefinition as EcsTaskDefinition,
} from "@aws-sdk/client-ecs";
import type { Deployment } from "../../model/snapshot.js";
import type { Aws } from "./clients.js";
import { chunk, mapLimit } from "./limits.js";
import { taskDefinitionRefOf } from "./mappers.js";
import { pages } from "./pages.js";

/** Calls in flight to ECS at once; adaptive retry slows down if ECS throttles. */
export const ECS_CONCURRENCY = 16;

export async function listClusterArns(aws: Aws): Promise<string[]> {
  return pages(async (nextToken) => {
    const r = await aws.call("ecs:ListClusters", () => aws.ecs.send(new ListClustersCommand({ maxResults: 100, nextToken })));
    return { items: r.clusterArns, next: r.nextToken };
  });
}

export async function describeClusters(aws: Aws, names: readonly string[]): Promise<{ clusters: EcsCluster[]; missing: string[] }> {
  const clusters: EcsCluster[] = [];
  const missing: string[] = [];
  for (const batch of chunk(names, 100)) {
    const r = await aws.call("ecs:DescribeClusters", () =>
      aws.ecs.send(new DescribeClustersCommand({ clusters: batch, include: ["SETTINGS"] })),
    );
    clusters.push(...(r.clusters ?? []).filter((c) => c.status !== "INACTIVE"));
    for (const f of r.failures ?? []) missing.push(f.arn ?? "?");
    for (const c of r.clusters ?? []) if (c.status === "INACTIVE") missing.push(c.clusterName ?? c.clusterArn ?? "?");
  }
  return { clusters, missing };
}

export async function describeCapacityProviders(aws: Aws, names: readonly string[]): Promise<Map<string, CapacityProvider>> {
  const out = new Map<string, CapacityProvider>();
  for (const batch of chunk(names, 100)) {
    const r = await aws.call("ecs:DescribeCapacityProviders", () =>
      aws.ecs.send(new DescribeCapacityProvidersCommand({ capacityProviders: batch })),
    );
    for (const p of r.capacityProviders ?? []) if (p.name) out.set(p.name, p);
  }
  return out;
}

export async function listServiceArns(aws: Aws, cluster: string): Promise<string[]> {
  return pages(async (nextToken) => {
    const r = await aws.call("ecs:ListServices", () => aws.ecs.send(new ListServicesCommand({ cluster, maxResults: 100, nextToken })));
    return { items: r.serviceArns, next: r.nextToken };
  });
}

/** DescribeServices ten at a time; `onBatch` sees each answer's services as it comes. */
export async function describeServices(
  aws: Aws,
  cluster: string,
  arns: readonly string[],
  onBatch: (services: EcsService[]) => void = () => {},
): Promise<EcsService[]> {
  const batches = await mapLimit(chunk(arns, 10), ECS_CONCURRENCY, async (batch) => {
    const r = await aws.call("ecs:DescribeServices", () => aws.ecs.send(new DescribeServicesCommand({ cluster, services: batch })));
    const services = (r.services ?? []).filter((s) => s.status !== "INACTIVE");
    onBatch(services);
    return services;
  });
  return batches.flat();
}

/** Service revisions (what a deployment set: task definition, monitoring…), 20 a call. */
export async function describeServiceRevisions(aws: Aws, arns: readonly string[]): Promise<ServiceRevision[]> {
  const batches = await mapLimit(chunk([...new Set(arns)], 20), ECS_CONCURRENCY, (batch) =>
    aws.call("ecs:DescribeServiceRevisions", () => aws.ecs.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: batch }))),
  );
  return batches.flatMap((r) => r.serviceRevisions ?? []);
}

/**
 * Each task definition once, whatever number of services share it, described as soon as it is known: refs
 * are added while services are still being described (and later from deployment history), so the
 * task-definition calls — the largest group at fleet scale — start with the first DescribeServices answer.
 * At most ECS_CONCURRENCY in flight. Failures come back per ref.
 */
export class TaskDefinitionReader {
  readonly found: EcsTaskDefinition[] = [];
  readonly failed: Array<{ arn: string; error: unknown }> = [];
  private readonly seen = new Set<string>();
  private readonly pending: Array<Promise<void>> = [];
  private active = 0;
  private readonly queue: Array<() => void> = [];
  done = 0;

  constructor(
    private readonly aws: Aws,
    private readonly onEach: (done: number, total: number) => void = () => {},
  ) {}

  /** Start describing the refs not seen before. */
  add(refs: Iterable<string>): void {
    for (const ref of refs) {
      if (this.seen.has(ref)) continue;
      this.seen.add(ref);
      this.pending.push(this.describe(ref));
    }
  }

  /** Everything added so far, described (or failed). */
  async settled(): Promise<void> {
    for (let n = 0; n < this.pending.length; ) {
      const upTo = this.pending.length;
      await Promise.all(this.pending.slice(n, upTo));
      n = upTo;
    }
  }

  private async describe(arn: string): Promise<void> {
    // A slot is taken here, or handed over by the call that frees it (so never more than the limit).
    if (this.active >= ECS_CONCURRENCY) await new Promise<void>((resolve) => this.queue.push(resolve));
    else this.active++;
    try {
      const r = await this.aws.call("ecs:DescribeTaskDefinition", () =>
        this.aws.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn })),
      );
      if (r.taskDefinition) this.found.push(r.taskDefinition);
    } catch (error) {
      this.failed.push({ arn, error });
    } finally {
      const next = this.queue.shift();
      if (next) next();
      else this.active--;
      this.onEach(++this.done, this.seen.size);
    }
  }
}

export async function containerInstances(aws: Aws, cluster: string): Promise<EcsContainerInstance[]> {
  const arns = await pages(async (nextToken) => {
    const r = await aws.call("ecs:ListContainerInstances", () =>
      aws.ecs.send(new ListContainerInstancesCommand({ cluster, maxResults: 100, nextToken })),
    );
    return { items: r.containerInstanceArns, next: r.nextToken };
  });
  const out: EcsContainerInstance[] = [];
  for (const batch of chunk(arns, 100)) {
    const r = await aws.call("ecs:DescribeContainerInstances", () =>
      aws.ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: batch })),
    );
    out.push(...(r.containerInstances ?? []));
  }
  return out;
}

/** Tasks that stopped recently (ECS keeps stopped tasks for about an hour), one cluster at a time. */
export async function stoppedTasks(aws: Aws, cluster: string): Promise<EcsTask[]> {
  const arns = await pages(async (nextToken) => {
    const r = await aws.call("ecs:ListTasks", () =>
      aws.ecs.send(new ListTasksCommand({ cluster, desiredStatus: "STOPPED", maxResults: 100, nextToken })),
    );
    return { items: r.taskArns, next: r.nextToken };
  });
  const out: EcsTask[] = [];
  for (const batch of chunk(arns, 100)) {
    const r = await aws.call("ecs:DescribeTasks", () => aws.ecs.send(new DescribeTasksCommand({ cluster, tasks: batch })));
    out.push(...(r.tasks ?? []));
  }
  return out;
}

/**
 * The deployments of one service since `sinceMs`, with the task definition each deployed and the one
 * that ran before the first (ListServiceDeployments → DescribeServiceDeployments → DescribeServiceRevisions).
 */
export async function deploymentHistory(aws: Aws, cluster: string, service: string, sinceMs: number): Promise<Deployment[]> {
  const briefs = await pages(async (nextToken) => {
    const r = await aws.call("ecs:ListServiceDeployments", () =>
      aws.ecs.send(
        new ListServiceDeploymentsCommand({ cluster, service, createdAt: { after: new Date(sinceMs) }, maxResults: 100, nextToken }),
      ),
    );
    return { items: r.serviceDeployments, next: r.nextToken };
  });
  if (briefs.length === 0) return [];
  briefs.sort((a, b) => (a.startedAt?.getTime() ?? a.createdAt?.getTime() ?? 0) - (b.startedAt?.getTime() ?? b.createdAt?.getTime() ?? 0));
  // What ran before the first deployment in the window: its source revision.
  const firstArn = briefs[0]!.serviceDeploymentArn;
  let sourceRevision: string | undefined;
  if (firstArn) {
    const d = await aws.call("ecs:DescribeServiceDeployments", () =>
      aws.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [firstArn] })),
    );
    sourceRevision = d.serviceDeployments?.[0]?.sourceServiceRevisions?.[0]?.arn;
  }
  const revisionArns = [...new Set([sourceRevision, ...briefs.map((b) => b.targetServiceRevisionArn)].filter((x): x is string => !!x))];
  const taskDefOf = new Map<string, string>();
  for (const batch of chunk(revisionArns, 20)) {
    const r = await aws.call("ecs:DescribeServiceRevisions", () =>
      aws.ecs.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: batch })),
    );
    for (const rev of r.serviceRevisions ?? [])
      if (rev.serviceRevisionArn && rev.taskDefinition) taskDefOf.set(rev.serviceRevisionArn, rev.taskDefinition);
  }
  const iso = (d: Date) => d.toISOString().replace(/\.000Z$/, "Z");
  const out: Deployment[] = [];
  const before = sourceRevision ? taskDefOf.get(sourceRevision) : undefined;
  if (before) out.push({ status: "SOURCE", taskDefinition: taskDefinitionRefOf(before), startedAt: iso(new Date(sinceMs - 1000)) });
  for (const b of briefs) {
    const at = b.startedAt ?? b.createdAt;
    if (!at) continue;
    const td = b.targetServiceRevisionArn ? taskDefOf.get(b.targetServiceRevisionArn) : undefined;
    out.push({
      ...(b.serviceDeploymentArn ? { id: b.serviceDeploymentArn } : {}),
      ...(b.status ? { status: b.status } : {}),
      ...(td ? { taskDefinition: taskDefinitionRefOf(td) } : {}),
      startedAt: iso(at),
      ...(b.finishedAt ? { finishedAt: iso(b.finishedAt) } : {}),
    });
  }
  return out;
}

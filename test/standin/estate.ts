// A synthetic ECS estate for the loopback stand-in: any number of services, cheap to generate, with the
// shapes a real account has (Fargate and EC2 clusters, autoscaling, recent deployments, stopped tasks).

export interface StandinService {
  name: string;
  family: string;
  revision: number;
  cpu: number;
  memory: number;
  launchType: "FARGATE" | "EC2";
  desired: number;
  /** Average CPU and memory percent; the hottest task runs 20 % hotter. */
  cpuPercent: number;
  memoryPercent: number;
  /** Start of the current deployment (ms); inside the window for some services. */
  deployedAtMs: number;
  /** The task definition before the current deployment, when it was inside the window. */
  previous?: { revision: number; cpu: number; memory: number } | undefined;
  autoscaled: boolean;
  oomStopped: boolean;
  /** The service publishes CPU and memory metrics every 20 seconds (`monitoring`): three samples a task a minute. */
  twentySecondMetrics?: boolean;
}

export interface StandinCluster {
  name: string;
  fargate: boolean;
  services: StandinService[];
  /** EC2 hosts (instance type) for EC2 clusters. */
  instances: string[];
  containerInsights?: boolean;
  /** Container Insights with enhanced observability (per-container metrics); implies containerInsights. */
  enhancedObservability?: boolean;
  /** Container Insights is on but publishes no RunningTaskCount (a cluster where it was just turned on). */
  runningTaskCountMissing?: boolean;
}

export interface StandinEstate {
  region: string;
  accountId: string;
  nowMs: number;
  clusters: StandinCluster[];
}

/** `services` services over ceil(services / perCluster) clusters, alternating Fargate and EC2. */
export function syntheticEstate(services: number, nowMs: number, region = "us-east-1", perCluster = 250): StandinEstate {
  const clusters: StandinCluster[] = [];
  for (let c = 0; c * perCluster < services; c++) {
    const fargate = c % 2 === 0;
    const n = Math.min(perCluster, services - c * perCluster);
    const list: StandinService[] = [];
    for (let i = 0; i < n; i++) {
      const k = c * perCluster + i;
      const cpu = [256, 512, 1024, 2048][k % 4]!;
      const memory = cpu * 2;
      const recent = k % 10 === 3;
      list.push({
        name: `svc-${String(k).padStart(5, "0")}`,
        family: `svc-${String(k).padStart(5, "0")}`,
        revision: 7,
        cpu,
        memory,
        launchType: fargate ? "FARGATE" : "EC2",
        desired: 1 + (k % 3),
        cpuPercent: 5 + (k % 50),
        memoryPercent: 10 + (k % 60),
        deployedAtMs: recent ? nowMs - ((k % 5) + 2) * 86_400_000 : nowMs - 40 * 86_400_000,
        previous:
          recent && k % 20 === 3 ? { revision: 6, cpu: cpu * 2, memory: memory * 2 } : recent ? { revision: 6, cpu, memory } : undefined,
        autoscaled: k % 7 === 0,
        oomStopped: k % 97 === 5,
      });
    }
    const ec2Hosts = fargate ? [] : Array.from({ length: Math.ceil(n / 8) }, (_, h) => (h % 3 === 2 ? "c5.2xlarge" : "m5.xlarge"));
    clusters.push({ name: `cluster-${c}`, fargate, services: list, instances: ec2Hosts });
  }
  return { region, accountId: "111122223333", nowMs, clusters };
}

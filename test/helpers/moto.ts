process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
// moto, the AWS emulator (../shared/docs/testing.md): its server (test/helpers/moto_server.py) started on a
// free loopback port for a suite, seeded through the real AWS SDK, stopped by pid. Where moto is not
// installed, `startMoto` returns undefined and the suite says it was skipped.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  ApplicationAutoScalingClient,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand,
} from "@aws-sdk/client-application-auto-scaling";
import { CloudWatchClient, PutMetricDataCommand, type MetricDatum } from "@aws-sdk/client-cloudwatch";
import { CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand, EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import {
  CreateClusterCommand,
  CreateServiceCommand,
  ECSClient,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
} from "@aws-sdk/client-ecs";

export const CREDENTIALS = { accessKeyId: "testing", secretAccessKey: "testing" };

export interface Moto {
  url: string;
  stop(): Promise<void>;
}

/** The Python that has moto (`pip install 'moto[server]'`); MOTO_PYTHON names another. */
const PYTHON = process.env.MOTO_PYTHON ?? "python3";
/** moto's server with an indexed GetMetricData (see the file). */
const SERVER = join(dirname(fileURLToPath(import.meta.url)), "moto_server.py");

let available: boolean | undefined;

/**
 * Whether moto's server is installed; asked once per worker. Found, not imported: importing moto takes ~1 s of
 * CPU and blocks the worker, and a moto that is installed but cannot start says so when the server is started.
 */
export function motoAvailable(): boolean {
  const probe = "import importlib.util as u, sys; sys.exit(0 if u.find_spec('moto') and u.find_spec('flask') else 1)";
  available ??= spawnSync(PYTHON, ["-c", probe], { timeout: 30_000 }).status === 0;
  return available;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

/** How long a moto_server may live: a test run that loses track of it cannot leave it running. */
const MOTO_LIFETIME_MS = 10 * 60_000;

export async function startMoto(): Promise<Moto | undefined> {
  if (!motoAvailable()) return undefined;
  const port = await freePort();
  // moto logs every request. Its log goes to a file, not a pipe: a pipe that nobody drains (the test
  // process busy, or blocked in a synchronous call) fills up and stalls moto mid-request.
  const logFile = join(mkdtempSync(join(tmpdir(), "ecs-advisor-moto-")), "moto.log");
  const log = openSync(logFile, "w");
  const child: ChildProcess = spawn(PYTHON, [SERVER, "-H", "127.0.0.1", "-p", String(port)], {
    stdio: ["ignore", log, log],
    env: { ...process.env, MOTO_ECS_SERVICE_RUNNING: "2" },
  });
  closeSync(log);
  const kill = () => child.exitCode === null && child.signalCode === null && child.kill("SIGKILL");
  const lifetime = setTimeout(kill, MOTO_LIFETIME_MS).unref();
  process.once("exit", kill);
  const tail = () => readFileSync(logFile, "utf8").slice(-4000);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const r = await fetch(`${url}/moto-api/`, { signal: AbortSignal.timeout(2_000) });
      if (r.ok) break;
    } catch {
      // not up yet
    }
    if (child.exitCode !== null) throw new Error(`moto_server exited: ${tail()}`);
    if (Date.now() > deadline) {
      kill();
      throw new Error(`moto_server did not start within 30 s: ${tail()}`);
    }
    await new Promise((r) => setTimeout(r, 50)); // poll until it answers
  }
  // Tasks must not advance their status on every DescribeTasks (testing.md).
  await fetch(`${url}/moto-api/state-manager/set-transition`, {
    method: "POST",
    body: JSON.stringify({ model_name: "ecs::task", transition: { progression: "manual", times: 1_000_000 } }),
    signal: AbortSignal.timeout(10_000),
  });
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        clearTimeout(lifetime);
        process.off("exit", kill);
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGKILL"); // an emulator with nothing to save: no need to wait for a graceful stop
      }),
  };
}

let shared: Promise<Moto | undefined> | undefined;

/**
 * One moto_server for every test file a worker runs (moto takes ~2.5 s of CPU to start): each file keeps to
 * a region of its own, so their estates never meet. Its `stop` does nothing; the server ends with the worker.
 */
export function sharedMoto(): Promise<Moto | undefined> {
  shared ??= startMoto().then((m) => m && { url: m.url, stop: async () => {} });
  return shared;
}

export const SEED = {
  hours: 26,
  /** Fargate web API: 1024/2048, 2 tasks, CPU 20 % on average, hottest task 30 %; memory 40 %/45 %. */
  web: { cluster: "web", service: "web-api", cpu: 1024, memory: 2048, tasks: 2, cpuAvg: 20, cpuMax: 30, memAvg: 40, memMax: 45 },
  /** EC2 worker: container-level 512 cpu / 1024 MiB, 3 tasks; CPU 10 %/15 %, memory 25 %/30 %. */
  worker: { cluster: "batch", service: "worker", cpu: 512, memory: 1024, tasks: 3, cpuAvg: 10, cpuMax: 15, memAvg: 25, memMax: 30 },
} as const;

/** A realistic small estate: a Fargate cluster and an EC2 cluster, autoscaling, metric history, an OOM stop. */
export async function seedEstate(url: string, nowMs: number): Promise<void> {
  const cfg = { region: "us-east-1", endpoint: url, credentials: CREDENTIALS, maxAttempts: 1 };
  const ecs = new ECSClient(cfg);
  const ec2 = new EC2Client(cfg);
  const cw = new CloudWatchClient({ ...cfg, disableRequestCompression: true });
  const aas = new ApplicationAutoScalingClient(cfg);
  try {
    const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16" }));
    const subnet = await ec2.send(new CreateSubnetCommand({ VpcId: vpc.Vpc!.VpcId!, CidrBlock: "10.0.1.0/24" }));
    const sg = await ec2.send(new CreateSecurityGroupCommand({ GroupName: "web", Description: "web", VpcId: vpc.Vpc!.VpcId! }));

    await ecs.send(new CreateClusterCommand({ clusterName: SEED.web.cluster }));
    await ecs.send(new CreateClusterCommand({ clusterName: SEED.worker.cluster }));

    // Two m5.xlarge hosts in the EC2 cluster.
    const run = await ec2.send(
      new RunInstancesCommand({
        ImageId: "ami-1e749f67",
        InstanceType: "m5.xlarge",
        MinCount: 2,
        MaxCount: 2,
        SubnetId: subnet.Subnet!.SubnetId!,
      }),
    );
    for (const inst of run.Instances ?? []) {
      await ecs.send(
        new RegisterContainerInstanceCommand({
          cluster: SEED.worker.cluster,
          instanceIdentityDocument: JSON.stringify({ instanceId: inst.InstanceId, region: "us-east-1", instanceType: "m5.xlarge" }),
          attributes: [{ name: "ecs.instance-type", value: "m5.xlarge" }],
        }),
      );
    }

    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: "web-api",
        requiresCompatibilities: ["FARGATE"],
        networkMode: "awsvpc",
        cpu: String(SEED.web.cpu),
        memory: "2 GB",
        runtimePlatform: { cpuArchitecture: "X86_64", operatingSystemFamily: "LINUX" },
        containerDefinitions: [{ name: "app", image: "public.ecr.aws/nginx/nginx:latest", memory: SEED.web.memory, essential: true }],
      }),
    );
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: "worker",
        requiresCompatibilities: ["EC2"],
        containerDefinitions: [{ name: "app", image: "busybox", cpu: SEED.worker.cpu, memory: SEED.worker.memory, essential: true }],
      }),
    );
    await ecs.send(
      new CreateServiceCommand({
        cluster: SEED.web.cluster,
        serviceName: SEED.web.service,
        taskDefinition: "web-api:1",
        desiredCount: SEED.web.tasks,
        launchType: "FARGATE",
        networkConfiguration: { awsvpcConfiguration: { subnets: [subnet.Subnet!.SubnetId!], securityGroups: [sg.GroupId!] } },
      }),
    );
    await ecs.send(
      new CreateServiceCommand({
        cluster: SEED.worker.cluster,
        serviceName: SEED.worker.service,
        taskDefinition: "worker:1",
        desiredCount: SEED.worker.tasks,
        launchType: "EC2",
      }),
    );

    // The worker had a task killed for memory.
    const task = await ecs.send(
      new RunTaskCommand({
        cluster: SEED.worker.cluster,
        taskDefinition: "worker:1",
        count: 1,
        group: `service:${SEED.worker.service}`,
        launchType: "EC2",
      }),
    );
    await ecs.send(
      new StopTaskCommand({
        cluster: SEED.worker.cluster,
        task: task.tasks![0]!.taskArn!,
        reason: "OutOfMemoryError: Container killed due to memory usage",
      }),
    );

    // Target tracking on CPU for the web API.
    await aas.send(
      new RegisterScalableTargetCommand({
        ServiceNamespace: "ecs",
        ResourceId: `service/${SEED.web.cluster}/${SEED.web.service}`,
        ScalableDimension: "ecs:service:DesiredCount",
        MinCapacity: 2,
        MaxCapacity: 6,
      }),
    );
    await aas.send(
      new PutScalingPolicyCommand({
        PolicyName: "cpu60",
        ServiceNamespace: "ecs",
        ResourceId: `service/${SEED.web.cluster}/${SEED.web.service}`,
        ScalableDimension: "ecs:service:DesiredCount",
        PolicyType: "TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: 60,
          PredefinedMetricSpecification: { PredefinedMetricType: "ECSServiceAverageCPUUtilization" },
        },
      }),
    );

    // Two days of one-minute AWS/ECS metrics, as statistic sets: SampleCount = running tasks.
    const end = Math.floor(nowMs / 60_000) * 60_000;
    for (const s of [SEED.web, SEED.worker]) {
      const dims = [
        { Name: "ClusterName", Value: s.cluster },
        { Name: "ServiceName", Value: s.service },
      ];
      const data: MetricDatum[] = [];
      for (let i = SEED.hours * 60; i >= 1; i--) {
        const Timestamp = new Date(end - i * 60_000);
        for (const [MetricName, avg, max] of [
          ["CPUUtilization", s.cpuAvg, s.cpuMax],
          ["MemoryUtilization", s.memAvg, s.memMax],
        ] as const) {
          data.push({
            MetricName,
            Dimensions: dims,
            Timestamp,
            Unit: "Percent",
            StatisticValues: { SampleCount: s.tasks, Sum: avg * s.tasks, Minimum: avg / 2, Maximum: max },
          });
        }
      }
      for (let i = 0; i < data.length; i += 1000) {
        await cw.send(new PutMetricDataCommand({ Namespace: "AWS/ECS", MetricData: data.slice(i, i + 1000) }));
      }
    }
  } finally {
    for (const c of [ecs, ec2, cw, aas]) c.destroy();
  }
}

// `ecs-advisor export`: the advice as ready-to-apply AWS inputs. Every file it writes for the demo is applied
// against moto_server (the real SDK, in the order commands.sh gives) and every task definition passes `check`.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand,
} from "@aws-sdk/client-application-auto-scaling";
import {
  CreateCapacityProviderCommand,
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  UpdateCapacityProviderCommand,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSaved } from "../../src/cli/source.js";
import { demoDefinition } from "../../src/collect/demo-definitions.js";
import { taskDefinitionRef } from "../../src/model/snapshot.js";
import { buildExport, registerInputOf, safeSegment } from "../../src/report/export.js";
import { cli } from "../helpers/cli.js";
import { demoReport } from "../helpers/demo-report.js";
import { external } from "../helpers/external.js";
import { CREDENTIALS, type Moto, motoAvailable, sharedMoto } from "../helpers/moto.js";

const dir = mkdtempSync(join(tmpdir(), "ecs-advisor-export-"));
const read = (...p: string[]) => readFileSync(join(...p), "utf8");
const files = (root: string): string[] =>
  readdirSync(root, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(root.length + 1))
    .sort();

describe("export --demo", () => {
  const out = join(dir, "demo");
  let stdout = "";
  beforeAll(async () => {
    const r = await cli(["export", "--demo", "--out", out]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    stdout = r.stdout;
  });

  it("writes a folder per changed service, commands in order, a README and an index", () => {
    expect(stdout).toBe(
      `wrote 83 files to ${out}: 35 services, 1 capacity provider · ${join(out, "README.md")} says the order; nothing was applied\n`,
    );
    const all = files(out);
    expect(all.filter((f) => !f.includes("/"))).toEqual(["README.md", "commands.sh", "export.json"]);
    expect(all.filter((f) => f.startsWith("shop-fargate/cart-api/"))).toEqual([
      "shop-fargate/cart-api/task-definition.json",
      "shop-fargate/cart-api/update-service.json",
    ]);
    expect(all.filter((f) => f.startsWith("shop-fargate/webhooks/"))).toEqual([
      "shop-fargate/webhooks/put-scaling-policy.json",
      "shop-fargate/webhooks/register-scalable-target.json",
      "shop-fargate/webhooks/task-definition.json",
      "shop-fargate/webhooks/update-service.json",
    ]);
    expect(all).toContain("core-ec2/capacity-provider-core-ec2-asg.json");
    // Services the advice keeps as they are get nothing.
    expect(all.some((f) => f.startsWith("shop-fargate/auth-api/"))).toBe(false);
    const index = JSON.parse(read(out, "export.json"));
    expect(index.schemaVersion).toBe(1);
    expect(index.services).toHaveLength(35);
    // The right-sizing savings are the report's, service by service: together the ALL SERVICES line's $2,187.97.
    const sum = index.services.reduce((a: number, s: { savingsMonthlyUsd: number | null }) => a + (s.savingsMonthlyUsd ?? 0), 0);
    expect(Math.round(sum * 100) / 100).toBe(2187.97);
    expect(read(out, "README.md")).toContain("35 services to change (right-sizing saves $2,187.97/mo, autoscaling $177.38/mo)");
  });

  it("cart-api: the current revision with the task and container sizes patched, everything else as it was", () => {
    const snapshot = loadSaved({ demo: true }, "/").snapshot;
    const original = demoDefinition(snapshot.taskDefinitions.find((t) => t.family === "cart-api")!);
    const td = JSON.parse(read(out, "shop-fargate/cart-api/task-definition.json"));
    expect(td.cpu).toBe("512");
    expect(td.memory).toBe("2048");
    expect(td.containerDefinitions.map((c: Record<string, unknown>) => [c.name, c.cpu, c.memory, c.memoryReservation])).toEqual([
      ["app", 248, 1138, 911],
      ["envoy", 38, 175, 88],
      ["datadog-agent", 64, 512, 256], // unmeasured: kept
    ]);
    // Nothing else moved: put the old sizes back and it is the original, byte for byte.
    const back = structuredClone(td);
    back.cpu = original.cpu;
    back.memory = original.memory;
    back.containerDefinitions.forEach((c: Record<string, unknown>, i: number) => {
      for (const k of ["cpu", "memory", "memoryReservation"]) c[k] = original.containerDefinitions[i]![k];
    });
    expect(JSON.stringify(back)).toBe(JSON.stringify(original));
    expect(JSON.parse(read(out, "shop-fargate/cart-api/update-service.json"))).toEqual({
      cluster: "shop-fargate",
      service: "cart-api",
      taskDefinition: "cart-api",
    });
  });

  it("the autoscaling and capacity provider inputs carry the advice's numbers", () => {
    expect(JSON.parse(read(out, "shop-fargate/webhooks/register-scalable-target.json"))).toEqual({
      ServiceNamespace: "ecs",
      ResourceId: "service/shop-fargate/webhooks",
      ScalableDimension: "ecs:service:DesiredCount",
      MinCapacity: 3,
      MaxCapacity: 8,
    });
    expect(JSON.parse(read(out, "shop-fargate/webhooks/put-scaling-policy.json")).TargetTrackingScalingPolicyConfiguration).toEqual({
      TargetValue: 60,
      PredefinedMetricSpecification: { PredefinedMetricType: "ECSServiceAverageCPUUtilization" },
    });
    expect(
      JSON.parse(read(out, "core-ec2/capacity-provider-core-ec2-asg.json")).autoScalingGroupProvider.managedScaling.targetCapacity,
    ).toBe(82);
    const sh = read(out, "commands.sh").split("\n");
    const cart = sh.indexOf("aws ecs register-task-definition --cli-input-json 'file://shop-fargate/cart-api/task-definition.json'");
    expect(cart).toBeGreaterThan(0);
    expect(sh[cart + 1]).toBe("aws ecs update-service --cli-input-json 'file://shop-fargate/cart-api/update-service.json'");
    expect(sh.at(-3)).toBe("aws ecs update-capacity-provider --cli-input-json 'file://core-ec2/capacity-provider-core-ec2-asg.json'");
  });

  it("every task definition it wrote passes check against the same report", async () => {
    const tds = files(out)
      .filter((f) => f.endsWith("/task-definition.json"))
      .map((f) => join(out, f));
    expect(tds).toHaveLength(32); // 35 services, 3 of them with autoscaling advice only
    const r = await cli(["check", ...tds, "--demo", "--format", "json"]);
    const result = JSON.parse(r.stdout);
    const failed = result.files.filter((f: { verdict: string }) => f.verdict === "fail" || f.verdict === "error");
    expect(failed).toEqual([]);
    expect(r.code).toBe(0);
  });

  it("never replaces a folder with something in it unless asked; --force replaces it whole", async () => {
    const mine = join(dir, "mine");
    mkdirSync(mine);
    writeFileSync(join(mine, "notes.txt"), "keep me");
    const r = await cli(["export", "--demo", "--out", mine]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `ecs-advisor: --out ${mine} is not empty\n  hint: give a new folder, or --force to replace it (everything in it goes)\n`,
    );
    expect(read(mine, "notes.txt")).toBe("keep me");
    const forced = await cli(["export", "--demo", "--out", mine, "--force"]);
    expect(forced.code).toBe(0);
    expect(existsSync(join(mine, "notes.txt"))).toBe(false);
    expect(existsSync(join(mine, "README.md"))).toBe(true);
    expect(readdirSync(dir).filter((f) => f.includes("ecs-advisor-"))).toEqual([]); // no temporary folder left
  });

  it("--min-confidence high leaves out the medium and low ones' sizes", () => {
    const snapshot = loadSaved({ demo: true }, "/").snapshot;
    const definitions = new Map(snapshot.taskDefinitions.map((t) => [taskDefinitionRef(t), demoDefinition(t)]));
    const plan = buildExport({ report: demoReport(), snapshot, definitions, minConfidence: "high" });
    const index = JSON.parse(plan.files.find((f) => f.path === "export.json")!.content);
    expect(index.services.some((s: { service: string }) => s.service === "legacy-soap")).toBe(false); // medium
    expect(index.services.some((s: { service: string }) => s.service === "pricing-engine")).toBe(false); // low
    expect(index.services.every((s: { confidence: string }) => s.confidence === "high")).toBe(true);
  });
});

describe("export with hostile names", () => {
  it("a name cannot climb out of the folder or out of a comment in commands.sh", () => {
    const report = structuredClone(demoReport()) as ReturnType<typeof demoReport>;
    const cart = report.services.find((s) => s.service === "cart-api")!;
    (cart as { service: string }).service = "../../etc/x\nrm -rf ~ #";
    const snapshot = loadSaved({ demo: true }, "/").snapshot;
    const definitions = new Map(snapshot.taskDefinitions.map((t) => [taskDefinitionRef(t), demoDefinition(t)]));
    const plan = buildExport({ report, snapshot, definitions });
    const paths = plan.files.map((f) => f.path);
    expect(paths).toContain("shop-fargate/__.._etc_x_rm_-rf____/task-definition.json");
    expect(paths.every((p) => !p.split("/").includes(".."))).toBe(true);
    const sh = plan.files.find((f) => f.path === "commands.sh")!.content;
    expect(sh.split("\n").filter((l) => l.startsWith("rm "))).toEqual([]);
    expect(safeSegment("..")).toBe("_");
  });

  it("read-only fields of a described task definition are dropped; tags ride along", () => {
    const input = registerInputOf(
      {
        taskDefinitionArn: "arn:…:task-definition/x:3",
        family: "x",
        revision: 3,
        status: "ACTIVE",
        requiresAttributes: [{ name: "com.amazonaws.ecs.capability.logging-driver.awslogs" }],
        compatibilities: ["EC2", "FARGATE"],
        registeredAt: "2026-01-01T00:00:00Z",
        registeredBy: "arn:aws:iam::1:user/x",
        containerDefinitions: [{ name: "app", image: "x" }],
        cpu: "256",
        memory: "512",
      },
      [{ key: "team", value: "a" }],
    );
    expect(input).toEqual({
      family: "x",
      containerDefinitions: [{ name: "app", image: "x" }],
      cpu: "256",
      memory: "512",
      tags: [{ key: "team", value: "a" }],
    });
  });
});

/** At most 8 at a time (moto_server answers several requests at once). */
async function inParallel<T>(items: readonly T[], fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(8, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

const SKIP = external("MOTO", motoAvailable(), "moto (python3 -m pip install 'moto[server]'; MOTO_PYTHON names another Python)").skip;

describe.skipIf(SKIP)("every file export writes for the demo is accepted by ECS and Application Auto Scaling (moto_server)", () => {
  let moto: Moto;
  let ecs: ECSClient;
  let aas: ApplicationAutoScalingClient;
  const out = join(dir, "demo"); // what the first describe wrote (written again if it ran alone)

  beforeAll(async () => {
    moto = (await sharedMoto())!;
    // us-west-2: this file's region on the shared moto_server.
    const cfg = { region: "us-west-2", endpoint: moto.url, credentials: CREDENTIALS, maxAttempts: 1 };
    ecs = new ECSClient(cfg);
    aas = new ApplicationAutoScalingClient(cfg);
    if (!existsSync(join(out, "commands.sh"))) expect((await cli(["export", "--demo", "--out", out])).code).toBe(0);
    // The demo estate as it runs now: its clusters, its task definitions as they are, its services, the capacity provider.
    const snapshot = loadSaved({ demo: true }, "/").snapshot;
    for (const c of snapshot.clusters) await ecs.send(new CreateClusterCommand({ clusterName: c.name }));
    await ecs.send(
      new CreateCapacityProviderCommand({
        name: "core-ec2-asg",
        autoScalingGroupProvider: {
          autoScalingGroupArn: "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:1:autoScalingGroupName/core-ec2",
          managedScaling: { status: "ENABLED", targetCapacity: 100 },
          managedTerminationProtection: "ENABLED",
        },
      }),
    );
    await inParallel(snapshot.services, async (s) => {
      const td = snapshot.taskDefinitions.find((t) => taskDefinitionRef(t) === s.taskDefinition)!;
      await ecs.send(new RegisterTaskDefinitionCommand(demoDefinition(td) as never));
      await ecs.send(
        new CreateServiceCommand({ cluster: s.cluster, serviceName: s.name, taskDefinition: td.family, desiredCount: s.desiredCount }),
      );
    });
  }, 120_000);

  afterAll(async () => {
    ecs?.destroy();
    aas?.destroy();
    await moto?.stop();
  });

  it("commands.sh's steps, in its order, through the SDK: every one accepted, and ECS then holds the advice", async () => {
    const steps = read(out, "commands.sh")
      .split("\n")
      .filter((l) => l.startsWith("aws "))
      .map((l) => ({ command: l.slice(0, l.indexOf(" --cli-input-json")), file: l.match(/'file:\/\/(.+)'$/)![1]! }));
    expect(steps).toHaveLength(80);
    // Each service's steps in commands.sh's order; services side by side; capacity providers after them all.
    const groups = new Map<string, typeof steps>();
    for (const step of steps) {
      const key = step.file.includes("/capacity-provider-") ? "~hosts" : dirname(step.file);
      groups.set(key, [...(groups.get(key) ?? []), step]);
    }
    const hosts = groups.get("~hosts") ?? [];
    groups.delete("~hosts");
    const run = async ({ command, file }: (typeof steps)[number]) => {
      const body = JSON.parse(read(out, file));
      const send = {
        "aws ecs register-task-definition": () => ecs.send(new RegisterTaskDefinitionCommand(body)),
        "aws ecs update-service": () => ecs.send(new UpdateServiceCommand(body)),
        "aws application-autoscaling register-scalable-target": () => aas.send(new RegisterScalableTargetCommand(body)),
        "aws application-autoscaling put-scaling-policy": () => aas.send(new PutScalingPolicyCommand(body)),
        "aws ecs update-capacity-provider": () => ecs.send(new UpdateCapacityProviderCommand(body)),
      }[command];
      expect(send, command).toBeDefined();
      await expect(send!(), `${command} ${file}`).resolves.toBeDefined();
    };
    await inParallel([...groups.values()], async (group) => {
      for (const step of group) await run(step);
    });
    for (const step of hosts) await run(step);
    // cart-api now runs revision 2 of its family, at the advised sizes.
    const svc = await ecs.send(new DescribeServicesCommand({ cluster: "shop-fargate", services: ["cart-api"] }));
    const running = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: svc.services![0]!.taskDefinition! }));
    expect(running.taskDefinition!.revision).toBe(2);
    expect([running.taskDefinition!.cpu, running.taskDefinition!.memory]).toEqual(["512", "2048"]);
    expect(running.taskDefinition!.containerDefinitions!.map((c) => [c.name, c.cpu, c.memory, c.memoryReservation])).toEqual([
      ["app", 248, 1138, 911],
      ["envoy", 38, 175, 88],
      ["datadog-agent", 64, 512, 256],
    ]);
    const targets = await aas.send(
      new DescribeScalableTargetsCommand({ ServiceNamespace: "ecs", ResourceIds: ["service/shop-fargate/webhooks"] }),
    );
    expect([targets.ScalableTargets![0]!.MinCapacity, targets.ScalableTargets![0]!.MaxCapacity]).toEqual([3, 8]);
    const policies = await aas.send(
      new DescribeScalingPoliciesCommand({ ServiceNamespace: "ecs", ResourceId: "service/shop-fargate/webhooks" }),
    );
    expect(policies.ScalingPolicies!.map((p) => [p.PolicyName, p.TargetTrackingScalingPolicyConfiguration?.TargetValue])).toEqual([
      ["ecs-advisor-cpu60", 60],
    ]);
  }, 60_000);
});

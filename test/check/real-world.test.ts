// Issue #15: task definitions as teams commit them — CloudFormation with intrinsic functions in the names,
// units written the ways ECS accepts, byte-order marks, container sizes as strings, templated families.
// Each case's verdict is worked out by hand from the file and the ECS documentation it cites.
import { describe, expect, it } from "vitest";
import { parseTaskDefinitions } from "../../src/collect/taskdef-file.js";
import { UserError } from "../../src/errors.js";
import { cli, ROOT } from "../helpers/cli.js";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const refusal = (text: string, file: string): string => {
  try {
    parseTaskDefinitions(text, file);
  } catch (e) {
    if (e instanceof UserError) return e.message;
    throw e;
  }
  throw new Error("was not refused");
};

const SUB_TEMPLATE = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  ContainerName:
    Type: String
  Image:
    Type: String
    Default: public.ecr.aws/nginx/nginx:1.27
Resources:
  AppTask:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: !Sub '\${AWS::StackName}-app'
      Cpu: "512"
      Memory: "1024"
      NetworkMode: awsvpc
      RequiresCompatibilities: [FARGATE]
      ContainerDefinitions:
        - Name: !Ref ContainerName
          Image: !Ref Image
          Essential: true
        - Name: !Join ["-", [log, router]]
          Image: public.ecr.aws/aws-observability/aws-for-fluent-bit:stable
          MemoryReservation: 50
`;

describe("names check cannot evaluate do not stop it (only cpu and memory decide a verdict)", () => {
  it("a Family written with !Sub and container names from a Ref without Default or !Join: read, with notes", () => {
    const [p] = parseTaskDefinitions(SUB_TEMPLATE, "stack.yaml");
    expect(p!.family).toBeUndefined();
    expect(p!.name).toBe("AppTask");
    expect([p!.taskDefinition.cpu, p!.taskDefinition.memory]).toEqual([512, 1024]);
    expect(p!.taskDefinition.containers.map((c) => c.name)).toEqual(["container 1", "container 2"]);
    expect(p!.taskDefinition.containers[1]!.memoryReservation).toBe(50);
    expect(p!.notes).toEqual([
      "AppTask's Family uses Fn::Sub, so it is matched by its logical ID AppTask (or name the service with --service cluster/name)",
      'AppTask: container 1\'s Name is a Ref to ContainerName; it is called "container 1" here',
      'AppTask: container 2\'s Name uses Fn::Join; it is called "container 2" here',
    ]);
  });

  it("an unresolvable Cpu refuses the definition, naming Cpu — not the Family that comes first in the file", () => {
    const text = SUB_TEMPLATE.replace('Cpu: "512"', "Cpu: !Ref TaskCpu").replace(
      "Parameters:\n",
      "Parameters:\n  TaskCpu:\n    Type: String\n",
    );
    expect(refusal(text, "stack.yaml")).toBe("stack.yaml:15: Cpu is a Ref to TaskCpu, which has no Default to check");
  });

  it("with --service the !Sub template is checked against that service, and the note is in the result", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ecs-advisor-rw-"));
    writeFileSync(join(dir, "stack.yaml"), SUB_TEMPLATE);
    const r = await cli(["check", join(dir, "stack.yaml"), "--demo", "--service", "shop-fargate/cart-api", "--format", "json"], {
      cwd: dir,
    });
    const out = JSON.parse(r.stdout);
    expect(out.taskDefinitions[0].services.map((s: { service: string }) => s.service)).toEqual(["cart-api"]);
    expect(out.warnings.map((w: { code: string }) => w.code)).toContain("task-definition-note");
    expect(out.warnings.find((w: { message: string }) => w.message.includes("Fn::Sub")).message).toBe(
      `${join(dir, "stack.yaml")}:10: AppTask's Family uses Fn::Sub, so it is matched by its logical ID AppTask (or name the service with --service cluster/name)`,
    );
  });
});

describe("units as ECS accepts them, in a file", () => {
  it.each([
    ['".25 vcpu"', '".5 gb"', 256, 512],
    ['"0.25 vCPU"', '"0.5GB"', 256, 512],
    ['"1 VCPU"', '"2 Gb"', 1024, 2048],
    ['"256"', '"512"', 256, 512],
    ["256", "512", 256, 512],
  ])("cpu %s, memory %s → %i units, %i MiB", (cpu, memory, units, mib) => {
    const text = `{"family": "api", "cpu": ${cpu}, "memory": ${memory}, "containerDefinitions": [{"name": "app", "image": "x"}]}`;
    const [p] = parseTaskDefinitions(text, "api.json");
    expect([p!.taskDefinition.cpu, p!.taskDefinition.memory]).toEqual([units, mib]);
  });

  it.each([
    ['"512 MiB"', 'memory "512 MiB" is not a memory value ECS accepts'],
    ['"0.5 GiB"', 'memory "0.5 GiB" is not a memory value ECS accepts'],
    ['"2048.5"', 'memory "2048.5" is not a memory value ECS accepts'],
  ])("memory %s is refused: %s", (memory, message) => {
    const text = `{"family": "api", "cpu": "256", "memory": ${memory}, "containerDefinitions": [{"name": "app", "image": "x"}]}`;
    expect(refusal(text, "api.json")).toBe(`api.json:1: ${message}`);
  });
});

describe("files as editors and pipelines leave them", () => {
  it("a byte-order mark before the JSON is not part of it", () => {
    const [p] = parseTaskDefinitions(
      `\uFEFF{"family": "api", "cpu": "256", "memory": "512", "containerDefinitions": [{"name": "app", "image": "x"}]}`,
      "api.json",
    );
    expect(p!.family).toBe("api");
  });

  it("a container's cpu or memory as a string is refused as ECS refuses it (register-task-definition takes numbers there)", () => {
    const text = `{
  "family": "api",
  "containerDefinitions": [
    {"name": "app", "image": "x", "cpu": "256", "memory": 512}
  ]
}`;
    expect(refusal(text, "api.json")).toBe("api.json:4: app's cpu is the string \"256\", which ECS refuses: a container's cpu is a number");
  });

  it("a size that is still a template placeholder is refused as such, not as an unknown unit", () => {
    const text = `{"family": "api", "cpu": "{{ .Values.cpu }}", "memory": "512", "containerDefinitions": [{"name": "app", "image": "x"}]}`;
    expect(refusal(text, "api.json")).toBe(
      'api.json:1: cpu "{{ .Values.cpu }}" is a template placeholder that was not filled in, so check cannot judge it',
    );
  });

  it("a family that is still a template placeholder is matched as written, with a note", () => {
    const text = `{"family": "{{ must_env \`ECS_SERVICE\` }}", "cpu": "256", "memory": "512", "containerDefinitions": [{"name": "app", "image": "x"}]}`;
    const [p] = parseTaskDefinitions(text, "ecspresso.json");
    expect(p!.notes).toEqual([
      '{{ must_env `ECS_SERVICE` }}: the family "{{ must_env `ECS_SERVICE` }}" looks like a template placeholder that was not filled in; it is matched as written (render the template first, or name the service with --service cluster/name)',
    ]);
  });
});

describe("GPU tasks and architecture changes", () => {
  const withChange = (file: string, change: (td: Record<string, unknown>) => void): string => {
    const td = JSON.parse(readFileSync(join(ROOT, "fixtures/taskdefs", file), "utf8")) as Record<string, unknown>;
    change(td);
    const dir = mkdtempSync(join(tmpdir(), "ecs-advisor-rw-"));
    writeFileSync(join(dir, file), JSON.stringify(td, null, 2));
    return join(dir, file);
  };
  type Containers = Array<Record<string, unknown>>;

  it("reads a container's GPU requirement", () => {
    const text = `{"family": "train", "containerDefinitions": [{"name": "app", "image": "x", "memory": 4096, "resourceRequirements": [{"type": "GPU", "value": "2"}]}]}`;
    expect(parseTaskDefinitions(text, "train.json")[0]!.taskDefinition.containers[0]!.gpu).toBe(2);
  });

  it("a GPU task on Fargate is refused as Fargate would refuse it", async () => {
    const file = withChange("cart-api-rightsized.json", (td) => {
      (td.containerDefinitions as Containers)[0]!.resourceRequirements = [{ type: "GPU", value: "1" }];
    });
    const r = await cli(["check", file, "--demo", "--format", "json"]);
    expect(r.code).toBe(1);
    const v = JSON.parse(r.stdout).taskDefinitions[0].violations;
    expect(v.map((x: { rule: string; message: string }) => [x.rule, x.message])).toContainEqual([
      "invalid-fargate-size",
      "cart-api reserves 1 GPU, and Fargate runs no GPU tasks: it needs EC2 GPU instances",
    ]);
  });

  it("on EC2: checked against the cluster's instances (no GPU type there), and never called over-provisioned", async () => {
    // api-gateway on core-ec2 (c5.2xlarge, m5.xlarge hosts), app given 16 GiB reserved — far above its need — and a GPU.
    const file = withChange("api-gateway-ec2-sidecar.json", (td) => {
      const app = (td.containerDefinitions as Containers)[0]!;
      app.memory = 16384;
      app.memoryReservation = 16384;
      app.resourceRequirements = [{ type: "GPU", value: "1" }];
    });
    const r = await cli(["check", file, "--demo", "--format", "json"]);
    const out = JSON.parse(r.stdout);
    expect(out.taskDefinitions[0].violations.map((x: { rule: string }) => x.rule)).not.toContain("overprovisioned");
    expect(out.warnings.find((w: { code: string }) => w.code === "no-gpu-capacity").message).toBe(
      "core-ec2/api-gateway: api-gateway reserves 1 GPU, but none of core-ec2's instances (c5.2xlarge, m5.xlarge) has a GPU: its tasks could not be placed",
    );
    // The same file without the GPU is over-provisioned: the rule is skipped for the GPU, nothing else.
    const plain = withChange("api-gateway-ec2-sidecar.json", (td) => {
      Object.assign((td.containerDefinitions as Containers)[0]!, { memory: 16384, memoryReservation: 16384 });
    });
    const again = JSON.parse((await cli(["check", plain, "--demo", "--format", "json"])).stdout);
    expect(again.taskDefinitions[0].violations.map((x: { rule: string }) => x.rule)).toContain("overprovisioned");
  });

  it("a move from x86 to ARM64 is named, and the proposal priced at ARM64's Fargate rates", async () => {
    // cart-api 512 / 2 GB on 3 tasks at ARM64 rates: 3 × (0.5 × 0.03238 + 2 × 0.00356) × 730 = $51.05
    // (at x86 rates it would be $63.79); today's $255.18 stays at x86 rates.
    const file = withChange("cart-api-rightsized.json", (td) => {
      td.runtimePlatform = { cpuArchitecture: "ARM64", operatingSystemFamily: "LINUX" };
    });
    const out = JSON.parse((await cli(["check", file, "--demo", "--format", "json"])).stdout);
    const s = out.taskDefinitions[0].services[0];
    expect([s.current.monthlyUsd, s.proposed.monthlyUsd]).toEqual([255.18, 51.05]);
    // The recommendation beside it (512 / 2048) is priced at the same ARM64 rates, not x86's $63.79.
    expect(s.recommended).toEqual({ cpu: 512, memory: 2048, monthlyUsd: 51.05 });
    expect(out.warnings.find((w: { code: string }) => w.code === "architecture-change").message).toBe(
      "shop-fargate/cart-api: moves from X86_64 to ARM64 — every image must be built for ARM64; each side is priced at its own rates",
    );
  });
});

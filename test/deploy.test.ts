// deploy/read-only-role.cfn.yaml: the read-only role every account gets for --role-arn. Its policy is the
// README's, action for action; deployed to moto's CloudFormation, it makes the role with that policy and a
// trust policy for the account that runs ecs-advisor (with the external id when one is given).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
} from "@aws-sdk/client-cloudformation";
import { CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand, EC2Client } from "@aws-sdk/client-ec2";
import { DescribeTaskDefinitionCommand, ECSClient } from "@aws-sdk/client-ecs";
import { GetRoleCommand, GetRolePolicyCommand, IAMClient } from "@aws-sdk/client-iam";
import { afterAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { ROOT } from "./helpers/cli.js";
import { external } from "./helpers/external.js";
import { CREDENTIALS, type Moto, motoAvailable, sharedMoto } from "./helpers/moto.js";

const read = (p: string) => readFileSync(join(ROOT, p), "utf8");
const TEMPLATE = read("deploy/read-only-role.cfn.yaml");
const readmePolicy = () =>
  JSON.parse(/```json\n(\{\s*"Version"[\s\S]*?)```/.exec(read("README.md"))![1]!) as { Statement: Array<{ Action: string[] }> };

interface Template {
  Resources: {
    EcsAdvisorReadOnlyRole: { Properties: { Policies: Array<{ PolicyDocument: { Statement: Array<{ Action: string[] }> } }> } };
  };
}

describe("the read-only role's template", () => {
  it("grants exactly the README's policy, action for action, and nothing that writes", () => {
    const t = YAML.parse(TEMPLATE) as Template;
    const actions = t.Resources.EcsAdvisorReadOnlyRole.Properties.Policies[0]!.PolicyDocument.Statement.flatMap((s) => s.Action);
    expect(actions).toEqual(readmePolicy().Statement.flatMap((s) => s.Action));
    for (const a of actions) expect(a).toMatch(/^[a-z-]+:(List|Describe|Get)[A-Za-z]+$/);
  });
});

/**
 * IAM answers with URL-encoded JSON. moto's CloudFormation stores an inline policy as Python's repr of it
 * ({'Version': …}), a moto deviation: read that too (the policy holds no quotes of its own).
 */
function policyJson(text: string): unknown {
  const decoded = decodeURIComponent(text);
  return JSON.parse(decoded.startsWith("{'") ? decoded.replace(/'/g, '"') : decoded);
}

const SKIP = external("MOTO", motoAvailable(), "moto (python3 -m pip install 'moto[server]'; MOTO_PYTHON names another Python)").skip;
/** This file's region on the shared moto_server. */
const REGION = "sa-east-1";

describe.skipIf(SKIP)("the read-only role deployed to moto's CloudFormation", () => {
  let moto: Moto | undefined;
  afterAll(async () => {
    await moto?.stop();
  });

  it("creates the role: the policy, and a trust policy for the running account with the external id", async () => {
    moto = (await sharedMoto())!;
    const cfg = { region: REGION, endpoint: moto.url, credentials: CREDENTIALS, maxAttempts: 1 };
    const cfn = new CloudFormationClient(cfg);
    const iam = new IAMClient({ ...cfg, region: "us-east-1" });
    try {
      await cfn.send(
        new CreateStackCommand({
          StackName: "ecs-advisor-read-only",
          TemplateBody: TEMPLATE,
          Capabilities: ["CAPABILITY_NAMED_IAM"],
          Parameters: [
            { ParameterKey: "TrustedAccountId", ParameterValue: "999999999999" },
            { ParameterKey: "ExternalId", ParameterValue: "ext-42" },
          ],
        }),
      );
      const stack = (await cfn.send(new DescribeStacksCommand({ StackName: "ecs-advisor-read-only" }))).Stacks![0]!;
      expect(stack.StackStatus).toBe("CREATE_COMPLETE");
      const arn = stack.Outputs!.find((o) => o.OutputKey === "RoleArn")!.OutputValue!;
      expect(arn).toMatch(/^arn:aws:iam::\d{12}:role\/EcsAdvisorReadOnly$/);

      const role = (await iam.send(new GetRoleCommand({ RoleName: "EcsAdvisorReadOnly" }))).Role!;
      expect(role.MaxSessionDuration).toBe(3600);
      const trust = JSON.parse(decodeURIComponent(role.AssumeRolePolicyDocument!)) as {
        Statement: Array<{ Principal: { AWS: string }; Action: string; Condition?: unknown }>;
      };
      expect(trust.Statement).toEqual([
        {
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::999999999999:root" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "sts:ExternalId": "ext-42" } },
        },
      ]);
      const policy = await iam.send(new GetRolePolicyCommand({ RoleName: "EcsAdvisorReadOnly", PolicyName: "EcsAdvisorReadOnly" }));
      const doc = policyJson(policy.PolicyDocument!) as { Statement: Array<{ Action: string[] }> };
      expect(doc.Statement.flatMap((s) => s.Action)).toEqual(readmePolicy().Statement.flatMap((s) => s.Action));
    } finally {
      cfn.destroy();
      iam.destroy();
    }
  }, 60_000);
});

const SCHEDULED = read("deploy/scheduled-report.cfn.yaml");

interface ScheduledTemplate {
  Resources: {
    TaskRole: {
      Properties: { Policies: Array<{ PolicyName: string; PolicyDocument: { Statement: Array<{ Action: string | string[] }> } }> };
    };
  };
}

describe("the weekly report's template (EventBridge Scheduler → Fargate task)", () => {
  it("its task role reads exactly what the read-only role reads, and may only list, get and put under the history prefix", () => {
    const t = YAML.parse(SCHEDULED) as ScheduledTemplate;
    const [readOnly, history] = t.Resources.TaskRole.Properties.Policies;
    expect(readOnly!.PolicyDocument.Statement.flatMap((s) => s.Action)).toEqual(readmePolicy().Statement.flatMap((s) => s.Action));
    expect(history!.PolicyDocument.Statement.flatMap((s) => s.Action)).toEqual(["s3:ListBucket", "s3:GetObject", "s3:PutObject"]);
  });

  it("its schedule starts that task definition on that cluster as Fargate, in the given subnets, with a role that may only run it", () => {
    const t = YAML.parse(SCHEDULED) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    const schedule = t.Resources.Schedule!;
    expect(schedule.Type).toBe("AWS::Scheduler::Schedule");
    expect(schedule.Properties.Target).toEqual({
      Arn: { "Fn::GetAtt": ["Cluster", "Arn"] },
      RoleArn: { "Fn::GetAtt": ["SchedulerRole", "Arn"] },
      RetryPolicy: { MaximumRetryAttempts: 2 },
      EcsParameters: {
        TaskDefinitionArn: { Ref: "TaskDefinition" },
        LaunchType: "FARGATE",
        PlatformVersion: "LATEST",
        NetworkConfiguration: {
          AwsvpcConfiguration: {
            Subnets: { Ref: "SubnetIds" },
            SecurityGroups: { Ref: "SecurityGroupIds" },
            AssignPublicIp: { Ref: "AssignPublicIp" },
          },
        },
      },
    });
    const run = t.Resources.SchedulerRole!.Properties.Policies as Array<{ PolicyDocument: { Statement: Array<{ Action: string }> } }>;
    expect(run[0]!.PolicyDocument.Statement.map((x) => x.Action)).toEqual(["ecs:RunTask", "iam:PassRole"]);
  });

  it.skipIf(SKIP)(
    "deploys to moto's CloudFormation: the bucket, the task definition running report --history … --slack-webhook, the roles, the schedule",
    async () => {
      const moto = (await sharedMoto())!;
      const region = "ap-northeast-1"; // this test's own region on the shared moto_server
      const cfg = { region, endpoint: moto.url, credentials: CREDENTIALS, maxAttempts: 1 };
      const ec2 = new EC2Client(cfg);
      const cfn = new CloudFormationClient(cfg);
      const ecs = new ECSClient(cfg);
      const iam = new IAMClient({ ...cfg, region: "us-east-1" });
      try {
        const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: "10.9.0.0/16" }));
        const subnet = await ec2.send(new CreateSubnetCommand({ VpcId: vpc.Vpc!.VpcId!, CidrBlock: "10.9.1.0/24" }));
        const sg = await ec2.send(new CreateSecurityGroupCommand({ GroupName: "ecs-advisor", Description: "out", VpcId: vpc.Vpc!.VpcId! }));
        const secret = `arn:aws:secretsmanager:${region}:123456789012:secret:ecs-advisor/slack-webhook-AbCdEf`;
        await cfn.send(
          new CreateStackCommand({
            StackName: "ecs-advisor-weekly",
            TemplateBody: SCHEDULED,
            Capabilities: ["CAPABILITY_NAMED_IAM"],
            Parameters: [
              { ParameterKey: "ImageUri", ParameterValue: "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/ecs-advisor:1" },
              { ParameterKey: "SubnetIds", ParameterValue: subnet.Subnet!.SubnetId! },
              { ParameterKey: "SecurityGroupIds", ParameterValue: sg.GroupId! },
              { ParameterKey: "SlackWebhookSecretArn", ParameterValue: secret },
              { ParameterKey: "Regions", ParameterValue: "ap-northeast-1,us-east-1" },
            ],
          }),
        );
        const stack = (await cfn.send(new DescribeStacksCommand({ StackName: "ecs-advisor-weekly" }))).Stacks![0]!;
        expect(stack.StackStatus, stack.StackStatusReason).toBe("CREATE_COMPLETE");
        const out = Object.fromEntries(stack.Outputs!.map((o) => [o.OutputKey, o.OutputValue]));
        expect(out.HistoryLocation).toBe(`s3://${out.HistoryBucket}/ecs-advisor/history/`);
        const resources = (await cfn.send(new DescribeStackResourcesCommand({ StackName: "ecs-advisor-weekly" }))).StackResources!;
        // moto's CloudFormation has no AWS::Scheduler::Schedule: it makes everything else and skips that one
        // (docs/history.md says what moto cannot verify; the schedule's own test is structural, above).
        expect(
          resources
            .map((r) => r.LogicalResourceId)
            .filter(Boolean)
            .sort(),
        ).toEqual(["Cluster", "ExecutionRole", "HistoryBucket", "LogGroup", "SchedulerRole", "TaskDefinition", "TaskRole"]);

        const td = (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: out.TaskDefinitionArn! }))).taskDefinition!;
        const c = td.containerDefinitions![0]!;
        // No --report-url: the parameter was left empty, so both words are left out.
        expect(c.command).toEqual([
          "report",
          "--region",
          "ap-northeast-1,us-east-1",
          "--history",
          out.HistoryLocation,
          "--slack-webhook",
          "--no-interactive",
        ]);
        expect(c.secrets).toEqual([{ name: "SLACK_WEBHOOK_URL", valueFrom: secret }]);
        // moto's CloudFormation keeps the memory but drops Cpu, NetworkMode and RequiresCompatibilities (a moto gap).
        expect(td.memory).toBe("2048");

        // The task role as IAM has it: the read-only policy and the history statement.
        const taskRole = resources.find((r) => r.LogicalResourceId === "TaskRole")!.PhysicalResourceId!;
        const history = await iam.send(new GetRolePolicyCommand({ RoleName: taskRole, PolicyName: "EcsAdvisorHistory" }));
        const doc = policyJson(history.PolicyDocument!) as { Statement: Array<{ Action: string | string[]; Resource: string }> };
        expect(doc.Statement[1]!.Resource).toBe(`arn:aws:s3:::${out.HistoryBucket}/ecs-advisor/history/*`);
      } finally {
        for (const c of [ec2, cfn, ecs, iam]) c.destroy();
      }
    },
    60_000,
  );
});

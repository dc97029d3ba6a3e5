// deploy/read-only-role.cfn.yaml: the read-only role every account gets for --role-arn. Its policy is the
// README's, action for action; deployed to moto's CloudFormation, it makes the role with that policy and a
// trust policy for the account that runs ecs-advisor (with the external id when one is given).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
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

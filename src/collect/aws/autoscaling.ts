// Application Auto Scaling: the region's ECS scalable targets and their policies (namespace "ecs").
import {
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  type ScalableTarget,
  type ScalingPolicy,
} from "@aws-sdk/client-application-auto-scaling";
import type { Aws } from "./clients.js";

export async function ecsScaling(aws: Aws): Promise<{ targets: ScalableTarget[]; policies: ScalingPolicy[] }> {
  const targets: ScalableTarget[] = [];
  let token: string | undefined;
  do {
    const r = await aws.call("application-autoscaling:DescribeScalableTargets", () =>
      aws.autoscaling.send(new DescribeScalableTargetsCommand({ ServiceNamespace: "ecs", MaxResults: 50, NextToken: token })),
    );
    targets.push(...(r.ScalableTargets ?? []));
    token = r.NextToken;
  } while (token);
  const policies: ScalingPolicy[] = [];
  token = undefined;
  do {
    const r = await aws.call("application-autoscaling:DescribeScalingPolicies", () =>
      aws.autoscaling.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: "ecs", MaxResults: 50, NextToken: token })),
    );
    policies.push(...(r.ScalingPolicies ?? []));
    token = r.NextToken;
  } while (token);
  return { targets, policies };
}

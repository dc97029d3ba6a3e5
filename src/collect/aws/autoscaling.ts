// Application Auto Scaling: the region's ECS scalable targets and their policies (namespace "ecs").
import {
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  type ScalableTarget,
  type ScalingPolicy,
} from "@aws-sdk/client-application-auto-scaling";
import type { Aws } from "./clients.js";
import { pages } from "./pages.js";

export async function ecsScaling(aws: Aws): Promise<{ targets: ScalableTarget[]; policies: ScalingPolicy[] }> {
  const targets = await pages(async (NextToken) => {
    const r = await aws.call("application-autoscaling:DescribeScalableTargets", () =>
      aws.autoscaling.send(new DescribeScalableTargetsCommand({ ServiceNamespace: "ecs", MaxResults: 50, NextToken })),
    );
    return { items: r.ScalableTargets, next: r.NextToken };
  });
  const policies = await pages(async (NextToken) => {
    const r = await aws.call("application-autoscaling:DescribeScalingPolicies", () =>
      aws.autoscaling.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: "ecs", MaxResults: 50, NextToken })),
    );
    return { items: r.ScalingPolicies, next: r.NextToken };
  });
  return { targets, policies };
}

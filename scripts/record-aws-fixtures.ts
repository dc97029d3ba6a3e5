// Records real AWS SDK outputs from moto_server (seeded as in the integration tests) into
// fixtures/aws/recorded/, for the pure mapper tests. Re-run after an SDK upgrade:
//   npx tsx scripts/record-aws-fixtures.ts
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
} from "@aws-sdk/client-application-auto-scaling";
import {
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListContainerInstancesCommand,
  ListTasksCommand,
} from "@aws-sdk/client-ecs";
import { CREDENTIALS, seedEstate, startMoto } from "../test/helpers/moto.js";

const OUT = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "aws", "recorded");
const moto = await startMoto();
if (!moto) {
  console.error("moto_server is not installed");
  process.exit(2);
}
try {
  await seedEstate(moto.url, Date.parse("2026-11-20T12:00:00Z"));
  const cfg = { region: "us-east-1", endpoint: moto.url, credentials: CREDENTIALS };
  const ecs = new ECSClient(cfg);
  const aas = new ApplicationAutoScalingClient(cfg);
  const strip = (o: object) => JSON.parse(JSON.stringify(o, (k, v: unknown) => (k === "$metadata" ? undefined : v))) as object;
  const record: Record<string, object> = {
    "DescribeClusters.json": await ecs.send(new DescribeClustersCommand({ clusters: ["web", "batch"], include: ["SETTINGS"] })),
    "DescribeServices-web.json": await ecs.send(new DescribeServicesCommand({ cluster: "web", services: ["web-api"] })),
    "DescribeServices-batch.json": await ecs.send(new DescribeServicesCommand({ cluster: "batch", services: ["worker"] })),
    "DescribeTaskDefinition-web-api.json": await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: "web-api:1" })),
    "DescribeTaskDefinition-worker.json": await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: "worker:1" })),
    "DescribeScalableTargets.json": await aas.send(new DescribeScalableTargetsCommand({ ServiceNamespace: "ecs" })),
    "DescribeScalingPolicies.json": await aas.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: "ecs" })),
  };
  const cis = await ecs.send(new ListContainerInstancesCommand({ cluster: "batch" }));
  record["DescribeContainerInstances.json"] = await ecs.send(
    new DescribeContainerInstancesCommand({ cluster: "batch", containerInstances: cis.containerInstanceArns }),
  );
  const stopped = await ecs.send(new ListTasksCommand({ cluster: "batch", desiredStatus: "STOPPED" }));
  record["DescribeTasks-stopped.json"] = await ecs.send(new DescribeTasksCommand({ cluster: "batch", tasks: stopped.taskArns }));
  mkdirSync(OUT, { recursive: true });
  for (const [name, value] of Object.entries(record)) writeFileSync(join(OUT, name), `${JSON.stringify(strip(value), null, 2)}\n`);
  console.log(`recorded ${Object.keys(record).length} responses into ${OUT}`);
  ecs.destroy();
  aas.destroy();
} finally {
  await moto.stop();
}

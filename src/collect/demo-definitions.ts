// The demo fleet's task definitions in full (what DescribeTaskDefinition would give, as register input), for
// `export --demo`: the snapshot keeps only the sizing fields. Deterministic; built from those fields.
import type { TaskDefinition } from "../model/snapshot.js";
import type { RegisterInput } from "../report/export.js";

const ACCOUNT = "123456789012";
const REGION = "us-east-1";

const SIDECAR_IMAGES: Record<string, string> = {
  envoy: "public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.12.1-prod",
  "datadog-agent": "public.ecr.aws/datadog/agent:7.59.0",
  "log-router": "public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.4",
};

export function demoDefinition(td: TaskDefinition): RegisterInput {
  const fargate = td.requiresCompatibilities?.includes("FARGATE") ?? false;
  const awsvpc = td.networkMode === "awsvpc";
  const web = /api|gateway|portal|upload|store|render|resizer|flags|webhooks|chat/.test(td.family);
  const containerDefinitions = td.containers.map((c, i) => {
    const app = i === 0;
    return {
      name: c.name,
      image: SIDECAR_IMAGES[c.name] ?? `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${td.family}:2026.11.${td.revision}`,
      ...(c.cpu !== undefined ? { cpu: c.cpu } : {}),
      ...(c.memory !== undefined ? { memory: c.memory } : {}),
      ...(c.memoryReservation !== undefined ? { memoryReservation: c.memoryReservation } : {}),
      essential: c.essential !== false,
      ...(app && web ? { portMappings: [{ containerPort: 8080, ...(awsvpc ? {} : { hostPort: 0 }), protocol: "tcp" }] } : {}),
      ...(app
        ? {
            environment: [
              { name: "SERVICE_NAME", value: td.family },
              { name: "LOG_LEVEL", value: "info" },
            ],
            secrets: [{ name: "DATABASE_URL", valueFrom: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/${td.family}/database-url` }],
          }
        : {}),
      ...(app && web
        ? {
            healthCheck: {
              command: ["CMD-SHELL", "curl -fsS http://localhost:8080/health || exit 1"],
              interval: 30,
              timeout: 5,
              retries: 3,
              startPeriod: 60,
            },
          }
        : {}),
      logConfiguration: {
        logDriver: "awslogs",
        options: { "awslogs-group": `/ecs/${td.family}`, "awslogs-region": REGION, "awslogs-stream-prefix": c.name },
      },
      ...(c.gpu ? { resourceRequirements: [{ type: "GPU", value: String(c.gpu) }] } : {}),
    };
  });
  return {
    family: td.family,
    taskRoleArn: `arn:aws:iam::${ACCOUNT}:role/${td.family}-task`,
    executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/ecsTaskExecutionRole`,
    ...(td.networkMode ? { networkMode: td.networkMode } : {}),
    containerDefinitions,
    ...(td.requiresCompatibilities ? { requiresCompatibilities: [...td.requiresCompatibilities] } : {}),
    ...(td.cpu !== undefined ? { cpu: String(td.cpu) } : {}),
    ...(td.memory !== undefined ? { memory: String(td.memory) } : {}),
    ...(fargate ? { runtimePlatform: { cpuArchitecture: td.cpuArchitecture, operatingSystemFamily: td.operatingSystemFamily } } : {}),
    ...(td.ephemeralStorageGiB ? { ephemeralStorage: { sizeInGiB: td.ephemeralStorageGiB } } : {}),
    tags: [
      { key: "team", value: "platform" },
      { key: "service", value: td.family },
    ],
  };
}

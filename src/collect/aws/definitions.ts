// The full current task definitions of the services `export` changes: DescribeTaskDefinition (read-only),
// paced with the other task-definition reads, tags included where the caller may read them.
import { DescribeTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import { type RegisterInput, registerInputOf } from "../../report/export.js";
import { type Aws, AwsCallError, type ClientOptions, makeAws } from "./clients.js";
import { ECS_CONCURRENCY } from "./ecs.js";
import { fatal, isFatal } from "./errors.js";
import { mapLimit } from "./limits.js";

export interface Definitions {
  definitions: Map<string, RegisterInput>;
  /** Refs that could not be described, with why. */
  failed: Array<{ ref: string; message: string }>;
  /** Tags could not be read (ecs:ListTagsForResource denied): the inputs carry none, and the caller says so. */
  tagsUnread: boolean;
}

export async function describeDefinitions(client: ClientOptions, refs: readonly string[], given?: Aws): Promise<Definitions> {
  const aws = given ?? (await makeAws(client));
  const out: Definitions = { definitions: new Map(), failed: [], tagsUnread: false };
  try {
    await mapLimit([...new Set(refs)], ECS_CONCURRENCY, async (ref) => {
      const describe = (tags: boolean) =>
        aws.call("ecs:DescribeTaskDefinition", () =>
          aws.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: ref, ...(tags ? { include: ["TAGS"] } : {}) })),
        );
      try {
        let r: Awaited<ReturnType<typeof describe>>;
        try {
          r = await describe(!out.tagsUnread);
        } catch (e) {
          // Reading tags needs ecs:ListTagsForResource too: without it, the definition without its tags.
          if (!(e instanceof AwsCallError) || e.failure.kind !== "access-denied" || out.tagsUnread) throw e;
          out.tagsUnread = true;
          r = await describe(false);
        }
        if (!r.taskDefinition) out.failed.push({ ref, message: "DescribeTaskDefinition returned no task definition" });
        else out.definitions.set(ref, registerInputOf(r.taskDefinition as unknown as Record<string, unknown>, r.tags));
      } catch (e) {
        if (!(e instanceof AwsCallError)) throw e;
        if (isFatal(e.failure)) throw fatal(e.failure, { region: aws.region, endpoint: aws.endpoint });
        out.failed.push({ ref, message: e.failure.message });
      }
    });
  } finally {
    if (!given) aws.destroy();
  }
  return out;
}

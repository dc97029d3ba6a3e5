// The task-definition reader (issue #14): each revision described once, as soon as it is known, never more
// than ECS_CONCURRENCY at a time, and settled only when everything added (even while settling) is done.
import { describe, expect, it } from "vitest";
import type { Aws } from "../../src/collect/aws/clients.js";
import { ECS_CONCURRENCY, TaskDefinitionReader } from "../../src/collect/aws/ecs.js";

function fakeAws() {
  const state = { inFlight: 0, most: 0, asked: [] as string[] };
  const aws = {
    call: (_action: string, fn: () => Promise<unknown>) => fn(),
    ecs: {
      send: async (command: { input: { taskDefinition: string } }) => {
        state.asked.push(command.input.taskDefinition);
        state.most = Math.max(state.most, ++state.inFlight);
        await new Promise((r) => setImmediate(r));
        state.inFlight--;
        if (command.input.taskDefinition.startsWith("bad")) throw new Error("denied");
        return { taskDefinition: { family: command.input.taskDefinition } };
      },
    },
  } as unknown as Aws;
  return { aws, state };
}

describe("TaskDefinitionReader", () => {
  it("describes each ref once, at most ECS_CONCURRENCY at a time, failures per ref", async () => {
    const { aws, state } = fakeAws();
    const reader = new TaskDefinitionReader(aws);
    const refs = Array.from({ length: 100 }, (_, i) => `td-${i % 60}:1`);
    reader.add(refs.slice(0, 50));
    reader.add(refs.slice(50));
    reader.add(["bad:1"]);
    await reader.settled();
    expect(state.asked).toHaveLength(61);
    expect(state.most).toBe(ECS_CONCURRENCY);
    expect(reader.found).toHaveLength(60);
    expect(reader.failed.map((f) => f.arn)).toEqual(["bad:1"]);
  });

  it("refs added while settling are waited for too", async () => {
    const { aws, state } = fakeAws();
    const reader = new TaskDefinitionReader(aws, (done) => {
      if (done === 1) reader.add(["late:1"]);
    });
    reader.add(["a:1"]);
    await reader.settled();
    expect(state.asked).toEqual(["a:1", "late:1"]);
    expect(reader.found).toHaveLength(2);
  });
});

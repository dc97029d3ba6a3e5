// A loopback proxy between the AWS SDK and moto_server that injects what moto cannot: throttling (as AWS
// answers it, and as a bare HTTP 429 from a proxy), bursts of 500s, connection resets and requests never
// answered. Everything else is forwarded to moto unchanged. Requests are told apart by IAM action
// ("ecs:DescribeServices", from x-amz-target) and counted per action, so each fault hits a known request.
import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

const SERVICES: Record<string, string> = {
  AmazonEC2ContainerServiceV20141113: "ecs",
  GraniteServiceVersion20100801: "cloudwatch",
  AWSPriceListService: "pricing",
  AnyScaleFrontendService: "application-autoscaling",
};

export type Fault = "throttle-json" | "throttle-429" | "server-error" | "reset" | "stall";

export interface FaultProxy {
  url: string;
  /** Faults injected, by kind. */
  injected: Map<Fault, number>;
  stop(): Promise<void>;
}

/** `plan(action, n)`: the fault for the n-th request (from 1) of this IAM action, or undefined to forward it. */
export async function startFaultProxy(target: string, plan: (action: string, n: number) => Fault | undefined): Promise<FaultProxy> {
  const counts = new Map<string, number>();
  const injected = new Map<Fault, number>();
  const stalled: ServerResponse[] = [];
  const upstream = new URL(target);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const [prefix, op] = String(req.headers["x-amz-target"] ?? "").split(".");
    const service = SERVICES[prefix ?? ""] ?? "other";
    const action = `${service}:${op ?? req.url}`;
    const n = (counts.get(action) ?? 0) + 1;
    counts.set(action, n);
    const fault = plan(action, n);
    if (fault) injected.set(fault, (injected.get(fault) ?? 0) + 1);
    const json10 = service === "cloudwatch";
    const error = (status: number, type: string, message: string) => {
      const headers: Record<string, string> = {
        "content-type": json10 ? "application/x-amz-json-1.0" : "application/x-amz-json-1.1",
        "x-amzn-errortype": type,
      };
      if (json10) headers["x-amzn-query-error"] = `${type};${status >= 500 ? "Receiver" : "Sender"}`;
      res.writeHead(status, headers);
      res.end(JSON.stringify({ __type: json10 ? `com.amazonaws.cloudwatch#${type}` : type, message }));
    };
    switch (fault) {
      case "reset":
        req.socket.destroy();
        return;
      case "stall":
        stalled.push(res);
        return;
      case "throttle-429":
        res.writeHead(429, { "content-type": "text/plain" });
        res.end("Too Many Requests");
        return;
      case "throttle-json":
        error(400, json10 ? "Throttling" : "ThrottlingException", "Rate exceeded");
        return;
      case "server-error":
        error(500, "InternalFailure", "injected server error");
        return;
    }
    const up = request(
      { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: { ...req.headers, host: upstream.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    up.setTimeout(30_000, () => up.destroy(new Error("moto did not answer within 30 s")));
    up.on("error", () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    up.end(body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    injected,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const r of stalled) r.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

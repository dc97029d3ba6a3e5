// What went wrong with an AWS call, in terms a user can act on.
import { UserError } from "../../errors.js";

export type FailureKind = "access-denied" | "credentials" | "throttled" | "network" | "not-found" | "unsupported" | "other";

export interface AwsFailure {
  kind: FailureKind;
  /** The IAM action that was called, e.g. "ecs:DescribeServices". */
  action: string;
  message: string;
}

interface ErrorLike {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  cause?: unknown;
}

const ACCESS = /^(AccessDenied(Exception)?|UnauthorizedOperation|AuthorizationError|UnauthorizedException)$/;
const CREDENTIALS =
  /^(CredentialsProviderError|ExpiredToken(Exception)?|UnrecognizedClientException|InvalidClientTokenId|InvalidSignatureException|SignatureDoesNotMatch|IncompleteSignature|MissingAuthenticationToken|TokenRefreshRequired)$/;
const THROTTLED =
  /^(Throttling(Exception)?|TooManyRequestsException|RequestLimitExceeded|ProvisionedThroughputExceededException|SlowDown)$/;
const NETWORK = /^(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE|TimeoutError|RequestTimeout)$/;
const NOT_FOUND = /^(ClusterNotFoundException|ServiceNotFoundException|ResourceNotFoundException|ObjectNotFoundException)$/;
const UNSUPPORTED = /^(UnknownOperationException|InvalidAction|UnsupportedOperation|NotImplemented)$/;

export function classify(error: unknown, action: string): AwsFailure {
  const e = (error ?? {}) as ErrorLike;
  const names = [e.name, e.code, e.Code, (e.cause as ErrorLike | undefined)?.code].filter((x): x is string => !!x);
  const is = (re: RegExp) => names.some((n) => re.test(n));
  // An endpoint that does not implement the API often answers with an HTML error page.
  if (e.name === "SyntaxError" && /Unexpected token '<'|<!doctype|<html/i.test(e.message ?? "")) {
    return { kind: "unsupported", action, message: "the endpoint answered with an HTML page, not the AWS API" };
  }
  const status = e.$metadata?.httpStatusCode ?? (e as { $response?: { statusCode?: number } }).$response?.statusCode;
  // A 429 whose body is not the API's JSON (a proxy's "Too Many Requests") is throttling all the same.
  if (status === 429) return { kind: "throttled", action, message: "HTTP 429 Too Many Requests" };
  const message = firstLine(e.message ?? String(error));
  let kind: FailureKind = "other";
  if (is(ACCESS) || /not authorized to perform|is not authorized|AccessDenied/i.test(message)) kind = "access-denied";
  else if (is(CREDENTIALS) || /Could not load credentials|security token included in the request is (invalid|expired)/i.test(message))
    kind = "credentials";
  else if (is(THROTTLED) || /Rate exceeded|throttl/i.test(message)) kind = "throttled";
  else if (is(NETWORK) || /getaddrinfo|ECONNREFUSED|socket hang up|timed out/i.test(message)) kind = "network";
  else if (is(NOT_FOUND)) kind = "not-found";
  else if (is(UNSUPPORTED) || e.$metadata?.httpStatusCode === 501 || /not (yet )?implemented|unknown operation/i.test(message))
    kind = "unsupported";
  return { kind, action, message };
}

const firstLine = (s: string): string => s.split("\n")[0]!.trim();

/** A failure that ends the run: credentials, network or permission on the calls everything needs. */
/** Failures no later call can get past: no credentials, no network. */
export const isFatal = (f: AwsFailure): boolean => f.kind === "credentials" || f.kind === "network";

/** The failure behind a run-ending error from `fatal` (a multi-account run names its kind in the gap). */
export const failureOf = (e: unknown): AwsFailure | undefined => (e as { failure?: AwsFailure } | undefined)?.failure;

export function fatal(f: AwsFailure, ctx: { region: string; endpoint?: string | undefined }): UserError {
  return Object.assign(fatalError(f, ctx), { failure: f });
}

function fatalError(f: AwsFailure, ctx: { region: string; endpoint?: string | undefined }): UserError {
  switch (f.kind) {
    case "credentials":
      if (/Could not load credentials/i.test(f.message)) {
        return new UserError(
          "no AWS credentials found (looked in the environment, ~/.aws/config and credentials, SSO and the instance role)",
          "set AWS_PROFILE or pass --profile (after `aws sso login` for SSO), or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
        );
      }
      return new UserError(
        `AWS did not accept the credentials (${f.action}): ${f.message}`,
        "set AWS_PROFILE or pass --profile, refresh them (e.g. `aws sso login`), or check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY",
      );
    case "network":
      return new UserError(
        `cannot reach AWS ${ctx.endpoint ? `at ${ctx.endpoint}` : `in region ${ctx.region}`} (${f.action}): ${f.message}`,
        ctx.endpoint ? "check --endpoint-url and that the endpoint is running" : "check --region and the network",
      );
    case "access-denied":
      return new UserError(
        `permission denied: ${f.action} (${f.message})`,
        `grant ${f.action} to this identity; the README lists the read-only IAM policy ecs-advisor needs`,
      );
    case "throttled":
      return new UserError(
        `AWS kept throttling ${f.action} after retries: ${f.message}`,
        "try again later, or narrow the run with --cluster/--service",
      );
    case "not-found":
      return new UserError(`${f.action}: ${f.message}`, "check the --cluster and --service names and the --region");
    default:
      return new UserError(`${f.action} failed: ${f.message}`, "run again with --debug for details");
  }
}

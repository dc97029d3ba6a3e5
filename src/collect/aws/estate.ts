// Many accounts and regions in one run. Who: each --profile, or each account's role (--role-arn with
// {account}, for --accounts or every ACTIVE account of --organization) assumed from the run's own
// credentials. Where: each --region, or every region where the account has clusters (--region all).
// Each account-region is collected exactly as a one-account run is (collect.ts), with its own clients and
// its own request pacing, since AWS's quotas are per account and region; up to --concurrency of them at a
// time. One that fails (its role cannot be assumed, throttling that outlasts the retries, a region not
// enabled) becomes a named gap; the others are reported. Read-only: sts:AssumeRole and
// sts:GetCallerIdentity (needs no permission), organizations:ListAccounts, then what collect.ts calls.
import { ListClustersCommand } from "@aws-sdk/client-ecs";
import { UserError } from "../../errors.js";
import type { Estate, Gap, Snapshot } from "../../model/snapshot.js";
import { scopeName } from "../../model/snapshot.js";
import { type Progress, silentProgress } from "../progress.js";
import { gapLabel } from "../../advisor/estate.js";
import { makeAws, type ClientOptions, clientConfig } from "./clients.js";
import { type CollectOptions, collectSnapshot } from "./collect.js";
import { type AwsFailure, classify, failureOf } from "./errors.js";
import { mapLimit } from "./limits.js";
import { DEFAULT_VALUE_BUDGET } from "../series.js";
import { ALL_REGIONS, checkTargets, DEFAULT_CONCURRENCY, type EstateTargets, SESSION_NAME } from "./targets.js";

export { isEstateRun } from "./targets.js";

export interface CollectedEstate {
  estate: Estate;
  calls: Map<string, number>;
}

interface Identity {
  /** How the user named it: a profile, or the account. */
  label: string;
  account: string | null;
  client: ClientOptions;
}

/** A gap's kind in a word the report can show. */
function gapCode(f: AwsFailure | undefined): string {
  return f?.kind ?? "other";
}

const oneLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split("\n")[0]!;

/** STS and Organizations clients: the run's own identity, the endpoint (an emulator) when given. */
async function stsFor(client: ClientOptions) {
  const { STSClient } = await import("@aws-sdk/client-sts");
  return new STSClient({
    ...clientConfig(client),
    region: client.region ?? "us-east-1",
    ...(client.endpointUrl ? { endpoint: client.endpointUrl } : {}),
  });
}

async function callerAccount(client: ClientOptions): Promise<string> {
  const { GetCallerIdentityCommand } = await import("@aws-sdk/client-sts");
  const sts = await stsFor(client);
  try {
    const out = await sts.send(new GetCallerIdentityCommand({}));
    if (!out.Account) throw new Error("GetCallerIdentity answered without an account");
    return out.Account;
  } finally {
    sts.destroy();
  }
}

async function organizationAccounts(client: ClientOptions): Promise<string[]> {
  const { OrganizationsClient, paginateListAccounts } = await import("@aws-sdk/client-organizations");
  // Organizations' endpoint is in us-east-1 whatever the region analysed.
  const org = new OrganizationsClient({
    ...clientConfig(client),
    region: "us-east-1",
    ...(client.endpointUrl ? { endpoint: client.endpointUrl } : {}),
  });
  const out: string[] = [];
  try {
    for await (const page of paginateListAccounts({ client: org }, {}))
      for (const a of page.Accounts ?? []) if (a.Id && (a.State ?? a.Status) === "ACTIVE") out.push(a.Id);
  } catch (e) {
    const f = classify(e, "organizations:ListAccounts");
    throw new UserError(
      `--organization: ${f.action} failed (${f.message})`,
      "run it from the organization's management account or a delegated administrator, or list the accounts with --accounts",
    );
  } finally {
    org.destroy();
  }
  return out.sort();
}

/** A credentials provider for the role, assumed now (so a role that cannot be assumed is found at once) and again before it expires. */
async function assumeRole(base: ClientOptions, roleArn: string, externalId: string | undefined) {
  const { AssumeRoleCommand } = await import("@aws-sdk/client-sts");
  const assume = async () => {
    const sts = await stsFor(base);
    try {
      const out = await sts.send(
        new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: SESSION_NAME, ...(externalId ? { ExternalId: externalId } : {}) }),
      );
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error("AssumeRole answered without credentials");
      return {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
        ...(c.Expiration ? { expiration: c.Expiration } : {}),
      };
    } finally {
      sts.destroy();
    }
  };
  let current = await assume();
  // The SDK asks again when the credentials are near their expiration; a long run re-assumes the role.
  return async () => {
    if (current.expiration && current.expiration.getTime() - Date.now() < 5 * 60_000) current = await assume();
    return current;
  };
}

/** The identities to read, and the gaps of those that could not be used. */
async function identities(opts: CollectOptions, t: EstateTargets, progress: Progress): Promise<{ ids: Identity[]; gaps: Gap[] }> {
  const gaps: Gap[] = [];
  const ids: Identity[] = [];
  // STS and Organizations are asked in the first region named (a GovCloud or China partition's own), else us-east-1.
  const first = t.regions !== "all" ? t.regions?.[0] : undefined;
  const base: ClientOptions = {
    ...opts.client,
    ...(opts.client.region === undefined && first ? { region: first } : {}),
    ...(t.profiles?.length === 1 ? { profile: t.profiles[0] } : {}),
  };
  if (t.roleArn) {
    const templated = t.roleArn.includes("{account}");
    const accounts = !templated ? [t.roleArn.split(":")[4]!] : t.organization ? await organizationAccounts(base) : [...(t.accounts ?? [])];
    if (t.organization) progress.note(`the organization has ${accounts.length} active account${accounts.length === 1 ? "" : "s"}`);
    await mapLimit(accounts, t.concurrency ?? DEFAULT_CONCURRENCY, async (account) => {
      const role = t.roleArn!.replace("{account}", account);
      try {
        const credentials = await assumeRole(base, role, t.externalId);
        ids.push({ label: account, account, client: { ...base, profile: undefined, credentials } });
      } catch (e) {
        const f = classify(e, "sts:AssumeRole");
        gaps.push({
          account,
          region: null,
          code: f.kind,
          message: `sts:AssumeRole on ${role} failed (${f.message}): deploy the read-only role in the account (deploy/read-only-role.cfn.yaml) and let this identity assume it${t.externalId ? ", with the same external id" : ""}`,
        });
      }
    });
    ids.sort((a, b) => (a.label < b.label ? -1 : 1));
    return { ids, gaps };
  }
  const profiles = t.profiles?.length ? t.profiles : [undefined];
  await mapLimit(profiles, t.concurrency ?? DEFAULT_CONCURRENCY, async (profile) => {
    const client: ClientOptions = { ...base, ...(profile ? { profile } : {}) };
    try {
      ids.push({ label: profile ?? "default credentials", account: await callerAccount(client), client });
    } catch (e) {
      const f = classify(e, "sts:GetCallerIdentity");
      gaps.push({
        account: null,
        region: null,
        ...(profile ? { label: `profile ${profile}` } : {}),
        code: f.kind,
        message: `${profile ? `profile ${profile}` : "the default credentials"} could not be used (${f.message})${f.kind === "credentials" ? "; refresh them (e.g. `aws sso login`)" : ""}`,
      });
    }
  });
  // In the order given; two profiles of one account are read once (the same clusters twice would count twice).
  const ordered = profiles.flatMap((p) => ids.filter((i) => i.label === (p ?? "default credentials")));
  const seen = new Map<string, string>();
  const unique = ordered.filter((i) => {
    const first = i.account === null ? undefined : seen.get(i.account);
    if (first !== undefined) {
      progress.note(`profile ${i.label} is account ${i.account}, as profile ${first} is: read once`);
      return false;
    }
    if (i.account !== null) seen.set(i.account, i.label);
    return true;
  });
  return { ids: unique, gaps };
}

/** The regions of one identity: those given, the configured one, or every region where it has clusters. */
async function regionsOf(id: Identity, t: EstateTargets, gaps: Gap[], progress: Progress): Promise<string[]> {
  if (t.regions !== "all") {
    if (t.regions?.length) return [...t.regions];
    const aws = await makeAws(id.client);
    aws.destroy();
    return [aws.region];
  }
  const found: string[] = [];
  const off: string[] = [];
  await mapLimit(ALL_REGIONS, 8, async (region) => {
    const aws = await makeAws({ ...id.client, region, maxAttempts: 3 });
    try {
      const out = await aws.call("ecs:ListClusters", () => aws.ecs.send(new ListClustersCommand({ maxResults: 1 })));
      if (out.clusterArns?.length) found.push(region);
    } catch (e) {
      const f = failureOf(e) ?? classify(e, "ecs:ListClusters");
      // A region the account has not opted in to does not know its credentials.
      if (f.kind === "credentials") off.push(region);
      else gaps.push({ account: id.account, region, code: f.kind, message: `${f.action} failed (${f.message})` });
    } finally {
      aws.destroy();
    }
  });
  if (off.length)
    progress.note(`${id.label}: ${off.length} region${off.length === 1 ? " is" : "s are"} not enabled (${off.sort().join(", ")}): skipped`);
  progress.note(`${id.label}: clusters in ${found.length ? found.sort().join(", ") : "no region"}`);
  return found;
}

/** A progress that says which account-region each line is about. */
function scoped(p: Progress, name: string): Progress {
  return {
    update: (phase, done, total) => p.update(`${name} ${phase}`, done, total),
    note: (line) => p.note(line.startsWith("warning: ") ? `warning: ${name}: ${line.slice(9)}` : `${name}: ${line}`),
    done() {},
  };
}

export async function collectEstate(opts: CollectOptions, t: EstateTargets): Promise<CollectedEstate> {
  checkTargets(t);
  const progress = opts.progress ?? silentProgress;
  const { ids, gaps } = await identities(opts, t, progress);
  const work: Array<{ id: Identity; region: string }> = [];
  for (const id of ids) for (const region of await regionsOf(id, t, gaps, progress)) work.push({ id, region });
  const calls = new Map<string, number>();
  // The values a snapshot may hold are shared by its account-regions: the file (and the report's memory)
  // stays the size of one large account's, whatever the count. Sizing uses the exact statistics each
  // series keeps at CloudWatch's resolution (utilization.summary), so it does not change with this.
  const valueBudget = Math.max(1, Math.floor((opts.valueBudget ?? DEFAULT_VALUE_BUDGET) / Math.max(1, work.length)));
  const parts: Array<Snapshot | undefined> = await mapLimit(work, t.concurrency ?? DEFAULT_CONCURRENCY, async ({ id, region }) => {
    const name = scopeName(id.account, region);
    const client: ClientOptions = {
      ...id.client,
      region,
      onWarning: (m) => progress.note(`warning: ${name}: AWS SDK: ${m}`),
    };
    let aws: Awaited<ReturnType<typeof makeAws>> | undefined;
    try {
      aws = await makeAws(client);
      const { snapshot } = await collectSnapshot(
        // Together the account-regions make many calls, even when each makes few: decoded off the main thread.
        { ...opts, client, progress: scoped(progress, name), allowEmpty: true, valueBudget, decodeOffMainThread: work.length > 1 },
        aws,
      );
      // An account with no clusters has no ARN to read its id from: the identity knows it.
      return id.account && !snapshot.source.accountId ? { ...snapshot, source: { ...snapshot.source, accountId: id.account } } : snapshot;
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      const f = failureOf(e);
      gaps.push({ account: id.account, region, code: gapCode(f), message: oneLine(e) });
      progress.note(`warning: ${name} was not collected: ${oneLine(e)}`);
      return undefined;
    } finally {
      if (aws) {
        for (const [k, n] of aws.calls) calls.set(k, (calls.get(k) ?? 0) + n);
        aws.destroy();
      }
    }
  });
  progress.done();
  const collected = parts.filter((p): p is Snapshot => p !== undefined);
  if (!collected.length) {
    const first = gaps[0];
    throw new UserError(
      first
        ? `no account-region could be collected: ${first.label ?? gapLabel(first)}: ${first.message}${gaps.length > 1 ? ` (and ${gaps.length - 1} more)` : ""}`
        : "no account-region to collect: no region has ECS clusters",
      first ? "fix the first one and run again (--debug shows every call)" : "check the accounts and --region",
    );
  }
  return { estate: { parts: collected, gaps }, calls };
}

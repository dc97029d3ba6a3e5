// What a many-account, many-region run asks for, checked before any call. No AWS SDK here: the CLI reads
// these while parsing options, and --demo runs must start without loading the SDK.
import { UserError } from "../../errors.js";

/** An AWS region's name (us-east-1, us-gov-west-1, cn-north-1…). */
export const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d+$/;

export interface EstateTargets {
  /** Regions to read; "all": every region where the account has clusters; absent: the configured one. */
  regions?: readonly string[] | "all" | undefined;
  /** Profiles to read, each an account (or the same account with other credentials). */
  profiles?: readonly string[] | undefined;
  /** A role to assume in each account: "arn:aws:iam::{account}:role/EcsAdvisorReadOnly". */
  roleArn?: string | undefined;
  accounts?: readonly string[] | undefined;
  /** Every ACTIVE account of the organization (organizations:ListAccounts from the management or a delegated account). */
  organization?: boolean | undefined;
  externalId?: string | undefined;
  /** Account-regions collected at a time (default DEFAULT_CONCURRENCY). */
  concurrency?: number | undefined;
}

export const DEFAULT_CONCURRENCY = 4;
/** What the assumed-role sessions are called in CloudTrail: says what made the calls. */
export const SESSION_NAME = "ecs-advisor-read-only";

/**
 * The commercial AWS regions where ECS runs (the AWS General Reference's region list, November 2026):
 * what --region all tries. UNVERIFIED as complete for later months; name a region with --region to add one.
 */
export const ALL_REGIONS = [
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
  "af-south-1",
  "ap-east-1",
  "ap-east-2",
  "ap-south-1",
  "ap-south-2",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-southeast-3",
  "ap-southeast-4",
  "ap-southeast-5",
  "ap-southeast-7",
  "ca-central-1",
  "ca-west-1",
  "eu-central-1",
  "eu-central-2",
  "eu-north-1",
  "eu-south-1",
  "eu-south-2",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "il-central-1",
  "me-central-1",
  "me-south-1",
  "mx-central-1",
  "sa-east-1",
] as const;

/** More than one account-region could be asked for: the run goes through collectEstate. */
export const isEstateRun = (t: EstateTargets): boolean =>
  t.regions === "all" || (t.regions?.length ?? 0) > 1 || (t.profiles?.length ?? 0) > 1 || t.roleArn !== undefined;

const ACCOUNT = /^\d{12}$/;

/** Check the targets before any call: a wrong account or role template is one line, not N gaps. */
export function checkTargets(t: EstateTargets): void {
  for (const a of t.accounts ?? [])
    if (!ACCOUNT.test(a)) throw new UserError(`--accounts ${a} is not an AWS account id`, "account ids are 12 digits, e.g. 111122223333");
  if ((t.accounts?.length || t.organization) && !t.roleArn)
    throw new UserError(
      `${t.organization ? "--organization" : "--accounts"} needs --role-arn: the role to assume in each account`,
      "e.g. --role-arn 'arn:aws:iam::{account}:role/EcsAdvisorReadOnly' (the template is in deploy/read-only-role.cfn.yaml)",
    );
  if (t.accounts?.length && t.organization) throw new UserError("--accounts and --organization both given", "use one");
  if (t.roleArn !== undefined) {
    if (!/^arn:aws[\w-]*:iam::(\d{12}|\{account\}):role\/[\w+=,.@/-]+$/.test(t.roleArn))
      throw new UserError(
        `--role-arn ${t.roleArn} is not a role ARN`,
        "e.g. --role-arn 'arn:aws:iam::{account}:role/EcsAdvisorReadOnly' ({account} is replaced by each account id)",
      );
    const templated = t.roleArn.includes("{account}");
    if ((t.accounts?.length || t.organization) && !templated)
      throw new UserError(`--role-arn ${t.roleArn} has no {account} to fill in for each account`, "write the account id as {account}");
    if (!templated && (t.accounts?.length || t.organization)) return;
    if (templated && !t.accounts?.length && !t.organization)
      throw new UserError(
        `--role-arn ${t.roleArn} names no account: {account} needs --accounts or --organization`,
        "add --accounts 111122223333,…",
      );
  }
  if (t.profiles && t.roleArn && t.profiles.length > 1)
    throw new UserError("--role-arn is assumed from one identity: give one --profile with it, or none", "e.g. --profile management");
  // Region names are checked where the clients are made (makeAws), each before its first call.
  if (t.concurrency !== undefined && !(Number.isInteger(t.concurrency) && t.concurrency >= 1 && t.concurrency <= 64))
    throw new UserError(`--concurrency ${t.concurrency} is not a whole number from 1 to 64`, `e.g. --concurrency ${DEFAULT_CONCURRENCY}`);
}

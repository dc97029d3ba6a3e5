// Deliver the Slack digest to an incoming webhook with @slack/webhook. The webhook URL is a secret (anyone
// holding it can post to the channel): it is never printed, logged or put into an error, even with
// --debug — errors say what Slack answered, by status and Slack's error code only.
import { UserError } from "../errors.js";
import type { SlackPayload } from "../report/slack.js";

export const SLACK_TIMEOUT_MS = 10_000;

/** The webhook URL from --slack-webhook URL, or SLACK_WEBHOOK_URL when the flag has no value. */
export function webhookUrl(flag: string | true, env: Readonly<Record<string, string | undefined>>): string {
  const url = flag === true ? env.SLACK_WEBHOOK_URL : flag;
  if (!url)
    throw new UserError(
      "--slack-webhook has no URL and SLACK_WEBHOOK_URL is not set",
      "set SLACK_WEBHOOK_URL to the incoming webhook's URL (keep it out of shell history), or pass --slack-webhook URL",
    );
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UserError(
      "the Slack webhook URL is not a URL",
      "copy it from the Slack app's Incoming Webhooks page: https://hooks.slack.com/services/…",
    );
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw new UserError(
      `the Slack webhook URL must be https (it is ${parsed.protocol.replace(":", "")})`,
      "copy it from the Slack app's Incoming Webhooks page: https://hooks.slack.com/services/…",
    );
  }
  return url;
}

/** Slack's error codes are short snake_case words ("invalid_token", "no_service"); anything else is not echoed. */
function slackCode(body: string): string {
  const b = body.trim();
  return /^[a-z_]{3,60}$/.test(b) ? ` (${b})` : "";
}

export async function postToSlack(url: string, payload: SlackPayload, timeoutMs = SLACK_TIMEOUT_MS): Promise<void> {
  // Loaded only when posting: every other run of report starts without it.
  const { IncomingWebhook, IncomingWebhookHTTPError, IncomingWebhookRequestError } = await import("@slack/webhook");
  const hook = new IncomingWebhook(url, { timeout: timeoutMs });
  try {
    await hook.send({ text: payload.text, blocks: payload.blocks as never });
  } catch (e) {
    const fix = "check the webhook URL in the Slack app (Incoming Webhooks), that the app is still installed and the channel exists";
    if (e instanceof IncomingWebhookHTTPError) {
      const what =
        e.statusCode === 404
          ? "the webhook is gone or wrong"
          : e.statusCode === 403
            ? "the webhook is not allowed to post"
            : e.statusCode === 429
              ? "rate limited"
              : e.statusCode >= 500
                ? "Slack had an error"
                : "the message was refused";
      throw new UserError(
        `Slack answered ${e.statusCode}${slackCode(e.body)}: ${what}; the digest was not posted`,
        e.statusCode >= 500 || e.statusCode === 429 ? "try again later" : fix,
      );
    }
    if (e instanceof IncomingWebhookRequestError) {
      const original = e.original as Error & { name?: string; cause?: { code?: string } };
      const timeout = original.name === "TimeoutError" || original.name === "AbortError";
      throw new UserError(
        timeout
          ? `Slack did not answer within ${timeoutMs / 1000} s; the digest was not posted`
          : `could not reach Slack${original.cause?.code ? ` (${original.cause.code})` : ""}; the digest was not posted`,
        timeout ? "try again later" : "check the network (a proxy or firewall?) and the webhook URL",
      );
    }
    throw new UserError("posting to Slack failed; the digest was not posted", fix);
  }
}

// GitHub's REST API as the Action's scripts use it (the pull-request comment, the right-sizing pull request):
// the job's token in the Authorization header only, never printed; a 15-second deadline on every call.
export interface GitHubEnv {
  [name: string]: string | undefined;
}

export class HttpError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
  ) {
    super(`${method} ${path.replace(/\?.*$/, "")} answered ${status}`);
    this.name = "HttpError";
  }
}

export type GitHubCall = (method: string, path: string, payload?: unknown) => Promise<unknown>;

/** Where the API is: GITHUB_API_URL (GitHub Enterprise, a test's stand-in), else api.github.com. */
export const apiUrl = (env: GitHubEnv): string => (env.GITHUB_API_URL ?? "https://api.github.com").replace(/\/+$/, "");

/** A repository as GitHub names it (owner/name), or undefined. */
export const repositoryOf = (env: GitHubEnv): string | undefined =>
  env.GITHUB_REPOSITORY && /^[^/]+\/[^/]+$/.test(env.GITHUB_REPOSITORY) ? env.GITHUB_REPOSITORY : undefined;

export function githubCall(token: string, env: GitHubEnv, fetchImpl: typeof fetch = fetch): GitHubCall {
  const api = apiUrl(env);
  const headers = {
    authorization: `Bearer ${token}`,
    accept: "application/vnd.github+json",
    "x-github-api-version": "2022-11-28",
    "content-type": "application/json",
    "user-agent": "ecs-advisor",
  };
  return async (method, path, payload) => {
    const res = await fetchImpl(`${api}${path}`, {
      method,
      headers,
      ...(payload ? { body: JSON.stringify(payload) } : {}),
      signal: AbortSignal.timeout(15_000),
    });
    if (!res.ok) throw new HttpError(method, path, res.status);
    return res.json() as Promise<unknown>;
  };
}

/** Why a call failed, in one line (a 403 is most often a fork's read-only token). */
export function whyFailed(e: unknown, env: GitHubEnv): string {
  if (e instanceof HttpError) return `${e.message}${e.status === 403 ? " (a read-only token, as on pull requests from forks?)" : ""}`;
  return (e as Error).name === "TimeoutError" ? "GitHub did not answer within 15 s" : `could not reach ${apiUrl(env)}`;
}

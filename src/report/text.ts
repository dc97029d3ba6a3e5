// Escaping shared by the text formats: a service or cluster name from AWS is data, never markup.

/** Markdown text: characters that would start markup are escaped; < and > become entities. */
export function md(text: string): string {
  return text.replace(/[\\`*_[\]<>|#~]/g, (c) => (c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === "|" ? "\\|" : `\\${c}`));
}

/**
 * A code span: backslash escapes do not work inside one, so backticks are replaced; a pipe is written
 * "\\|", which GitHub's tables need even inside code (and ECS names never contain).
 */
export const code = (text: string): string => `\`${text.replace(/`/g, "'").replace(/\|/g, "\\|")}\``;

/** HTML text and attribute values. */
export function html(text: string): string {
  return text.replace(/[&<>"']/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&#39;"));
}

/** Slack mrkdwn: only &, < and > are special (https://api.slack.com/reference/surfaces/formatting#escaping). */
export function slack(text: string): string {
  return text.replace(/[&<>]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : "&gt;"));
}

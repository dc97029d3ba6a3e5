// A real browser for the HTML report: Debian's Chromium driven by playwright-core (never a downloaded
// browser; testing.md). .ci/run installs it; CHROMIUM_PATH points at another Chromium. Skipped, and
// said, where there is none (test/helpers/external.ts).
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { external } from "./external.js";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const SKIP_BROWSER = external("BROWSER", existsSync(CHROMIUM), `Chromium (${CHROMIUM}; apt-get install chromium)`).skip;

export async function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM}: install it (apt-get install -y chromium), set CHROMIUM_PATH, or set ECS_ADVISOR_SKIP_BROWSER=1 to skip the browser tests`,
    );
  }
  // Playwright starts it headless with a fresh temporary profile of its own.
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

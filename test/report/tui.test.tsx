// The terminal UI driven with keys through ink-testing-library: what a user sees after each key.
import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import type { Report } from "../../src/model/report.js";
import { toPublishedReport } from "../../src/report/json.js";
import { App, INITIAL_STATE, sortServices, splitKeys, step, visibleServices, type UiState } from "../../src/report/tui/app.js";
import { textChart } from "../../src/report/tui/chart.js";
import { demoReport } from "../helpers/demo-report.js";
import { estateReport, OTHER_ACCOUNT } from "../helpers/estate-report.js";
import { reportOf, week1, week2 } from "../helpers/history-fixture.js";
import { HistoryBuilder } from "../../src/advisor/trend.js";

const report = toPublishedReport(demoReport());
const ESC = "\u001b";
const DOWN = "\u001b[B";
const ENTER = "\r";

/**
 * Render the app and drive it with keys. Every key is awaited until the frame it causes is drawn (no fixed
 * sleeps): a key that draws nothing within 5 s fails the test with the screen as it was.
 */
async function ui(r: Report = report, width = 80, height = 23) {
  const app = render(<App report={r} width={width} height={height} />);
  let waiting: (() => void) | undefined;
  const write = app.stdout.write;
  app.stdout.write = (frame: string) => {
    write(frame);
    waiting?.();
  };
  const drawn = (what: string, before: number) =>
    new Promise<void>((resolve, reject) => {
      if (app.frames.length > before) return resolve();
      const timer = setTimeout(() => reject(new Error(`${what} drew nothing; the screen was:\n${app.lastFrame()}`)), 5_000);
      waiting = () => {
        clearTimeout(timer);
        waiting = undefined;
        resolve();
      };
    });
  await drawn("the first render", 0);
  const press = async (...keys: string[]) => {
    for (const k of keys) {
      const before = app.frames.length;
      app.stdin.write(k);
      await drawn(`key ${JSON.stringify(k)}`, before);
    }
    return app.lastFrame() ?? "";
  };
  return { app, press, frame: () => app.lastFrame() ?? "" };
}

describe("the terminal UI", () => {
  it("t: the bill at each stored run, the recommended level, and what changed since the last run", async () => {
    const b = new HistoryBuilder(reportOf(week2(), "2026-11-29T00:00:00Z"), "test");
    b.add(reportOf(week1(), "2026-11-22T00:00:00Z"));
    const { press, frame } = await ui(b.finish([]), 100, 30);
    expect(frame()).toContain("· t trend ·");
    const f = await press("t");
    expect(f).toContain("the bill at each of 2 runs (top $208.13/mo; ━ recommended now $132.63/mo)");
    expect(f).toContain("2 runs since 2026-11-22: the bill $198.22/mo → $126.14/mo, $54.06/mo realised by applied");
    expect(f).toContain("since the last run, 2026-11-22 → 2026-11-29 (7 days)");
    expect(f).toContain("  c1/api 1024 cpu / 2048 MiB → 256 cpu / 512 MiB, $54.06/mo realised");
    // The worker's upsize, first advised in the last run, says so in its detail.
    const list = await press("t", "/", ..."worker", ENTER, ENTER);
    expect(list).toContain("first recommended 2026-11-29");
    // Without a history the view says how to get one.
    const plain = await ui();
    expect(await plain.press("t")).toContain("no history: run report with --history");
  });

  it("opens on the summary and the services sorted by savings, in 80 columns and 23 rows", async () => {
    const { frame, app } = await ui();
    const lines = frame().split("\n");
    // now $5,779.24 (Fargate $3,665.16 + EC2 instances $2,114.08) → after $3,390.04: the levers' $2,389.20, 41 %
    expect(lines[0]).toBe("ecs-advisor $5,779.24/mo → $3,390.04/mo saves $2,389.20/mo (41%) · 4 risks");
    expect(lines[1]).toMatch(/^40 services · sort: savings · cluster: all · demo fleet/);
    // The demo's one warning (Fargate Spot at an assumed discount) stands under the status line.
    expect(lines[2]).toMatch(/^⚠ Fargate Spot is priced at an assumed 70% off.*\(w: 1 warning\)$/);
    expect(lines[3]).toMatch(/^ {2}SERVICE +CPU +MEMORY +NOW \$\/MO +SAVES +CONF$/);
    expect(lines[4]).toMatch(/^ {2}shop-fargate\/pdf-render +2048→1024 +8192→3072 +518\.83 +274\.09 +high$/);
    expect(lines.length).toBeLessThanOrEqual(23);
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(80);
    expect(lines.at(-1)).toContain("? help");
    app.unmount();
  });

  it("sorts by risk, cost and name, and back to savings", async () => {
    const { press, app } = await ui();
    const first = (f: string) => f.split("\n")[4]!;
    expect(first(await press("r"))).toMatch(/^! shop-fargate\/search-api|^! /);
    expect((await press("r")).split("\n")[1]).toContain("sort: risk");
    expect(first(await press("o"))).toContain("shop-fargate/pdf-render"); // $518.83, the dearest
    expect(first(await press("n"))).toContain("core-ec2/api-gateway");
    expect(first(await press("s"))).toContain("shop-fargate/pdf-render");
    app.unmount();
  });

  it("filters by cluster with f, searches with /", async () => {
    const { press, app } = await ui();
    let f = await press("f");
    expect(f.split("\n")[1]).toContain("cluster: core-ec2");
    expect(
      f
        .split("\n")
        .slice(4, 11)
        .every((l) => l.includes("core-ec2/")),
    ).toBe(true);
    f = await press("f", "f"); // shop-fargate, then all again
    expect(f.split("\n")[1]).toContain("cluster: all");
    f = await press("/", "c", "a", "r", "t");
    expect(f.split("\n")[1]).toContain("search: cart");
    expect(f).toContain("shop-fargate/cart-api");
    expect(f).toContain("1 of 1");
    f = await press(ENTER, ENTER); // keep the search, open the one match
    expect(f).toContain("shop-fargate/cart-api");
    expect(f).toContain("cart-api:24 · FARGATE");
    f = await press(ESC, ESC); // back to the list, then clear the search
    expect(f).toContain("1 of 40");
    app.unmount();
  });

  it("a service's detail: now vs recommended, every reason, charts with the allocated and recommended levels", async () => {
    const { press, app } = await ui(report, 100, 40);
    const f = await press(ENTER);
    expect(f).toContain("shop-fargate/pdf-render");
    expect(f).toMatch(/now +2048 +8192 +\$518\.83/);
    expect(f).toMatch(/recommended +1024 +3072 +\$244\.74 +saves \$274\.09\/mo/);
    expect(f).toContain("· memory peak (hottest task) is 29% of 8192 MiB (2408 MiB); sized for 80% it needs 3010 MiB");
    expect(f).toContain("cpu used by the hottest task (units) · ─ allocated 2048 · ━ recommended 1024");
    expect(f).toContain("memory used by the hottest task (MiB) · ─ allocated 8192 · ━ recommended 3072");
    expect(f).toContain("━━━");
    expect(f).toContain("───");
    const down = await press(ESC, DOWN, ENTER);
    expect(down).toContain("shop-fargate/recommendations");
    app.unmount();
  });

  it("a service with containers: each container's sizes now → recommended, and how they were sized", async () => {
    const { press, app } = await ui(report, 100, 40);
    const f = await press("/", "c", "a", "r", "t", ENTER, ENTER);
    expect(f).toContain("shop-fargate/cart-api");
    expect(f).toMatch(/container +cpu +memory +reservation +basis/);
    expect(f).toMatch(/app +1536 → 248 +7680 → 1138 +6144 → 911 +measured: cpu 198\.1, peak 910 MiB/);
    expect(f).toMatch(/datadog-agent +64 +512 +256 +no metrics of its own: kept/);
    expect(f).toContain("sized from each container's own metrics (Container Insights); datadog-agent has no metrics");
    expect(f).toContain("cpu used by the hottest task (units)"); // the charts still fit
    app.unmount();
  });

  it("the cluster view shows the host scaling advice; ? shows the keys; q quits", async () => {
    const { press, app } = await ui(report, 100, 40);
    let f = await press("c");
    expect(f).toContain("core-ec2 · EC2 · 16 services");
    expect(f).toContain("ECS managed scaling on core-ec2-asg: targetCapacity 100 → 82");
    expect(f).toContain("m5.xlarge: min 7, desired 10, max 11 (12 now)");
    f = await press("?");
    expect(f).toContain("Keys");
    expect(f).toContain("sort by savings, risk, cost ($), name");
    f = await press(ESC);
    expect(f).toContain("core-ec2 · EC2");
    await press("q");
    app.unmount();
  });

  it("2,000 services: only the visible rows are drawn, and the last is one key away", async () => {
    const services = Array.from({ length: 2000 }, (_, i) => ({
      ...report.services[i % 40]!,
      service: `svc-${String(i).padStart(4, "0")}`,
    }));
    const { press, frame, app } = await ui({ ...report, services }, 80, 23);
    expect(frame().split("\n").length).toBeLessThanOrEqual(23);
    const f = await press("n", "G");
    expect(f).toContain("svc-1999");
    expect(f).toContain("2000 of 2000");
    app.unmount();
  });

  it("sortServices is stable by name within equal keys", () => {
    const byRisk = sortServices(report.services, "risk");
    expect(byRisk.slice(0, 4).every((s) => s.reasons.some((r) => r.severity === "risk"))).toBe(true);
  });
});

describe("textChart", () => {
  it("draws bars to scale with the levels as lines", () => {
    // top = 100 × 1.05 = 105; 4 rows of 26.25: 100 fills 3.81 rows, 50 fills 1.90 rows.
    const c = textChart([50, 100], 100, 50, 2, 4);
    expect(c.top).toBeCloseTo(105);
    expect(c.lines).toEqual(["─▆", " █", "▇█", "██"]);
  });

  it("missing data is a dot on the floor, and columns take the largest of their buckets", () => {
    const c = textChart([null, null, 10, 20], null, null, 2, 2);
    // col 1 = max(10, 20) = 20; top 21; 20/21 × 2 rows = 1.905: the top row 0.905 × 8 = 7.2 eighths → ▇
    expect(c.lines).toEqual([" ▇", "·█"]);
  });
});

describe("keys that arrive together", () => {
  it("apply one after another, as if pressed apart", async () => {
    const { press, app } = await ui(report, 100, 40);
    const f = await press("jj\r"); // two down, then enter: the third service's detail
    expect(f).toContain("shop-fargate/cart-api");
    expect(f).toContain("cart-api:24 · FARGATE");
    app.unmount();
  });

  it("splitKeys leaves escape sequences and single keys alone", () => {
    expect(splitKeys("rn", {})).toEqual([{ input: "r" }, { input: "n" }]);
    expect(splitKeys("j\r", {})).toEqual([{ input: "j" }, { input: "", return: true }]);
    expect(splitKeys("q", {})).toEqual([{ input: "q" }]);
    expect(splitKeys("", { upArrow: true })).toEqual([{ input: "", upArrow: true }]);
  });

  it("step is pure: search, then sort, then quit", () => {
    const services = report.services;
    const ctx = { clusters: ["core-ec2", "shop-fargate"], page: 10, count: (x: UiState) => visibleServices(services, x).length };
    const keys = ["/", "a", "p", "i", "\r", "n", "G", "q"].map((c) => (c === "\r" ? { input: "", return: true } : { input: c }));
    const end = keys.reduce((s, k) => step(s, k, ctx), INITIAL_STATE);
    expect(end).toMatchObject({ search: "api", typing: false, sort: "name", quit: true, view: "list" });
    expect(end.cursor).toBe(visibleServices(services, end).length - 1);
  });
});

describe("warnings", () => {
  it("a run with warnings says so under the status, and w lists them all", async () => {
    const warned: Report = {
      ...report,
      warnings: [
        { code: "access-denied", message: "pricing:GetProducts was denied (AccessDenied): the bundled price book of 2026-07-20 is used" },
        { code: "no-metrics", message: "2 services have no CloudWatch data in the window" },
      ],
    };
    const { press, frame, app } = await ui(warned, 100, 30);
    // 100 columns: the message is cut to 100 − 11 (" (w: all 2)") = 89 so the count always shows.
    expect(frame().split("\n")[2]).toBe(
      "⚠ pricing:GetProducts was denied (AccessDenied): the bundled price book of 2026-07-20 is… (w: all 2)",
    );
    expect([...frame().split("\n")[2]!].length).toBe(100);
    expect(frame().split("\n").length).toBeLessThanOrEqual(30);
    const f = await press("w");
    expect(f).toContain("2 warnings");
    expect(f).toContain("⚠ 2 services have no CloudWatch data in the window");
    expect(await press("w")).toContain("SERVICE");
    app.unmount();
  });
});

describe("the detail view of a service with autoscaling advice", () => {
  it("adds running tasks against its max now and advised, when there is room", async () => {
    const { press, app } = await ui(report, 120, 40);
    const f = await press("/", "m", "e", "d", "i", "a", "\r", "\r");
    expect(f).toContain("shop-fargate/media-upload");
    expect(f).toContain("running tasks · ─ max now 6 · ━ advised max 12");
    app.unmount();
    const small = await ui(report, 80, 23);
    const g = await small.press("/", "m", "e", "d", "i", "a", "\r", "\r");
    expect(g).not.toContain("running tasks"); // 80×24: cpu and memory only
    expect(g).toContain("cpu used by the hottest task");
    small.app.unmount();
  });
});

describe("the terminal UI on several account-regions", () => {
  const estate = toPublishedReport(estateReport());

  it("a WHERE column, and a and R filter by account and by region", async () => {
    const { press, frame, app } = await ui(estate, 100, 30);
    const lines = frame().split("\n");
    expect(lines[1]).toMatch(/^50 services · sort: savings · cluster: all · account: all · region: all/);
    const header = lines.findIndex((l) => l.includes("SERVICE"));
    expect(lines[header]).toMatch(/^ {2}WHERE +SERVICE +CPU/);
    expect(lines[header + 1]).toMatch(/^ {2}…9012\/use1 +shop-fargate\/pdf-render +2048→1024/);
    expect(lines.at(-1)).toContain("a account · R region");
    // a: the first account, then the next; the list holds that account's services only.
    await press("a");
    await press("a");
    const other = frame().split("\n");
    expect(other[1]).toContain(`account: ${OTHER_ACCOUNT}`);
    expect(other.find((l) => l.startsWith("1 of ")) ?? other.at(-2)).toMatch(/of 10$/);
    const rows = other.filter((l) => /^[ !] [ ]?…/.test(l));
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.every((l) => l.includes("…4321/euw1"))).toBe(true);
    // R: by region, on top of the account: eu-west-1 first (sorted), still the other account's ten.
    expect((await press("R")).split("\n")[1]).toContain("region: eu-west-1");
    await press("a"); // back to every account
    expect(frame().split("\n")[1]).toContain("account: all · region: eu-west-1");
    app.unmount();
  });

  it("the filters as pure steps: a and R cycle, and do nothing on a one-account report", () => {
    const ctx = { clusters: [], accounts: ["1", "2"], regions: ["r"], count: () => 1, page: 10 };
    let st = step(INITIAL_STATE, { input: "a" }, ctx);
    expect(st.account).toBe("1");
    st = step(st, { input: "a" }, ctx);
    expect(st.account).toBe("2");
    expect(step(st, { input: "a" }, ctx).account).toBeNull();
    // One region: R has nothing to cycle through.
    expect(step(INITIAL_STATE, { input: "R" }, ctx)).toBe(INITIAL_STATE);
    const only = visibleServices(estate.services, { ...INITIAL_STATE, region: "eu-west-1" });
    expect(only).toHaveLength(10);
    expect(visibleServices(estate.services, { ...INITIAL_STATE, search: "4321/eu-west-1 shop" })).toHaveLength(10);
  });
});

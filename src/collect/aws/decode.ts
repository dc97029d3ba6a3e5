// Decoding one GetMetricData page: the body's JSON into one Float32Array per query, aligned to the
// window's periods (NaN where CloudWatch had no point). Pure, so it runs inline or in a worker thread.

export interface DecodedResult {
  id: string;
  status: string | undefined;
  values: Float32Array;
}

export interface DecodedPage {
  results: DecodedResult[];
  nextToken: string | undefined;
}

interface Body {
  MetricDataResults?: Array<{ Id?: string; StatusCode?: string; Timestamps?: Array<number | string>; Values?: Array<number | null> }>;
  NextToken?: string | null;
}

/** A CloudWatch JSON timestamp: epoch seconds as a number or numeric string (aws-facts §5), or ISO. */
export function epochMs(t: number | string | undefined): number {
  if (typeof t === "number") return t * 1000;
  const n = Number(t);
  return Number.isFinite(n) ? n * 1000 : Date.parse(String(t));
}

/**
 * The body bytes are decoded as latin1 (a plain byte copy, several times faster than UTF-8): the
 * fields read — ids, status codes, numbers — are ASCII; only labels and messages could hold other
 * characters, and they are not used.
 */
export function decodeMetricPage(bytes: Uint8Array, startMs: number, periodMs: number, n: number): DecodedPage {
  const body = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1")) as Body;
  const results: DecodedResult[] = [];
  for (const r of body.MetricDataResults ?? []) {
    const values = new Float32Array(n).fill(Number.NaN);
    const ts = r.Timestamps ?? [];
    const vs = r.Values ?? [];
    for (let i = 0; i < ts.length; i++) {
      const idx = Math.round((epochMs(ts[i]) - startMs) / periodMs);
      const v = vs[i];
      if (idx >= 0 && idx < n && typeof v === "number") values[idx] = v;
    }
    results.push({ id: r.Id ?? "", status: r.StatusCode, values });
  }
  return { results, nextToken: body.NextToken ?? undefined };
}

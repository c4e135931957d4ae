/**
 * Transactions per minute from the times (ms) at which ledger activity was
 * seen: a rolling count over the last 60 s and per-minute buckets for a line
 * chart. Pure functions, so the dashboard only keeps a list of times.
 */
export const MINUTE_MS = 60_000;

/** How many of `times` fall in (now - windowMs, now]. */
export function countSince(times: readonly number[], now: number, windowMs = MINUTE_MS): number {
  let n = 0;
  for (const t of times) if (t > now - windowMs && t <= now) n++;
  return n;
}

export interface MinuteBucket {
  /** Start of the minute (ms since epoch). */
  minute: number;
  label: string;
  count: number;
}

/** The last `minutes` whole minutes up to and including the current one, oldest first. */
export function perMinute(
  times: readonly number[],
  now: number,
  minutes: number,
  /** Minutes that ended before this (the page was not watching yet) are left out, not counted as 0. */
  since = 0,
): MinuteBucket[] {
  const current = Math.floor(now / MINUTE_MS) * MINUTE_MS;
  const first = Math.max(current - (minutes - 1) * MINUTE_MS, Math.floor(since / MINUTE_MS) * MINUTE_MS);
  const buckets: MinuteBucket[] = [];
  for (let m = first; m <= current; m += MINUTE_MS) {
    buckets.push({ minute: m, label: new Date(m).toTimeString().slice(0, 5), count: 0 });
  }
  for (const t of times) {
    if (t < first || t > now) continue;
    const bucket = buckets[Math.floor((t - first) / MINUTE_MS)];
    if (bucket) bucket.count++;
  }
  return buckets;
}

/** Drops the times older than `keepMs` (in place is not needed: lists are small). */
export function prune(times: readonly number[], now: number, keepMs: number): number[] {
  return times.filter((t) => t > now - keepMs);
}

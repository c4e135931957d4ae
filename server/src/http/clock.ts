const DAY_MS = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;

/** The last day asked for and its span in milliseconds [from, to): most calls fall in the same day. */
let last = { from: 0, to: 0, day: '' };

/** Calendar day in China Standard Time (UTC+8), the day that daily limits count against. */
export function chinaDay(at: number): string {
  if (at >= last.from && at < last.to) return last.day;
  const from = Math.floor((at + CHINA_OFFSET_MS) / DAY_MS) * DAY_MS - CHINA_OFFSET_MS;
  const day = new Date(at + CHINA_OFFSET_MS).toISOString().slice(0, 10);
  last = { from, to: from + DAY_MS, day };
  return day;
}

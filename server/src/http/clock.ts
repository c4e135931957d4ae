/** Calendar day in China Standard Time (UTC+8), the day that daily limits count against. */
export function chinaDay(at: number): string {
  return new Date(at + 8 * 3_600_000).toISOString().slice(0, 10);
}

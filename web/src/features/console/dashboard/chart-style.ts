/** Shared look of the console charts (dark cards) and compact yuan ticks. */
import { formatFen } from '@ecny-sim/wallet-core';

export const AXIS = { stroke: '#a1a1aa', fontSize: 11 } as const;
export const GRID = '#2c2f37';
export const TOOLTIP_STYLE = {
  contentStyle: { background: '#23262d', border: '1px solid #3a3d45', borderRadius: 8, color: '#e8e8ed' },
  labelStyle: { color: '#a1a1aa' },
  itemStyle: { color: '#e8e8ed' },
} as const;

export const COLORS = {
  online: '#0a84ff',
  offline: '#ff9f0a',
  restricted: '#c8102e',
  pools: '#d4a24c',
  vaults: '#8e8e93',
  tpm: '#34c759',
  reclaimed: '#64d2ff',
  losses: '#ff453a',
} as const;

/** Fen as a short yuan tick: ¥12, ¥3.4K, ¥1.2M, -¥0.50 (signed like formatFen; cents below ¥10). */
export function yuanTick(fen: number): string {
  const yuan = Math.abs(fen) / 100;
  const digits =
    yuan < 10 && !Number.isInteger(yuan)
      ? { minimumFractionDigits: 2, maximumFractionDigits: 2 }
      : { maximumFractionDigits: 1 };
  return `${fen < 0 ? '-' : ''}¥${yuan.toLocaleString('en-US', { notation: 'compact', ...digits })}`;
}

/**
 * Axis ticks from the data's range: nice steps from 0 to the largest value (and down to the
 * smallest below 0), so a small negative value does not add a whole step below zero.
 */
export function yuanTicks(
  values: readonly number[],
  count = 4,
): { domain: [number, number]; ticks: number[] } {
  const min = Math.min(0, ...values);
  const max = Math.max(0, ...values);
  const span = Math.max(max - min, 1);
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude) as number;
  const ticks: number[] = [];
  for (let v = 0; v <= max + step / 2 && ticks.length < 50; v += step) ticks.push(v);
  for (let v = -step; v >= min - step / 2 && ticks.length < 100; v -= step) ticks.unshift(v);
  const top = Math.max(max, ticks.at(-1) ?? 0);
  return { domain: [Math.min(min, ticks[0] ?? 0), top], ticks };
}

/** Tooltip values: fen as ¥1,234.56. */
export function yuanValue(value: unknown): string {
  return typeof value === 'number' ? formatFen(value) : String(value);
}

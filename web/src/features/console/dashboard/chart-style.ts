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

/** Fen as a short yuan tick: ¥12, ¥3.4K, ¥1.2M. */
export function yuanTick(fen: number): string {
  return `¥${(fen / 100).toLocaleString('en-US', { notation: 'compact', maximumFractionDigits: 1 })}`;
}

/** Tooltip values: fen as ¥1,234.56. */
export function yuanValue(value: unknown): string {
  return typeof value === 'number' ? formatFen(value) : String(value);
}

/** GET /v1/stats (public): money in circulation by where it sits. */
import { createApiClient } from '../../../lib/api';

export interface CirculationStats {
  issued: number;
  online: number;
  operatorVaults: number;
  offlineOutstanding: number;
  restricted: number;
  pools: number;
  losses: number;
  /** Recovered from culprits at detection, in all fraud cases. */
  fraudRecovered: number;
  /** Paid to honest holders of losing-branch coins as they deposited. */
  fraudCompensated: number;
  wallets: number;
}

const FIELDS: (keyof CirculationStats)[] = [
  'issued',
  'online',
  'operatorVaults',
  'offlineOutstanding',
  'restricted',
  'pools',
  'losses',
  'fraudRecovered',
  'fraudCompensated',
  'wallets',
];

export async function fetchStats(): Promise<CirculationStats> {
  const raw = await createApiClient().stats();
  const stats = {} as CirculationStats;
  // Fields a server does not report yet count as zero rather than breaking the panel.
  for (const field of FIELDS) stats[field] = typeof raw[field] === 'number' ? raw[field] : 0;
  return stats;
}

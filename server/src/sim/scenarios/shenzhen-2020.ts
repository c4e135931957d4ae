/**
 * Shenzhen Luohu, October 2020: ¥10M as 50,000 envelopes of ¥200 drawn
 * among 1,913,847 registrants, spendable for 7 days at 3,389 merchants,
 * unspent money reclaimed. Published outcome, for comparison: 47,573
 * envelopes opened, 62,788 payments.
 */
import type { Scenario } from '../scenario';
import { runPilot } from './pilot';

export const shenzhen2020: Scenario = {
  name: 'shenzhen-2020',
  summary: '1,913,847 registrants, 50,000 x ¥200, 3,389 merchants, 7 days, reclaim',
  run: (sc) =>
    runPilot(sc, {
      name: 'shenzhen-2020',
      region: 'Shenzhen Luohu',
      city: 'Shenzhen',
      registrants: 1_913_847,
      winners: 50_000,
      prize: 20_000,
      merchants: 3_389,
      onlineShare: 0,
      offlineTrial: 0,
      claimRate: 0.951,
      spendDays: 7,
    }),
};

/**
 * Suzhou, December 2020 ("Double 12"): 100,000 envelopes of ¥200, about
 * 10,000 merchants plus an online shop (JD.com in the pilot) taking about
 * 45% of the spending, and up to 1,000 winners trying dual-offline touch
 * payments. The registrant count is a model figure (about 1.2 million).
 */
import type { Scenario } from '../scenario';
import { runPilot } from './pilot';

export const suzhou2020: Scenario = {
  name: 'suzhou-2020',
  summary:
    '100,000 x ¥200, ~10,000 merchants + online shop (~45%), 1,000 offline-trial users paying by touch',
  run: (sc) =>
    runPilot(sc, {
      name: 'suzhou-2020',
      region: 'Suzhou',
      city: 'Suzhou',
      registrants: 1_200_000,
      winners: 100_000,
      prize: 20_000,
      merchants: 10_000,
      onlineShare: 0.45,
      offlineTrial: 1_000,
      claimRate: 0.95,
      spendDays: 7,
      assumptions:
        'assumed (not a published figure): 1.2 million registrants; the online shop is one merchant wallet admitted by id.',
    }),
};

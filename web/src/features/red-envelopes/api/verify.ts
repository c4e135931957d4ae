/**
 * Checks a published draw in the browser from public data only
 * (PROTOCOL.md 9): the seed must open the commitment published when the
 * campaign was created (and seen by this phone when it registered), the
 * public registration list must hash to the published list digest, and
 * drawWinners over that list and seed must give exactly the published
 * winners. Nothing here trusts the server's own verification.
 */
import {
  type DrawMismatch,
  drawWinners,
  registrationDigest,
  sortRegistrations,
  verifyDraw,
  verifySeedCommitment,
} from '@ecny-sim/wallet-core';
import { createApiClient } from '../../../lib/api';
import type { CampaignDraw, CampaignView } from './types';

export interface BrowserVerification {
  ok: boolean;
  commitmentOk: boolean;
  /** The commitment this phone saw at registration, when it registered, and whether it matches. */
  rememberedCommitmentOk: boolean | null;
  listDigest: string;
  registrations: number;
  winners: number;
  mismatches: DrawMismatch[];
  ms: number;
}

export async function verifyDrawInBrowser(
  campaign: CampaignView,
  draw: CampaignDraw,
  rememberedCommitment?: string,
): Promise<BrowserVerification> {
  const registrations = await createApiClient().allCampaignRegistrations(campaign.campaignId);
  const started = performance.now();
  const commitment = campaign.commitment;
  const commitmentOk = verifySeedCommitment(draw.seed, commitment) && draw.commitment === commitment;
  const rememberedCommitmentOk =
    rememberedCommitment === undefined ? null : rememberedCommitment === commitment;
  const mismatches: DrawMismatch[] = [];
  let listDigest = '';
  try {
    listDigest = registrationDigest(sortRegistrations(registrations));
    const result = verifyDraw({
      seed: draw.seed,
      commitment,
      registrations,
      winners: draw.winners,
      prizes: campaign.prizes,
      listDigest: draw.listDigest,
    });
    mismatches.push(...result.mismatches);
    // The same winners once more, straight from drawWinners, as a reader of PROTOCOL.md would.
    const again = drawWinners({ seed: draw.seed, registrations, prizes: campaign.prizes });
    if (again.winners.length !== draw.winners.length && result.ok) {
      mismatches.push({ code: 'COUNT', expected: again.winners.length, actual: draw.winners.length });
    }
  } catch (e) {
    mismatches.push({ code: 'INVALID_INPUT', message: e instanceof Error ? e.message : String(e) });
  }
  if (rememberedCommitmentOk === false) {
    mismatches.push({
      code: 'COMMITMENT',
      expected: rememberedCommitment,
      actual: commitment,
      message: 'the commitment changed since this phone registered',
    });
  }
  return {
    ok: mismatches.length === 0 && commitmentOk && rememberedCommitmentOk !== false,
    commitmentOk,
    rememberedCommitmentOk,
    listDigest,
    registrations: registrations.length,
    winners: draw.winners.length,
    mismatches,
    ms: Math.round(performance.now() - started),
  };
}

/**
 * Checks a campaign's published draw from its public data only, as any
 * outsider would: the terms and commitment published at creation, the
 * registration list and the revealed seed and winners.
 */
import { type DrawMismatch, EcnyClient, verifyDraw } from '@ecny-sim/wallet-core';

export interface RemoteVerification {
  campaignId: string;
  ok: boolean;
  mismatches: DrawMismatch[];
  registrations: number;
  winners: number;
  listDigest: string;
  commitment: string;
}

export async function verifyRemoteDraw(
  baseUrl: string,
  campaignId: string,
  fetchImpl?: typeof fetch,
): Promise<RemoteVerification> {
  const client = new EcnyClient({ baseUrl, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
  const { campaign } = await client.campaign(campaignId);
  const published = await client.campaignDraw(campaignId);
  const registrations = await client.allCampaignRegistrations(campaignId);
  // The commitment checked is the one published with the campaign, before anyone could know the seed.
  const result = verifyDraw({
    seed: published.seed,
    commitment: campaign.commitment,
    registrations,
    winners: published.winners,
    prizes: campaign.prizes,
    listDigest: published.listDigest,
  });
  return {
    campaignId,
    ok: result.ok,
    mismatches: result.mismatches,
    registrations: registrations.length,
    winners: published.winners.length,
    listDigest: published.listDigest,
    commitment: campaign.commitment,
  };
}

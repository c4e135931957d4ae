/**
 * Campaign money offline: an offline-trial winner (registered with
 * `offlineTrial` and given a place, prize claimed) loads part or all of its
 * restricted balance onto its device as restricted root coins, within the
 * spending window. See offline/restricted.ts for the restriction, the
 * reconciliation and deposit rules, and `reclaim` (service.ts) for what
 * happens to coins still outstanding after the window.
 */
import { EcnyError } from '@ecny-sim/wallet-core';
import type { Ctx } from '../context';
import { offlineRestriction } from '../offline/restricted';
import { type LoadRequest, loadToDevice } from '../offline/service';
import type { DeviceRow, WalletRow } from '../store/store';
import { requireCampaign } from './service';

export async function loadRestrictedToDevice(
  ctx: Ctx,
  campaignId: string,
  wallet: WalletRow,
  device: DeviceRow,
  body: LoadRequest,
) {
  const c = await requireCampaign(ctx, campaignId);
  const registration = await ctx.store.getCampaignRegistration(campaignId, wallet.walletId);
  if (!registration?.offlineTrial) {
    throw new EcnyError(
      'CAMPAIGN_NOT_OFFLINE_TRIAL',
      'only wallets given an offline-trial place can load campaign money onto a device',
    );
  }
  const winner = await ctx.store.getCampaignWinner(campaignId, wallet.walletId);
  if (!winner) throw new EcnyError('CAMPAIGN_NOT_WINNER', 'this wallet did not win in this campaign');
  if (winner.claimedAt === null) {
    throw new EcnyError('CAMPAIGN_NOT_CLAIMED', 'open the envelope before loading its money offline');
  }
  const now = ctx.now();
  if (now < c.spec.spendFrom) {
    throw new EcnyError('RESTRICTED_NOT_STARTED', 'the campaign money cannot be spent yet');
  }
  if (now >= c.spec.spendUntil) throw new EcnyError('RESTRICTED_EXPIRED', 'the campaign money has expired');
  const restriction = await offlineRestriction(ctx, c);
  const result = await loadToDevice(ctx, wallet, device, body, {
    campaignId,
    restriction,
    // Usable while the restricted balance is: t < spendUntil, i.e. spend.time <= spendUntil - 1.
    expiresAt: c.spec.spendUntil - 1,
  });
  return { ...result, campaignId, restriction: result.coins[0]?.restriction ?? restriction };
}

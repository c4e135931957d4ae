/**
 * Restricted (red-envelope) coins: campaign money an offline-trial winner
 * loads onto its device (PROTOCOL.md section 7, "Restricted coins").
 *
 * - Load: restricted:<wallet>:<campaign> -> offline-restricted:<op>:<campaign>;
 *   the root coins carry `restriction = {campaignId, merchants}` where
 *   `merchants` is the campaign's merchant rule resolved, at load time, to the
 *   explicit list of eligible merchant wallet ids. A payee's wallet id comes
 *   from its operator-signed DeviceCert, so the payer's secure element and the
 *   payee check the restriction against a fact nobody can fake offline (the
 *   merchant name/region/MCC in a payment request is self-declared and is not
 *   relied upon). Coins expire when the spending window closes.
 * - Reconciliation: every newly seen spend of a restricted coin must pay (in
 *   output 0) a registered device whose wallet the restriction admits, with
 *   the merchant profile the server knows; otherwise the path is refused
 *   (COIN_RESTRICTED) and nothing of it is recorded.
 * - Deposit: the winner's own coins go back to its restricted balance; coins
 *   an eligible merchant received go to the merchant's wallet (it is paid).
 */
import {
  type Coin,
  type CoinRestriction,
  defaultRestrictionPolicy,
  EcnyError,
  isMerchantEligible,
} from '@ecny-sim/wallet-core';
import type { Ctx } from '../context';
import { Accounts } from '../ledger/accounts';
import type { CampaignRow, DeviceRow, RootCoinRow, WalletRow } from '../store/store';
import { COIN_POLICY } from './policy';
import type { LinkFacts } from './verify';

/** Ledger id of the reclaim of a campaign's outstanding offline coins of one operator. */
export const offlineReclaimId = (campaignId: string, operatorId: string) =>
  `campaign-reclaim:${campaignId}:offline:${operatorId}`;

/**
 * The restriction of a campaign's offline coins: its merchant rule resolved
 * to the sorted list of merchant wallets it admits now. Refused when no
 * merchant qualifies or when the list is too long to travel with every coin.
 */
export async function offlineRestriction(ctx: Ctx, campaign: CampaignRow): Promise<CoinRestriction> {
  const rule = campaign.spec.merchantRule;
  const merchants = (await ctx.store.listMerchantWallets(COIN_POLICY.merchantScanLimit))
    .filter((w) => isMerchantEligible(rule, w.walletId, w.merchant))
    .map((w) => w.walletId)
    .sort();
  if (merchants.length === 0) {
    throw new EcnyError(
      'RESTRICTED_NO_MERCHANTS',
      'no merchant takes part in this campaign yet; its money cannot be loaded offline',
    );
  }
  if (merchants.length > COIN_POLICY.maxRestrictedMerchants) {
    throw new EcnyError(
      'RESTRICTED_TOO_MANY_MERCHANTS',
      `${merchants.length} merchants take part; offline coins name at most ${COIN_POLICY.maxRestrictedMerchants}`,
    );
  }
  return { campaignId: campaign.campaignId, merchants };
}

function payeeOf(device: DeviceRow, wallet: WalletRow | null) {
  return {
    walletId: device.walletId,
    deviceId: device.deviceId,
    publicKey: device.publicKey,
    ...(wallet?.merchant ? { merchant: wallet.merchant } : {}),
  };
}

/** Why the restriction refuses `wallet` (its device `device`) as a payee, or null. */
export function restrictionRefusalFor(
  restriction: CoinRestriction,
  device: DeviceRow,
  wallet: WalletRow | null,
): string | null {
  return defaultRestrictionPolicy(restriction, payeeOf(device, wallet));
}

export interface RestrictedLinkRefusal {
  code: 'COIN_RESTRICTED';
  message: string;
  /** 1-based link of the offending spend. */
  link: number;
}

/**
 * Checks the spends of a restricted coin's path that the spent set has not
 * recorded yet: output 0 of each (the payment; a spend to the issuer is a
 * deposit, judged at deposit) must go to a registered device whose wallet the
 * restriction admits. The first failure, or null.
 */
export async function restrictedPathRefusal(
  ctx: Ctx,
  coin: Coin,
  links: readonly LinkFacts[],
  isKnownSpend: (hash: string) => boolean,
): Promise<RestrictedLinkRefusal | null> {
  const restriction = coin.issue.restriction;
  if (!restriction) return null;
  const issuer = ctx.world.issuerPublicKey;
  const todo: { index: number; payee: string }[] = [];
  coin.links.forEach((l, index) => {
    const payee = l.spend.outputs[0]?.owner;
    if (payee && payee !== issuer && !isKnownSpend(links[index]!.spendHash)) todo.push({ index, payee });
  });
  if (todo.length === 0) return null;
  const devices = await ctx.store.getDevicesByPublicKeys(todo.map((t) => t.payee));
  const wallets = new Map<string, WalletRow | null>();
  for (const { index, payee } of todo) {
    const device = devices.get(payee);
    let refusal: string | null;
    if (!device) refusal = `coins of campaign ${restriction.campaignId} were paid to an unknown device`;
    else {
      if (!wallets.has(device.walletId))
        wallets.set(device.walletId, await ctx.store.getWallet(device.walletId));
      refusal = restrictionRefusalFor(restriction, device, wallets.get(device.walletId) ?? null);
    }
    if (refusal) return { code: 'COIN_RESTRICTED', message: refusal, link: index + 1 };
  }
  return null;
}

/**
 * Where the deposit of a restricted coin goes: back to the winner's
 * restricted balance when the depositor is the wallet that loaded the root
 * coin, to the depositor's wallet when it is a merchant the restriction
 * admits. Refused after the campaign's offline coins were reclaimed
 * (RESTRICTED_RECLAIMED) and for anyone else (COIN_RESTRICTED).
 */
export async function restrictedDepositAccounts(
  ctx: Ctx,
  restriction: CoinRestriction,
  root: RootCoinRow,
  wallet: WalletRow,
  device: DeviceRow,
): Promise<{ debit: string; credit: string }> {
  const campaignId = root.campaignId ?? restriction.campaignId;
  if (await ctx.store.getTransfer(offlineReclaimId(campaignId, root.operatorId))) {
    throw new EcnyError(
      'RESTRICTED_RECLAIMED',
      `the offline coins of campaign ${campaignId} were reclaimed after its spending window`,
    );
  }
  const debit = Accounts.offlineRestricted(root.operatorId, campaignId).id;
  if (root.walletId === wallet.walletId) {
    const account = Accounts.restricted(wallet.walletId, campaignId);
    await ctx.store.ensureAccounts([account]);
    return { debit, credit: account.id };
  }
  const refusal = restrictionRefusalFor(restriction, device, wallet);
  if (refusal) throw new EcnyError('COIN_RESTRICTED', refusal);
  return { debit, credit: Accounts.wallet(wallet.walletId).id };
}

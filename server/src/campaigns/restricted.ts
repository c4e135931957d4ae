/**
 * Spending restricted campaign money. A wallet's restricted balances (one
 * account per won campaign) pay only the campaign's eligible merchants,
 * within the spending window, before the wallet's own money; they never go
 * to persons or to the bank. A payment is one ledger group: the restricted
 * parts and the own-money part settle together or not at all.
 */
import {
  checkPayerLimits,
  EcnyError,
  type OnlineTransfer,
  planSpend,
  type RestrictedBalance,
  type SpendPlan,
  TIER_SPECS,
  type TransferReceipt,
} from '@ecny-sim/wallet-core';
import type { Ctx } from '../context';
import { chinaDay } from '../http/clock';
import { Accounts } from '../ledger/accounts';
import type { CampaignRow, LedgerTransfer, StoredTransfer, WalletRow } from '../store/store';
import { assertSameTransfer, checkSignedTransfer, ledgerId, receiptFor } from '../transfers/service';
import { redeem } from '../wallets/service';

export interface RestrictedBalanceView extends RestrictedBalance {
  name: string;
  account: string;
}

/** Every restricted balance a wallet holds (claimed prizes), with the campaign's rule and window. */
export async function restrictedBalances(ctx: Ctx, walletId: string): Promise<RestrictedBalanceView[]> {
  const prizes = await ctx.store.walletCampaignPrizes(walletId);
  const out: RestrictedBalanceView[] = [];
  const campaigns = new Map<string, CampaignRow | null>();
  for (const p of prizes) {
    if (p.claimedAt === null) continue;
    if (!campaigns.has(p.campaignId)) campaigns.set(p.campaignId, await ctx.store.getCampaign(p.campaignId));
    const c = campaigns.get(p.campaignId);
    if (!c) continue;
    const account = Accounts.restricted(walletId, p.campaignId).id;
    out.push({
      campaignId: p.campaignId,
      name: c.spec.name,
      account,
      amount: (await ctx.store.getBalance(account)) ?? 0,
      spendableFrom: c.spec.spendFrom,
      expiresAt: c.spec.spendUntil,
      merchantRule: c.spec.merchantRule,
    });
  }
  return out;
}

function groupFor(
  transfer: OnlineTransfer,
  plan: SpendPlan,
  payer: WalletRow,
  payee: WalletRow,
  now: number,
) {
  const cap = TIER_SPECS[payee.tier].online.balanceCap;
  const split = { restricted: plan.fromRestricted, own: plan.fromOwn };
  const group: LedgerTransfer[] = [];
  for (const part of plan.fromRestricted) {
    group.push({
      id: group.length === 0 ? ledgerId(transfer) : `${ledgerId(transfer)}:${part.campaignId}`,
      debit: Accounts.restricted(transfer.from, part.campaignId).id,
      credit: Accounts.wallet(transfer.to).id,
      amount: part.amount,
      kind: 'campaign_spend',
      meta:
        group.length === 0
          ? { transfer, split }
          : { transferId: transfer.transferId, campaignId: part.campaignId },
      limits: { creditBalanceMax: cap },
    });
  }
  if (plan.fromOwn > 0) {
    group.push({
      id: group.length === 0 ? ledgerId(transfer) : `${ledgerId(transfer)}:own`,
      debit: Accounts.wallet(transfer.from).id,
      credit: Accounts.wallet(transfer.to).id,
      amount: plan.fromOwn,
      kind: 'payment',
      meta: group.length === 0 ? { transfer, split } : { transferId: transfer.transferId },
      limits: {
        creditBalanceMax: cap,
        dailyMax: TIER_SPECS[payer.tier].online.perDay,
        dailyKey: `pay:${transfer.from}`,
        day: chinaDay(now),
      },
    });
  }
  return group;
}

export interface CampaignPayment {
  receipt: TransferReceipt;
  /** The payer's own (unrestricted) balance after the payment. */
  balance: number;
  fromRestricted: { campaignId: string; amount: number }[];
  fromOwn: number;
  restricted: { campaignId: string; amount: number }[];
}

/**
 * Settles a device-signed online transfer spending restricted funds first
 * (planSpend), the rest from the wallet's own money, in one ledger group.
 * With `restrictedOnly` nothing comes from the wallet's own money.
 */
export async function payWithRestricted(
  ctx: Ctx,
  transfer: OnlineTransfer,
  options: { restrictedOnly?: boolean } = {},
): Promise<CampaignPayment> {
  let stored: StoredTransfer | null = await ctx.store.getTransfer(ledgerId(transfer));
  let plan: SpendPlan | null = null;
  if (stored) assertSameTransfer(stored, transfer);
  else {
    const { payer, payee } = await checkSignedTransfer(ctx, transfer);
    const target = {
      kind: 'wallet' as const,
      walletId: payee.walletId,
      merchant: payee.merchant ? { region: payee.merchant.region, mcc: payee.merchant.mcc } : null,
    };
    for (let attempt = 0; ; attempt++) {
      const now = ctx.now();
      const [balances, own] = await Promise.all([
        restrictedBalances(ctx, payer.walletId),
        ctx.store.getBalance(Accounts.wallet(payer.walletId).id),
      ]);
      plan = planSpend({
        balances,
        target,
        amount: transfer.amount,
        at: now,
        ownBalance: own ?? 0,
        ...(options.restrictedOnly ? { restrictedOnly: true } : {}),
      });
      if (plan.fromOwn > 0) {
        const limit = checkPayerLimits(payer.tier, plan.fromOwn, 0);
        if (limit) throw new EcnyError(limit.code, limit.message);
      }
      const outcome = await ctx.store.applyTransfers(groupFor(transfer, plan, payer, payee, now));
      // A concurrent payment may have spent a balance between the plan and the commit: plan again.
      if (!outcome.ok && outcome.code === 'INSUFFICIENT_FUNDS' && attempt < 2) continue;
      if (!outcome.ok) throw new EcnyError(outcome.code, outcome.message);
      stored = outcome.transfers[0]!;
      if (outcome.duplicate) assertSameTransfer(stored, transfer);
      else announce(ctx, transfer, plan, stored);
      break;
    }
  }
  const split = (stored.meta?.split as
    | { restricted: SpendPlan['fromRestricted']; own: number }
    | undefined) ?? {
    restricted: [],
    own: stored.amount,
  };
  const [balance, restricted] = await Promise.all([
    ctx.store.getBalance(Accounts.wallet(transfer.from).id),
    restrictedBalances(ctx, transfer.from),
  ]);
  return {
    receipt: receiptFor(ctx, transfer, stored),
    balance: balance ?? 0,
    fromRestricted: split.restricted,
    fromOwn: split.own,
    restricted: restricted.map((r) => ({ campaignId: r.campaignId, amount: r.amount })),
  };
}

function announce(ctx: Ctx, transfer: OnlineTransfer, plan: SpendPlan, stored: StoredTransfer): void {
  ctx.events.publish(
    'payment.settled',
    {
      transferId: transfer.transferId,
      from: transfer.from,
      to: transfer.to,
      amount: transfer.amount,
      memo: transfer.memo ?? null,
      ledgerSeq: stored.seq,
      fromRestricted: plan.fromRestricted,
    },
    [transfer.from, transfer.to],
  );
  ctx.events.publish('ledger.activity', { kind: 'payment', amount: transfer.amount, ledgerSeq: stored.seq });
  for (const part of plan.fromRestricted) {
    ctx.events.publish('campaign.progress', {
      campaignId: part.campaignId,
      kind: 'payment',
      amount: part.amount,
      merchant: transfer.to,
    });
  }
}

/**
 * Redemption to the bank that knows about restricted money: only the
 * wallet's own money can be redeemed; asking for more than that while
 * holding restricted funds is RESTRICTED_NOT_REDEEMABLE.
 */
export async function redeemWithRestricted(ctx: Ctx, wallet: WalletRow, requestId: string, amount: number) {
  const [balances, own] = await Promise.all([
    restrictedBalances(ctx, wallet.walletId),
    ctx.store.getBalance(Accounts.wallet(wallet.walletId).id),
  ]);
  planSpend({ balances, target: { kind: 'bank' }, amount, at: ctx.now(), ownBalance: own ?? 0 });
  return redeem(ctx, wallet, requestId, amount);
}

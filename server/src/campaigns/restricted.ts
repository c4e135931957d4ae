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
import {
  assertSameTransfer,
  checkSignedTransfer,
  ledgerId,
  ledgerRefusal,
  receiptSoon,
  settledThis,
} from '../transfers/service';
import { redeem } from '../wallets/service';

export interface RestrictedBalanceView extends RestrictedBalance {
  name: string;
  account: string;
}

/** Campaign rows by id, read once (a campaign's terms never change after creation). */
export type CampaignCache = Map<string, Promise<CampaignRow | null>>;

/**
 * Every restricted balance a wallet holds (claimed prizes), with the campaign's rule and window.
 * `campaigns` shares campaign reads between calls (one batch of payments).
 */
export async function restrictedBalances(
  ctx: Ctx,
  walletId: string,
  campaigns: CampaignCache = new Map(),
): Promise<RestrictedBalanceView[]> {
  const prizes = (await ctx.store.walletCampaignPrizes(walletId)).filter((p) => p.claimedAt !== null);
  if (prizes.length === 0) return [];
  const views = await Promise.all(
    prizes.map(async (p): Promise<RestrictedBalanceView | null> => {
      let campaign = campaigns.get(p.campaignId);
      if (!campaign) {
        campaign = ctx.store.getCampaign(p.campaignId);
        campaigns.set(p.campaignId, campaign);
      }
      const account = Accounts.restricted(walletId, p.campaignId).id;
      const [c, amount] = await Promise.all([campaign, ctx.store.getBalance(account)]);
      if (!c) return null;
      return {
        campaignId: p.campaignId,
        name: c.spec.name,
        account,
        amount: amount ?? 0,
        spendableFrom: c.spec.spendFrom,
        expiresAt: c.spec.spendUntil,
        merchantRule: c.spec.merchantRule,
      };
    }),
  );
  return views.filter((v): v is RestrictedBalanceView => v !== null);
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

/** A settled restricted-first payment as the ledger holds it, before any receipt is made. */
export interface RestrictedSettlement {
  /** The ledger row of the payment (the original one for a retry). */
  stored: StoredTransfer;
  fromRestricted: { campaignId: string; amount: number }[];
  fromOwn: number;
  /** False for a retry of a payment already settled (nothing moved). */
  fresh: boolean;
}

type PayOptions = { restrictedOnly?: boolean };

function settlementOf(stored: StoredTransfer, fresh: boolean): RestrictedSettlement {
  const split = (stored.meta?.split as
    | { restricted: SpendPlan['fromRestricted']; own: number }
    | undefined) ?? {
    restricted: [],
    own: stored.amount,
  };
  return { stored, fromRestricted: split.restricted, fromOwn: split.own, fresh };
}

function targetOf(payee: WalletRow) {
  return {
    kind: 'wallet' as const,
    walletId: payee.walletId,
    merchant: payee.merchant ? { region: payee.merchant.region, mcc: payee.merchant.mcc } : null,
  };
}

function planFor(
  transfer: OnlineTransfer,
  payer: WalletRow,
  payee: WalletRow,
  balances: readonly RestrictedBalance[],
  own: number,
  now: number,
  options: PayOptions,
): SpendPlan {
  const plan = planSpend({
    balances,
    target: targetOf(payee),
    amount: transfer.amount,
    at: now,
    ownBalance: own,
    ...(options.restrictedOnly ? { restrictedOnly: true } : {}),
  });
  if (plan.fromOwn > 0) {
    const limit = checkPayerLimits(payer.tier, plan.fromOwn, 0);
    if (limit) throw new EcnyError(limit.code, limit.message);
  }
  return plan;
}

/**
 * A retry of the very transfer that settled is answered from the ledger (its row); anything else
 * under its id must pass the checks first, and then finds the id taken.
 */
async function settledOrChecked(
  ctx: Ctx,
  transfer: OnlineTransfer,
): Promise<{ settled: StoredTransfer } | { payer: WalletRow; payee: WalletRow }> {
  const settled = await ctx.store.getTransfer(ledgerId(transfer));
  if (settled && settledThis(settled, transfer)) return { settled };
  const signed = await checkSignedTransfer(ctx, transfer);
  if (settled) assertSameTransfer(settled, transfer);
  return signed;
}

/**
 * Checks and settles a device-signed online transfer spending restricted
 * funds first (planSpend), the rest from the wallet's own money, in one
 * ledger group; answers with the ledger row and the split, without a
 * receipt (payWithRestricted adds one). With `restrictedOnly` nothing comes
 * from the wallet's own money.
 */
export async function settleRestricted(
  ctx: Ctx,
  transfer: OnlineTransfer,
  options: PayOptions = {},
): Promise<RestrictedSettlement> {
  const checked = await settledOrChecked(ctx, transfer);
  if ('settled' in checked) return settlementOf(checked.settled, false);
  const { payer, payee } = checked;
  for (let attempt = 0; ; attempt++) {
    const now = ctx.now();
    const [balances, own] = await Promise.all([
      restrictedBalances(ctx, payer.walletId),
      ctx.store.getBalance(Accounts.wallet(payer.walletId).id),
    ]);
    const plan = planFor(transfer, payer, payee, balances, own ?? 0, now, options);
    const outcome = await ctx.store.applyTransfers(groupFor(transfer, plan, payer, payee, now));
    // A concurrent payment may have spent a balance between the plan and the commit: plan again.
    if (!outcome.ok && outcome.code === 'INSUFFICIENT_FUNDS' && attempt < 2) continue;
    if (!outcome.ok) throw ledgerRefusal(transfer, outcome);
    const stored = outcome.transfers[0]!;
    if (outcome.duplicate) {
      assertSameTransfer(stored, transfer);
      return settlementOf(stored, false);
    }
    announce(ctx, transfer, plan, stored);
    return { stored, fromRestricted: plan.fromRestricted, fromOwn: plan.fromOwn, fresh: true };
  }
}

/**
 * Settles a device-signed online transfer spending restricted funds first
 * (see settleRestricted) and answers with the issuer's receipt and the
 * payer's balances after it.
 */
export async function payWithRestricted(
  ctx: Ctx,
  transfer: OnlineTransfer,
  options: PayOptions = {},
): Promise<CampaignPayment> {
  const settled = await settleRestricted(ctx, transfer, options);
  const [receipt, balance, restricted] = await Promise.all([
    receiptSoon(ctx, transfer, settled.stored),
    ctx.store.getBalance(Accounts.wallet(transfer.from).id),
    restrictedBalances(ctx, transfer.from),
  ]);
  return {
    receipt,
    balance: balance ?? 0,
    fromRestricted: settled.fromRestricted,
    fromOwn: settled.fromOwn,
    restricted: restricted.map((r) => ({ campaignId: r.campaignId, amount: r.amount })),
  };
}

export type RestrictedOutcome =
  | ({ ok: true } & RestrictedSettlement)
  | { ok: false; code: string; message: string };

function refusal(e: unknown): RestrictedOutcome {
  if (e instanceof EcnyError) return { ok: false, code: e.code, message: e.message };
  throw e;
}

/**
 * A transfer as the batch sees it once checked (checkRestricted): already
 * answered (a settled retry, or refused), or a new payment between these
 * wallets, its signature good.
 */
export type CheckedRestricted =
  | { transfer: OnlineTransfer; answer: RestrictedOutcome }
  | { transfer: OnlineTransfer; payer: WalletRow; payee: WalletRow };

/**
 * The checks of settleRestricted that need no balances: a retry of a
 * settled payment is answered from the ledger, a new one must be fresh and
 * signed by a live device of the payer (the signature checked on the
 * verification threads).
 */
export async function checkRestricted(ctx: Ctx, transfer: OnlineTransfer): Promise<CheckedRestricted> {
  try {
    const checked = await settledOrChecked(ctx, transfer);
    if ('settled' in checked)
      return { transfer, answer: { ok: true, ...settlementOf(checked.settled, false) } };
    return { transfer, ...checked };
  } catch (e) {
    return { transfer, answer: refusal(e) };
  }
}

/**
 * Many signed transfers spending restricted funds first, each settled or
 * refused on its own with the outcome settleRestricted would give, in far
 * fewer store round trips: signatures checked together (on the
 * verification threads), each payer's balances and each campaign read
 * once, the plans made in order (a payer's later payment sees what the
 * earlier ones took), and every group applied in one ledger call. A payment
 * the batch cannot settle as planned (its payer's earlier payment in the
 * batch was refused, or a balance moved meanwhile) is settled again on its
 * own afterwards.
 */
export async function settleRestrictedMany(
  ctx: Ctx,
  transfers: readonly OnlineTransfer[],
  options: PayOptions = {},
): Promise<RestrictedOutcome[]> {
  return settleChecked(ctx, await Promise.all(transfers.map((t) => checkRestricted(ctx, t))), options);
}

/** settleRestrictedMany for transfers already through checkRestricted (in the order to settle them). */
export async function settleChecked(
  ctx: Ctx,
  checked: readonly CheckedRestricted[],
  options: PayOptions = {},
): Promise<RestrictedOutcome[]> {
  const results: (RestrictedOutcome | undefined)[] = new Array(checked.length);
  const seen = new Set<string>();
  checked.forEach((c, i) => {
    const id = c.transfer.transferId;
    if (seen.has(id)) {
      results[i] = {
        ok: false,
        code: 'DUPLICATE_IN_BATCH',
        message: `transfer ${id} appears twice in the batch`,
      };
    } else if ('answer' in c) results[i] = c.answer;
    seen.add(id);
  });
  // Each payer's balances, read once for the batch.
  const campaigns: CampaignCache = new Map();
  const views = new Map<string, Promise<{ balances: RestrictedBalanceView[]; own: number }>>();
  checked.forEach((c, i) => {
    if (results[i] || 'answer' in c || views.has(c.payer.walletId)) return;
    const walletId = c.payer.walletId;
    views.set(
      walletId,
      Promise.all([
        restrictedBalances(ctx, walletId, campaigns),
        ctx.store.getBalance(Accounts.wallet(walletId).id),
      ]).then(([balances, own]) => ({ balances, own: own ?? 0 })),
    );
  });
  const held = new Map<string, { balances: RestrictedBalanceView[]; own: number }>();
  await Promise.all([...views].map(async ([walletId, view]) => held.set(walletId, await view)));
  // The plans, in order; what a payment takes is gone for the payer's next one.
  const now = ctx.now();
  const planned: { index: number; plan: SpendPlan }[] = [];
  const groups: LedgerTransfer[][] = [];
  const payersInBatch = new Set<string>();
  // Payers with a payment left for afterwards: their later ones wait too, to keep each payer's order.
  const waiting = new Set<string>();
  const again: number[] = [];
  checked.forEach((c, i) => {
    if (results[i] || 'answer' in c) return;
    const payerId = c.payer.walletId;
    if (waiting.has(payerId)) {
      again.push(i);
      return;
    }
    const view = held.get(payerId)!;
    let plan: SpendPlan;
    try {
      plan = planFor(c.transfer, c.payer, c.payee, view.balances, view.own, now, options);
    } catch (e) {
      // Planned against what the payer's earlier payments here would take: those may yet be refused.
      if (payersInBatch.has(payerId)) {
        waiting.add(payerId);
        again.push(i);
      } else results[i] = refusal(e);
      return;
    }
    for (const part of plan.fromRestricted) {
      const b = view.balances.find((v) => v.campaignId === part.campaignId)!;
      b.amount -= part.amount;
    }
    view.own -= plan.fromOwn;
    payersInBatch.add(payerId);
    planned.push({ index: i, plan });
    groups.push(groupFor(c.transfer, plan, c.payer, c.payee, now));
  });
  const outcomes = await ctx.store.applyMany(groups);
  planned.forEach(({ index, plan }, k) => {
    const transfer = checked[index]!.transfer;
    const outcome = outcomes[k]!;
    if (!outcome.ok) {
      if (outcome.code === 'INSUFFICIENT_FUNDS') again.push(index);
      else results[index] = refusal(ledgerRefusal(transfer, outcome));
      return;
    }
    const stored = outcome.transfers[0]!;
    if (outcome.duplicate) {
      try {
        assertSameTransfer(stored, transfer);
        results[index] = { ok: true, ...settlementOf(stored, false) };
      } catch (e) {
        results[index] = refusal(e);
      }
      return;
    }
    announce(ctx, transfer, plan, stored);
    results[index] = {
      ok: true,
      stored,
      fromRestricted: plan.fromRestricted,
      fromOwn: plan.fromOwn,
      fresh: true,
    };
  });
  // Settled again one by one, in order, against the balances as they now are.
  again.sort((a, b) => a - b);
  for (const i of again) {
    try {
      results[i] = { ok: true, ...(await settleRestricted(ctx, checked[i]!.transfer, options)) };
    } catch (e) {
      results[i] = refusal(e);
    }
  }
  return results as RestrictedOutcome[];
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

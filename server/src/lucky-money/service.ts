/**
 * Group lucky money (DESIGN.md section 8): a wallet funds an envelope of N
 * shares (wallet -> pool `lucky:<id>`); members of the group grab one share
 * each; what is left at the expiry goes back to the funder. Each grab is one
 * store transaction that reads the envelope, draws the share with the
 * injected random source, pays it and records it, so concurrent grabs never
 * pay out more than was funded or give a wallet two shares.
 */
import {
  type CreateLuckyMoneyRequest,
  checkPayerLimits,
  cryptoRng,
  EcnyError,
  nextGrab,
  type RandomInt,
  sha256,
  sortableId,
  TIER_SPECS,
  toBase64Url,
  utf8ToBytes,
} from '@ecny-sim/wallet-core';
import type { Ctx } from '../context';
import { chinaDay } from '../http/clock';
import { Accounts } from '../ledger/accounts';
import type { LuckyEnvelopeRow, LuckyGrabRow, WalletRow } from '../store/store';

export const LUCKY_DEFAULT_EXPIRY_SECONDS = 24 * 3600;

export const luckyPool = (envelopeId: string) => Accounts.pool(`lucky:${envelopeId}`);

export interface LuckyOptions {
  /** Random source of the random split (default: the platform CSPRNG). */
  rng?: RandomInt;
}

export async function requireEnvelope(ctx: Ctx, envelopeId: string): Promise<LuckyEnvelopeRow> {
  const env = await ctx.store.getLuckyEnvelope(envelopeId);
  if (!env) throw new EcnyError('LUCKY_NOT_FOUND', `no lucky-money envelope ${envelopeId}`);
  return env;
}

function envelopeView(env: LuckyEnvelopeRow, grabs: LuckyGrabRow[] | null, now: number) {
  return {
    envelopeId: env.envelopeId,
    from: env.walletId,
    groupId: env.groupId,
    total: env.total,
    shares: env.shares,
    mode: env.mode,
    memo: env.memo,
    remaining: env.remaining,
    sharesLeft: env.sharesLeft,
    status: env.status === 'open' && now >= env.expiresAt ? ('expired' as const) : env.status,
    createdAt: env.createdAt,
    expiresAt: env.expiresAt,
    refunded: env.refunded,
    refundedAt: env.refundedAt,
    poolAccount: luckyPool(env.envelopeId).id,
    ...(grabs
      ? {
          grabs: grabs.map((g) => ({
            walletId: g.walletId,
            share: g.share,
            amount: g.amount,
            at: g.grabbedAt,
          })),
          best: grabs.length === env.shares ? bestOf(grabs) : null,
        }
      : {}),
  };
}

/** The luckiest grab ("手气最佳") once every share is taken: largest amount, earliest on a tie. */
function bestOf(grabs: LuckyGrabRow[]): string | null {
  let best: LuckyGrabRow | null = null;
  for (const g of grabs) if (!best || g.amount > best.amount) best = g;
  return best?.walletId ?? null;
}

export async function createEnvelope(ctx: Ctx, wallet: WalletRow, body: CreateLuckyMoneyRequest) {
  const limit = checkPayerLimits(wallet.tier, body.total, 0);
  if (limit) throw new EcnyError(limit.code, limit.message);
  const envelopeId = body.requestId
    ? `lk_${toBase64Url(sha256(utf8ToBytes(`lucky:${wallet.walletId}:${body.requestId}`))).slice(0, 22)}`
    : sortableId('lk');
  const now = ctx.now();
  const pool = luckyPool(envelopeId);
  await ctx.store.ensureAccounts([pool]);
  const outcome = await ctx.store.createLuckyEnvelope(
    {
      envelopeId,
      walletId: wallet.walletId,
      groupId: body.groupId,
      total: body.total,
      shares: body.shares,
      mode: body.mode,
      memo: body.memo ?? null,
      remaining: body.total,
      sharesLeft: body.shares,
      status: 'open',
      createdAt: now,
      expiresAt: now + (body.expiresInSeconds ?? LUCKY_DEFAULT_EXPIRY_SECONDS) * 1000,
      refunded: 0,
      refundedAt: null,
    },
    [
      {
        id: `lucky-fund:${envelopeId}`,
        debit: Accounts.wallet(wallet.walletId).id,
        credit: pool.id,
        amount: body.total,
        kind: 'lucky_fund',
        meta: { envelopeId, groupId: body.groupId },
        limits: {
          dailyMax: TIER_SPECS[wallet.tier].online.perDay,
          dailyKey: `pay:${wallet.walletId}`,
          day: chinaDay(now),
        },
      },
    ],
  );
  if (!outcome.ok) throw new EcnyError(outcome.code, outcome.message);
  const env = outcome.value;
  if (!outcome.duplicate) {
    ctx.events.publish(
      'lucky.created',
      { envelopeId, from: wallet.walletId, groupId: env.groupId, total: env.total, shares: env.shares },
      [wallet.walletId],
    );
    ctx.events.publish('ledger.activity', { kind: 'lucky_fund', amount: env.total });
  }
  return { envelope: envelopeView(env, [], now), duplicate: outcome.duplicate };
}

/** Refunds an expired envelope if it still holds money (idempotent); quiet when it has not expired. */
async function refundIfExpired(ctx: Ctx, env: LuckyEnvelopeRow): Promise<LuckyEnvelopeRow> {
  if (env.status !== 'open' || ctx.now() < env.expiresAt) return env;
  const outcome = await refund(ctx, env.envelopeId);
  return outcome.envelope;
}

export async function refund(ctx: Ctx, envelopeId: string) {
  const env = await requireEnvelope(ctx, envelopeId);
  const outcome = await ctx.store.refundLuckyEnvelope(envelopeId, ctx.now(), (remaining) => [
    {
      id: `lucky-refund:${envelopeId}`,
      debit: luckyPool(envelopeId).id,
      credit: Accounts.wallet(env.walletId).id,
      amount: remaining,
      kind: 'lucky_refund',
      meta: { envelopeId },
    },
  ]);
  if (!outcome.ok) throw new EcnyError(outcome.code, outcome.message);
  if (!outcome.duplicate && outcome.refunded > 0) {
    ctx.events.publish('lucky.refunded', { envelopeId, amount: outcome.refunded }, [env.walletId]);
    ctx.events.publish('ledger.activity', { kind: 'lucky_refund', amount: outcome.refunded });
  }
  return { envelope: outcome.envelope, refunded: outcome.refunded, duplicate: outcome.duplicate };
}

export async function refundView(ctx: Ctx, envelopeId: string) {
  const r = await refund(ctx, envelopeId);
  return {
    envelope: envelopeView(r.envelope, await ctx.store.listLuckyGrabs(envelopeId), ctx.now()),
    refunded: r.refunded,
    duplicate: r.duplicate,
  };
}

export async function readEnvelope(ctx: Ctx, envelopeId: string) {
  const env = await refundIfExpired(ctx, await requireEnvelope(ctx, envelopeId));
  return { envelope: envelopeView(env, await ctx.store.listLuckyGrabs(envelopeId), ctx.now()) };
}

export async function grab(ctx: Ctx, wallet: WalletRow, envelopeId: string, options: LuckyOptions = {}) {
  const rng = options.rng ?? cryptoRng;
  const cap = TIER_SPECS[wallet.tier].online.balanceCap;
  const pool = luckyPool(envelopeId).id;
  const outcome = await ctx.store.grabLuckyShare({
    envelopeId,
    walletId: wallet.walletId,
    at: ctx.now(),
    share: (state) => nextGrab(state, rng).amount,
    transfer: (amount, share) => [
      {
        id: `lucky-grab:${envelopeId}:${wallet.walletId}`,
        debit: pool,
        credit: Accounts.wallet(wallet.walletId).id,
        amount,
        kind: 'lucky_grab',
        meta: { envelopeId, share },
        limits: { creditBalanceMax: cap },
      },
    ],
  });
  if (!outcome.ok) {
    if (outcome.code === 'LUCKY_EXPIRED') {
      const env = await ctx.store.getLuckyEnvelope(envelopeId);
      if (env) await refundIfExpired(ctx, env);
    }
    throw new EcnyError(
      outcome.code,
      outcome.message,
      outcome.grab ? { amount: outcome.grab.amount, share: outcome.grab.share } : undefined,
    );
  }
  const { grab: g, envelope: env } = outcome;
  ctx.events.publish(
    'lucky.grabbed',
    { envelopeId, walletId: g.walletId, amount: g.amount, share: g.share, sharesLeft: env.sharesLeft },
    [env.walletId, g.walletId],
  );
  ctx.events.publish('ledger.activity', { kind: 'lucky_grab', amount: g.amount });
  const balance = (await ctx.store.getBalance(Accounts.wallet(wallet.walletId).id)) ?? 0;
  return {
    envelopeId,
    amount: g.amount,
    share: g.share,
    sharesLeft: env.sharesLeft,
    remaining: env.remaining,
    balance,
  };
}

/**
 * Red-envelope campaigns (DESIGN.md section 8, PROTOCOL.md section 9): an
 * operator funds a budget into the campaign's pool, wallets register within
 * a window, a committed seed draws the winners verifiably, winners open
 * their envelope (pool -> restricted account), and what is unspent when the
 * spending window closes goes back to the issuer.
 */
import {
  type CreateCampaignRequest,
  campaignPrizes,
  commitSeed,
  type DrawWinner,
  drawWinners,
  EcnyError,
  newDrawSeed,
  randomId,
  registrationRefusal,
  sha256,
  toBase64Url,
  utf8ToBytes,
  verifyDraw,
  walletEligibility,
} from '@ecny-sim/wallet-core';
import type { Ctx } from '../context';
import { Accounts } from '../ledger/accounts';
import type {
  CampaignClaim,
  CampaignRow,
  CampaignSpec,
  CampaignWinnerRow,
  LedgerTransfer,
  WalletRow,
} from '../store/store';
import { throwIfRejected } from '../wallets/service';
import { issueToOperator } from '../world/world';

/** Ledger groups per store transaction when crediting or reclaiming many winners. */
export const CHUNK = 5_000;

export const campaignPool = (campaignId: string) => Accounts.pool(`campaign:${campaignId}`);

export type CampaignPhase = 'upcoming' | 'registering' | 'closed' | 'drawn' | 'ended';

export interface FundingChoice {
  /** Operator whose vault funds the budget (its reserve pledge is released on reclaim). */
  operatorId: string;
  /** 'vault' (default): from the operator's vault, refilled by issuance when short; 'issue': newly issued. */
  source: 'vault' | 'issue';
}

export async function requireCampaign(ctx: Ctx, campaignId: string): Promise<CampaignRow> {
  const campaign = await ctx.store.getCampaign(campaignId);
  if (!campaign) throw new EcnyError('CAMPAIGN_NOT_FOUND', `no campaign ${campaignId}`);
  return campaign;
}

function phaseOf(c: CampaignRow, now: number): CampaignPhase {
  if (now >= c.spec.spendUntil) return 'ended';
  if (c.status === 'drawn') return 'drawn';
  if (now < c.spec.registrationOpensAt) return 'upcoming';
  if (now < c.spec.registrationClosesAt) return 'registering';
  return 'closed';
}

function publishProgress(ctx: Ctx, campaignId: string, data: Record<string, unknown>): void {
  ctx.events.publish('campaign.progress', { campaignId, ...data });
}

/** The public face of a campaign: terms, commitment, merchant rule (for devices), progress. Never the seed before the draw. */
export async function campaignView(ctx: Ctx, c: CampaignRow) {
  const [counts, poolBalance] = await Promise.all([
    ctx.store.countCampaignRegistrations(c.campaignId),
    ctx.store.getBalance(campaignPool(c.campaignId).id),
  ]);
  const s = c.spec;
  return {
    campaignId: c.campaignId,
    name: s.name,
    ...(s.description ? { description: s.description } : {}),
    budget: s.budget,
    prizes: s.prizes,
    prizeCount: s.prizes.reduce((n, p) => n + p.count, 0),
    prizeTotal: s.prizes.reduce((n, p) => n + p.amount * p.count, 0),
    registrationOpensAt: s.registrationOpensAt,
    registrationClosesAt: s.registrationClosesAt,
    eligibility: s.eligibility,
    merchantRule: s.merchantRule,
    spendFrom: s.spendFrom,
    spendUntil: s.spendUntil,
    offlineTrialQuota: s.offlineTrialQuota,
    commitment: c.commitment,
    phase: phaseOf(c, ctx.now()),
    drawn: c.status === 'drawn',
    drawnAt: c.drawnAt,
    listDigest: c.listDigest,
    registrations: counts.total,
    offlineTrialPlaces: counts.offlineTrial,
    fundedBy: c.fundedBy,
    poolAccount: campaignPool(c.campaignId).id,
    poolBalance: poolBalance ?? 0,
    reclaimed: c.reclaimed,
    /** When the issuer first reclaimed the campaign, even with nothing left to take back; null before. */
    reclaimedAt: c.reclaimedAt,
    createdAt: c.createdAt,
  };
}

export async function createCampaign(ctx: Ctx, body: CreateCampaignRequest, funding: FundingChoice) {
  if (!ctx.world.operators.has(funding.operatorId)) {
    throw new EcnyError('OPERATOR_NOT_FOUND', `no operator ${funding.operatorId}`);
  }
  const campaignId = body.requestId
    ? `cp_${toBase64Url(sha256(utf8ToBytes(`campaign:${body.requestId}`))).slice(0, 22)}`
    : randomId('cp');
  const spec: CampaignSpec = {
    name: body.name,
    ...(body.description ? { description: body.description } : {}),
    budget: body.budget,
    prizes: campaignPrizes(body),
    registrationOpensAt: body.registrationOpensAt,
    registrationClosesAt: body.registrationClosesAt,
    eligibility: body.eligibility,
    merchantRule: body.merchantRule,
    spendFrom: body.spendFrom,
    spendUntil: body.spendUntil,
    offlineTrialQuota: body.offlineTrialQuota,
  };
  const seed = toBase64Url(newDrawSeed());
  const pool = campaignPool(campaignId);
  await ctx.store.ensureAccounts([pool]);
  const op = funding.operatorId;
  const fundId = `campaign-fund:${campaignId}`;
  let group: LedgerTransfer[];
  if (funding.source === 'issue') {
    const [issue, pledge] = issueToOperator(op, body.budget, fundId);
    group = [
      { ...issue!, credit: pool.id, kind: 'campaign_issue', meta: { campaignId } },
      { ...pledge!, id: `${fundId}:backing` },
    ];
  } else {
    const vault = (await ctx.store.getBalance(Accounts.vault(op).id)) ?? 0;
    if (vault < body.budget) {
      const refill = Math.max(body.budget, 1_000_000_000);
      throwIfRejected(await ctx.store.applyTransfers(issueToOperator(op, refill, `refill:${fundId}`)));
    }
    group = [
      {
        id: fundId,
        debit: Accounts.vault(op).id,
        credit: pool.id,
        amount: body.budget,
        kind: 'campaign_fund',
        meta: { campaignId },
      },
    ];
  }
  const outcome = await ctx.store.createCampaign(
    {
      campaignId,
      spec,
      fundedBy: op,
      commitment: commitSeed(seed),
      seed,
      status: 'open',
      createdAt: ctx.now(),
      drawnAt: null,
      listDigest: null,
      registrations: null,
      unawarded: null,
      reclaimed: 0,
      reclaimedAt: null,
    },
    group,
  );
  if (!outcome.ok) throw new EcnyError(outcome.code, outcome.message);
  if (!outcome.duplicate) {
    publishProgress(ctx, campaignId, { kind: 'created', budget: body.budget });
    ctx.events.publish('ledger.activity', { kind: 'campaign_fund', amount: body.budget });
  }
  return { campaign: await campaignView(ctx, outcome.value), duplicate: outcome.duplicate };
}

export async function register(ctx: Ctx, campaignId: string, wallet: WalletRow, offlineTrial: boolean) {
  const c = await requireCampaign(ctx, campaignId);
  const now = ctx.now();
  const closed = registrationRefusal(c.spec, now);
  if (closed) throw new EcnyError(closed.code, closed.message);
  const ineligible = walletEligibility(c.spec.eligibility, {
    region: wallet.region,
    resident: wallet.resident,
  });
  if (ineligible) throw new EcnyError(ineligible.code, ineligible.message);
  const { added, registration } = await ctx.store.registerForCampaign(
    { campaignId, walletId: wallet.walletId, offlineTrial, registeredAt: now },
    c.spec.offlineTrialQuota,
  );
  if (!added) {
    throw new EcnyError('ALREADY_REGISTERED', 'this wallet is already registered for the campaign', {
      registeredAt: registration.registeredAt,
    });
  }
  publishProgress(ctx, campaignId, { kind: 'registered', offlineTrial: registration.offlineTrial });
  return { registration };
}

/** Public list of registered wallet ids in canonical order, a page at a time. */
export async function registrationPage(ctx: Ctx, campaignId: string, after: string | null, limit: number) {
  await requireCampaign(ctx, campaignId);
  const [walletIds, counts] = await Promise.all([
    ctx.store.campaignRegistrationPage(campaignId, after, limit),
    ctx.store.countCampaignRegistrations(campaignId),
  ]);
  return {
    campaignId,
    total: counts.total,
    walletIds,
    next: walletIds.length === limit ? walletIds[walletIds.length - 1]! : null,
  };
}

async function allWinners(ctx: Ctx, campaignId: string): Promise<CampaignWinnerRow[]> {
  const out: CampaignWinnerRow[] = [];
  for (;;) {
    const page = await ctx.store.listCampaignWinners(campaignId, out.at(-1)?.rank ?? 0, 50_000);
    out.push(...page);
    if (page.length < 50_000) return out;
  }
}

function drawView(c: CampaignRow, winners: readonly DrawWinner[]) {
  if (c.status !== 'drawn') throw new EcnyError('CAMPAIGN_NOT_DRAWN', 'the campaign has not been drawn yet');
  return {
    campaignId: c.campaignId,
    commitment: c.commitment,
    seed: c.seed,
    listDigest: c.listDigest!,
    registrations: c.registrations!,
    unawarded: c.unawarded!,
    prizes: c.spec.prizes,
    drawnAt: c.drawnAt!,
    winners: winners.map((w) => ({ walletId: w.walletId, amount: w.amount, rank: w.rank })),
  };
}

export async function publishedDraw(ctx: Ctx, campaignId: string) {
  const c = await requireCampaign(ctx, campaignId);
  if (c.status !== 'drawn') throw new EcnyError('CAMPAIGN_NOT_DRAWN', 'the campaign has not been drawn yet');
  return drawView(c, await allWinners(ctx, campaignId));
}

/**
 * The draw, after registration closes: reveals the seed, draws the winners
 * from the registrations in canonical order and records them. Drawing again
 * returns the recorded draw. With `credit` every winner's envelope is opened
 * at once (otherwise each winner claims it).
 */
export async function draw(ctx: Ctx, campaignId: string, options: { credit?: boolean } = {}) {
  let c = await requireCampaign(ctx, campaignId);
  const timings: Record<string, number> = {};
  if (c.status !== 'drawn') {
    if (ctx.now() < c.spec.registrationClosesAt) {
      throw new EcnyError('CAMPAIGN_NOT_CLOSED', 'registration is still open; draw after it closes');
    }
    let t = performance.now();
    const ids = await ctx.store.campaignRegistrationIds(campaignId);
    timings.readMs = performance.now() - t;
    t = performance.now();
    const result = drawWinners({ seed: c.seed, registrations: ids, prizes: c.spec.prizes });
    timings.drawMs = performance.now() - t;
    t = performance.now();
    const recorded = await ctx.store.recordCampaignDraw(campaignId, {
      listDigest: result.listDigest,
      registrations: result.registrations,
      unawarded: result.unawarded,
      drawnAt: ctx.now(),
      winners: result.winners,
    });
    timings.recordMs = performance.now() - t;
    c = await requireCampaign(ctx, campaignId);
    if (recorded) {
      publishProgress(ctx, campaignId, {
        kind: 'drawn',
        registrants: result.registrations,
        winners: result.winners.length,
        unawarded: result.unawarded,
      });
    }
  }
  let credited: Awaited<ReturnType<typeof creditWinners>> | null = null;
  if (options.credit) credited = await creditWinners(ctx, campaignId);
  const view = drawView(c, await allWinners(ctx, campaignId));
  return { ...view, ...(credited ? { credited } : {}), timings };
}

function claimFor(c: CampaignRow, w: CampaignWinnerRow, at: number): CampaignClaim {
  return {
    walletId: w.walletId,
    at,
    group: [
      {
        id: `campaign-claim:${c.campaignId}:${w.walletId}`,
        debit: campaignPool(c.campaignId).id,
        credit: Accounts.restricted(w.walletId, c.campaignId).id,
        amount: w.amount,
        kind: 'campaign_claim',
        meta: { campaignId: c.campaignId, rank: w.rank },
      },
    ],
  };
}

/** Opens every unclaimed envelope of a drawn campaign (pool -> restricted), CHUNK claims per transaction. */
export async function creditWinners(ctx: Ctx, campaignId: string) {
  const c = await requireCampaign(ctx, campaignId);
  if (c.status !== 'drawn') throw new EcnyError('CAMPAIGN_NOT_DRAWN', 'the campaign has not been drawn yet');
  const at = ctx.now();
  if (at >= c.spec.spendUntil) throw new EcnyError('RESTRICTED_EXPIRED', 'the spending window has closed');
  let afterRank = 0;
  let credited = 0;
  let amount = 0;
  let refused = 0;
  for (;;) {
    const page = await ctx.store.listCampaignWinners(campaignId, afterRank, CHUNK);
    if (page.length === 0) break;
    afterRank = page[page.length - 1]!.rank;
    const open = page.filter((w) => w.claimedAt === null);
    if (open.length === 0) continue;
    await ctx.store.ensureAccounts(open.map((w) => Accounts.restricted(w.walletId, campaignId)));
    const outcomes = await ctx.store.claimCampaignPrizes(
      campaignId,
      open.map((w) => claimFor(c, w, at)),
    );
    outcomes.forEach((o, i) => {
      if (!o.ok) refused++;
      else if (!o.duplicate) {
        credited++;
        amount += open[i]!.amount;
      }
    });
  }
  if (credited > 0) publishProgress(ctx, campaignId, { kind: 'claimed', count: credited, amount });
  return { credited, amount, refused };
}

/** A winner opens the envelope: the prize moves from the pool to the winner's restricted account. */
export async function claim(ctx: Ctx, campaignId: string, walletId: string) {
  const c = await requireCampaign(ctx, campaignId);
  if (c.status !== 'drawn') throw new EcnyError('CAMPAIGN_NOT_DRAWN', 'the campaign has not been drawn yet');
  const winner = await ctx.store.getCampaignWinner(campaignId, walletId);
  if (!winner) throw new EcnyError('CAMPAIGN_NOT_WINNER', 'this wallet did not win in this campaign');
  const at = ctx.now();
  if (winner.claimedAt === null && at >= c.spec.spendUntil) {
    throw new EcnyError(
      'RESTRICTED_EXPIRED',
      'the spending window has closed; the envelope can no longer be opened',
    );
  }
  const account = Accounts.restricted(walletId, campaignId);
  await ctx.store.ensureAccounts([account]);
  const [outcome] = await ctx.store.claimCampaignPrizes(campaignId, [claimFor(c, winner, at)]);
  throwIfRejected(outcome!);
  if (!outcome.duplicate) {
    publishProgress(ctx, campaignId, { kind: 'claimed', count: 1, amount: winner.amount });
    ctx.events.publish(
      'campaign.claimed',
      { campaignId, walletId, amount: winner.amount, rank: winner.rank },
      [walletId],
    );
  }
  return {
    campaignId,
    walletId,
    rank: winner.rank,
    amount: winner.amount,
    duplicate: outcome.duplicate,
    restrictedBalance: (await ctx.store.getBalance(account.id)) ?? 0,
    spendFrom: c.spec.spendFrom,
    spendUntil: c.spec.spendUntil,
    merchantRule: c.spec.merchantRule,
  };
}

export type ClaimOutcome =
  | { ok: true; walletId: string; rank: number; amount: number; duplicate: boolean }
  | { ok: false; walletId: string; code: string; message: string };

/**
 * Many winners open their envelopes at once, each as `claim` would (and
 * refused on its own for the same reasons), with one campaign read, one
 * accounts write and one store transaction for the lot. No balances are
 * read back.
 */
export async function claimMany(
  ctx: Ctx,
  campaignId: string,
  walletIds: readonly string[],
): Promise<ClaimOutcome[]> {
  const c = await requireCampaign(ctx, campaignId);
  if (c.status !== 'drawn') throw new EcnyError('CAMPAIGN_NOT_DRAWN', 'the campaign has not been drawn yet');
  const at = ctx.now();
  const winners = await Promise.all(walletIds.map((id) => ctx.store.getCampaignWinner(campaignId, id)));
  const results: ClaimOutcome[] = new Array(walletIds.length);
  const open: { index: number; winner: CampaignWinnerRow }[] = [];
  winners.forEach((winner, index) => {
    const walletId = walletIds[index]!;
    if (!winner) {
      results[index] = {
        ok: false,
        walletId,
        code: 'CAMPAIGN_NOT_WINNER',
        message: 'this wallet did not win in this campaign',
      };
    } else if (winner.claimedAt === null && at >= c.spec.spendUntil) {
      results[index] = {
        ok: false,
        walletId,
        code: 'RESTRICTED_EXPIRED',
        message: 'the spending window has closed; the envelope can no longer be opened',
      };
    } else open.push({ index, winner });
  });
  if (open.length > 0) {
    await ctx.store.ensureAccounts(
      open.map(({ winner }) => Accounts.restricted(winner.walletId, campaignId)),
    );
    const outcomes = await ctx.store.claimCampaignPrizes(
      campaignId,
      open.map(({ winner }) => claimFor(c, winner, at)),
    );
    let count = 0;
    let amount = 0;
    outcomes.forEach((o, k) => {
      const { index, winner } = open[k]!;
      if (!o.ok) {
        results[index] = { ok: false, walletId: winner.walletId, code: o.code, message: o.message };
        return;
      }
      results[index] = {
        ok: true,
        walletId: winner.walletId,
        rank: winner.rank,
        amount: winner.amount,
        duplicate: o.duplicate,
      };
      if (o.duplicate) return;
      count++;
      amount += winner.amount;
      ctx.events.publish(
        'campaign.claimed',
        { campaignId, walletId: winner.walletId, amount: winner.amount, rank: winner.rank },
        [winner.walletId],
      );
    });
    if (count > 0) publishProgress(ctx, campaignId, { kind: 'claimed', count, amount });
  }
  return results;
}

/** Recomputes the published draw from public data only (commitment, seed, registrations, prizes). */
export async function verifyPublishedDraw(ctx: Ctx, campaignId: string) {
  const published = await publishedDraw(ctx, campaignId);
  const registrations = await ctx.store.campaignRegistrationIds(campaignId);
  const result = verifyDraw({
    seed: published.seed,
    commitment: published.commitment,
    registrations,
    winners: published.winners,
    prizes: published.prizes,
    listDigest: published.listDigest,
  });
  return {
    campaignId,
    ok: result.ok,
    mismatches: result.mismatches.slice(0, 100),
    mismatchCount: result.mismatches.length,
    registrations: registrations.length,
    winners: published.winners.length,
    commitment: published.commitment,
    listDigest: published.listDigest,
  };
}

/**
 * After the spending window: every restricted balance of the campaign and
 * what is left in its pool go back to the issuer (e-CNY issued shrinks and
 * the funding operator's reserve pledge is released). Idempotent.
 */
export async function reclaim(ctx: Ctx, campaignId: string) {
  const c = await requireCampaign(ctx, campaignId);
  const at = ctx.now();
  if (at < c.spec.spendUntil) {
    throw new EcnyError('CAMPAIGN_NOT_EXPIRED', 'the spending window is still open; reclaim after it closes');
  }
  const op = c.fundedBy;
  const groupFor = (
    suffix: string,
    debit: string,
    amount: number,
    kind = 'campaign_reclaim',
  ): LedgerTransfer[] => {
    const id = `campaign-reclaim:${campaignId}:${suffix}`;
    return [
      {
        id,
        debit,
        credit: Accounts.issuance().id,
        amount,
        kind,
        meta: { campaignId },
      },
      {
        id: `${id}:backing`,
        debit: Accounts.reserveBacking().id,
        credit: Accounts.reserve(op).id,
        amount,
        kind: 'reserve_release',
      },
    ];
  };
  let reclaimed = 0;
  let wallets = 0;
  let offline = 0;
  const apply = async (groups: LedgerTransfer[][]) => {
    if (groups.length === 0) return;
    const outcomes = await ctx.store.applyMany(groups);
    outcomes.forEach((o, i) => {
      throwIfRejected(o);
      if (!o.duplicate) {
        const first = groups[i]![0]!;
        reclaimed += first.amount;
        if (first.kind === 'offline_restricted_reclaim') offline += first.amount;
        else if (!first.debit.startsWith('pool:')) wallets++;
      }
    });
  };
  let afterRank = 0;
  for (;;) {
    const page = await ctx.store.listCampaignWinners(campaignId, afterRank, CHUNK);
    if (page.length === 0) break;
    afterRank = page[page.length - 1]!.rank;
    const groups: LedgerTransfer[][] = [];
    for (const w of page) {
      if (w.claimedAt === null) continue;
      const account = Accounts.restricted(w.walletId, campaignId).id;
      const balance = (await ctx.store.getBalance(account)) ?? 0;
      if (balance > 0) groups.push(groupFor(w.walletId, account, balance));
    }
    await apply(groups);
  }
  const pool = campaignPool(campaignId).id;
  const poolLeft = (await ctx.store.getBalance(pool)) ?? 0;
  if (poolLeft > 0) await apply([groupFor('pool', pool, poolLeft)]);
  // Restricted coins still outstanding on devices (offline-trial winners): expired with the
  // window, their value goes back too; later deposits of them are refused (RESTRICTED_RECLAIMED).
  const offlineGroups: LedgerTransfer[][] = [];
  for (const operatorId of ctx.world.operators.keys()) {
    const account = Accounts.offlineRestricted(operatorId, campaignId).id;
    const balance = (await ctx.store.getBalance(account)) ?? 0;
    if (balance > 0) {
      offlineGroups.push(groupFor(`offline:${operatorId}`, account, balance, 'offline_restricted_reclaim'));
    }
  }
  await apply(offlineGroups);
  // Dated on the first reclaim even when nothing was left (no ledger entry shows it then).
  if (reclaimed > 0 || c.reclaimedAt === null)
    await ctx.store.addCampaignReclaimed(campaignId, reclaimed, at);
  if (reclaimed > 0) {
    publishProgress(ctx, campaignId, { kind: 'reclaimed', amount: reclaimed, wallets });
    ctx.events.publish('ledger.activity', { kind: 'campaign_reclaim', amount: reclaimed });
  }
  const after = await requireCampaign(ctx, campaignId);
  return {
    campaignId,
    reclaimedNow: reclaimed,
    wallets,
    /** Of reclaimedNow: restricted offline coins still outstanding after the window. */
    offline,
    reclaimed: after.reclaimed,
    reclaimedAt: after.reclaimedAt,
  };
}

/** Figures like the pilots' published results. */
export async function campaignStats(ctx: Ctx, campaignId: string) {
  const c = await requireCampaign(ctx, campaignId);
  const [counts, claims, spend, poolBalance] = await Promise.all([
    ctx.store.countCampaignRegistrations(campaignId),
    ctx.store.campaignClaimStats(campaignId),
    ctx.store.campaignSpendStats(campaignId),
    ctx.store.getBalance(campaignPool(campaignId).id),
  ]);
  return {
    campaignId,
    name: c.spec.name,
    phase: phaseOf(c, ctx.now()),
    budget: c.spec.budget,
    registrants: counts.total,
    offlineTrialPlaces: counts.offlineTrial,
    winners: claims.winners,
    awarded: claims.prizeTotal,
    claimed: claims.claimed,
    claimedAmount: claims.claimedAmount,
    payments: spend.payments,
    spent: spend.spent,
    merchantsReached: spend.merchants,
    reclaimed: c.reclaimed,
    poolBalance: poolBalance ?? 0,
  };
}

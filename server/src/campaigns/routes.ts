/**
 * HTTP routes of red-envelope campaigns: creation, draw and reclaim (admin
 * token); registration, claim, restricted payments and redemption (device
 * signed); the public terms, registration list, draw, verification and
 * statistics.
 */
import {
  BankMoveRequestSchema,
  CreateCampaignRequestSchema,
  IdSchema,
  type OnlineTransfer,
  OnlineTransferSchema,
  RegisterRequestSchema,
} from '@ecny-sim/wallet-core';
import { type Request, type RequestHandler, Router } from 'express';
import { z } from 'zod';
import type { Ctx } from '../context';
import { requireOwnWallet } from '../http/device-auth';
import { parseQuery, parseWith } from '../http/validate';
import { LoadRequestSchema } from '../offline/service';
import { requireWallet } from '../wallets/service';
import { loadRestrictedToDevice } from './offline-coins';
import './openapi';
import { payWithRestricted, redeemWithRestricted, restrictedBalances } from './restricted';
import {
  campaignStats,
  campaignView,
  claim,
  createCampaign,
  draw,
  publishedDraw,
  reclaim,
  register,
  registrationPage,
  requireCampaign,
  verifyPublishedDraw,
} from './service';

/** Fields of POST /campaigns besides the campaign terms: who funds it and how. */
export const CampaignFundingSchema = z.strictObject({
  operatorId: IdSchema.optional(),
  funding: z.enum(['vault', 'issue']).optional(),
});

export const DrawRequestSchema = z.strictObject({
  /** Open every winner's envelope at the draw (otherwise each winner claims it). */
  credit: z.boolean().optional(),
});

export const ClaimRequestSchema = z.strictObject({ requestId: z.string().max(80).optional() });

export const CampaignPayRequestSchema = z.strictObject({
  transfer: z.unknown(),
  /** Pay only with restricted funds ("pay with red envelope"). */
  restrictedOnly: z.boolean().optional(),
});

const PageQuerySchema = z.object({
  after: z.string().max(255).optional(),
  limit: z.coerce.number().int().min(1).max(100_000).default(10_000),
  format: z.enum(['json', 'text']).default('json'),
});

function splitFunding(body: unknown) {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return { terms: body, funding: {} };
  const { operatorId, funding, ...terms } = body as Record<string, unknown>;
  return {
    terms,
    funding: {
      ...(operatorId === undefined ? {} : { operatorId }),
      ...(funding === undefined ? {} : { funding }),
    },
  };
}

function campaignId(req: Request): string {
  return parseWith(IdSchema, req.params.campaignId, 'campaign id');
}

export function campaignRoutes(ctx: Ctx, device: RequestHandler, admin: RequestHandler): Router {
  const r = Router();

  r.post('/campaigns', admin, async (req, res) => {
    const { terms, funding } = splitFunding(req.body);
    const body = parseWith(CreateCampaignRequestSchema, terms);
    const choice = parseWith(CampaignFundingSchema, funding);
    const { campaign, duplicate } = await createCampaign(ctx, body, {
      operatorId: choice.operatorId ?? [...ctx.world.operators.keys()][0]!,
      source: choice.funding ?? 'vault',
    });
    res.status(duplicate ? 200 : 201).json({ campaign });
  });

  r.get('/campaigns', async (_req, res) => {
    const rows = await ctx.store.listCampaigns();
    res.json({ campaigns: await Promise.all(rows.map((c) => campaignView(ctx, c))) });
  });

  // Paths without a campaign id come before /campaigns/:campaignId.
  r.post('/campaigns/pay', async (req, res) => {
    const body = parseWith(CampaignPayRequestSchema, req.body);
    const transfer = parseWith(OnlineTransferSchema, body.transfer, 'transfer') as OnlineTransfer;
    res.json(await payWithRestricted(ctx, transfer, { restrictedOnly: body.restrictedOnly ?? false }));
  });

  r.post('/campaigns/redeem', device, async (req, res) => {
    const body = parseWith(BankMoveRequestSchema, req.body);
    const wallet = await requireWallet(ctx, req.device!.walletId);
    res.json({ wallet: await redeemWithRestricted(ctx, wallet, body.requestId, body.amount) });
  });

  r.get('/wallets/:walletId/restricted', device, async (req, res) => {
    const walletId = requireOwnWallet(req);
    res.json({ walletId, balances: await restrictedBalances(ctx, walletId) });
  });

  r.get('/campaigns/:campaignId', async (req, res) => {
    res.json({ campaign: await campaignView(ctx, await requireCampaign(ctx, campaignId(req))) });
  });

  r.post('/campaigns/:campaignId/register', device, async (req, res) => {
    const body = parseWith(RegisterRequestSchema, req.body ?? {});
    const wallet = await requireWallet(ctx, req.device!.walletId);
    res.status(201).json(await register(ctx, campaignId(req), wallet, body.offlineTrial ?? false));
  });

  r.get('/campaigns/:campaignId/registrations', async (req, res) => {
    const id = campaignId(req);
    const q = parseQuery(PageQuerySchema, req.query);
    if (q.format === 'json') {
      res.json(await registrationPage(ctx, id, q.after ?? null, q.limit));
      return;
    }
    // The whole list as text, one id per line in canonical order: the exact bytes the list digest hashes.
    await requireCampaign(ctx, id);
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    let after: string | null = q.after ?? null;
    for (;;) {
      const page = await ctx.store.campaignRegistrationPage(id, after, 20_000);
      if (page.length === 0) break;
      const ok = res.write(`${page.join('\n')}\n`);
      after = page[page.length - 1]!;
      if (!ok) await new Promise((resolve) => res.once('drain', resolve));
      if (page.length < 20_000) break;
    }
    res.end();
  });

  r.post('/campaigns/:campaignId/draw', admin, async (req, res) => {
    const body = parseWith(DrawRequestSchema, req.body ?? {});
    res.json(await draw(ctx, campaignId(req), body));
  });

  r.get('/campaigns/:campaignId/draw', async (req, res) => {
    res.json(await publishedDraw(ctx, campaignId(req)));
  });

  r.get('/campaigns/:campaignId/verify', async (req, res) => {
    res.json(await verifyPublishedDraw(ctx, campaignId(req)));
  });

  r.post('/campaigns/:campaignId/claim', device, async (req, res) => {
    parseWith(ClaimRequestSchema, req.body ?? {});
    res.json(await claim(ctx, campaignId(req), req.device!.walletId));
  });

  r.post('/campaigns/:campaignId/load', device, async (req, res) => {
    const body = parseWith(LoadRequestSchema, req.body);
    const wallet = await requireWallet(ctx, req.device!.walletId);
    const result = await loadRestrictedToDevice(ctx, campaignId(req), wallet, req.device!, body);
    res.status(result.duplicate ? 200 : 201).json(result);
  });

  r.get('/campaigns/:campaignId/stats', async (req, res) => {
    res.json(await campaignStats(ctx, campaignId(req)));
  });

  r.post('/campaigns/:campaignId/reclaim', admin, async (req, res) => {
    res.json(await reclaim(ctx, campaignId(req)));
  });

  return r;
}

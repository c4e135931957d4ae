/** HTTP routes of group lucky money: fund an envelope, grab a share, read it, refund it after expiry. */
import {
  CreateLuckyMoneyRequestSchema,
  GrabRequestSchema,
  GrabResponseSchema,
  IdSchema,
} from '@ecny-sim/wallet-core';
import { type Request, type RequestHandler, Router } from 'express';
import { z } from 'zod';
import type { Ctx } from '../context';
import { describeRoute } from '../http/openapi';
import { parseWith } from '../http/validate';
import { requireWallet } from '../wallets/service';
import { createEnvelope, grab, type LuckyOptions, readEnvelope, refundView } from './service';

describeRoute({
  method: 'post',
  path: '/lucky',
  summary: 'Fund a group lucky-money envelope of N shares (random or equal, at most ¥200 a share)',
  auth: 'device',
  body: CreateLuckyMoneyRequestSchema,
});
describeRoute({
  method: 'get',
  path: '/lucky/{envelopeId}',
  summary: 'An envelope and who got what (refunds it first when it has expired)',
  auth: 'none',
});
describeRoute({
  method: 'post',
  path: '/lucky/{envelopeId}/grab',
  summary: 'Grab one share (LUCKY_ALREADY_GRABBED, LUCKY_EMPTY, LUCKY_EXPIRED)',
  auth: 'device',
  body: GrabRequestSchema,
  bodyOptional: true,
  response: GrabResponseSchema.extend({ share: z.number().int(), balance: z.number().int() }),
});
describeRoute({
  method: 'post',
  path: '/lucky/{envelopeId}/refund',
  summary: 'Refund the unclaimed shares of an expired envelope to its funder (idempotent; LUCKY_NOT_EXPIRED)',
  auth: 'admin',
});

function envelopeId(req: Request): string {
  return parseWith(IdSchema, req.params.envelopeId, 'envelope id');
}

export function luckyMoneyRoutes(
  ctx: Ctx,
  device: RequestHandler,
  admin: RequestHandler,
  options: LuckyOptions = {},
): Router {
  const r = Router();

  r.post('/lucky', device, async (req, res) => {
    const body = parseWith(CreateLuckyMoneyRequestSchema, req.body);
    const wallet = await requireWallet(ctx, req.device!.walletId);
    const { envelope, duplicate } = await createEnvelope(ctx, wallet, body);
    res.status(duplicate ? 200 : 201).json({ envelope });
  });

  r.get('/lucky/:envelopeId', async (req, res) => {
    res.json(await readEnvelope(ctx, envelopeId(req)));
  });

  r.post('/lucky/:envelopeId/grab', device, async (req, res) => {
    parseWith(GrabRequestSchema, req.body ?? {});
    const wallet = await requireWallet(ctx, req.device!.walletId);
    res.json(await grab(ctx, wallet, envelopeId(req), options));
  });

  r.post('/lucky/:envelopeId/refund', admin, async (req, res) => {
    res.json(await refundView(ctx, envelopeId(req)));
  });

  return r;
}

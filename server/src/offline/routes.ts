/**
 * HTTP routes of offline money: load coins onto a device, sync a device's
 * outbox, deposit coins, fraud cases with their proofs, the revocation list.
 */
import { EcnyError, SyncUploadSchema } from '@ecny-sim/wallet-core';
import { type Request, type RequestHandler, Router } from 'express';
import { z } from 'zod';
import type { Ctx } from '../context';
import { requireOwnWallet } from '../http/device-auth';
import { parseQuery, parseWith } from '../http/validate';
import { requireWallet } from '../wallets/service';
import './openapi';
import { DEFAULT_LOSS_POLICY, type LossPolicy } from './policy';
import {
  caseSummary,
  DepositRequestSchema,
  depositCoins,
  fraudCaseDetail,
  LoadRequestSchema,
  loadToDevice,
  syncDevice,
} from './service';

const ListQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(1_000).default(100) });

/** The signed-in device must be the one named in the path. */
function requireOwnDevice(req: Request) {
  const device = req.device;
  if (!device || req.params.deviceId !== device.deviceId) {
    throw new EcnyError('FORBIDDEN', 'a device can only sync or deposit for itself');
  }
  return device;
}

export function offlineRoutes(
  ctx: Ctx,
  device: RequestHandler,
  policy: LossPolicy = DEFAULT_LOSS_POLICY,
): Router {
  const r = Router();

  r.post('/wallets/:walletId/load', device, async (req, res) => {
    const body = parseWith(LoadRequestSchema, req.body);
    const wallet = await requireWallet(ctx, requireOwnWallet(req));
    const result = await loadToDevice(ctx, wallet, req.device!, body);
    res.status(result.duplicate ? 200 : 201).json(result);
  });

  r.post('/devices/:deviceId/sync', device, async (req, res) => {
    const own = requireOwnDevice(req);
    const body = parseWith(SyncUploadSchema, req.body);
    res.json(await syncDevice(ctx, own, body.items, policy));
  });

  r.post('/devices/:deviceId/deposit', device, async (req, res) => {
    const own = requireOwnDevice(req);
    const body = parseWith(DepositRequestSchema, req.body);
    const wallet = await requireWallet(ctx, own.walletId);
    res.json(await depositCoins(ctx, wallet, own, body, policy));
  });

  r.get('/fraud-cases', async (req, res) => {
    const { limit } = parseQuery(ListQuerySchema, req.query);
    const rows = await ctx.store.listFraudCases({ limit });
    res.json({ cases: rows.map(caseSummary) });
  });

  r.get('/fraud-cases/:caseId', async (req, res) => {
    const row = await ctx.store.getFraudCase(String(req.params.caseId));
    if (!row) throw new EcnyError('FRAUD_CASE_NOT_FOUND', `no fraud case ${req.params.caseId}`);
    res.json({ case: await fraudCaseDetail(ctx, row) });
  });

  r.get('/revocations', async (_req, res) => {
    res.json({ revokedDevices: await ctx.store.listRevokedDevices(), time: ctx.now() });
  });

  return r;
}

/** HTTP routes of wallets: open, read, top up, redeem, KYC tier, merchant profile, history, directory. */
import {
  BankMoveRequestSchema,
  KycUpgradeRequestSchema,
  MerchantProfileSchema,
  WalletRegistrationSchema,
} from '@ecny-sim/wallet-core';
import { type RequestHandler, Router } from 'express';
import { z } from 'zod';
import type { Ctx } from '../context';
import { requireOwnWallet } from '../http/device-auth';
import { parseQuery, parseWith } from '../http/validate';
import { walletHistory } from './history';
import {
  changeTier,
  openWallet,
  redeem,
  requireWallet,
  setMerchantProfile,
  topUp,
  walletView,
} from './service';

const HistoryQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) });

export function walletRoutes(ctx: Ctx, device: RequestHandler): Router {
  const r = Router();

  r.post('/wallets', async (req, res) => {
    const registration = parseWith(WalletRegistrationSchema, req.body);
    res.status(201).json(await openWallet(ctx, registration));
  });

  r.get('/wallets/:walletId', device, async (req, res) => {
    const wallet = await requireWallet(ctx, requireOwnWallet(req));
    res.json({ wallet: await walletView(ctx, wallet) });
  });

  r.post('/wallets/:walletId/topup', device, async (req, res) => {
    const body = parseWith(BankMoveRequestSchema, req.body);
    const wallet = await requireWallet(ctx, requireOwnWallet(req));
    res.json({ wallet: await topUp(ctx, wallet, body.requestId, body.amount) });
  });

  r.post('/wallets/:walletId/redeem', device, async (req, res) => {
    const body = parseWith(BankMoveRequestSchema, req.body);
    const wallet = await requireWallet(ctx, requireOwnWallet(req));
    res.json({ wallet: await redeem(ctx, wallet, body.requestId, body.amount) });
  });

  r.post('/wallets/:walletId/kyc', device, async (req, res) => {
    const body = parseWith(KycUpgradeRequestSchema, req.body);
    const wallet = await requireWallet(ctx, requireOwnWallet(req));
    res.json(await changeTier(ctx, wallet, req.device!.deviceId, body));
  });

  r.put('/wallets/:walletId/merchant', device, async (req, res) => {
    const profile = parseWith(MerchantProfileSchema, req.body);
    const wallet = await requireWallet(ctx, requireOwnWallet(req));
    res.json({ wallet: await setMerchantProfile(ctx, wallet, profile) });
  });

  r.get('/wallets/:walletId/history', device, async (req, res) => {
    const walletId = requireOwnWallet(req);
    const { limit } = parseQuery(HistoryQuerySchema, req.query);
    res.json({ entries: await walletHistory(ctx, walletId, limit) });
  });

  r.get('/directory', async (_req, res) => {
    const wallets = await ctx.store.listWallets();
    res.json({
      wallets: wallets.map((w) => ({
        walletId: w.walletId,
        displayName: w.displayName,
        operatorId: w.operatorId,
        merchant: w.merchant,
      })),
    });
  });

  return r;
}

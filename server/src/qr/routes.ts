/** HTTP routes of QR payments: dynamic and static merchant codes, paying a scanned code, charging a payment code. */
import {
  ChargePaymentCodeRequestSchema,
  CreateDynamicQrRequestSchema,
  type OnlineTransfer,
  PayMerchantQrRequestSchema,
} from '@ecny-sim/wallet-core';
import { type RequestHandler, Router } from 'express';
import type { Ctx } from '../context';
import { requireOwnWallet } from '../http/device-auth';
import { parseWith } from '../http/validate';
import { requireWallet } from '../wallets/service';
import {
  chargePaymentCode,
  createDynamicQr,
  getBill,
  payMerchantQr,
  requireMerchant,
  staticQr,
} from './service';

export function qrRoutes(ctx: Ctx, device: RequestHandler): Router {
  const r = Router();

  r.post('/wallets/:walletId/qr', device, async (req, res) => {
    const body = parseWith(CreateDynamicQrRequestSchema, req.body);
    const wallet = await requireWallet(ctx, requireOwnWallet(req));
    const { payload, bill, created } = await createDynamicQr(ctx, wallet, body);
    res.status(created ? 201 : 200).json({ payload, bill });
  });

  r.get('/wallets/:walletId/qr/static', async (req, res) => {
    const wallet = await requireWallet(ctx, req.params.walletId);
    res.json(staticQr(wallet));
  });

  r.get('/wallets/:walletId/qr/bills/:billId', device, async (req, res) => {
    const wallet = await requireWallet(ctx, requireOwnWallet(req));
    requireMerchant(wallet);
    res.json({ bill: await getBill(ctx, wallet.walletId, String(req.params.billId)) });
  });

  r.post('/qr/pay', async (req, res) => {
    const body = parseWith(PayMerchantQrRequestSchema, req.body);
    res.json(await payMerchantQr(ctx, body.payload, body.transfer as OnlineTransfer));
  });

  r.post('/wallets/:walletId/charge', device, async (req, res) => {
    const body = parseWith(ChargePaymentCodeRequestSchema, req.body);
    const wallet = await requireWallet(ctx, requireOwnWallet(req));
    res.json(await chargePaymentCode(ctx, wallet, body));
  });

  return r;
}

/** HTTP routes of online transfers: one signed transfer, or a batch of up to 1,000. */
import { BatchTransferRequestSchema, type OnlineTransfer, OnlineTransferSchema } from '@ecny-sim/wallet-core';
import { Router } from 'express';
import type { Ctx } from '../context';
import { parseWith } from '../http/validate';
import { submitBatch, submitTransfer } from './service';

export function transferRoutes(ctx: Ctx): Router {
  const r = Router();

  r.post('/transfers', async (req, res) => {
    const transfer = parseWith(OnlineTransferSchema, req.body) as OnlineTransfer;
    res.json(await submitTransfer(ctx, transfer));
  });

  r.post('/transfers/batch', async (req, res) => {
    const { transfers } = parseWith(BatchTransferRequestSchema, req.body);
    res.json(await submitBatch(ctx, transfers));
  });

  return r;
}

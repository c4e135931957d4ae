/** Operator/admin routes (token): audit, issuance to operators, accounts; and public circulation stats. */
import { EcnyError, IssueRequestSchema } from '@ecny-sim/wallet-core';
import { type RequestHandler, Router } from 'express';
import type { Ctx } from '../context';
import { parseWith } from '../http/validate';
import { runAudit } from '../ledger/audit';
import { issueToOperator } from '../world/world';

export async function circulation(ctx: Ctx) {
  const [accounts, fraudRecovered] = await Promise.all([
    ctx.store.listAccounts(),
    ctx.store.fraudRecoveredTotal(),
  ]);
  const byKind: Record<string, number> = {};
  for (const a of accounts) if (a.book === 'ecny') byKind[a.kind] = (byKind[a.kind] ?? 0) + a.balance;
  return {
    issued: -(byKind.issuance ?? 0),
    online: byKind.wallet ?? 0,
    operatorVaults: byKind.vault ?? 0,
    offlineOutstanding: byKind.offline ?? 0,
    restricted: byKind.restricted ?? 0,
    pools: byKind.pool ?? 0,
    losses: byKind.loss ?? 0,
    /** Recovered from culprits at detection, and (the loss accounts holding the difference) compensated since. */
    fraudRecovered,
    fraudCompensated: fraudRecovered - (byKind.loss ?? 0),
    wallets: accounts.filter((a) => a.kind === 'wallet').length,
  };
}

export function adminRoutes(ctx: Ctx, admin: RequestHandler): Router {
  const r = Router();

  r.get('/stats', async (_req, res) => {
    res.json(await circulation(ctx));
  });

  // The audit is public: anyone may check that every fen is accounted for.
  r.get('/audit', async (_req, res) => {
    res.json(await runAudit(ctx.store, ctx.now()));
  });

  r.get('/admin/audit', admin, async (_req, res) => {
    res.json(await runAudit(ctx.store, ctx.now()));
  });

  r.get('/admin/accounts', admin, async (_req, res) => {
    res.json({ accounts: await ctx.store.listAccounts() });
  });

  r.post('/admin/issue', admin, async (req, res) => {
    const body = parseWith(IssueRequestSchema, req.body);
    if (!ctx.world.operators.has(body.operatorId)) {
      throw new EcnyError('OPERATOR_NOT_FOUND', `no operator ${body.operatorId}`);
    }
    const outcome = await ctx.store.applyTransfers(
      issueToOperator(body.operatorId, body.amount, `issue:${body.operatorId}:${body.requestId}`),
    );
    // The refusal speaks of the caller's request id, not of the ledger's keys.
    if (!outcome.ok) {
      throw outcome.code === 'IDEMPOTENCY_CONFLICT'
        ? new EcnyError(
            'IDEMPOTENCY_CONFLICT',
            `request id ${body.requestId} was used for another issuance to ${body.operatorId}`,
          )
        : new EcnyError(outcome.code, 'the ledger refused this issuance; nothing was issued');
    }
    if (!outcome.duplicate) ctx.events.publish('ledger.activity', { kind: 'issue', amount: body.amount });
    res.json({ issued: body.amount, ledgerSeq: outcome.transfers[0]!.seq });
  });

  return r;
}

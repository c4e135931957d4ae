/**
 * Server-Sent Events at /v1/events. `?wallet=<id>` adds that wallet's own
 * events (payments to and from it) to the public stream of ledger activity.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Ctx } from '../context';
import { parseWith } from '../http/validate';

const QuerySchema = z.object({ wallet: z.string().max(80).optional() });

export function eventRoutes(ctx: Ctx): Router {
  const r = Router();
  r.get('/events', (req, res) => {
    const { wallet } = parseWith(QuerySchema, req.query, 'query');
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(`retry: 2000\n: connected\n\n`);
    const unsubscribe = ctx.events.subscribe((event) => {
      if (event.walletIds && !(wallet && event.walletIds.includes(wallet))) return;
      res.write(
        `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify({ ...event.data, at: event.at })}\n\n`,
      );
    });
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    req.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  });
  return r;
}

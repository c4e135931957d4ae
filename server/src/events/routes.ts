/**
 * Server-Sent Events at /v1/events: the public stream of ledger activity,
 * plus, with `?wallet=<id>&ticket=<ticket>`, that wallet's own events
 * (payments to and from it, top-ups, offline money). The ticket comes from a
 * device-signed `POST /v1/wallets/{walletId}/events/ticket` (tickets.ts): an
 * EventSource cannot sign its request, and a wallet's payments are its own.
 */
import { EcnyError, EventsQuerySchema } from '@ecny-sim/wallet-core';
import { type RequestHandler, Router } from 'express';
import type { Ctx } from '../context';
import { requireOwnWallet } from '../http/device-auth';
import { parseQuery } from '../http/validate';
import { StreamTickets } from './tickets';

export function eventRoutes(ctx: Ctx, device: RequestHandler): Router {
  const r = Router();
  const tickets = new StreamTickets();

  r.post('/wallets/:walletId/events/ticket', device, (req, res) => {
    const walletId = requireOwnWallet(req);
    res.json(tickets.issue(walletId, req.device!.deviceId, ctx.now()));
  });

  r.get('/events', async (req, res) => {
    const { wallet, ticket } = parseQuery(EventsQuerySchema, req.query);
    if (wallet !== undefined) {
      const deviceId = ticket === undefined ? null : tickets.deviceFor(ticket, wallet, ctx.now());
      const device = deviceId === null ? null : await ctx.store.getDevice(deviceId);
      if (!device || device.revokedAt !== null) {
        throw new EcnyError(
          'UNAUTHENTICATED',
          "a wallet's own events need a live ticket from POST /v1/wallets/{walletId}/events/ticket",
        );
      }
    } else if (ticket !== undefined) {
      throw new EcnyError('INVALID_QUERY', 'a ticket goes with the wallet it was issued for');
    }
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

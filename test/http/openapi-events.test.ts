import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server';
import { codeOf, expectAuditClean, expectCode, openStream, raw, walletEventsUrl } from './_helpers';

describe('OpenAPI document and server-sent events', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  it('serves an OpenAPI 3.1 document listing the routes', async () => {
    const r = await raw(s, 'GET', '/v1/openapi.json');
    expect(r.status).toBe(200);
    const doc = r.json as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.1.0');
    const expected: [string, string][] = [
      ['/v1/info', 'get'],
      ['/v1/wallets', 'post'],
      ['/v1/wallets/{walletId}', 'get'],
      ['/v1/wallets/{walletId}/topup', 'post'],
      ['/v1/wallets/{walletId}/redeem', 'post'],
      ['/v1/wallets/{walletId}/kyc', 'post'],
      ['/v1/wallets/{walletId}/merchant', 'put'],
      ['/v1/wallets/{walletId}/history', 'get'],
      ['/v1/transfers', 'post'],
      ['/v1/transfers/batch', 'post'],
      ['/v1/wallets/{walletId}/events/ticket', 'post'],
      ['/v1/events', 'get'],
      ['/v1/admin/audit', 'get'],
      ['/v1/admin/accounts', 'get'],
      ['/v1/admin/issue', 'post'],
      ['/v1/audit', 'get'],
      ['/v1/health', 'get'],
      ['/v1/openapi.json', 'get'],
      ['/v1/wallets/{walletId}/qr/bills/{billId}', 'get'],
      ['/v1/fraud-cases/{caseId}', 'get'],
      ['/v1/devices/{deviceId}/sync', 'post'],
      ['/v1/lucky/{envelopeId}/refund', 'post'],
      ['/v1/campaigns/{campaignId}/reclaim', 'post'],
    ];
    for (const [path, method] of expected)
      expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    const transfer = doc.paths['/v1/transfers']!.post as {
      requestBody: { content: { 'application/json': { schema: { properties: Record<string, unknown> } } } };
    };
    expect(Object.keys(transfer.requestBody.content['application/json'].schema.properties)).toEqual(
      expect.arrayContaining(['transferId', 'from', 'to', 'amount', 'deviceId', 'createdAt', 'sig']),
    );
  });

  it('declares every path parameter with its schema', async () => {
    const doc = (await raw(s, 'GET', '/v1/openapi.json')).json as {
      paths: Record<string, Record<string, { parameters?: { name: string; in: string; schema: unknown }[] }>>;
    };
    let declared = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(ops)) {
        const params = op.parameters ?? [];
        expect(
          params.map((p) => p.name),
          `${method} ${path}`,
        ).toEqual(names);
        for (const p of params) {
          expect(p.in).toBe('path');
          expect(p.schema, `${method} ${path} ${p.name}`).toMatchObject({
            type: 'string',
            maxLength: expect.any(Number),
          });
        }
        declared += params.length;
      }
    }
    expect(declared).toBeGreaterThanOrEqual(30);
    const bill = doc.paths['/v1/wallets/{walletId}/qr/bills/{billId}']!.get!.parameters!;
    expect(bill.find((p) => p.name === 'billId')!.schema).toMatchObject({ pattern: '^[A-Za-z0-9_-]+$' });
  });

  it('lists the demo routes only in demo mode', async () => {
    const demoPaths = async (server: TestServer) => {
      const doc = (await raw(server, 'GET', '/v1/openapi.json')).json as { paths: Record<string, unknown> };
      return Object.keys(doc.paths).filter((p) => p.startsWith('/v1/demo/'));
    };
    expect(s.ctx.config.demo).toBe(false);
    expect(await demoPaths(s)).toEqual([]);
    const demo = await startTestServer({ demo: true });
    try {
      expect((await demoPaths(demo)).sort()).toEqual(['/v1/demo/admin-token', '/v1/demo/wallets']);
    } finally {
      await demo.close();
    }
  });

  it('every documented route exists on the server', async () => {
    const doc = (await raw(s, 'GET', '/v1/openapi.json')).json as {
      paths: Record<string, Record<string, unknown>>;
    };
    // well-formed ids that name nothing
    const unknown: Record<string, string> = {
      walletId: 'w_unknown',
      deviceId: 'd_unknown',
      campaignId: 'cp_unknown',
      envelopeId: 'lk_unknown',
      caseId: 'fc_unknown',
      billId: 'b_unknown',
    };
    for (const [path, ops] of Object.entries(doc.paths)) {
      if (path === '/v1/events') continue; // a stream; tested below
      for (const method of Object.keys(ops)) {
        const url = path.replace(/\{(\w+)\}/g, (_m, name: string) => unknown[name]!);
        const r = await raw(s, method.toUpperCase(), url, {
          ...(method === 'get' ? {} : { body: '{}' }),
        });
        const message = (r.json as { error?: { message?: string } } | null)?.error?.message ?? '';
        expect(message.startsWith('no route'), `${method} ${path}: ${r.status} ${message}`).toBe(false);
        expect(r.status).toBeLessThan(500);
      }
    }
  });

  it("delivers 'payment.settled' to the payee's stream, not to a stranger's", async () => {
    const alice = await s.openWallet({ tier: 2, topUp: 10_000 });
    const bob = await s.openWallet({ tier: 2 });
    const carol = await s.openWallet({ tier: 2 });
    const bobStream = await openStream(await walletEventsUrl(s, bob));
    const carolStream = await openStream(await walletEventsUrl(s, carol));
    try {
      expect(bobStream.response.headers.get('content-type')).toContain('text/event-stream');
      const paid = await alice.client.pay(alice.walletId, bob.walletId, 777, { memo: 'tea' });
      await bobStream.waitFor(() => bobStream.events.some((e) => e.event === 'payment.settled'));
      const settled = bobStream.events.find((e) => e.event === 'payment.settled')!;
      expect(settled.data).toMatchObject({
        transferId: paid.transfer.transferId,
        from: alice.walletId,
        to: bob.walletId,
        amount: 777,
        memo: 'tea',
        ledgerSeq: paid.receipt.ledgerSeq,
      });
      // the public activity reaches everyone; the payment itself only the wallets it concerns
      await carolStream.waitFor(() => carolStream.events.some((e) => e.event === 'ledger.activity'));
      expect(carolStream.events.some((e) => e.event === 'payment.settled')).toBe(false);
    } finally {
      await bobStream.close();
      await carolStream.close();
    }
    await expectAuditClean(s);
  });

  it('refuses an oversized wallet query on the stream', async () => {
    const r = await raw(s, 'GET', `/v1/events?wallet=${'w'.repeat(200)}`);
    expect(codeOf(r)).toBe('INVALID_QUERY');
  });

  it("opens a wallet's own stream only with a live ticket from one of its devices", async () => {
    const alice = await s.openWallet({ tier: 2 });
    const bob = await s.openWallet({ tier: 2 });
    const { ticket, expiresAt } = await bob.client.eventsTicket(bob.walletId);
    expect(expiresAt).toBeGreaterThan(Date.now());
    const refused = [
      `/v1/events?wallet=${bob.walletId}`,
      `/v1/events?wallet=${bob.walletId}&ticket=${'A'.repeat(43)}`,
      // Bob's ticket names Bob's wallet, not Alice's.
      `/v1/events?wallet=${alice.walletId}&ticket=${ticket}`,
    ];
    for (const path of refused) {
      const r = await raw(s, 'GET', path);
      expect([r.status, codeOf(r)], path).toEqual([401, 'UNAUTHENTICATED']);
    }
    expect(codeOf(await raw(s, 'GET', `/v1/events?ticket=${ticket}`))).toBe('INVALID_QUERY');
    // Only the wallet's own devices get a ticket for it.
    await expectCode(alice.client.eventsTicket(bob.walletId), 'FORBIDDEN', 403);
    const stream = await openStream(`${s.url}/v1/events?wallet=${bob.walletId}&ticket=${ticket}`);
    expect(stream.response.status).toBe(200);
    await stream.close();
    // An expired ticket no longer opens the stream.
    const realNow = s.ctx.now;
    s.ctx.now = () => realNow() + 11 * 60_000;
    try {
      const late = await raw(s, 'GET', `/v1/events?wallet=${bob.walletId}&ticket=${ticket}`);
      expect(codeOf(late)).toBe('UNAUTHENTICATED');
    } finally {
      s.ctx.now = realNow;
    }
    // Nor does a live ticket of a device revoked since.
    const fresh = await bob.client.eventsTicket(bob.walletId);
    await s.ctx.store.revokeDevice(bob.deviceId, 'lost phone', Date.now());
    const revoked = await raw(s, 'GET', `/v1/events?wallet=${bob.walletId}&ticket=${fresh.ticket}`);
    expect(codeOf(revoked)).toBe('UNAUTHENTICATED');
  });
});

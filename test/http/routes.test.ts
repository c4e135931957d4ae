/**
 * The /v1 route table over HTTP: path parameters are checked against their schemas before any
 * lookup (400 INVALID_PATH, the value never echoed), a known path asked with another method is
 * 405 METHOD_NOT_ALLOWED with Allow, OPTIONS is 204 with Allow, unknown paths stay 404; and every
 * route the server serves is in the OpenAPI document the table is built from.
 */
import { createApp } from '@ecny-sim/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, type TestWallet } from '../support/server';
import { codeOf, expectAuditClean, raw, signedRaw } from './_helpers';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every route the Express app serves, as `method path` with OpenAPI-style parameters. */
function servedRoutes(stack: Layer[], out: string[] = []): string[] {
  for (const layer of stack) {
    if (layer.route && typeof layer.route.path === 'string') {
      for (const method of Object.keys(layer.route.methods)) {
        out.push(`${method} /v1${layer.route.path.replace(/:(\w+)/g, '{$1}')}`);
      }
    } else if (layer.handle?.stack) servedRoutes(layer.handle.stack, out);
  }
  return out;
}

const messageOf = (r: { json: unknown }) => (r.json as { error: { message: string } }).error.message;

describe('the route table', () => {
  let s: TestServer;
  let alice: TestWallet;
  let digest: string;
  beforeAll(async () => {
    s = await startTestServer();
    alice = await s.openWallet({ tier: 2, topUp: 10_000 });
    digest = await s.ctx.store.ledgerDigest();
  });
  afterAll(async () => {
    // nothing here may have moved money
    expect(await s.ctx.store.ledgerDigest()).toBe(digest);
    await expectAuditClean(s);
    await s.close();
  });

  it('every route the server serves is documented (the table and the document are one list)', async () => {
    const doc = (await raw(s, 'GET', '/v1/openapi.json')).json as { paths: Record<string, object> };
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`)),
    );
    const app = createApp(s.ctx) as unknown as { router: { stack: Layer[] } };
    const served = servedRoutes(app.router.stack).filter((r) => r.includes(' /v1/'));
    expect(served.length).toBeGreaterThan(40);
    expect(served.filter((r) => !documented.has(r))).toEqual([]);
  });

  describe('path parameters', () => {
    it.each([
      ['a NUL wallet id', 'GET', '/v1/wallets/%00/qr/static', '\u0000'],
      ['a traversal case id', 'GET', '/v1/fraud-cases/..%2F..%2Fetc', '../'],
      ['a space in a campaign id', 'GET', '/v1/campaigns/cp%20x', 'cp x'],
      ['an emoji envelope id', 'GET', '/v1/lucky/%F0%9F%A7%A7', '🧧'],
      ['broken percent-encoding', 'GET', '/v1/wallets/w_%ZZ/qr/static', '%ZZ'],
      ['a 300-character wallet id', 'GET', `/v1/wallets/w_${'a'.repeat(300)}/qr/static`, 'a'.repeat(80)],
      ['a malformed device id', 'POST', '/v1/devices/not%20a%20device/sync', 'not a device'],
      ['a malformed envelope id (admin route)', 'POST', '/v1/lucky/%3Cscript%3E/refund', '<script>'],
    ])('%s -> 400 INVALID_PATH, not echoed', async (_name, method, path, echoed) => {
      const r = await raw(s, method, path);
      expect([r.status, codeOf(r)], r.text).toEqual([400, 'INVALID_PATH']);
      expect(r.text).not.toContain(echoed);
      expect(messageOf(r)).toMatch(/in the path/);
    });

    it('is checked before authentication and before the wallet is looked up', async () => {
      // a signed call for a malformed wallet id: 400, not 403 or 401
      const path = '/v1/wallets/w%2F..%2Fx/topup';
      const body = JSON.stringify({ requestId: 'route-topup-0001', amount: 100 });
      const signed = await signedRaw(s, alice, 'POST', path, body);
      expect([signed.status, codeOf(signed)]).toEqual([400, 'INVALID_PATH']);
      const unsigned = await raw(s, 'GET', '/v1/wallets/%00');
      expect([unsigned.status, codeOf(unsigned)]).toEqual([400, 'INVALID_PATH']);
    });

    it('a wallet that is not a merchant asking for a malformed bill id gets the 400, not NOT_A_MERCHANT', async () => {
      for (const bill of ['%00', '..%2Fx', 'b_'.padEnd(300, 'a'), '%F0%9F%A7%A7']) {
        const path = `/v1/wallets/${alice.walletId}/qr/bills/${bill}`;
        const r = await signedRaw(s, alice, 'GET', path);
        expect([r.status, codeOf(r)], bill).toEqual([400, 'INVALID_PATH']);
        expect(r.text.length).toBeLessThan(300);
      }
      // a well-formed one reaches the route, which knows the wallet is no merchant
      const ok = await signedRaw(s, alice, 'GET', `/v1/wallets/${alice.walletId}/qr/bills/b_unknown`);
      expect(codeOf(ok)).toBe('NOT_A_MERCHANT');
    });

    it('well-formed ids that name nothing still reach their route (404 by its own code)', async () => {
      const cases: [string, string][] = [
        ['/v1/wallets/w_unknown/qr/static', 'WALLET_NOT_FOUND'],
        ['/v1/fraud-cases/fc_unknown', 'FRAUD_CASE_NOT_FOUND'],
        ['/v1/campaigns/cp_unknown', 'CAMPAIGN_NOT_FOUND'],
        ['/v1/lucky/lk_unknown', 'LUCKY_NOT_FOUND'],
      ];
      for (const [path, code] of cases) {
        const r = await raw(s, 'GET', path);
        expect([r.status, codeOf(r)], path).toEqual([404, code]);
      }
      // a trailing slash and another case reach the same route, as Express routes them
      expect(codeOf(await raw(s, 'GET', '/v1/Lucky/lk_unknown/'))).toBe('LUCKY_NOT_FOUND');
    });
  });

  describe('methods', () => {
    it.each([
      ['GET', '/v1/transfers', 'OPTIONS, POST'],
      ['PUT', '/v1/transfers/batch', 'OPTIONS, POST'],
      ['DELETE', '/v1/wallets/w_unknown', 'GET, HEAD, OPTIONS'],
      ['PATCH', '/v1/wallets/w_unknown/merchant', 'OPTIONS, PUT'],
      ['POST', '/v1/admin/audit', 'GET, HEAD, OPTIONS'],
      ['GET', '/v1/admin/issue', 'OPTIONS, POST'],
      ['POST', '/v1/health', 'GET, HEAD, OPTIONS'],
      ['PUT', '/v1/lucky', 'OPTIONS, POST'],
      ['DELETE', '/v1/campaigns/cp_unknown/draw', 'GET, HEAD, OPTIONS, POST'],
      ['DELETE', '/v1/campaigns/pay', 'GET, HEAD, OPTIONS, POST'],
    ])('%s %s -> 405 METHOD_NOT_ALLOWED, Allow: %s', async (method, path, allow) => {
      const res = await fetch(s.url + path, { method });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe(allow);
      const body = (await res.json()) as { error: { code: string } };
      expect(body.error.code).toBe('METHOD_NOT_ALLOWED');
    });

    it('the 405 comes before authentication', async () => {
      const r = await signedRaw(s, alice, 'DELETE', `/v1/wallets/${alice.walletId}`);
      expect([r.status, codeOf(r)]).toEqual([405, 'METHOD_NOT_ALLOWED']);
    });

    it('OPTIONS on a known path -> 204 with Allow and no body', async () => {
      for (const [path, allow] of [
        ['/v1/transfers', 'OPTIONS, POST'],
        ['/v1/wallets/w_unknown', 'GET, HEAD, OPTIONS'],
        ['/v1/campaigns', 'GET, HEAD, OPTIONS, POST'],
      ] as const) {
        const res = await fetch(s.url + path, { method: 'OPTIONS' });
        expect(res.status, path).toBe(204);
        expect(res.headers.get('allow')).toBe(allow);
        expect(await res.text()).toBe('');
      }
    });

    it('a CORS preflight from an origin not allowed -> 403 FORBIDDEN, not the plain OPTIONS answer', async () => {
      const res = await fetch(`${s.url}/v1/transfers`, {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example.test', 'access-control-request-method': 'POST' },
      });
      expect(res.status).toBe(403);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    });

    it('HEAD follows GET', async () => {
      const res = await fetch(`${s.url}/v1/stats`, { method: 'HEAD' });
      expect(res.status).toBe(200);
    });

    it('unknown paths stay 404 NOT_FOUND, for every method, and echo no odd path', async () => {
      for (const method of ['GET', 'POST', 'DELETE', 'OPTIONS']) {
        const r = await raw(s, method, '/v1/nope');
        expect([r.status, codeOf(r)], method).toEqual([404, 'NOT_FOUND']);
      }
      const odd = await raw(s, 'GET', '/v1/..%2F..%2Fetc%00');
      expect([odd.status, codeOf(odd)]).toEqual([404, 'NOT_FOUND']);
      expect(odd.text).not.toContain('etc');
    });
  });
});

/**
 * A GET or HEAD carries no body: one sent with it had been read and dropped, so a caller's
 * parameters were silently ignored. It is now 400 BODY_NOT_ALLOWED before authentication (a signed
 * request's nonce is not spent, nothing is read or moved), whatever its content type. No body, an
 * empty one (Content-Length: 0, or a chunked body with no bytes) and the event stream pass as before.
 */
import { Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, type TestWallet } from '../support/server';
import { authHeaders, codeOf, expectAuditClean, sendNode as send } from './_helpers';

describe('a body on a GET or HEAD', () => {
  let s: TestServer;
  let alice: TestWallet;
  let digest: string;
  beforeAll(async () => {
    s = await startTestServer();
    alice = await s.openWallet({ tier: 2, topUp: 10_000 });
    digest = await s.ctx.store.ledgerDigest();
  });
  afterAll(async () => {
    expect(await s.ctx.store.ledgerDigest()).toBe(digest);
    await expectAuditClean(s);
    await s.close();
  });

  it('is 400 BODY_NOT_ALLOWED on public reads, as JSON or any other type, on GET and HEAD', async () => {
    const json = { 'content-type': 'application/json' };
    for (const [path, headers, body] of [
      ['/v1/audit', json, '{"all":true}'],
      ['/v1/fraud-cases', json, '{"limit":5}'],
      ['/v1/info', json, '{}'],
      ['/v1/campaigns', { 'content-type': 'text/plain' }, 'hello'],
      ['/v1/directory', {}, 'x'],
    ] as const) {
      const r = await send(s, 'GET', path, { headers, body });
      expect([r.status, codeOf(r)], `${path} ${body}`).toEqual([400, 'BODY_NOT_ALLOWED']);
      expect(r.text).toContain('a GET request carries no body');
    }
    const head = await send(s, 'HEAD', '/v1/audit', { headers: json, body: '{}' });
    expect(head.status).toBe(400);
  });

  it('is refused before authentication: the signed request behind it is still good, its nonce unspent', async () => {
    const path = `/v1/wallets/${alice.walletId}/history?limit=5`;
    const signed = authHeaders(alice, 'GET', path, '');
    const refused = await send(s, 'GET', path, {
      headers: { ...signed, 'content-type': 'application/json' },
      body: '{"limit":500}',
    });
    expect([refused.status, codeOf(refused)]).toEqual([400, 'BODY_NOT_ALLOWED']);
    // unsigned or signed over the body, the answer is the same: the body is refused first
    const unsigned = await send(s, 'GET', path, {
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect([unsigned.status, codeOf(unsigned)]).toEqual([400, 'BODY_NOT_ALLOWED']);
    const overBody = await send(s, 'GET', path, {
      headers: { ...authHeaders(alice, 'GET', path, '{}'), 'content-type': 'application/json' },
      body: '{}',
    });
    expect([overBody.status, codeOf(overBody)]).toEqual([400, 'BODY_NOT_ALLOWED']);
    // the same signature and nonce, without the body: read once, then a replay
    const ok = await send(s, 'GET', path, { headers: signed });
    expect(ok.status, ok.text).toBe(200);
    expect((ok.json as { entries: unknown[] }).entries).toHaveLength(1);
    const replay = await send(s, 'GET', path, { headers: signed });
    expect(codeOf(replay)).toBe('REPLAYED_REQUEST');
  });

  it('a chunked body is refused when it has bytes, passes when empty; the connection stays usable', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const chunked = await send(s, 'GET', '/v1/audit', {
        headers: { 'content-type': 'application/json' },
        chunks: ['{"al', 'l":true}'],
        agent,
      });
      expect([chunked.status, codeOf(chunked)]).toEqual([400, 'BODY_NOT_ALLOWED']);
      const empty = await send(s, 'GET', '/v1/audit', { chunks: [], agent });
      expect(empty.status, empty.text).toBe(200);
      expect((empty.json as { ok: boolean }).ok).toBe(true);
    } finally {
      agent.destroy();
    }
  });

  it('no body, Content-Length: 0 and a signed read with an empty body pass', async () => {
    expect((await send(s, 'GET', '/v1/info')).status).toBe(200);
    const zero = await send(s, 'GET', '/v1/info', {
      headers: { 'content-type': 'application/json' },
      body: '',
    });
    expect(zero.status, zero.text).toBe(200);
    const path = `/v1/wallets/${alice.walletId}`;
    const wallet = await send(s, 'GET', path, {
      headers: { ...authHeaders(alice, 'GET', path, ''), 'content-length': '0' },
    });
    expect(wallet.status, wallet.text).toBe(200);
    expect((wallet.json as { wallet: { balance: number } }).wallet.balance).toBe(10_000);
    // the typed client's reads are unchanged
    expect((await alice.client.wallet(alice.walletId)).wallet.balance).toBe(10_000);
  });

  it('the event stream (an EventSource sends no body) still opens', async () => {
    const controller = new AbortController();
    const res = await fetch(`${s.url}/v1/events`, {
      headers: { accept: 'text/event-stream' },
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain(': connected');
    controller.abort();
    await reader.cancel().catch(() => {});
  });
});

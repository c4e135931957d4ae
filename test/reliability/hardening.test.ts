/**
 * HTTP hardening: security headers, the CORS allow-list, rate limits per IP
 * and per device (429 RATE_LIMITED with Retry-After), body size limits, and
 * responses and logs free of stack traces and secrets.
 */
import type { Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authHeaders,
  codeOf,
  expectAuditClean,
  expectNoLeak,
  isErrorEnvelope,
  keepAliveAgent,
  makeTransfer,
  type Server,
  send,
  startServer,
  type Wallet,
} from './_support';

describe('security headers and CORS', () => {
  let s: Server;
  let agent: Agent;
  const ALLOWED = 'https://wallet.example.test';
  beforeAll(async () => {
    s = await startServer({ corsOrigins: [ALLOWED, 'http://localhost:5173'] });
    agent = keepAliveAgent(4);
  });
  afterAll(async () => {
    agent.destroy();
    await s.close();
  });

  it('sets the helmet headers on API answers, errors included, and hides the framework', async () => {
    for (const path of ['/v1/info', '/v1/no-such-thing', '/v1/admin/audit']) {
      const r = await send(agent, s.port, 'GET', path);
      const h = r.headers;
      expect(h['content-security-policy']).toContain("default-src 'self'");
      expect(h['content-security-policy']).toContain("object-src 'none'");
      expect(h['content-security-policy']).toContain("frame-ancestors 'self'");
      expect(h['x-content-type-options']).toBe('nosniff');
      expect(h['x-frame-options']).toBe('SAMEORIGIN');
      expect(h['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(h['referrer-policy']).toBe('no-referrer');
      expect(h['cross-origin-opener-policy']).toBe('same-origin');
      expect(h['cross-origin-resource-policy']).toBe('same-origin');
      expect(h['x-dns-prefetch-control']).toBe('off');
      expect(h['x-permitted-cross-domain-policies']).toBe('none');
      expect(h['x-powered-by']).toBeUndefined();
      expect(h.etag).toBeUndefined();
      expect(String(h['content-type'])).toMatch(/^application\/json/);
    }
  });

  it('echoes an allowed origin (with Vary: Origin) and answers its preflight', async () => {
    const r = await send(agent, s.port, 'GET', '/v1/info', { headers: { origin: ALLOWED } });
    expect(r.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(String(r.headers.vary)).toMatch(/Origin/i);
    const pre = await send(agent, s.port, 'OPTIONS', '/v1/transfers', {
      headers: {
        origin: ALLOWED,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, x-ecny-signature',
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(String(pre.headers['access-control-allow-headers'])).toContain('x-ecny-signature');
    expect(pre.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('never echoes other origins, look-alikes, null or a wildcard', async () => {
    for (const origin of [
      'https://evil.example.test',
      `${ALLOWED}.evil.test`,
      'https://wallet.example.test:444',
      'http://wallet.example.test',
      'HTTPS://WALLET.EXAMPLE.TEST',
      'null',
      '*',
    ]) {
      const r = await send(agent, s.port, 'GET', '/v1/info', { headers: { origin } });
      expect(r.headers['access-control-allow-origin'], origin).toBeUndefined();
      const pre = await send(agent, s.port, 'OPTIONS', '/v1/transfers', {
        headers: { origin, 'access-control-request-method': 'POST' },
      });
      expect(pre.headers['access-control-allow-origin'], origin).toBeUndefined();
      expect(pre.status).not.toBe(204);
      expect(pre.status).toBeLessThan(500);
    }
  });
});

describe('rate limits', () => {
  it('per IP: the burst passes, then 429 RATE_LIMITED with Retry-After; refills with time', async () => {
    const s = await startServer({ rateLimitIpPerSec: 5, rateLimitIpBurst: 10 });
    const agent = keepAliveAgent(4);
    try {
      const results = [];
      for (let i = 0; i < 14; i++) results.push(await send(agent, s.port, 'GET', '/v1/health'));
      expect(results.slice(0, 10).every((r) => r.status === 200)).toBe(true);
      const limited = results.slice(10);
      for (const r of limited) {
        expect(r.status).toBe(429);
        expect(codeOf(r)).toBe('RATE_LIMITED');
        expect(isErrorEnvelope(r)).toBe(true);
        expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      }
      await new Promise((r) => setTimeout(r, 450));
      expect((await send(agent, s.port, 'GET', '/v1/health')).status).toBe(200);
      // a limited POST is refused before its body is read, and moves nothing
      const digest = await s.ctx.store.ledgerDigest();
      for (let i = 0; i < 10; i++) await send(agent, s.port, 'GET', '/v1/health');
      const r = await send(agent, s.port, 'POST', '/v1/transfers', {
        body: '{"junk":',
        headers: { 'content-type': 'application/json' },
      });
      expect(codeOf(r)).toBe('RATE_LIMITED');
      expect(await s.ctx.store.ledgerDigest()).toBe(digest);
    } finally {
      agent.destroy();
      await s.close();
    }
  });

  it('per device: a busy device is limited, others are not; a body naming a device is limited per device and address', async () => {
    const s = await startServer({
      rateLimitDevicePerSec: 2,
      rateLimitDeviceBurst: 5,
      rateLimitIpPerSec: 0,
    });
    const agent = keepAliveAgent(4);
    try {
      const alice: Wallet = await s.openWallet({ tier: 2, topUp: 10_000 });
      const bob: Wallet = await s.openWallet({ tier: 2 });
      // opening and topping up spent 1 of alice's 5 tokens
      const path = `/v1/wallets/${alice.walletId}`;
      const codes: (string | undefined)[] = [];
      for (let i = 0; i < 6; i++) {
        const r = await send(agent, s.port, 'GET', path, { headers: authHeaders(alice, 'GET', path, '') });
        codes.push(r.status === 200 ? 'OK' : codeOf(r));
        if (r.status === 429) expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      }
      expect(codes).toEqual(['OK', 'OK', 'OK', 'OK', 'RATE_LIMITED', 'RATE_LIMITED']);
      // bob is unaffected
      const bobPath = `/v1/wallets/${bob.walletId}`;
      const rb = await send(agent, s.port, 'GET', bobPath, { headers: authHeaders(bob, 'GET', bobPath, '') });
      expect(rb.status).toBe(200);
      // forged requests naming bob's device fail the signature (checked first) and spend none of his tokens
      for (let i = 0; i < 8; i++) {
        const forged = await send(agent, s.port, 'GET', bobPath, {
          headers: authHeaders(bob, 'GET', bobPath, '', { signer: alice.signer }),
        });
        expect(codeOf(forged)).toBe('BAD_SIGNATURE');
      }
      const rb2 = await send(agent, s.port, 'GET', bobPath, {
        headers: authHeaders(bob, 'GET', bobPath, ''),
      });
      expect(rb2.status).toBe(200);
      // transfers name their device in the body: counted per (device, address)
      const tcodes: (string | undefined)[] = [];
      for (let i = 0; i < 7; i++) {
        const r = await send(agent, s.port, 'POST', '/v1/transfers', {
          body: JSON.stringify(makeTransfer(bob, alice.walletId, 1_000_000)),
          headers: { 'content-type': 'application/json' },
        });
        tcodes.push(codeOf(r));
      }
      expect(tcodes.slice(0, 4)).toEqual(Array(4).fill('INSUFFICIENT_FUNDS'));
      expect(tcodes.slice(5)).toEqual(['RATE_LIMITED', 'RATE_LIMITED']);
      await expectAuditClean(s);
    } finally {
      agent.destroy();
      await s.close();
    }
  });

  it('defaults are generous: 1,500 requests from one address at 50 connections are not throttled', async () => {
    const s = await startServer();
    const agent = keepAliveAgent(50);
    try {
      expect(s.ctx.config.rateLimitIpPerSec).toBeGreaterThanOrEqual(5_000);
      expect(s.ctx.config.rateLimitIpBurst).toBeGreaterThanOrEqual(10_000);
      const results = await Promise.all(
        Array.from({ length: 1_500 }, () => send(agent, s.port, 'GET', '/v1/health')),
      );
      expect(results.filter((r) => r.status !== 200)).toHaveLength(0);
    } finally {
      agent.destroy();
      await s.close();
    }
  });
});

describe('body limits, leaks and the request log', () => {
  let s: Server;
  let agent: Agent;
  let alice: Wallet;
  let bob: Wallet;
  beforeAll(async () => {
    s = await startServer({ logLevel: 'info' }, { captureLog: true });
    agent = keepAliveAgent(4);
    alice = await s.openWallet({ tier: 2, topUp: 50_000 });
    bob = await s.openWallet({ tier: 2 });
  });
  afterAll(async () => {
    agent.destroy();
    await s.close();
  });

  const json = { 'content-type': 'application/json' };

  it('64 KB for API bodies and 2 MB for batches -> 413 BODY_TOO_LARGE, ledger unchanged', async () => {
    const digest = await s.ctx.store.ledgerDigest();
    const big = (n: number) => JSON.stringify({ pad: 'x'.repeat(n) });
    for (const [path, size, code] of [
      ['/v1/transfers', 65 * 1024, 'BODY_TOO_LARGE'],
      ['/v1/wallets', 200 * 1024, 'BODY_TOO_LARGE'],
      ['/v1/admin/issue', 100 * 1024, 'BODY_TOO_LARGE'],
      ['/v1/transfers', 60 * 1024, 'INVALID_BODY'],
      ['/v1/transfers/batch', 1_500 * 1024, 'INVALID_BODY'],
      ['/v1/transfers/batch', 2_100 * 1024, 'BODY_TOO_LARGE'],
    ] as const) {
      const r = await send(agent, s.port, 'POST', path, { body: big(size), headers: json });
      expect(codeOf(r), `${path} ${size}`).toBe(code);
      expect(r.status).toBe(code === 'BODY_TOO_LARGE' ? 413 : 400);
      expect(isErrorEnvelope(r)).toBe(true);
    }
    // a signed wallet call with an oversize body: refused before the signature is even checked
    const path = `/v1/wallets/${alice.walletId}/topup`;
    const body = big(70 * 1024);
    const r = await send(agent, s.port, 'POST', path, {
      body,
      headers: { ...json, ...authHeaders(alice, 'POST', path, body) },
    });
    expect(codeOf(r)).toBe('BODY_TOO_LARGE');
    expect(await s.ctx.store.ledgerDigest()).toBe(digest);
  });

  it('an internal failure answers INTERNAL with a generic message: no stack, no SQL, no paths', async () => {
    const store = s.ctx.store;
    const original = store.getWallet.bind(store);
    store.getWallet = async () => {
      throw new Error(`SQLITE_CORRUPT: disk image is malformed at /var/secret/ecny.sqlite`);
    };
    try {
      const path = `/v1/wallets/${alice.walletId}`;
      const r2 = await send(agent, s.port, 'GET', path, { headers: authHeaders(alice, 'GET', path, '') });
      expect(r2.status).toBe(500);
      expect(codeOf(r2)).toBe('INTERNAL');
      expect(isErrorEnvelope(r2)).toBe(true);
      expect(r2.text).not.toContain('SQLITE');
      expect(r2.text).not.toContain('/var/secret');
      expect(r2.text).not.toContain(s.ctx.adminToken);
      expectNoLeak(r2.text);
    } finally {
      store.getWallet = original;
    }
    // the error log line holds the message, never a stack
    const errors = s.logLines.filter((l) => l.level === 'error');
    expect(errors.length).toBeGreaterThan(0);
    for (const l of errors) expect(JSON.stringify(l)).not.toMatch(/\\n\s+at /);
  });

  it('logs one JSON line per request: method, path without query, status, duration, device; never secrets', async () => {
    s.logLines.length = 0;
    const marker = 'BODY-MARKER-7f3a';
    const path = `/v1/wallets/${alice.walletId}/history?limit=5&token=QUERY-SECRET-91`;
    const signed = authHeaders(alice, 'GET', path, '');
    const calls = [
      await send(agent, s.port, 'GET', path, { headers: signed }),
      await send(agent, s.port, 'GET', '/v1/admin/audit', {
        headers: { authorization: `Bearer ${s.ctx.adminToken}` },
      }),
      await send(agent, s.port, 'GET', '/v1/admin/audit', {
        headers: { authorization: 'Bearer WRONG-TOKEN-1234567' },
      }),
      await send(agent, s.port, 'POST', '/v1/transfers', {
        body: JSON.stringify({ ...makeTransfer(alice, bob.walletId, 1), memo: marker }),
        headers: json,
      }),
      await send(agent, s.port, 'POST', '/v1/transfers', { body: `{"broken": "${marker}`, headers: json }),
      await send(agent, s.port, 'POST', '/v1/transfers', {
        body: JSON.stringify(makeTransfer(alice, bob.walletId, 25)),
        headers: json,
      }),
    ];
    await new Promise((r) => setTimeout(r, 50));
    const lines = s.logLines.filter((l) => l.msg === 'request');
    expect(lines).toHaveLength(calls.length);
    for (const [i, l] of lines.entries()) {
      expect(l.level).toBe('info');
      expect(typeof l.method).toBe('string');
      expect(String(l.path)).toMatch(/^\/v1\//);
      expect(String(l.path)).not.toContain('?');
      expect(l.status).toBe(calls[i]!.status);
      expect(typeof l.durationMs).toBe('number');
      expect(l.durationMs as number).toBeGreaterThanOrEqual(0);
    }
    expect(lines[0]).toMatchObject({
      method: 'GET',
      path: `/v1/wallets/${alice.walletId}/history`,
      status: 200,
      deviceId: alice.deviceId,
    });
    expect(lines[2]).toMatchObject({ status: 401, code: 'ADMIN_TOKEN_REQUIRED', deviceId: null });
    expect(lines[4]).toMatchObject({ status: 400, code: 'MALFORMED_JSON' });
    expect(lines[5]).toMatchObject({ method: 'POST', path: '/v1/transfers', status: 200 });
    const text = JSON.stringify(s.logLines);
    for (const secret of [
      s.ctx.adminToken,
      'WRONG-TOKEN-1234567',
      'QUERY-SECRET-91',
      marker,
      signed['x-ecny-signature']!,
      signed['x-ecny-nonce']!,
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toMatch(/"sig"|"body"|authorization/i);
  });
});

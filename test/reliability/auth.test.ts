/**
 * Signatures and replay: every way of presenting a request or a transfer the
 * device did not sign, or signed too long ago, or signed once and sent twice,
 * or signed with a revoked or expired identity, is refused with its own code
 * and moves no money.
 */
import type { Agent } from 'node:http';
import {
  type DeviceCert,
  decodeKey,
  EcnyError,
  generateKeyPair,
  issueDeviceCert,
  NobleSigner,
  nobleVerifier,
  type OperatorCert,
  REQUEST_FRESHNESS_MS,
  signObject,
  type TrustAnchors,
  verifyDeviceCert,
} from '@ecny-sim/wallet-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authHeaders,
  codeOf,
  expectAuditClean,
  expectNoLeak,
  flipBit,
  isErrorEnvelope,
  keepAliveAgent,
  makeTransfer,
  type RawResponse,
  type Server,
  send,
  startServer,
  type Wallet,
} from './_support';

describe('signatures and replay', () => {
  let s: Server;
  let agent: Agent;
  let alice: Wallet;
  let bob: Wallet;
  let mallory: Wallet;
  let digest: string;

  beforeAll(async () => {
    s = await startServer();
    agent = keepAliveAgent(8);
    alice = await s.openWallet({ tier: 2, topUp: 500_000 });
    bob = await s.openWallet({ tier: 2, topUp: 10_000 });
    mallory = await s.openWallet({ tier: 2, topUp: 10_000 });
    digest = await s.ctx.store.ledgerDigest();
  });
  afterAll(async () => {
    agent.destroy();
    await s.close();
  });

  /** Every refusal: the envelope, the code and its status, no stack, and the ledger unchanged. */
  async function expectRefused(r: RawResponse, code: string, status: number): Promise<void> {
    expect(isErrorEnvelope(r), r.text).toBe(true);
    expect(codeOf(r), r.text).toBe(code);
    expect(r.status).toBe(status);
    expectNoLeak(r.text);
    expect(await s.ctx.store.ledgerDigest()).toBe(digest);
  }

  const walletPath = () => `/v1/wallets/${alice.walletId}`;
  const get = (headers: Record<string, string>, path = walletPath()) =>
    send(agent, s.port, 'GET', path, { headers });
  const postJson = (path: string, body: string, headers: Record<string, string> = {}) =>
    send(agent, s.port, 'POST', path, { body, headers: { 'content-type': 'application/json', ...headers } });

  describe('request signatures (x-ecny-* headers)', () => {
    it('accepts a well-signed request (the control case)', async () => {
      const r = await get(authHeaders(alice, 'GET', walletPath(), ''));
      expect(r.status).toBe(200);
    });

    it('a forged signature (random bytes, or all zero) -> BAD_SIGNATURE', async () => {
      for (const sig of [
        Buffer.from(generateKeyPair().secretKey).toString('base64url').repeat(2).slice(0, 86),
        'A'.repeat(86),
        '',
        'not base64 !!',
        'A'.repeat(4000),
      ]) {
        const h = authHeaders(alice, 'GET', walletPath(), '');
        const r = await get({ ...h, 'x-ecny-signature': sig });
        // an empty header counts as missing
        await expectRefused(r, sig === '' ? 'UNAUTHENTICATED' : 'BAD_SIGNATURE', 401);
      }
    });

    it('every single bit flip of a good signature -> BAD_SIGNATURE', async () => {
      const h = authHeaders(alice, 'GET', walletPath(), '');
      const sig = h['x-ecny-signature']!;
      for (const byte of [0, 1, 17, 31, 32, 48, 63]) {
        for (const bit of [0, 4, 7]) {
          const r = await get({ ...h, 'x-ecny-signature': flipBit(sig, byte, bit) });
          await expectRefused(r, 'BAD_SIGNATURE', 401);
        }
      }
    });

    it("another device's key signing for alice's device id -> BAD_SIGNATURE", async () => {
      const r = await get(authHeaders(alice, 'GET', walletPath(), '', { signer: mallory.signer }));
      await expectRefused(r, 'BAD_SIGNATURE', 401);
    });

    it('a signature under another domain tag (transfer, receipt) -> BAD_SIGNATURE', async () => {
      for (const type of ['transfer', 'receipt', 'registration', 'request ']) {
        const r = await get(authHeaders(alice, 'GET', walletPath(), '', { type }));
        await expectRefused(r, 'BAD_SIGNATURE', 401);
      }
    });

    it('a signature for another path, method or body -> BAD_SIGNATURE', async () => {
      const bobPath = `/v1/wallets/${bob.walletId}`;
      await expectRefused(await get(authHeaders(alice, 'GET', bobPath, '')), 'BAD_SIGNATURE', 401);
      await expectRefused(
        await get(authHeaders(alice, 'GET', `${walletPath()}/history`, '')),
        'BAD_SIGNATURE',
        401,
      );
      const topup = `${walletPath()}/topup`;
      const body = JSON.stringify({ requestId: 'sig-body-0001', amount: 100 });
      const signedFor = JSON.stringify({ requestId: 'sig-body-0001', amount: 1 });
      await expectRefused(
        await postJson(topup, body, authHeaders(alice, 'POST', topup, signedFor)),
        'BAD_SIGNATURE',
        401,
      );
      await expectRefused(
        await postJson(topup, body, authHeaders(alice, 'PUT', topup, body)),
        'BAD_SIGNATURE',
        401,
      );
      // a query string is part of the signed path
      const hist = `${walletPath()}/history`;
      await expectRefused(
        await get(authHeaders(alice, 'GET', `${hist}?limit=1`, ''), `${hist}?limit=2`),
        'BAD_SIGNATURE',
        401,
      );
    });

    it("a device signing for another wallet's resources -> FORBIDDEN", async () => {
      const bobPath = `/v1/wallets/${bob.walletId}`;
      await expectRefused(await get(authHeaders(mallory, 'GET', bobPath, ''), bobPath), 'FORBIDDEN', 403);
      const topup = `${bobPath}/redeem`;
      const body = JSON.stringify({ requestId: 'steal-0000001', amount: 100 });
      await expectRefused(
        await postJson(topup, body, authHeaders(mallory, 'POST', topup, body)),
        'FORBIDDEN',
        403,
      );
    });

    it('missing headers, an unknown device, a malformed nonce -> UNAUTHENTICATED', async () => {
      const h = authHeaders(alice, 'GET', walletPath(), '');
      for (const drop of Object.keys(h)) {
        const partial = { ...h };
        delete partial[drop];
        await expectRefused(await get(partial), 'UNAUTHENTICATED', 401);
      }
      await expectRefused(
        await get({ ...h, 'x-ecny-device': 'd_nobodynobodynobody00' }),
        'UNAUTHENTICATED',
        401,
      );
      for (const nonce of ['short', 'has spaces in it', 'x'.repeat(65), 'ümlaut-nonce']) {
        const r = await get(authHeaders(alice, 'GET', walletPath(), '', { nonce }));
        await expectRefused(r, 'UNAUTHENTICATED', 401);
      }
    });

    it('a replayed request -> REPLAYED_REQUEST, also for a money-moving one', async () => {
      const h = authHeaders(alice, 'GET', walletPath(), '');
      expect((await get(h)).status).toBe(200);
      for (let i = 0; i < 3; i++) await expectRefused(await get(h), 'REPLAYED_REQUEST', 401);

      const path = `${walletPath()}/redeem`;
      const body = JSON.stringify({ requestId: 'replay-redeem-01', amount: 300 });
      const headers = authHeaders(alice, 'POST', path, body);
      expect((await postJson(path, body, headers)).status).toBe(200);
      digest = await s.ctx.store.ledgerDigest();
      const replays = await Promise.all(Array.from({ length: 8 }, () => postJson(path, body, headers)));
      for (const r of replays) await expectRefused(r, 'REPLAYED_REQUEST', 401);
      // the same nonce on another path is a replay too (the guard is per device, not per path)
      const other = authHeaders(alice, 'GET', walletPath(), '', { nonce: headers['x-ecny-nonce']! });
      await expectRefused(await get(other), 'REPLAYED_REQUEST', 401);
    });

    it('stale and future timestamps -> STALE_REQUEST; non-canonical ones -> UNAUTHENTICATED', async () => {
      for (const skew of [
        -(REQUEST_FRESHNESS_MS + 1_000),
        REQUEST_FRESHNESS_MS + 1_000,
        -86_400_000,
        -Date.now(),
      ]) {
        const r = await get(authHeaders(alice, 'GET', walletPath(), '', { timestamp: Date.now() + skew }));
        await expectRefused(r, 'STALE_REQUEST', 401);
      }
      for (const ts of ['yesterday', '1e12', '-1', '9'.repeat(30), '0x1', ' ']) {
        const h = authHeaders(alice, 'GET', walletPath(), '');
        await expectRefused(await get({ ...h, 'x-ecny-timestamp': ts }), 'UNAUTHENTICATED', 401);
      }
    });

    it('a wrong or missing admin token -> ADMIN_TOKEN_REQUIRED (also for a prefix of the real one)', async () => {
      const t = s.ctx.adminToken;
      for (const auth of [
        undefined,
        'Bearer',
        `Bearer ${t.slice(0, -1)}`,
        `Bearer ${t}x`,
        `bearer ${t}`,
        t,
        `Basic ${t}`,
      ]) {
        const r = await send(agent, s.port, 'GET', '/v1/admin/audit', {
          headers: auth === undefined ? {} : { authorization: auth },
        });
        await expectRefused(r, 'ADMIN_TOKEN_REQUIRED', 401);
        expect(r.text).not.toContain(t);
      }
    });
  });

  describe('signed transfers', () => {
    const post = (t: unknown) => postJson('/v1/transfers', JSON.stringify(t));

    it('forged, bit-flipped and other-key signatures -> BAD_SIGNATURE', async () => {
      const good = makeTransfer(alice, bob.walletId, 100);
      await expectRefused(await post({ ...good, sig: 'A'.repeat(86) }), 'BAD_SIGNATURE', 401);
      for (const byte of [0, 31, 63]) {
        await expectRefused(await post({ ...good, sig: flipBit(good.sig, byte, 1) }), 'BAD_SIGNATURE', 401);
      }
      await expectRefused(
        await post(makeTransfer(alice, bob.walletId, 100, { signer: mallory.signer })),
        'BAD_SIGNATURE',
        401,
      );
      // a body field changed after signing
      await expectRefused(await post({ ...good, amount: 99 }), 'BAD_SIGNATURE', 401);
      await expectRefused(await post({ ...good, to: mallory.walletId }), 'BAD_SIGNATURE', 401);
    });

    it("a transfer signed as type 'receipt' (or any other domain) -> BAD_SIGNATURE", async () => {
      for (const type of ['receipt', 'request', 'registration', 'device-cert', 'transfer\u0000']) {
        const t = makeTransfer(alice, bob.walletId, 100, { type });
        await expectRefused(await post(t), 'BAD_SIGNATURE', 401);
      }
    });

    it("mallory's device paying from alice's wallet -> FORBIDDEN; naming alice's device -> BAD_SIGNATURE", async () => {
      await expectRefused(
        await post(makeTransfer(mallory, mallory.walletId, 100, { from: alice.walletId })),
        'FORBIDDEN',
        403,
      );
      await expectRefused(
        await post(
          makeTransfer(mallory, mallory.walletId, 100, { from: alice.walletId, deviceId: alice.deviceId }),
        ),
        'BAD_SIGNATURE',
        401,
      );
    });

    it('stale and future transfers -> STALE_REQUEST', async () => {
      for (const skew of [-6 * 60_000, 6 * 60_000, -365 * 86_400_000]) {
        const t = makeTransfer(alice, bob.walletId, 100, { createdAt: Date.now() + skew });
        await expectRefused(await post(t), 'STALE_REQUEST', 401);
      }
    });

    it('a stale registration and a registration signed by another key are refused', async () => {
      const key = new NobleSigner(generateKeyPair().secretKey);
      const reg = (createdAt: number, signer = key) =>
        signObject(
          'registration',
          {
            operatorId: 'op_icbc',
            tier: 4,
            displayName: 'Late',
            devicePublicKey: Buffer.from(key.publicKey).toString('base64url'),
            createdAt,
          },
          signer,
        );
      await expectRefused(
        await postJson('/v1/wallets', JSON.stringify(reg(Date.now() - 3_600_000))),
        'STALE_REQUEST',
        401,
      );
      const other = new NobleSigner(generateKeyPair().secretKey);
      await expectRefused(
        await postJson('/v1/wallets', JSON.stringify(reg(Date.now(), other))),
        'BAD_SIGNATURE',
        401,
      );
    });

    it('a replayed transfer settles once: the same receipt again, money moved once', async () => {
      const t = makeTransfer(alice, bob.walletId, 250);
      const first = await post(t);
      expect(first.status).toBe(200);
      digest = await s.ctx.store.ledgerDigest();
      const again = await Promise.all(Array.from({ length: 5 }, () => post(t)));
      for (const r of again) {
        expect(r.status).toBe(200);
        expect((r.json as { receipt: unknown }).receipt).toEqual(
          (first.json as { receipt: unknown }).receipt,
        );
      }
      expect(await s.ctx.store.ledgerDigest()).toBe(digest);
      // the same id with other content is a conflict, not a second payment
      const reused = makeTransfer(alice, bob.walletId, 251, { transferId: t.transferId });
      await expectRefused(await post(reused), 'IDEMPOTENCY_CONFLICT', 409);
    });
  });

  describe('revoked devices', () => {
    it('a revoked device can neither sign requests nor transfers -> DEVICE_REVOKED', async () => {
      const victim = await s.openWallet({ tier: 2, topUp: 5_000 });
      const path = `/v1/wallets/${victim.walletId}`;
      const early = makeTransfer(victim, bob.walletId, 100);
      digest = await s.ctx.store.ledgerDigest();
      await s.ctx.store.revokeDevice(victim.deviceId, 'lost phone', Date.now());
      await expectRefused(await get(authHeaders(victim, 'GET', path, ''), path), 'DEVICE_REVOKED', 403);
      await expectRefused(await post(early), 'DEVICE_REVOKED', 403);
      await expectRefused(await post(makeTransfer(victim, bob.walletId, 100)), 'DEVICE_REVOKED', 403);
      const topup = `${path}/topup`;
      const body = JSON.stringify({ requestId: 'revoked-topup-1', amount: 100 });
      await expectRefused(
        await postJson(topup, body, authHeaders(victim, 'POST', topup, body)),
        'DEVICE_REVOKED',
        403,
      );
      // a bad signature from a revoked device is still a bad signature (no oracle on revocation)
      await expectRefused(
        await get(authHeaders(victim, 'GET', path, '', { signer: mallory.signer }), path),
        'BAD_SIGNATURE',
        401,
      );
    });

    function post(t: unknown) {
      return postJson('/v1/transfers', JSON.stringify(t));
    }
  });

  describe('device certificates (wallet-core verifyDeviceCert)', () => {
    let trust: TrustAnchors;
    let cert: DeviceCert;
    beforeAll(async () => {
      const info = await s.client.info();
      const operatorCerts = new Map<string, OperatorCert>(info.operators.map((o) => [o.operatorId, o.cert]));
      trust = { issuerPublicKey: decodeKey(info.issuerPublicKey), operatorCerts };
      cert = alice.deviceCert;
    });

    const codeFrom = (fn: () => void): string | undefined => {
      try {
        fn();
        return undefined;
      } catch (e) {
        expect(e).toBeInstanceOf(EcnyError);
        return (e as EcnyError).code;
      }
    };

    it('the issued certificate verifies now', () => {
      expect(
        codeFrom(() => verifyDeviceCert(cert, trust, nobleVerifier, { now: Date.now() })),
      ).toBeUndefined();
    });

    it('expired (a now past validUntil) -> CERT_EXPIRED; before validFrom -> CERT_NOT_YET_VALID', () => {
      expect(codeFrom(() => verifyDeviceCert(cert, trust, nobleVerifier, { now: cert.validUntil + 1 }))).toBe(
        'CERT_EXPIRED',
      );
      expect(codeFrom(() => verifyDeviceCert(cert, trust, nobleVerifier, { now: cert.validFrom - 1 }))).toBe(
        'CERT_NOT_YET_VALID',
      );
    });

    it('revoked -> CERT_REVOKED; tampered or self-issued -> CERT_BAD_SIGNATURE; unknown operator', () => {
      const now = Date.now();
      expect(
        codeFrom(() =>
          verifyDeviceCert(cert, trust, nobleVerifier, { now, revokedDevices: new Set([cert.deviceId]) }),
        ),
      ).toBe('CERT_REVOKED');
      expect(codeFrom(() => verifyDeviceCert({ ...cert, tier: 1 }, trust, nobleVerifier, { now }))).toBe(
        'CERT_BAD_SIGNATURE',
      );
      expect(
        codeFrom(() =>
          verifyDeviceCert({ ...cert, validUntil: now + 10 * 365 * 86_400_000 }, trust, nobleVerifier, {
            now,
          }),
        ),
      ).toBe('CERT_BAD_SIGNATURE');
      const { sig: _sig, ...body } = cert;
      const selfIssued = issueDeviceCert(body, mallory.signer);
      expect(codeFrom(() => verifyDeviceCert(selfIssued, trust, nobleVerifier, { now }))).toBe(
        'CERT_BAD_SIGNATURE',
      );
      expect(
        codeFrom(() => verifyDeviceCert({ ...cert, operatorId: 'op_nobody' }, trust, nobleVerifier, { now })),
      ).toBe('CERT_UNKNOWN_OPERATOR');
    });
  });

  it('nothing above moved money that was not meant to move; the audit holds', async () => {
    await expectAuditClean(s);
  });
});

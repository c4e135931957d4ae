import { OPENING_BANK_BALANCE } from '@ecny-sim/server/wallets/service';
import {
  decodeKey,
  encodeKey,
  generateKeyPair,
  NobleSigner,
  nobleVerifier,
  REGISTRATION_TYPE,
  signObject,
  verifyDeviceCert,
  verifyReceipt,
} from '@ecny-sim/wallet-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server';
import { codeOf, expectAuditClean, expectCode, raw } from './_helpers';

describe('wallets over HTTP: open, top up, redeem, pay', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  it('opens a wallet with a device certificate that chains to the issuer', async () => {
    const w = await s.openWallet({ tier: 3, displayName: 'Li Wei' });
    expect(w.wallet).toMatchObject({ tier: 3, balance: 0, bankBalance: OPENING_BANK_BALANCE, spentToday: 0 });
    expect(w.deviceCert.publicKey).toBe(encodeKey(w.signer.publicKey));
    expect(w.deviceCert.walletId).toBe(w.walletId);
    expect(w.deviceCert.tier).toBe(3);
    const info = await s.client.info();
    expect(info.issuerPublicKey).toBe(w.issuerPublicKey);
    const operatorCerts = new Map(info.operators.map((o) => [o.operatorId, o.cert]));
    expect(() =>
      verifyDeviceCert(
        w.deviceCert,
        { issuerPublicKey: decodeKey(info.issuerPublicKey), operatorCerts },
        nobleVerifier,
        { now: Date.now() },
      ),
    ).not.toThrow();
    const { wallets } = await s.client.directory();
    expect(wallets.some((d) => d.walletId === w.walletId && d.displayName === 'Li Wei')).toBe(true);
    await expectAuditClean(s);
  });

  it('tops up from the bank, redeems back, and refuses more than is there', async () => {
    const w = await s.openWallet({ tier: 2 });
    let { wallet } = await w.client.topUp(w.walletId, 120_000);
    expect(wallet.balance).toBe(120_000);
    expect(wallet.bankBalance).toBe(OPENING_BANK_BALANCE - 120_000);
    ({ wallet } = await w.client.redeem(w.walletId, 20_000));
    expect(wallet.balance).toBe(100_000);
    expect(wallet.bankBalance).toBe(OPENING_BANK_BALANCE - 100_000);
    await expectCode(w.client.redeem(w.walletId, 100_001), 'INSUFFICIENT_FUNDS', 409);
    // more than the bank account holds: the bank is short, not the wallet
    await expectCode(w.client.topUp(w.walletId, OPENING_BANK_BALANCE), 'BANK_INSUFFICIENT_FUNDS', 409);
    ({ wallet } = await w.client.wallet(w.walletId));
    expect(wallet.balance).toBe(100_000);
    expect(wallet.bankBalance).toBe(OPENING_BANK_BALANCE - 100_000);
    await expectAuditClean(s);
  });

  it('top-ups are idempotent by requestId', async () => {
    const w = await s.openWallet({ tier: 2 });
    await w.client.topUp(w.walletId, 5_000, 'topup-request-1');
    const again = await w.client.topUp(w.walletId, 5_000, 'topup-request-1');
    expect(again.wallet.balance).toBe(5_000);
    await expectCode(w.client.topUp(w.walletId, 6_000, 'topup-request-1'), 'IDEMPOTENCY_CONFLICT', 409);
    expect((await w.client.wallet(w.walletId)).wallet.balance).toBe(5_000);
    await expectAuditClean(s);
  });

  it('pays, records history on both sides with receipts that verify', async () => {
    const alice = await s.openWallet({ tier: 2, topUp: 50_000 });
    const bob = await s.openWallet({ tier: 2 });
    const paid = await alice.client.pay(alice.walletId, bob.walletId, 12_345, { memo: 'noodles' });
    expect(paid.balance).toBe(50_000 - 12_345);
    verifyReceipt(paid.receipt, paid.transfer, decodeKey(alice.issuerPublicKey), nobleVerifier);
    const { wallet: bobView } = await bob.client.wallet(bob.walletId);
    expect(bobView.balance).toBe(12_345);
    const { wallet: aliceView } = await alice.client.wallet(alice.walletId);
    expect(aliceView.spentToday).toBe(12_345);

    const { entries } = await bob.client.history(bob.walletId);
    const incoming = entries.find((e) => e.transferId === paid.transfer.transferId);
    expect(incoming).toMatchObject({
      direction: 'in',
      amount: 12_345,
      counterparty: alice.walletId,
      memo: 'noodles',
    });
    expect(incoming?.receipt).not.toBeNull();
    verifyReceipt(incoming!.receipt!, incoming!.transfer, decodeKey(alice.issuerPublicKey), nobleVerifier);
    const { entries: aliceEntries } = await alice.client.history(alice.walletId);
    expect(aliceEntries[0]).toMatchObject({ direction: 'out', amount: 12_345, counterparty: bob.walletId });
    await expectAuditClean(s);
  });

  it('a receipt does not verify for another transfer or under another key', async () => {
    const alice = await s.openWallet({ tier: 2, topUp: 10_000 });
    const bob = await s.openWallet({ tier: 2 });
    const first = await alice.client.pay(alice.walletId, bob.walletId, 100);
    const second = await alice.client.pay(alice.walletId, bob.walletId, 100);
    const issuer = decodeKey(alice.issuerPublicKey);
    expect(() => verifyReceipt(first.receipt, second.transfer, issuer, nobleVerifier)).toThrow(
      /does not match/,
    );
    expect(() => verifyReceipt(first.receipt, first.transfer, alice.signer.publicKey, nobleVerifier)).toThrow(
      /not signed by the issuer/,
    );
    const tampered = { ...first.receipt, amount: 99 };
    expect(() => verifyReceipt(tampered, null, issuer, nobleVerifier)).toThrow(/not signed/);
    await expectAuditClean(s);
  });

  it('refuses payments to oneself, to unknown wallets and beyond the balance', async () => {
    const alice = await s.openWallet({ tier: 2, topUp: 1_000 });
    await expectCode(alice.client.pay(alice.walletId, alice.walletId, 10), 'SAME_WALLET', 400);
    await expectCode(alice.client.pay(alice.walletId, 'w_doesnotexist', 10), 'WALLET_NOT_FOUND', 404);
    const bob = await s.openWallet();
    await expectCode(alice.client.pay(alice.walletId, bob.walletId, 1_001), 'INSUFFICIENT_FUNDS', 409);
    expect((await alice.client.wallet(alice.walletId)).wallet.balance).toBe(1_000);
    await expectAuditClean(s);
  });

  it('refuses an unknown operator and a registration signed by another key', async () => {
    const w = await s.openWallet();
    await expectCode(
      s.client.openWallet({ operatorId: 'op_nobank', tier: 4, displayName: 'x' }, w.signer),
      'OPERATOR_NOT_FOUND',
    );
    const other = new NobleSigner(generateKeyPair().secretKey);
    const forged = signObject(
      REGISTRATION_TYPE,
      {
        operatorId: 'op_icbc',
        tier: 4,
        displayName: 'Mallory',
        devicePublicKey: encodeKey(w.signer.publicKey),
        createdAt: Date.now(),
      },
      other,
    );
    const r = await raw(s, 'POST', '/v1/wallets', { body: JSON.stringify(forged) });
    expect(r.status).toBe(401);
    expect(codeOf(r)).toBe('BAD_SIGNATURE');
    const stale = signObject(
      REGISTRATION_TYPE,
      {
        operatorId: 'op_icbc',
        tier: 4,
        displayName: 'Old',
        devicePublicKey: encodeKey(other.publicKey),
        createdAt: Date.now() - 3_600_000,
      },
      other,
    );
    expect(codeOf(await raw(s, 'POST', '/v1/wallets', { body: JSON.stringify(stale) }))).toBe(
      'STALE_REQUEST',
    );
    await expectAuditClean(s);
  });

  it('the admin audit endpoint needs the token and reports a clean ledger', async () => {
    const anonymous = await raw(s, 'GET', '/v1/admin/audit');
    expect(anonymous.status).toBe(401);
    expect(codeOf(anonymous)).toBe('ADMIN_TOKEN_REQUIRED');
    const wrong = await raw(s, 'GET', '/v1/admin/audit', {
      headers: { authorization: 'Bearer not-the-token' },
    });
    expect(codeOf(wrong)).toBe('ADMIN_TOKEN_REQUIRED');
    const report = await s.admin.audit();
    expect(report.ok).toBe(true);
    expect(report.breaks).toEqual([]);
    expect(report.sum).toBe(0);
  });
});

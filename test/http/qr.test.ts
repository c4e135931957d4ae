/**
 * QR payments over real HTTP: dynamic merchant QRs paid at most once (also
 * under concurrency), static QRs, foreign payloads, and customer payment
 * codes charged once, never after expiry, never over their cap.
 */
import {
  createPaymentCode,
  decodeKey,
  type EcnyError,
  encodeMerchantQr,
  nobleVerifier,
  type OnlineTransfer,
  parseMerchantQr,
  randomId,
  receiptBody,
  verifyReceipt,
  withCrc,
} from '@ecny-sim/wallet-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, type TestWallet } from '../support/server';
import {
  balanceOf,
  codeOf,
  expectCode,
  makeTransfer,
  openStream,
  raw,
  signedRaw,
  walletEventsUrl,
} from './_helpers';

/** Singapore PayNow static payload (valid EMVCo MPM of another scheme). */
const PAYNOW_STATIC =
  '00020101021126490009SG.PAYNOW010120210201403121W03011040820301231520400005303702' +
  '5802SG5913ACME Pte Ltd.6009Singapore6304B69E';

describe('QR payments over HTTP', () => {
  let s: TestServer;
  let n = 0;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  async function openMerchant(tier: 1 | 2 | 3 | 4 = 2): Promise<TestWallet> {
    const merchant = await s.openWallet({ tier, displayName: `Shop ${++n}` });
    await merchant.client.setMerchantProfile(merchant.walletId, {
      name: '老王面馆',
      city: '北京',
      mcc: '5812',
      region: 'Beijing',
    });
    return merchant;
  }

  describe('merchant-presented (dynamic and static)', () => {
    it('a dynamic QR is paid once; a second payment of the bill is refused and moves nothing', async () => {
      const merchant = await openMerchant();
      const alice = await s.openWallet({ topUp: 10_000 });
      const bob = await s.openWallet({ topUp: 10_000 });

      const created = await merchant.client.createDynamicQr(merchant.walletId, 1_230, 'B20240101');
      expect(created.bill).toMatchObject({ billId: 'B20240101', amount: 1_230, status: 'open' });
      expect(created.bill.expiresAt).toBeGreaterThan(Date.now());
      const qr = parseMerchantQr(created.payload);
      expect(qr).toMatchObject({
        initiation: 'dynamic',
        amountFen: 1_230,
        billId: 'B20240101',
        payableHere: true,
      });
      expect(qr.ecny?.walletId).toBe(merchant.walletId);
      expect(qr.displayName).toBe('老王面馆');

      const transfer = makeTransfer(alice, merchant.walletId, 1_230);
      const paid = await s.client.payQr(created.payload, transfer);
      expect(paid.receipt).toMatchObject({
        transferId: transfer.transferId,
        amount: 1_230,
        to: merchant.walletId,
      });
      verifyReceipt(paid.receipt, transfer, decodeKey(s.ctx.world.issuerPublicKey), nobleVerifier);
      expect(paid.balance).toBe(10_000 - 1_230);
      expect(paid.bill).toMatchObject({
        status: 'paid',
        paidBy: alice.walletId,
        transferId: transfer.transferId,
      });

      // Someone else pays the same bill: refused, nothing moves.
      await expectCode(
        s.client.payQr(created.payload, makeTransfer(bob, merchant.walletId, 1_230)),
        'BILL_ALREADY_PAID',
        409,
      );
      expect(await balanceOf(bob)).toBe(10_000);
      // The same payer tries again with a new transfer: refused too.
      await expectCode(
        s.client.payQr(created.payload, makeTransfer(alice, merchant.walletId, 1_230)),
        'BILL_ALREADY_PAID',
        409,
      );
      expect(await balanceOf(alice)).toBe(10_000 - 1_230);

      // A retry of the same signed transfer returns the same receipt.
      const again = await s.client.payQr(created.payload, transfer);
      expect(again.receipt).toEqual(paid.receipt);
      expect(await balanceOf(alice)).toBe(10_000 - 1_230);
      expect(await balanceOf(merchant)).toBe(1_230);
      expect((await merchant.client.qrBill(merchant.walletId, 'B20240101')).bill.status).toBe('paid');

      // Creating the paid bill again is a conflict, not a new bill.
      await expectCode(
        merchant.client.createDynamicQr(merchant.walletId, 1_230, 'B20240101'),
        'BILL_EXISTS',
        409,
      );
      expect((await s.audit()).ok).toBe(true);
    });

    it('refuses a wrong amount, a wrong payee, a forged amount and an unknown bill', async () => {
      const merchant = await openMerchant();
      const other = await openMerchant();
      const alice = await s.openWallet({ topUp: 10_000 });
      const { payload, bill } = await merchant.client.createDynamicQr(merchant.walletId, 500);
      expect(bill.billId).toMatch(/^b_/);

      await expectCode(
        s.client.payQr(payload, makeTransfer(alice, merchant.walletId, 499)),
        'QR_AMOUNT_MISMATCH',
        422,
      );
      await expectCode(
        s.client.payQr(payload, makeTransfer(alice, other.walletId, 500)),
        'QR_PAYEE_MISMATCH',
        422,
      );

      // A payload re-encoded by the customer with a smaller amount and the real bill id.
      const forged = encodeMerchantQr({
        walletId: merchant.walletId,
        merchantName: 'X',
        merchantCity: 'Y',
        mcc: '5812',
        amount: 1,
        billId: bill.billId,
      });
      await expectCode(
        s.client.payQr(forged, makeTransfer(alice, merchant.walletId, 1)),
        'QR_AMOUNT_MISMATCH',
        422,
      );

      const unknownBill = encodeMerchantQr({
        walletId: merchant.walletId,
        merchantName: 'X',
        merchantCity: 'Y',
        mcc: '5812',
        amount: 500,
        billId: 'NOSUCHBILL',
      });
      await expectCode(
        s.client.payQr(unknownBill, makeTransfer(alice, merchant.walletId, 500)),
        'BILL_NOT_FOUND',
        404,
      );

      expect(await balanceOf(alice)).toBe(10_000);
      expect((await merchant.client.qrBill(merchant.walletId, bill.billId)).bill.status).toBe('open');
      // The bill is still payable with the right transfer.
      const ok = await s.client.payQr(payload, makeTransfer(alice, merchant.walletId, 500));
      expect(ok.bill?.status).toBe('paid');
      expect((await s.audit()).ok).toBe(true);
    });

    it('rejects foreign and broken payloads with a code and moves nothing', async () => {
      const merchant = await openMerchant();
      const alice = await s.openWallet({ topUp: 10_000 });
      expect(parseMerchantQr(PAYNOW_STATIC).payableHere).toBe(false);
      const foreign = await expectCode(
        s.client.payQr(PAYNOW_STATIC, makeTransfer(alice, merchant.walletId, 100)),
        'QR_NOT_PAYABLE',
        422,
      );
      expect(foreign.message).toMatch(/cannot be paid here/);

      const { payload } = await s.client.staticQr(merchant.walletId);
      const badCrc = payload.slice(0, -4) + (payload.endsWith('0000') ? '1111' : '0000');
      const crc = await expectCode(
        s.client.payQr(badCrc, makeTransfer(alice, merchant.walletId, 100)),
        'QR_BAD_CRC',
      );
      expect((crc.details as { status: number }).status).toBe(400);

      const truncated = withCrc('000201010211');
      const missing = await s.client
        .payQr(truncated, makeTransfer(alice, merchant.walletId, 100))
        .catch((e: EcnyError) => e);
      expect((missing as EcnyError).code).toMatch(/^QR_/);

      const r = await raw(s, 'POST', '/v1/qr/pay', {
        body: JSON.stringify({ payload: 'hello', transfer: {} }),
      });
      expect(r.status).toBe(400);
      expect(codeOf(r)).toBe('INVALID_BODY');
      expect(await balanceOf(alice)).toBe(10_000);
      expect((await s.audit()).ok).toBe(true);
    });

    it('a static QR takes any amount; only merchants create QRs', async () => {
      const merchant = await openMerchant();
      const alice = await s.openWallet({ topUp: 10_000 });
      const { payload, merchant: info } = await s.client.staticQr(merchant.walletId);
      expect(info).toMatchObject({ walletId: merchant.walletId, name: '老王面馆', mcc: '5812' });
      const qr = parseMerchantQr(payload);
      expect(qr).toMatchObject({ initiation: 'static', amountFen: null, payableHere: true });

      const paid = await s.client.payQr(
        payload,
        makeTransfer(alice, merchant.walletId, 777, { memo: 'noodles' }),
      );
      expect(paid.bill).toBeNull();
      expect(paid.receipt.amount).toBe(777);
      expect(await balanceOf(merchant)).toBe(777);

      await expectCode(alice.client.createDynamicQr(alice.walletId, 100), 'NOT_A_MERCHANT', 409);
      await expectCode(s.client.staticQr(alice.walletId), 'NOT_A_MERCHANT', 409);
      // Only the merchant's own device can create its bills.
      await expectCode(alice.client.createDynamicQr(merchant.walletId, 100), 'FORBIDDEN', 403);
      const unsigned = await raw(s, 'POST', `/v1/wallets/${merchant.walletId}/qr`, {
        body: '{"amount":100}',
      });
      expect(codeOf(unsigned)).toBe('UNAUTHENTICATED');
      expect((await s.audit()).ok).toBe(true);
    });

    it('20 parallel payments of one bill: exactly one succeeds', async () => {
      const merchant = await openMerchant();
      const payers = await Promise.all(Array.from({ length: 5 }, () => s.openWallet({ topUp: 10_000 })));
      const { payload } = await merchant.client.createDynamicQr(merchant.walletId, 2_000);
      const transfers: OnlineTransfer[] = [];
      for (let i = 0; i < 20; i++) transfers.push(makeTransfer(payers[i % 5]!, merchant.walletId, 2_000));
      const results = await Promise.allSettled(transfers.map((t) => s.client.payQr(payload, t)));
      const ok = results.filter((r) => r.status === 'fulfilled');
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(ok).toHaveLength(1);
      expect(failed.map((r) => (r.reason as EcnyError).code)).toEqual(Array(19).fill('BILL_ALREADY_PAID'));
      expect(await balanceOf(merchant)).toBe(2_000);
      const balances = await Promise.all(payers.map(balanceOf));
      expect(balances.reduce((a, b) => a + b, 0)).toBe(5 * 10_000 - 2_000);
      expect((await s.audit()).ok).toBe(true);
    });

    it("notifies the merchant over SSE with 'qr.paid' and 'payment.settled'", async () => {
      const merchant = await openMerchant();
      const alice = await s.openWallet({ topUp: 10_000 });
      const stream = await openStream(await walletEventsUrl(s, merchant));
      try {
        const { payload, bill } = await merchant.client.createDynamicQr(merchant.walletId, 888);
        const transfer = makeTransfer(alice, merchant.walletId, 888);
        await s.client.payQr(payload, transfer);
        await stream.waitFor(() => stream.events.some((e) => e.event === 'qr.paid'));
        await stream.waitFor(() => stream.events.some((e) => e.event === 'payment.settled'));
        expect(stream.events.find((e) => e.event === 'qr.paid')!.data).toMatchObject({
          walletId: merchant.walletId,
          transferId: transfer.transferId,
          from: alice.walletId,
          amount: 888,
          billId: bill.billId,
          initiation: 'dynamic',
        });
        // A retry announces nothing new.
        await s.client.payQr(payload, transfer);
        await new Promise((r) => setTimeout(r, 50));
        expect(stream.events.filter((e) => e.event === 'qr.paid')).toHaveLength(1);
      } finally {
        await stream.close();
      }
      expect((await s.audit()).ok).toBe(true);
    });
  });

  describe('customer-presented payment codes', () => {
    it('charges a code once; reuse is refused; a retry of the same charge returns the same receipt', async () => {
      const merchant = await openMerchant();
      const alice = await s.openWallet({ topUp: 10_000 });
      const { text, code } = createPaymentCode(
        { walletId: alice.walletId, deviceId: alice.deviceId, maxAmount: 5_000 },
        alice.signer,
      );
      const chargeId = randomId('ch');
      const charged = await merchant.client.chargePaymentCode(merchant.walletId, text, 1_500, chargeId);
      expect(charged.charge).toMatchObject({
        chargeId,
        codeId: code.codeId,
        from: alice.walletId,
        to: merchant.walletId,
        amount: 1_500,
      });
      expect(charged.receipt).toMatchObject({ transferId: code.codeId, amount: 1_500, from: alice.walletId });
      verifyReceipt(charged.receipt, null, decodeKey(s.ctx.world.issuerPublicKey), nobleVerifier);
      expect(charged.balance).toBe(1_500);
      expect(await balanceOf(alice)).toBe(8_500);
      // Both histories carry the charge with its receipt, which names the code.
      for (const [w, direction] of [
        [alice, 'out'],
        [merchant, 'in'],
      ] as const) {
        const entry = (await w.client.history(w.walletId)).entries.find((e) => e.kind === 'qr_charge');
        expect(entry).toMatchObject({ transferId: code.codeId, amount: 1_500, direction });
        verifyReceipt(entry!.receipt!, null, decodeKey(s.ctx.world.issuerPublicKey), nobleVerifier);
        expect(receiptBody(entry!.receipt!)).toEqual(receiptBody(charged.receipt));
      }

      // Same code, new charge: refused, nothing moves.
      await expectCode(
        merchant.client.chargePaymentCode(merchant.walletId, text, 1_500),
        'PAYCODE_USED',
        409,
      );
      await expectCode(merchant.client.chargePaymentCode(merchant.walletId, text, 100), 'PAYCODE_USED', 409);
      // Another merchant scanning the same code: refused too.
      const other = await openMerchant();
      await expectCode(other.client.chargePaymentCode(other.walletId, text, 100), 'PAYCODE_USED', 409);
      expect(await balanceOf(alice)).toBe(8_500);

      // The same charge again (a network retry): same receipt, nothing moves.
      const retry = await merchant.client.chargePaymentCode(merchant.walletId, text, 1_500, chargeId);
      expect(retry.receipt).toEqual(charged.receipt);
      // The same chargeId for a different amount is a conflict.
      await expectCode(
        merchant.client.chargePaymentCode(merchant.walletId, text, 1_000, chargeId),
        'IDEMPOTENCY_CONFLICT',
        409,
      );
      expect(await balanceOf(alice)).toBe(8_500);
      expect(await balanceOf(merchant)).toBe(1_500);
      expect((await s.audit()).ok).toBe(true);
    });

    it("a charge the customer cannot afford or may not make tells the merchant none of the customer's figures", async () => {
      const merchant = await openMerchant();
      const bob = await s.openWallet({ tier: 3, topUp: 21_457 });
      const charge = async (amount: number) => {
        const { text } = createPaymentCode(
          { walletId: bob.walletId, deviceId: bob.deviceId, maxAmount: 1_000_000 },
          bob.signer,
        );
        return merchant.client.chargePaymentCode(merchant.walletId, text, amount);
      };
      const digest = await s.ctx.store.ledgerDigest();
      const short = await expectCode(charge(100_000), 'INSUFFICIENT_FUNDS', 409);
      const overLimit = await expectCode(charge(500_001), 'LIMIT_PER_PAYMENT', 422);
      for (const e of [short, overLimit]) {
        const told = `${e.message} ${JSON.stringify(e.details ?? {})}`;
        // Neither the balance (in fen or in yuan) nor the tier or its limit.
        for (const figure of ['21457', '214.57', '500000', '5,000', 'tier 3']) {
          expect(told, told).not.toContain(figure);
        }
      }
      expect(await s.ctx.store.ledgerDigest()).toBe(digest);
      expect(await balanceOf(bob)).toBe(21_457);
      expect((await s.audit()).ok).toBe(true);
    });
    it('refuses an expired code, an amount over the cap, a foreign signer and the tier limits', async () => {
      const merchant = await openMerchant();
      const alice = await s.openWallet({ tier: 4, topUp: 300_000 });
      const mallory = await s.openWallet({ topUp: 1_000 });

      const expired = createPaymentCode(
        { walletId: alice.walletId, deviceId: alice.deviceId, maxAmount: 5_000, now: Date.now() - 120_000 },
        alice.signer,
      );
      await expectCode(
        merchant.client.chargePaymentCode(merchant.walletId, expired.text, 100),
        'PAYCODE_EXPIRED',
        422,
      );

      const capped = createPaymentCode(
        { walletId: alice.walletId, deviceId: alice.deviceId, maxAmount: 1_000 },
        alice.signer,
      );
      await expectCode(
        merchant.client.chargePaymentCode(merchant.walletId, capped.text, 1_001),
        'PAYCODE_OVER_CAP',
        422,
      );

      // Mallory signs a code naming Alice's wallet with her own device / her own key.
      const ownDevice = createPaymentCode(
        { walletId: alice.walletId, deviceId: mallory.deviceId, maxAmount: 1_000 },
        mallory.signer,
      );
      await expectCode(
        merchant.client.chargePaymentCode(merchant.walletId, ownDevice.text, 100),
        'FORBIDDEN',
        403,
      );
      const aliceDevice = createPaymentCode(
        { walletId: alice.walletId, deviceId: alice.deviceId, maxAmount: 1_000 },
        mallory.signer,
      );
      await expectCode(
        merchant.client.chargePaymentCode(merchant.walletId, aliceDevice.text, 100),
        'PAYCODE_BAD_SIGNATURE',
        422,
      );
      await expectCode(
        merchant.client.chargePaymentCode(merchant.walletId, 'ECNYPC1.AAAA', 100),
        'PAYCODE_BAD_FORMAT',
        400,
      );

      // Tier 4: at most ¥2,000 per payment.
      const big = createPaymentCode(
        { walletId: alice.walletId, deviceId: alice.deviceId, maxAmount: 250_000 },
        alice.signer,
      );
      await expectCode(
        merchant.client.chargePaymentCode(merchant.walletId, big.text, 200_001),
        'LIMIT_PER_PAYMENT',
        422,
      );

      // A merchant that is not one, and a code charged by someone else's device.
      await expectCode(
        mallory.client.chargePaymentCode(mallory.walletId, capped.text, 100),
        'NOT_A_MERCHANT',
        409,
      );
      await expectCode(
        mallory.client.chargePaymentCode(merchant.walletId, capped.text, 100),
        'FORBIDDEN',
        403,
      );

      expect(await balanceOf(alice)).toBe(300_000);
      expect(await balanceOf(merchant)).toBe(0);
      // The refused code is still good for a valid charge.
      await merchant.client.chargePaymentCode(merchant.walletId, capped.text, 1_000);
      expect(await balanceOf(alice)).toBe(299_000);
      expect((await s.audit()).ok).toBe(true);
    });

    it('enforces the daily limit and the payee balance cap like online transfers', async () => {
      const small = await openMerchant(4);
      // Tier 4 holds at most ¥10,000 and pays at most ¥2,000 a payment, ¥5,000 a day.
      const payer = await s.openWallet({ tier: 4, topUp: 600_000 });
      const code = () =>
        createPaymentCode(
          { walletId: payer.walletId, deviceId: payer.deviceId, maxAmount: 200_000 },
          payer.signer,
        ).text;
      await small.client.chargePaymentCode(small.walletId, code(), 200_000);
      await small.client.chargePaymentCode(small.walletId, code(), 200_000);
      await expectCode(small.client.chargePaymentCode(small.walletId, code(), 200_000), 'LIMIT_PER_DAY', 422);

      const bigPayer = await s.openWallet({ tier: 1, topUp: 2_000_000 });
      const full = await openMerchant(4);
      const bigCode = () =>
        createPaymentCode(
          { walletId: bigPayer.walletId, deviceId: bigPayer.deviceId, maxAmount: 1_000_000 },
          bigPayer.signer,
        ).text;
      await full.client.chargePaymentCode(full.walletId, bigCode(), 900_000);
      await expectCode(
        full.client.chargePaymentCode(full.walletId, bigCode(), 200_000),
        'LIMIT_BALANCE_CAP',
        422,
      );
      expect(await balanceOf(full)).toBe(900_000);
      expect((await s.audit()).ok).toBe(true);
    });

    it('20 parallel charges of one code: exactly one succeeds; both wallets get SSE events', async () => {
      const merchant = await openMerchant();
      const alice = await s.openWallet({ topUp: 10_000 });
      const payerStream = await openStream(await walletEventsUrl(s, alice));
      const merchantStream = await openStream(await walletEventsUrl(s, merchant));
      try {
        const { text } = createPaymentCode(
          { walletId: alice.walletId, deviceId: alice.deviceId, maxAmount: 1_000 },
          alice.signer,
        );
        const results = await Promise.allSettled(
          Array.from({ length: 20 }, () => merchant.client.chargePaymentCode(merchant.walletId, text, 1_000)),
        );
        const ok = results.filter((r) => r.status === 'fulfilled');
        const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(ok).toHaveLength(1);
        expect(failed.map((r) => (r.reason as EcnyError).code)).toEqual(Array(19).fill('PAYCODE_USED'));
        expect(await balanceOf(alice)).toBe(9_000);
        expect(await balanceOf(merchant)).toBe(1_000);
        for (const stream of [payerStream, merchantStream]) {
          await stream.waitFor(() => stream.events.some((e) => e.event === 'qr.charged'));
          await stream.waitFor(() => stream.events.some((e) => e.event === 'payment.settled'));
          expect(stream.events.find((e) => e.event === 'payment.settled')!.data).toMatchObject({
            from: alice.walletId,
            to: merchant.walletId,
            amount: 1_000,
          });
        }
      } finally {
        await payerStream.close();
        await merchantStream.close();
      }
      expect((await s.audit()).ok).toBe(true);
    });

    it('the charge endpoint needs the merchant device signature', async () => {
      const merchant = await openMerchant();
      const body = JSON.stringify({ code: 'ECNYPC1.AAAA', amount: 1, chargeId: 'ch_12345678' });
      const unsigned = await raw(s, 'POST', `/v1/wallets/${merchant.walletId}/charge`, { body });
      expect(codeOf(unsigned)).toBe('UNAUTHENTICATED');
      const signed = await signedRaw(s, merchant, 'POST', `/v1/wallets/${merchant.walletId}/charge`, body);
      expect(codeOf(signed)).toBe('PAYCODE_BAD_FORMAT');
    });
  });
});

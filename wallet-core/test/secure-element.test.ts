import { describe, expect, it } from 'vitest';
import {
  type Coin,
  coinId,
  EcnyError,
  extendCoin,
  nobleVerifier,
  OfflineSandbox,
  type PayeeInfo,
  type PaymentPart,
  SANDBOX_EPOCH,
  SecureElement,
  type SecureElementLike,
  spendHash,
  TamperedSecureElement,
  verifyDoubleSpendProof,
  verifyPath,
} from '../src/index';

const T = SANDBOX_EPOCH;
const sb = new OfflineSandbox();
const alice = sb.device('alice');
const bob = sb.device('bob');
const shop = sb.device('shop');
const toBob: PayeeInfo = {
  walletId: bob.cert.walletId,
  deviceId: bob.cert.deviceId,
  publicKey: bob.publicKey,
};
const toShop: PayeeInfo = {
  walletId: shop.cert.walletId,
  deviceId: shop.cert.deviceId,
  publicKey: shop.publicKey,
  merchant: { name: 'Noodle Bar', city: 'Shenzhen', mcc: '5812', region: 'Shenzhen' },
};

function rootCoin(amount: number, extra: Partial<Parameters<OfflineSandbox['issue']>[0]> = {}): Coin {
  return { issue: sb.issue({ owner: alice, amount, ...extra }), links: [] };
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(EcnyError);
    return (e as EcnyError).code;
  }
  return 'NO_ERROR';
}

function order(parts: PaymentPart[], payee = toBob, time = T + 1_000, requestId = 'rq_test-payment-1') {
  return { requestId, payee, parts, time };
}

describe('SecureElement (honest)', () => {
  it('signs one spend per coin: payment to the payee in output 0, change back in output 1, counter increasing', () => {
    const se = sb.secureElement('alice');
    const a = rootCoin(10_000);
    const b = rootCoin(3_000);
    se.admit(13_000);
    const spends = se.signPayment(
      order([
        { coin: a, pay: 10_000 },
        { coin: b, pay: 1_000 },
      ]),
    );
    expect(spends.map((s) => s.counter)).toEqual([1, 2]);
    expect(spends[0]!.outputs).toEqual([{ owner: bob.publicKey, amount: 10_000 }]);
    expect(spends[1]!.outputs).toEqual([
      { owner: bob.publicKey, amount: 1_000 },
      { owner: alice.publicKey, amount: 2_000 },
    ]);
    expect(spends.every((s) => s.requestId === 'rq_test-payment-1' && s.time === T + 1_000)).toBe(true);
    // The signed spends extend valid paths.
    const received = extendCoin(b, spends[1]!, 0, alice.cert);
    expect(verifyPath(received, { trust: sb.trust, verifier: nobleVerifier, now: T + 2_000 }).amount).toBe(
      1_000,
    );
    expect(se.state()).toMatchObject({ counter: 2, balance: 2_000, paymentsSinceSync: 1 });
    expect(se.state().spentCoins).toEqual([coinId(a), coinId(b)]);
  });

  it('refuses a second spend of a coin, also after its state is saved and restored', () => {
    const se = sb.secureElement('alice');
    const coin = rootCoin(5_000);
    se.admit(5_000);
    se.signPayment(order([{ coin, pay: 1_000 }]));
    expect(
      codeOf(() => se.signPayment(order([{ coin, pay: 1_000 }], toShop, T + 2_000, 'rq_second-try'))),
    ).toBe('SE_ALREADY_SPENT');
    const restored = new SecureElement({ signer: alice.signer, cert: alice.cert, now: T, state: se.state() });
    expect(codeOf(() => restored.signPayment(order([{ coin, pay: 5_000 }])))).toBe('SE_ALREADY_SPENT');
    expect(restored.state().counter).toBe(1);
  });

  it('refuses coins it does not own, bad amounts, used-up hops and expired coins', () => {
    const se = sb.secureElement('alice');
    const bobs: Coin = { issue: sb.issue({ owner: bob, amount: 100 }), links: [] };
    expect(codeOf(() => se.signPayment(order([{ coin: bobs, pay: 100 }])))).toBe('SE_NOT_OWNER');
    const coin = rootCoin(100);
    expect(codeOf(() => se.signPayment(order([{ coin, pay: 101 }])))).toBe('SE_BAD_PAYMENT');
    expect(codeOf(() => se.signPayment(order([{ coin, pay: 0 }])))).toBe('SE_BAD_PAYMENT');
    expect(
      codeOf(() =>
        se.signPayment(
          order([
            { coin, pay: 50 },
            { coin, pay: 50 },
          ]),
        ),
      ),
    ).toBe('SE_BAD_PAYMENT');
    expect(codeOf(() => se.signPayment(order([])))).toBe('SE_BAD_PAYMENT');
    // A coin one hop from its limit can be spent once more; at the limit it must be deposited.
    const alicesChange = se.signPayment(order([{ coin: rootCoin(500, { maxHops: 1 }), pay: 100 }]))[0]!;
    expect(alicesChange.outputs[1]!.owner).toBe(alice.publicKey);
    const atLimit = extendCoin(
      rootCoin(500, { maxHops: 1, coinId: 'A'.repeat(43) }),
      alicesChange,
      1,
      alice.cert,
    );
    expect(codeOf(() => se.signPayment(order([{ coin: atLimit, pay: 100 }])))).toBe('COIN_HOP_LIMIT');
    const old = rootCoin(100, { expiresAt: T + 500 });
    expect(codeOf(() => se.signPayment(order([{ coin: old, pay: 100 }])))).toBe('COIN_EXPIRED');
    expect(se.state().counter).toBe(1);
  });

  it('refuses to pay a restricted coin to a payee the restriction does not allow', () => {
    const se = sb.secureElement('alice');
    const envelope = rootCoin(20_000, {
      restriction: { campaignId: 'shenzhen-2020', merchants: [shop.cert.walletId], mccs: ['5812'] },
    });
    expect(codeOf(() => se.signPayment(order([{ coin: envelope, pay: 1_000 }], toBob)))).toBe(
      'COIN_RESTRICTED',
    );
    const otherShop = { ...toShop, walletId: 'w_another-shop' };
    expect(codeOf(() => se.signPayment(order([{ coin: envelope, pay: 1_000 }], otherShop)))).toBe(
      'COIN_RESTRICTED',
    );
    const wrongMcc = { ...toShop, merchant: { ...toShop.merchant!, mcc: '7011' } };
    expect(codeOf(() => se.signPayment(order([{ coin: envelope, pay: 1_000 }], wrongMcc)))).toBe(
      'COIN_RESTRICTED',
    );
    expect(se.signPayment(order([{ coin: envelope, pay: 1_000 }], toShop))).toHaveLength(1);
  });

  it('a custom restriction policy hook decides', () => {
    const se = sb.secureElement('alice', {
      policy: (r, payee) => (payee.walletId === r.campaignId ? null : 'no'),
    });
    const coin = rootCoin(1_000, { restriction: { campaignId: bob.cert.walletId } });
    expect(se.signPayment(order([{ coin, pay: 1_000 }], toBob))).toHaveLength(1);
    expect(
      codeOf(() =>
        se.signPayment(order([{ coin: rootCoin(9, { restriction: { campaignId: 'x' } }), pay: 9 }], toBob)),
      ),
    ).toBe('COIN_RESTRICTED');
  });
});

describe('SecureElement offline limits (from the device certificate)', () => {
  it('per payment: tier 4 pays at most ¥500 offline at once, across several coins too', () => {
    const small = new OfflineSandbox({ seed: 'tier4' });
    const dev = small.device('zhang', { tier: 4 });
    const se = small.secureElement('zhang');
    const coins = [0, 1].map(() => ({ issue: small.issue({ owner: dev, amount: 30_000 }), links: [] }));
    expect(codeOf(() => se.signPayment(order(coins.map((coin) => ({ coin, pay: 25_001 })))))).toBe(
      'LIMIT_OFFLINE_PER_PAYMENT',
    );
    expect(se.signPayment(order(coins.map((coin) => ({ coin, pay: 25_000 }))))).toHaveLength(2);
  });

  it('payments since the last sync, until recordSync', () => {
    const small = new OfflineSandbox({ seed: 'count' });
    const dev = small.device('li', { offline: { maxPaymentsSinceSync: 2 } });
    const se = small.secureElement('li');
    const pay = (time: number) =>
      se.signPayment(
        order(
          [{ coin: { issue: small.issue({ owner: dev, amount: 100 }), links: [] }, pay: 100 }],
          toBob,
          time,
        ),
      );
    pay(T + 1);
    pay(T + 2);
    expect(codeOf(() => pay(T + 3))).toBe('LIMIT_OFFLINE_PAYMENTS_SINCE_SYNC');
    se.recordSync(T + 4);
    expect(pay(T + 5)).toHaveLength(1);
  });

  it('time since the last sync', () => {
    const small = new OfflineSandbox({ seed: 'time' });
    const dev = small.device('wang', { offline: { maxSecondsSinceSync: 3_600 } });
    const se = small.secureElement('wang');
    const coin = () => ({ issue: small.issue({ owner: dev, amount: 100 }), links: [] });
    expect(codeOf(() => se.signPayment(order([{ coin: coin(), pay: 100 }], toBob, T + 3_600_001)))).toBe(
      'LIMIT_OFFLINE_TIME_SINCE_SYNC',
    );
    expect(se.signPayment(order([{ coin: coin(), pay: 100 }], toBob, T + 3_600_000))).toHaveLength(1);
    se.recordSync(T + 3_600_000);
    expect(se.signPayment(order([{ coin: coin(), pay: 100 }], toBob, T + 7_000_000))).toHaveLength(1);
  });

  it('offline balance cap when loading or receiving', () => {
    const se = sb.secureElement('bob'); // tier 2: ¥5,000 offline cap
    se.admit(499_000);
    expect(codeOf(() => se.checkAdmit(1_001))).toBe('LIMIT_OFFLINE_BALANCE');
    expect(codeOf(() => se.admit(1_001))).toBe('LIMIT_OFFLINE_BALANCE');
    se.admit(1_000);
    expect(se.state().balance).toBe(500_000);
    se.recordSync(T + 10, 100_000);
    expect(se.state().balance).toBe(100_000);
  });
});

describe('SecureElement keys and messages', () => {
  it('refuses a certificate for another key and spends through signMessage', () => {
    expect(() => new SecureElement({ signer: alice.signer, cert: bob.cert, now: T })).toThrow(/not for this/);
    const se = sb.secureElement('alice');
    expect(codeOf(() => se.installCert(bob.cert))).toBe('SE_CERT_MISMATCH');
    expect(codeOf(() => se.signMessage('spend' as 'payment-ack', { a: 1 }))).toBe('SE_REFUSED');
    expect(se.signMessage('payment-ack', { a: 1 }).sig).toMatch(/^[A-Za-z0-9_-]{86}$/);
  });
});

describe('TamperedSecureElement', () => {
  const payTwice = (first: SecureElementLike, second: SecureElementLike, coin: Coin) => {
    const s1 = first.signPayment(order([{ coin, pay: 4_000 }], toBob, T + 1_000, 'rq_first-payment'))[0]!;
    const s2 = second.signPayment(order([{ coin, pay: 4_000 }], toShop, T + 2_000, 'rq_second-payment'))[0]!;
    return [s1, s2] as const;
  };

  it('signs a second spend of the same coin; the two spends prove the double spend', () => {
    const se = sb.secureElement('alice', { tampered: true });
    expect(se.tampered).toBe(true);
    const coin = rootCoin(4_000);
    const [s1, s2] = payTwice(se, se, coin);
    expect(s1.inputCoinId).toBe(s2.inputCoinId);
    expect(spendHash(s1)).not.toBe(spendHash(s2));
    const facts = verifyDoubleSpendProof(
      { coin, culprit: alice.cert, first: s1, second: s2 },
      { trust: sb.trust, verifier: nobleVerifier, now: T + 3_000 },
    );
    expect(facts).toMatchObject({
      coinId: coinId(coin),
      amount: 4_000,
      culpritDeviceId: alice.cert.deviceId,
    });
    expect(
      codeOf(() =>
        verifyDoubleSpendProof(
          { coin, culprit: alice.cert, first: s1, second: s1 },
          {
            trust: sb.trust,
            verifier: nobleVerifier,
            now: T,
          },
        ),
      ),
    ).toBe('DOUBLE_SPEND_PROOF_INVALID');
    expect(
      codeOf(() =>
        verifyDoubleSpendProof(
          { coin, culprit: bob.cert, first: s1, second: s2 },
          {
            trust: sb.trust,
            verifier: nobleVerifier,
            now: T,
          },
        ),
      ),
    ).toBe('DOUBLE_SPEND_PROOF_INVALID');
  });

  it('clones carry the same key, counter and memory, and each spends the same coin', () => {
    const se = new TamperedSecureElement({ signer: alice.signer, cert: alice.cert, now: T });
    se.signPayment(order([{ coin: rootCoin(10), pay: 10 }]));
    const twin = se.clone();
    expect(twin.publicKey).toBe(se.publicKey);
    expect(twin.state()).toEqual(se.state());
    const coin = rootCoin(4_000);
    const [s1, s2] = payTwice(se, twin, coin);
    expect(s1.counter).toBe(2);
    expect(s2.counter).toBe(2); // a repeated counter: evidence of cloning
    expect(s1.outputs[0]!.owner).not.toBe(s2.outputs[0]!.owner);
  });

  it('still enforces the offline limits unless told to ignore them', () => {
    const coin = rootCoin(300_000);
    const strict = sb.secureElement('alice', { tampered: true });
    expect(codeOf(() => strict.signPayment(order([{ coin, pay: 250_000 }])))).toBe(
      'LIMIT_OFFLINE_PER_PAYMENT',
    );
    const loose = new TamperedSecureElement({
      signer: alice.signer,
      cert: alice.cert,
      now: T,
      ignoreLimits: true,
    });
    expect(loose.signPayment(order([{ coin, pay: 250_000 }]))).toHaveLength(1);
  });
});

import { describe, expect, it } from 'vitest';
import {
  type Coin,
  coinAmount,
  IssueSchema,
  MemoryKeyValue,
  OfflineSandbox,
  type PayeeInfo,
  PaymentRejectSchema,
  SpendSchema,
  selectCoins,
  WalletStore,
} from '../src/index';

const sb = new OfflineSandbox({ seed: 'selection' });
const alice = sb.device('alice');
const person: PayeeInfo = {
  walletId: 'w_person',
  deviceId: 'd_person',
  publicKey: sb.device('bob').publicKey,
};
const shop: PayeeInfo = {
  ...person,
  walletId: 'w_shop',
  merchant: { name: 'Shop', city: 'Suzhou', mcc: '5411', region: 'Suzhou' },
};
const coin = (amount: number, extra = {}): Coin => ({
  issue: sb.issue({ owner: alice, amount, ...extra }),
  links: [],
});
const plan = (coins: Coin[], amount: number, payee = person) =>
  selectCoins(coins, amount, { now: sb.now, payee }).map((p) => [coinAmount(p.coin), p.pay]);

describe('selectCoins', () => {
  it('uses the smallest single coin that covers the amount', () => {
    expect(plan([coin(500), coin(2_000), coin(1_200)], 1_000)).toEqual([[1_200, 1_000]]);
  });

  it('otherwise takes the largest coins first, the last one with change', () => {
    expect(plan([coin(500), coin(2_000), coin(1_200)], 3_000)).toEqual([
      [2_000, 2_000],
      [1_200, 1_000],
    ]);
  });

  it('spends restricted coins first where the payee may take them, never to persons', () => {
    const envelope = coin(1_000, { restriction: { campaignId: 'suzhou-2020', regions: ['Suzhou'] } });
    expect(plan([coin(5_000), envelope], 1_500, shop)).toEqual([
      [1_000, 1_000],
      [5_000, 500],
    ]);
    expect(plan([coin(5_000), envelope], 1_500, person)).toEqual([[5_000, 1_500]]);
  });

  it('skips expired coins and coins out of hops; reports what is missing', () => {
    const expired = coin(9_000, { expiresAt: sb.now - 1 });
    try {
      selectCoins([expired, coin(100)], 1_000, { now: sb.now, payee: person });
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: 'INSUFFICIENT_OFFLINE_FUNDS', details: { missing: 900 } });
    }
    expect(() => selectCoins([coin(100)], 0, { now: sb.now, payee: person })).toThrow(
      expect.objectContaining({ code: 'BAD_AMOUNT' }),
    );
  });
});

describe('WalletStore', () => {
  it('keeps coins, seen spends (first one wins) and the outbox on a KeyValue', async () => {
    const kv = new MemoryKeyValue();
    const store = new WalletStore(kv);
    const c = coin(700);
    const stored = await store.putCoin(c, 'load', sb.now);
    expect(stored).toMatchObject({ amount: 700, status: 'unspent', synced: true });
    await store.markSpent([stored.coinId], 'rq_abcdefgh');
    expect(await store.getCoin(stored.coinId)).toMatchObject({ status: 'spent', spentIn: 'rq_abcdefgh' });
    await store.recordSeenSpends([['coin-a', 'hash-1']]);
    await store.recordSeenSpends([['coin-a', 'hash-2']]);
    expect(await store.seenSpend('coin-a')).toBe('hash-1');
    await store.setMeta('revokedDevices', ['d_x']);
    expect(await store.getMeta('revokedDevices')).toEqual(['d_x']);
    expect(kv.size).toBe(3);
  });
});

describe('offline schemas', () => {
  it('accept real objects and refuse malformed ones', () => {
    const c = coin(700);
    expect(IssueSchema.parse(c.issue)).toEqual(c.issue);
    expect(IssueSchema.safeParse({ ...c.issue, amount: 1.5 }).success).toBe(false);
    expect(IssueSchema.safeParse({ ...c.issue, extra: 1 }).success).toBe(false);
    expect(
      SpendSchema.safeParse({
        inputCoinId: c.issue.coinId,
        outputs: [],
        requestId: 'rq_abcdefgh',
        counter: 1,
        time: 1,
        sig: c.issue.sig,
      }).success,
    ).toBe(false);
    expect(
      PaymentRejectSchema.safeParse({ requestId: 'rq_abcdefgh', code: 'DOUBLE_SPEND_DETECTED', message: 'x' })
        .success,
    ).toBe(true);
  });
});

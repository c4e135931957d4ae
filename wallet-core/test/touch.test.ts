import { describe, expect, it } from 'vitest';
import {
  BroadcastChannelTransport,
  coinHops,
  coinId,
  createMemoryTransportPair,
  decodeBundle,
  EcnyError,
  encodeBundle,
  extendCoin,
  type KeyValue,
  MemoryKeyValue,
  nobleVerifier,
  OfflineSandbox,
  OfflineWallet,
  PayeeSession,
  PayerSession,
  PaymentBundleSchema,
  runPayee,
  runPayer,
  SANDBOX_EPOCH,
  SyncUploadItemSchema,
  signSpend,
  touchPay,
  verifyPath,
  verifyPaymentBundle,
  WalletStore,
} from '../src/index';

const T = SANDBOX_EPOCH;
const merchant = { name: 'Noodle Bar', city: 'Shenzhen', mcc: '5812', region: 'Shenzhen' };

function world(seed = 'touch') {
  const sb = new OfflineSandbox({ seed });
  return {
    sb,
    load: (w: OfflineWallet, name: string, amounts: number[], extra = {}) =>
      w.load(amounts.map((amount) => sb.issue({ owner: sb.device(name), amount, ...extra }))),
  };
}

describe('touch payment between two offline devices (in-memory transport)', () => {
  it('pays from several coins with change; both sides record the exchange', async () => {
    const { sb, load } = world();
    const alice = sb.wallet('alice');
    const bob = sb.wallet('bob');
    await load(alice, 'alice', [10_000, 5_000, 800]);
    const { payer, payee } = await touchPay({ payer: alice, payee: bob, amount: 12_000 });

    expect(payer.state).toBe('completed');
    expect(payee.state).toBe('completed');
    expect(payee.ack).toEqual(payer.ack);
    // Largest coin first, the second gives change (no coin alone covers 12,000).
    expect(payer.bundle!.spends.map((s) => s.spend.outputs.map((o) => o.amount))).toEqual([
      [10_000],
      [2_000, 3_000],
    ]);
    expect(payer.bundleBytes!.length).toBeLessThan(1_000);
    expect(await bob.balances()).toEqual({
      offline: 12_000,
      restricted: 0,
      unsynced: 12_000,
      unconfirmedOut: 0,
    });
    expect(await alice.balances()).toEqual({ offline: 3_800, restricted: 0, unsynced: 0, unconfirmedOut: 0 });
    expect(bob.se.state().balance).toBe(12_000);
    expect(alice.se.state()).toMatchObject({ balance: 3_800, counter: 2, paymentsSinceSync: 1 });

    const [sent] = await alice.outbox();
    const [received] = await bob.outbox();
    expect(sent).toMatchObject({ kind: 'payment-sent', requestId: payee.request!.requestId, ack: payee.ack });
    expect(received).toMatchObject({
      kind: 'payment-received',
      requestId: payee.request!.requestId,
      ack: payee.ack,
    });
    expect(SyncUploadItemSchema.parse(sent)).toEqual(sent);
    expect(SyncUploadItemSchema.parse(received)).toEqual(received);
    expect(PaymentBundleSchema.safeParse(payer.bundle).success).toBe(true);

    // Every coin the payee holds verifies offline.
    for (const c of await bob.unspentCoins()) {
      expect(verifyPath(c.coin, { trust: sb.trust, verifier: nobleVerifier, now: T }).owner).toBe(
        bob.se.publicKey,
      );
    }
  });

  it('received coins are spent onward offline, hop after hop, up to the hop limit', async () => {
    const { sb, load } = world('hops');
    const names = ['p0', 'p1', 'p2', 'p3', 'p4'];
    const wallets = names.map((n) => sb.wallet(n));
    await load(wallets[0]!, 'p0', [10_000], { maxHops: 3 });
    let amount = 9_000;
    for (let i = 0; i < 3; i++) {
      sb.now += 60_000;
      const { payer, payee } = await touchPay({ payer: wallets[i]!, payee: wallets[i + 1]!, amount });
      expect([payer.state, payee.state]).toEqual(['completed', 'completed']);
      expect(payee.coins!.map(coinHops)).toEqual([i + 1]);
      amount -= 1_000;
    }
    const [held] = await wallets[3]!.unspentCoins();
    expect(held!.amount).toBe(7_000);
    expect(held!.coin.links.map((l) => l.signer.deviceId)).toEqual(
      names.slice(0, 3).map((n) => sb.device(n).cert.deviceId),
    );
    // p3's coin has used its 3 hops: it cannot be paid on offline, only deposited.
    const { payer, payee } = await touchPay({ payer: wallets[3]!, payee: wallets[4]!, amount: 1_000 });
    expect(payer.state).toBe('failed');
    expect(payer.error!.code).toBe('INSUFFICIENT_OFFLINE_FUNDS');
    expect(payee.state).toBe('cancelled');
    expect(payee.reject!.code).toBe('INSUFFICIENT_OFFLINE_FUNDS');
    // The payer knows what its coins cover; the payee learns only that they do not.
    expect(payer.error!.message).toContain('1000');
    expect(payee.reject!.message).toBe("the payer's offline coins do not cover this amount");
    // The change coins stay with each payer, one hop further.
    const change = await wallets[1]!.unspentCoins();
    expect(change.map((c) => [c.amount, coinHops(c.coin)])).toEqual([[1_000, 2]]);
  });

  it('a payee rejects on the spot a coin it has already seen spent differently', async () => {
    const { sb, load } = world('double');
    const mallory = sb.wallet('mallory', { tampered: true });
    const bob = sb.wallet('bob');
    const carol = sb.wallet('carol');
    await load(mallory, 'mallory', [5_000]);

    expect((await touchPay({ payer: mallory, payee: bob, amount: 5_000 })).payee.state).toBe('completed');
    // The same coin again, to the same payee: its history knows the first spend.
    const again = await touchPay({ payer: mallory, payee: bob, amount: 5_000, reuseSpentCoins: true });
    expect(again.payee.state).toBe('rejected');
    expect(again.payee.reject!.code).toBe('DOUBLE_SPEND_DETECTED');
    expect(again.payer.state).toBe('rejected');
    expect(again.payer.reject!.code).toBe('DOUBLE_SPEND_DETECTED');

    // The same coin to carol (who cannot know), then carol pays bob with it: bob sees the conflict in the path.
    expect(
      (await touchPay({ payer: mallory, payee: carol, amount: 5_000, reuseSpentCoins: true })).payee.state,
    ).toBe('completed');
    const onward = await touchPay({ payer: carol, payee: bob, amount: 5_000 });
    expect(onward.payee.reject).toMatchObject({ code: 'DOUBLE_SPEND_DETECTED' });
    expect((await bob.balances()).offline).toBe(5_000);
    expect(await bob.outbox()).toHaveLength(1);
  });

  it('an honest secure element refuses to pay spent coins again', async () => {
    const { sb, load } = world('honest');
    const alice = sb.wallet('alice');
    const bob = sb.wallet('bob');
    await load(alice, 'alice', [5_000]);
    await touchPay({ payer: alice, payee: bob, amount: 5_000 });
    const again = await touchPay({
      payer: alice,
      payee: sb.wallet('carol'),
      amount: 5_000,
      reuseSpentCoins: true,
    });
    expect(again.payer.error!.code).toBe('SE_ALREADY_SPENT');
    expect(again.payee.state).toBe('cancelled');
  });

  it('restricted coins go to allowed merchants only, and first', async () => {
    const { sb, load } = world('red');
    const alice = sb.wallet('alice');
    const shop = sb.wallet('shop');
    await load(alice, 'alice', [20_000], {
      restriction: { campaignId: 'shenzhen-2020', regions: ['Shenzhen'] },
    });
    await load(alice, 'alice', [10_000]);
    expect(await alice.balances()).toMatchObject({ offline: 10_000, restricted: 20_000 });
    const toPerson = await touchPay({ payer: alice, payee: sb.wallet('bob'), amount: 15_000 });
    expect(toPerson.payer.error!.code).toBe('INSUFFICIENT_OFFLINE_FUNDS');
    const toShop = await touchPay({ payer: alice, payee: shop, amount: 15_000, merchant });
    expect(toShop.payee.state).toBe('completed');
    expect(toShop.payer.bundle!.spends.map((s) => s.coin.issue.restriction?.campaignId)).toEqual([
      'shenzhen-2020',
    ]);
    expect(await shop.balances()).toMatchObject({ restricted: 15_000, offline: 0 });
  });

  it('the payer can decline; the payee ends cancelled', async () => {
    const { sb, load } = world('decline');
    const alice = sb.wallet('alice');
    await load(alice, 'alice', [5_000]);
    const r = await touchPay({
      payer: alice,
      payee: sb.wallet('bob'),
      amount: 100,
      confirm: (req) => req.amount < 50,
    });
    expect(r.payer.state).toBe('declined');
    expect(r.payee.reject).toMatchObject({ code: 'PAYER_DECLINED' });
    expect(await alice.outbox()).toEqual([]);
  });
});

describe('payee checks', () => {
  async function paid(seed: string) {
    const { sb, load } = world(seed);
    const alice = sb.wallet('alice');
    const bob = sb.wallet('bob');
    await load(alice, 'alice', [10_000]);
    const request = bob.createRequest({ amount: 4_000 });
    return { sb, alice, bob, request };
  }

  async function rejection(fn: () => Promise<unknown>): Promise<string> {
    try {
      await fn();
    } catch (e) {
      expect(e).toBeInstanceOf(EcnyError);
      return (e as EcnyError).code;
    }
    return 'NO_ERROR';
  }

  it('rejects a replayed bundle and a revoked payer', async () => {
    const { sb, alice, bob, request } = await paid('checks1');
    const { bundle } = await alice.pay(request);
    await bob.receive(request, bundle);
    expect(await rejection(() => bob.receive(request, bundle))).toBe('PAYMENT_DUPLICATE');

    const request2 = bob.createRequest({ amount: 1_000 });
    const { bundle: b2 } = await alice.pay(request2);
    await bob.applySync({ time: sb.now, revokedDevices: [sb.device('alice').cert.deviceId] });
    expect(await rejection(() => bob.receive(request2, b2))).toBe('CERT_REVOKED');
  });

  it('rejects wrong amounts, wrong payees and spends bound to another request', async () => {
    const { sb, alice, bob, request } = await paid('checks2');
    const { bundle } = await alice.pay(request);
    const opts = { trust: sb.trust, verifier: nobleVerifier, now: sb.now };
    const other = bob.createRequest({ amount: 4_001 });
    expect(() => verifyPaymentBundle(bundle, { ...other, requestId: request.requestId }, opts)).toThrow(
      expect.objectContaining({ code: 'BUNDLE_WRONG_AMOUNT' }),
    );
    expect(() => verifyPaymentBundle(bundle, other, opts)).toThrow(
      expect.objectContaining({ code: 'BUNDLE_WRONG_REQUEST' }),
    );
    const carolReq = sb.wallet('carol').createRequest({ amount: 4_000, requestId: request.requestId });
    expect(() => verifyPaymentBundle(bundle, carolReq, opts)).toThrow(
      expect.objectContaining({ code: 'BUNDLE_WRONG_PAYEE' }),
    );
    // A tampered amount inside the bundle breaks the spend signature: code and link reported.
    const forged = structuredClone(bundle);
    forged.spends[0]!.spend.outputs[0]!.amount = 5_000;
    forged.spends[0]!.spend.outputs[1]!.amount = 5_000;
    expect(() => verifyPaymentBundle(forged, { ...request, amount: 5_000 }, opts)).toThrow(
      expect.objectContaining({ code: 'SPEND_BAD_SIGNATURE', details: { link: 1, spend: 0 } }),
    );
  });

  it('rejects a restricted coin paid to a payee it does not allow (a payer that bypassed its element)', async () => {
    const { sb } = world('restricted');
    const alice = sb.device('alice');
    const bob = sb.wallet('bob');
    const issue = sb.issue({ owner: alice, amount: 2_000, restriction: { campaignId: 'suzhou-2020' } });
    const request = bob.createRequest({ amount: 2_000 });
    const spend = signSpend(
      {
        inputCoinId: issue.coinId,
        outputs: [{ owner: bob.se.publicKey, amount: 2_000 }],
        requestId: request.requestId,
        counter: 1,
        time: sb.now,
      },
      alice.signer,
    );
    const bundle = {
      requestId: request.requestId,
      payer: alice.cert,
      spends: [{ coin: { issue, links: [] }, spend }],
    };
    expect(await rejection(() => bob.receive(request, bundle))).toBe('COIN_RESTRICTED');
  });

  it('rejects a payment that would exceed its offline balance cap', async () => {
    const { sb, load } = world('cap');
    const alice = sb.wallet('alice', { tier: 1 });
    const zhang = sb.wallet('zhang', { tier: 4 }); // ¥1,000 cap
    await load(alice, 'alice', [200_000]);
    await load(zhang, 'zhang', [60_000]);
    const r = await touchPay({ payer: alice, payee: zhang, amount: 45_000 });
    expect(r.payee.reject).toMatchObject({ code: 'LIMIT_OFFLINE_BALANCE' });
    expect(r.payer.state).toBe('rejected');
    // The payer keeps the signed payment in its outbox for sync, marked rejected.
    const [item] = await alice.outbox();
    expect(item).toMatchObject({ kind: 'payment-sent', reject: { code: 'LIMIT_OFFLINE_BALANCE' } });
    expect(await alice.balances()).toMatchObject({ offline: 155_000, unconfirmedOut: 45_000 });
  });
});

describe('outbox and sync', () => {
  it('keeps items until the server acknowledges them; received coins become synced', async () => {
    const { sb, load } = world('sync');
    const alice = sb.wallet('alice');
    const bob = sb.wallet('bob');
    await load(alice, 'alice', [3_000]);
    await touchPay({ payer: alice, payee: bob, amount: 1_000 });
    const items = await bob.outbox();
    expect(items.map((i) => i.id)).toEqual([expect.stringMatching(/^recv:rq_/)]);
    await bob.applySync({ time: sb.now + 1, acknowledged: items.map((i) => i.id) });
    expect(await bob.outbox()).toEqual([]);
    expect(await bob.balances()).toMatchObject({ offline: 1_000, unsynced: 0 });
    expect((await alice.outbox()).map((i) => i.id)).toEqual([items[0]!.id.replace('recv:', 'sent:')]);
  });

  it('stores the outgoing payment before marking coins spent (crash-safe order)', async () => {
    const { sb, load } = world('crash');
    const writes: string[] = [];
    class RecordingKeyValue extends MemoryKeyValue {
      failAfter = Number.POSITIVE_INFINITY;
      override async set(key: string, value: unknown) {
        if (writes.length >= this.failAfter) throw new Error('power loss');
        writes.push(`${key}${(value as { status?: string }).status === 'spent' ? ' spent' : ''}`);
        return super.set(key, value);
      }
    }
    const kv = new RecordingKeyValue();
    const se = sb.secureElement('alice');
    const alice = new OfflineWallet({
      se,
      store: new WalletStore(kv as KeyValue),
      trust: sb.trust,
      clock: () => sb.now,
    });
    await load(alice, 'alice', [3_000]);
    writes.length = 0;
    kv.failAfter = 1; // the device dies right after the first write of the payment
    const request = sb.wallet('bob').createRequest({ amount: 1_000 });
    await expect(alice.pay(request)).rejects.toThrow('power loss');
    expect(writes).toEqual([`outbox/sent:${request.requestId}`]);
    // After the crash the signed payment is in the outbox; the coin is not yet marked spent, and the
    // secure element will not sign it twice.
    expect((await alice.outbox()).map((i) => i.kind)).toEqual(['payment-sent']);
    kv.failAfter = Number.POSITIVE_INFINITY;
    await expect(alice.pay(sb.wallet('bob').createRequest({ amount: 1_000 }))).rejects.toMatchObject({
      code: 'SE_ALREADY_SPENT',
    });
    // On restart the wallet completes the interrupted payment: coin spent, change kept.
    expect(await alice.recover()).toEqual([request.requestId]);
    expect(await alice.recover()).toEqual([]);
    expect(await alice.balances()).toMatchObject({ offline: 2_000, unconfirmedOut: 1_000 });

    const full = new RecordingKeyValue();
    const w2 = new OfflineWallet({
      se: sb.secureElement('dora'),
      store: new WalletStore(full),
      trust: sb.trust,
      clock: () => sb.now,
    });
    await load(w2, 'dora', [3_000]);
    writes.length = 0;
    await w2.pay(sb.wallet('bob').createRequest({ amount: 1_000 }));
    const outboxAt = writes.findIndex((w) => w.startsWith('outbox/'));
    const spentAt = writes.findIndex((w) => w.endsWith(' spent'));
    expect(outboxAt).toBeGreaterThanOrEqual(0);
    expect(outboxAt).toBeLessThan(spentAt);
  });
});

describe('transports', () => {
  it('the in-memory pair delivers in order, times out and closes', async () => {
    const [a, b] = createMemoryTransportPair();
    a.send({ type: 'payment-reject', reject: { requestId: 'rq_12345678', code: 'X_ONE', message: '1' } });
    a.send({ type: 'payment-reject', reject: { requestId: 'rq_12345678', code: 'X_TWO', message: '2' } });
    expect(((await b.receive(100)) as { reject: { code: string } }).reject.code).toBe('X_ONE');
    expect(((await b.receive(100)) as { reject: { code: string } }).reject.code).toBe('X_TWO');
    await expect(b.receive(10)).rejects.toMatchObject({ code: 'TOUCH_TIMEOUT' });
    const pending = b.receive(1_000);
    a.close();
    await expect(pending).rejects.toMatchObject({ code: 'TOUCH_CLOSED' });
  });

  it('pays over BroadcastChannel (as between two browser tabs)', async () => {
    const { sb, load } = world('tabs');
    const alice = sb.wallet('alice');
    const bob = sb.wallet('bob');
    await load(alice, 'alice', [7_000]);
    const payerLink = new BroadcastChannelTransport('ecny-touch/test-session', 'tab-alice');
    const payeeLink = new BroadcastChannelTransport('ecny-touch/test-session', 'tab-bob');
    try {
      const [payer, payee] = await Promise.all([
        runPayer(new PayerSession(alice), payerLink, 5_000),
        runPayee(new PayeeSession(bob, { amount: 6_500 }), payeeLink, 5_000),
      ]);
      expect([payer.state, payee.state]).toEqual(['completed', 'completed']);
      expect((await bob.balances()).offline).toBe(6_500);
      // The bundle crossed the channel in its binary form.
      expect(decodeBundle(payer.bundleBytes!)).toEqual(payee.bundle);
    } finally {
      payerLink.close();
      payeeLink.close();
    }
  });

  it('a state machine ignores nothing: unexpected messages end the session', async () => {
    const { sb } = world('unexpected');
    const payer = new PayerSession(sb.wallet('alice'));
    const reply = await payer.handle({ type: 'payment-bundle', bundle: new Uint8Array([1]) });
    expect(reply).toBeNull();
    expect(payer.error!.code).toBe('TOUCH_UNEXPECTED');
    const payee = new PayeeSession(sb.wallet('bob'), { amount: 100 });
    payee.start();
    const r = await payee.handle({ type: 'payment-bundle', bundle: new Uint8Array([1, 2, 3]) });
    expect(r).toMatchObject({ type: 'payment-reject', reject: { code: 'BAD_ENCODING' } });
  });
});

describe('bundle binary form inside the protocol', () => {
  it('round-trips a real multi-coin bundle', async () => {
    const { sb, load } = world('roundtrip');
    const alice = sb.wallet('alice');
    await load(alice, 'alice', [1_000, 2_000, 3_000]);
    const { bundle, bytes } = await alice.pay(sb.wallet('bob').createRequest({ amount: 5_500 }));
    expect(decodeBundle(bytes)).toEqual(bundle);
    expect(encodeBundle(decodeBundle(bytes))).toEqual(bytes);
    expect(bundle.spends.map((s) => coinId(extendCoin(s.coin, s.spend, 0, bundle.payer)))).toHaveLength(3);
  });
});

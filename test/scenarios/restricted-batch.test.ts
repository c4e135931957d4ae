/**
 * settleRestrictedMany (the simulator's batch of restricted-first payments)
 * against settleRestricted one payment at a time, in order, on an identical
 * world: the same outcome for every payment (settled with the same split,
 * or refused with the same code) and the same balances afterwards, for a
 * batch with a payer's later payment that its earlier one leaves short, a
 * payee outside the campaign's rule, a retry of a settled payment, the same
 * transfer twice and a bad signature.
 */
import {
  type RestrictedOutcome,
  settleRestricted,
  settleRestrictedMany,
} from '@ecny-sim/server/campaigns/restricted';
import { Accounts } from '@ecny-sim/server/ledger/accounts';
import type { SimWallet } from '@ecny-sim/server/sim/driver';
import { LocalDriver } from '@ecny-sim/server/sim/local-driver';
import { Rng } from '@ecny-sim/server/sim/rng';
import { simulationStart } from '@ecny-sim/server/sim/run';
import { DAY, HOUR, newSigner, signFast } from '@ecny-sim/server/sim/scenario';
import { EcnyError, type OnlineTransfer, TRANSFER_TYPE } from '@ecny-sim/wallet-core';
import { describe, expect, it } from 'vitest';

interface World {
  driver: LocalDriver;
  shop: SimWallet;
  elsewhere: SimWallet;
  winners: SimWallet[];
  earlier: OnlineTransfer;
  batch: OnlineTransfer[];
}

async function world(): Promise<World> {
  const driver = await LocalDriver.create({ seed: 11, start: simulationStart() });
  const keys = new Rng(11, 'keys');
  const open = async (name: string, tier: 1 | 4) =>
    driver.openWallet({ signer: newSigner(keys), tier, displayName: name });
  const shop = await open('shop', 1);
  await driver.setMerchant(shop, { name: 'Shop', city: 'Suzhou', mcc: '5411', region: 'Suzhou' });
  const elsewhere = await open('elsewhere', 1);
  await driver.setMerchant(elsewhere, { name: 'Far', city: 'Wuxi', mcc: '5411', region: 'Wuxi' });
  const t0 = driver.now() + HOUR;
  const campaignId = await driver.createCampaign({
    requestId: 'restricted-batch',
    name: 'batch test',
    budget: 4 * 20_000,
    amount: 20_000,
    count: 4,
    registrationOpensAt: t0 - 1,
    registrationClosesAt: t0 + DAY,
    eligibility: {},
    merchantRule: { regions: ['Suzhou'] },
    spendFrom: t0 + 2 * DAY,
    spendUntil: t0 + 9 * DAY,
    offlineTrialQuota: 0,
  });
  await driver.advanceTo(t0);
  const people = [];
  for (let i = 0; i < 4; i++) {
    const w = await open(`winner ${i}`, 4);
    await driver.register(campaignId, w, false);
    people.push(w);
  }
  await driver.advanceTo(t0 + DAY);
  const drawn = await driver.draw(campaignId);
  expect(drawn).toHaveLength(4);
  await driver.claimMany(campaignId, people);
  // Winner 1 has ¥100 of its own, winner 2 ¥300; winners 0 and 3 only the envelope.
  await driver.topUp(people[1]!, 10_000, 'own-1');
  await driver.topUp(people[2]!, 30_000, 'own-2');
  await driver.advanceTo(t0 + 2 * DAY + HOUR);
  const at = driver.now();
  const pay = (w: SimWallet, to: SimWallet, amount: number, id: string) =>
    signFast(
      TRANSFER_TYPE,
      { transferId: id, from: w.walletId, to: to.walletId, amount, deviceId: w.deviceId, createdAt: at },
      w.signer,
    ) as OnlineTransfer;
  const [w0, w1, w2, w3] = people as [SimWallet, SimWallet, SimWallet, SimWallet];
  const earlier = pay(w3, shop, 5_000, 'earlier');
  const forged = pay(w3, shop, 1_000, 'forged');
  const batch = [
    pay(w0, shop, 15_000, 'a'), // restricted only
    pay(w0, shop, 10_000, 'b'), // ¥50 left of the envelope, no money of its own: refused
    pay(w1, shop, 25_000, 'c'), // ¥200 restricted + ¥50 own
    pay(w1, shop, 8_000, 'd'), // ¥50 own left: refused
    pay(w1, shop, 4_000, 'e'), // still fits
    pay(w2, elsewhere, 12_000, 'f'), // outside the rule: all own money
    pay(w2, shop, 20_000, 'g'), // the whole envelope
    pay(w2, shop, 20_000, 'g'), // the same transfer again in the batch
    earlier, // a retry of a settled payment
    { ...forged, amount: 2_000 }, // signature over other content
    pay(w3, shop, 15_000, 'h'), // ¥150 restricted of the ¥150 left
  ];
  return { driver, shop, elsewhere, winners: people, earlier, batch };
}

function summary(o: RestrictedOutcome) {
  return o.ok
    ? { ok: true, fromRestricted: o.fromRestricted, fromOwn: o.fromOwn, fresh: o.fresh }
    : { ok: false, code: o.code };
}

async function balances(w: World) {
  const store = w.driver.ctx.store;
  const out: Record<string, number | null> = {};
  for (const x of [w.shop, w.elsewhere, ...w.winners]) {
    const id = Accounts.wallet(x.walletId).id;
    out[id] = await store.getBalance(id);
  }
  for (const x of w.winners) {
    const prizes = await store.walletCampaignPrizes(x.walletId);
    for (const p of prizes) {
      const id = Accounts.restricted(x.walletId, p.campaignId).id;
      out[id] = await store.getBalance(id);
    }
  }
  return out;
}

describe('restricted payments in a batch', () => {
  it('settle as they would one by one, in order', async () => {
    const one = await world();
    const many = await world();
    try {
      // The retry's original, settled before either run.
      await settleRestricted(one.driver.ctx, one.earlier);
      await settleRestricted(many.driver.ctx, many.earlier);

      const sequential: RestrictedOutcome[] = [];
      const seen = new Set<string>();
      for (const t of one.batch) {
        if (seen.has(t.transferId)) {
          sequential.push({ ok: false, code: 'DUPLICATE_IN_BATCH', message: '' });
          continue;
        }
        seen.add(t.transferId);
        try {
          sequential.push({ ok: true, ...(await settleRestricted(one.driver.ctx, t)) });
        } catch (e) {
          if (!(e instanceof EcnyError)) throw e;
          sequential.push({ ok: false, code: e.code, message: e.message });
        }
      }
      const batched = await settleRestrictedMany(many.driver.ctx, many.batch);

      expect(batched.map(summary)).toEqual(sequential.map(summary));
      expect(batched.map((o) => (o.ok ? 'ok' : o.code))).toEqual([
        'ok',
        'INSUFFICIENT_FUNDS',
        'ok',
        'INSUFFICIENT_FUNDS',
        'ok',
        'ok',
        'ok',
        'DUPLICATE_IN_BATCH',
        'ok',
        'BAD_SIGNATURE',
        'ok',
      ]);
      const c = batched[2]!;
      expect(c.ok && c.fromRestricted.reduce((s, p) => s + p.amount, 0)).toBe(20_000);
      expect(c.ok && c.fromOwn).toBe(5_000);
      expect(batched[5]!.ok && batched[5]!.fromOwn).toBe(12_000);
      expect(batched[8]!.ok && batched[8]!.fresh).toBe(false);
      expect(await balances(many)).toEqual(await balances(one));
      expect((await many.driver.audit()).ok).toBe(true);
    } finally {
      // Each driver seeds the platform randomness until closed: the last one made closes first.
      await many.driver.close();
      await one.driver.close();
    }
  });
});

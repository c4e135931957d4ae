/**
 * Restricted (red-envelope) coins offline, with the merchant named by wallet
 * id in the coin's restriction (what the server issues to offline-trial
 * winners): the payer's secure element refuses an ineligible payee, a
 * tampered element that skips the check is caught by the payee's
 * verification, and an eligible merchant is paid.
 */
import { describe, expect, it } from 'vitest';
import { type CoinRestriction, coinId, OfflineSandbox, TamperedSecureElement, touchPay } from '../src/index';

const shopInfo = { name: 'Noodle Bar', city: 'Suzhou', mcc: '5812', region: 'Suzhou' };

function world(seed: string) {
  const sb = new OfflineSandbox({ seed });
  const shop = sb.wallet('shop');
  const restriction: CoinRestriction = {
    campaignId: 'cp_suzhou',
    merchants: [sb.device('shop').cert.walletId],
  };
  const load = async (name: string, se?: TamperedSecureElement) => {
    const w = se ? sb.wallet(name, { se }) : sb.wallet(name);
    await w.load([sb.issue({ owner: sb.device(name), amount: 20_000, restriction })]);
    return w;
  };
  return { sb, shop, load };
}

describe('restricted coins offline', () => {
  it('pay the merchant listed in the restriction, with change kept restricted', async () => {
    const { shop, load } = world('r-ok');
    const winner = await load('winner');
    const r = await touchPay({ payer: winner, payee: shop, amount: 8_000, merchant: shopInfo });
    expect(r.payee.state).toBe('completed');
    expect(await shop.balances()).toMatchObject({ restricted: 8_000, offline: 0 });
    expect(await winner.balances()).toMatchObject({ restricted: 12_000, offline: 0 });
    const [change] = await winner.unspentCoins();
    expect(change!.coin.issue.restriction?.campaignId).toBe('cp_suzhou');
  });

  it('are refused by the honest secure element for a merchant not listed, even if it claims the right info', async () => {
    const { sb, load } = world('r-se');
    const winner = await load('winner');
    const other = sb.wallet('other-shop');
    // Selection leaves the coins out (nothing else to pay with)...
    const r = await touchPay({ payer: winner, payee: other, amount: 5_000, merchant: shopInfo });
    expect(r.payer.error?.code).toBe('INSUFFICIENT_OFFLINE_FUNDS');
    // ...and an attack that offers them anyway is stopped by the element itself.
    const forced = await touchPay({
      payer: winner,
      payee: other,
      amount: 5_000,
      merchant: shopInfo,
      ignoreRestrictions: true,
    });
    expect(forced.payer.error?.code).toBe('COIN_RESTRICTED');
    expect(forced.payee.state).toBe('cancelled');
    expect(await winner.outbox()).toEqual([]);
    expect(await winner.balances()).toMatchObject({ restricted: 20_000 });
  });

  it('are refused by a person (no merchant info) at the element', async () => {
    const { sb, load } = world('r-person');
    const winner = await load('winner');
    const forced = await touchPay({
      payer: winner,
      payee: sb.wallet('friend'),
      amount: 5_000,
      ignoreRestrictions: true,
    });
    expect(forced.payer.error?.code).toBe('COIN_RESTRICTED');
  });

  it('signed by a tampered element are refused by the payee verification (COIN_RESTRICTED)', async () => {
    const { sb, load } = world('r-tampered');
    const device = sb.device('winner');
    const se = new TamperedSecureElement({
      signer: device.signer,
      cert: device.cert,
      now: sb.now,
      ignoreRestrictions: true,
    });
    const winner = await load('winner', se);
    const other = sb.wallet('other-shop');
    const r = await touchPay({
      payer: winner,
      payee: other,
      amount: 5_000,
      merchant: shopInfo,
      ignoreRestrictions: true,
    });
    expect(r.payee.reject?.code).toBe('COIN_RESTRICTED');
    expect(r.payer.state).toBe('rejected');
    expect(await other.balances()).toMatchObject({ restricted: 0, offline: 0 });
    // The signed spend stays in the payer's outbox: reconciliation will see (and refuse) it.
    const [item] = await winner.outbox();
    expect(item).toMatchObject({ kind: 'payment-sent', reject: { code: 'COIN_RESTRICTED' } });
    expect(item!.kind === 'payment-sent' && coinId(item!.bundle.spends[0]!.coin)).toBeTruthy();
  });

  it('a tampered element without ignoreRestrictions still refuses', async () => {
    const { sb, load } = world('r-tampered-honest');
    const device = sb.device('winner');
    const se = new TamperedSecureElement({ signer: device.signer, cert: device.cert, now: sb.now });
    const winner = await load('winner', se);
    const r = await touchPay({
      payer: winner,
      payee: sb.wallet('other-shop'),
      amount: 5_000,
      merchant: shopInfo,
      ignoreRestrictions: true,
    });
    expect(r.payer.error?.code).toBe('COIN_RESTRICTED');
  });
});

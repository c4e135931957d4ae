/**
 * double-spend: a population of devices paying each other offline (touch
 * payments, coins travelling over several hops), 1% of them with a tampered
 * secure element that was cloned: the clone spends the same coins again at
 * other devices. Connectivity is random: each round a random share of the
 * honest devices comes online and syncs, in a random order, sometimes
 * uploading the same items twice. Synced devices learn the revocation list
 * and refuse revoked payers. At the end every honest device syncs and
 * deposits what it holds (losing-branch coins are compensated).
 *
 * Ground truth: every spend honest devices uploaded, grouped by the coin it
 * spends. A coin with k distinct accepted spends is k - 1 double spends
 * injected; each must be a fraud case on that coin naming the tampered
 * device. Any case naming an honest device, a case beyond the ground truth,
 * an honest upload judged invalid or an honest deposit refused is a false
 * positive.
 */
import {
  type Coin,
  extendCoin,
  MemoryKeyValue,
  OfflineWallet,
  type OutboxItem,
  spendHash,
  type TamperedSecureElement,
  touchPay,
  WalletStore,
} from '@ecny-sim/wallet-core';
import type { SimWallet } from '../driver';
import {
  HOUR,
  newSigner,
  offlineWalletFor,
  type Scenario,
  type ScenarioContext,
  type ScenarioOutcome,
  scaled,
} from '../scenario';

interface Device {
  index: number;
  w: SimWallet;
  tampered: boolean;
  wallet: OfflineWallet;
  clone?: OfflineWallet;
}

const LOAD = [20_000, 10_000, 10_000, 5_000, 2_000, 2_000, 1_000];
const LOAD_TOTAL = LOAD.reduce((s, d) => s + d, 0);

export interface DoubleSpendOptions {
  devices?: number;
  tamperedShare?: number;
  rounds?: number;
}

export async function runDoubleSpend(
  sc: ScenarioContext,
  options: DoubleSpendOptions = {},
): Promise<ScenarioOutcome> {
  const { driver, progress, notes } = sc;
  const n = options.devices ?? scaled(10_000, sc.scale, 20);
  const share = options.tamperedShare ?? 0.01;
  const tamperedCount = Math.max(2, Math.round(n * share));
  const rounds = options.rounds ?? 6;
  const keys = sc.rng.fork('keys');
  const pick = sc.rng.fork('tampered');
  const pay = sc.rng.fork('payments');
  const net = sc.rng.fork('connectivity');

  const tamperedIdx = new Set(pick.shuffle([...Array(n).keys()]).slice(0, tamperedCount));
  progress.phase('open wallets and load coins', n);
  const devices: Device[] = [];
  for (let i = 0; i < n; i++) {
    const w = await driver.openWallet({ signer: newSigner(keys), tier: 2, displayName: `device ${i}` });
    await driver.topUp(w, 100_000, `sim-tu-${i}`);
    const tampered = tamperedIdx.has(i);
    const wallet = offlineWalletFor(driver, w, tampered);
    const coins = await driver.load(w, LOAD_TOTAL, LOAD, `sim-ld-${i}`);
    await wallet.load(coins);
    const d: Device = { index: i, w, tampered, wallet };
    if (tampered) {
      d.clone = new OfflineWallet({
        se: (wallet.se as TamperedSecureElement).clone(),
        store: new WalletStore(new MemoryKeyValue()),
        trust: wallet.trust,
        verifier: wallet.verifier,
        clock: wallet.clock,
      });
      for (const issue of coins) await d.clone.store.putCoin({ issue, links: [] }, 'load', driver.now());
    }
    devices.push(d);
    progress.tick();
  }
  const honest = devices.filter((d) => !d.tampered);
  const tampered = devices.filter((d) => d.tampered);

  // Ground truth, from what honest devices upload.
  const spendsByCoin = new Map<string, Map<string, string>>();
  const recordUpload = (items: readonly OutboxItem[]) => {
    for (const item of items) {
      for (const { coin, spend } of item.bundle.spends) {
        const path = extendCoin(coin as Coin, spend, 0, item.bundle.payer);
        for (const link of path.links) {
          let m = spendsByCoin.get(link.spend.inputCoinId);
          if (!m) {
            m = new Map();
            spendsByCoin.set(link.spend.inputCoinId, m);
          }
          m.set(spendHash(link.spend), link.signer.deviceId);
        }
      }
    }
  };
  let invalidVerdicts = 0;
  const sync = async (d: Device, twice: boolean) => {
    const items = await d.wallet.outbox();
    recordUpload(items);
    let answer = await driver.sync(d.w, items);
    if (twice) answer = await driver.sync(d.w, items);
    invalidVerdicts += answer.verdicts.filter((v) => v.status === 'invalid').length;
    await d.wallet.applySync({
      time: answer.time,
      acknowledged: answer.acknowledged,
      revokedDevices: answer.revokedDevices,
      cert: answer.cert,
    });
  };

  const outcomes = new Map<string, number>();
  const count = (key: string) => outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
  let payments = 0;
  const touch = async (payer: OfflineWallet, payee: Device, amount: number, attack: boolean) => {
    const { payer: ps, payee: pe } = await touchPay({ payer, payee: payee.wallet, amount });
    if (pe.state === 'completed') {
      payments++;
      count(attack ? 'attack accepted' : 'paid');
    } else {
      const code = pe.error?.code ?? ps.error?.code ?? pe.reject?.code ?? 'FAILED';
      count(`${attack ? 'attack' : 'payment'} refused: ${code}`);
    }
  };
  const amount = () => Math.min(30_000, Math.max(50, Math.round(pay.logNormal(2_500, 0.9) / 10) * 10));
  const otherThan = (d: Device) => {
    for (;;) {
      const payee = devices[pay.int(0, n - 1)]!;
      if (payee !== d) return payee;
    }
  };

  const perRound = Math.max(1, Math.round(n / 3));
  const t0 = performance.now();
  progress.phase('offline payments and random syncs', rounds * (perRound + tampered.length));
  for (let r = 0; r < rounds; r++) {
    // Over HTTP time is real: rounds follow each other at once.
    await driver.advanceTo(driver.now() + (driver.kind === 'http' ? 50 : 6 * HOUR));
    // Honest shoppers.
    for (let k = 0; k < perRound; k++) {
      const d = devices[pay.int(0, n - 1)]!;
      const a = amount();
      if ((await d.wallet.balances()).offline < a) {
        count('payment skipped: not enough offline coins');
      } else await touch(d.wallet, otherThan(d), a, false);
      progress.tick();
    }
    // The clones of tampered devices spend the same coins elsewhere (honest payees only).
    for (const d of tampered) {
      const spends = pay.int(0, 2);
      for (let k = 0; k < spends; k++) {
        const clone = d.clone!;
        const a = amount();
        if ((await clone.balances()).offline < a) continue;
        let payee = otherThan(d);
        while (payee.tampered) payee = otherThan(d);
        await touch(clone, payee, a, true);
      }
      progress.tick();
    }
    // Random connectivity: a share of the honest devices syncs, in random order.
    const online = net.shuffle(honest.filter(() => net.chance(0.3)));
    for (const d of online) await sync(d, net.chance(0.1));
  }
  const paymentMs = performance.now() - t0;

  progress.phase('final sync and deposits', honest.length * 2);
  for (const d of net.shuffle([...honest])) {
    await sync(d, false);
    progress.tick();
  }
  let refusedDeposits = 0;
  let compensated = 0;
  for (const d of net.shuffle([...honest])) {
    const coins = await d.wallet.unspentCoins();
    if (coins.length) {
      for (let i = 0; i < coins.length; i += 64) {
        const part = coins.slice(i, i + 64);
        const requestId = `sim-dp-${d.index}-${i}`;
        const spends = d.wallet.se.signPayment({
          requestId,
          payee: { walletId: 'issuer', deviceId: 'issuer', publicKey: driver.issuerPublicKey },
          parts: part.map((c) => ({ coin: c.coin, pay: c.amount })),
          time: driver.now(),
          deposit: true,
        });
        await d.wallet.store.markSpent(
          part.map((c) => c.coinId),
          requestId,
        );
        const answer = await driver.deposit(d.w, {
          requestId,
          spends: part.map((c, j) => ({ coin: c.coin, spend: spends[j]! })),
        });
        for (const r of answer.results) {
          if (r.status === 'refused') refusedDeposits++;
          if (r.status === 'compensated') compensated++;
        }
      }
    }
    progress.tick();
  }
  progress.done();

  // Compare the server's fraud cases with the ground truth.
  const tamperedIds = new Set(tampered.map((d) => d.w.deviceId));
  const cases = await driver.fraudCases();
  const casesByCoin = new Map<string, number>();
  let honestAccused = 0;
  for (const c of cases) {
    if (!tamperedIds.has(c.culpritDeviceId)) honestAccused++;
    else casesByCoin.set(c.coinId, (casesByCoin.get(c.coinId) ?? 0) + 1);
  }
  let injected = 0;
  let detected = 0;
  let extra = 0;
  for (const [coin, spends] of spendsByCoin) {
    const expected = spends.size - 1;
    const found = casesByCoin.get(coin) ?? 0;
    injected += expected;
    detected += Math.min(found, expected);
    extra += Math.max(0, found - expected);
    casesByCoin.delete(coin);
  }
  for (const found of casesByCoin.values()) extra += found;

  const blocked = [...outcomes].filter(([k]) => k.startsWith('attack refused'));
  notes.push(
    `${n} devices (tier 2, ¥500 of coins each), ${tamperedCount} with a tampered, cloned secure element; ${rounds} rounds of 6 h; each round ${perRound} honest touch payments, the clones spend 0-2 times, 30% of honest devices sync (10% upload twice); then all honest devices sync and deposit.`,
    `injected = double spends accepted offline by honest devices (distinct spends of one coin, minus one); detected = matching fraud cases at reconciliation; ${cases.length} cases, ${compensated} losing-branch coins compensated at deposit.`,
    `attacks refused on the spot by the payee device (local double-spend check, revoked payer, limits): ${blocked.reduce((s, [, v]) => s + v, 0)}${blocked.length ? ` (${blocked.map(([k, v]) => `${k.slice('attack refused: '.length)} ${v}`).join(', ')})` : ''}.`,
    `payments: ${[...outcomes]
      .filter(([k]) => !k.startsWith('attack refused'))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
  );
  if (invalidVerdicts || refusedDeposits || honestAccused || extra) {
    notes.push(
      `false positives: ${honestAccused} honest devices accused, ${extra} cases beyond the ground truth, ${invalidVerdicts} honest uploads judged invalid, ${refusedDeposits} honest deposits refused.`,
    );
  }
  return {
    doubleSpends: {
      injected,
      detected,
      falsePositives: honestAccused + extra + invalidVerdicts + refusedDeposits,
    },
    campaign: null,
    reclaimed: 0,
    payments,
    paymentMs,
  };
}

export const doubleSpend: Scenario = {
  name: 'double-spend',
  summary: 'offline payments over several hops with 1% cloned, double-spending devices; random sync order',
  run: (sc) => runDoubleSpend(sc),
};

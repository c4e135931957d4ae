/**
 * A red-envelope pilot like Shenzhen (Oct 2020) and Suzhou (Dec 2020):
 * merchants join, people register, a verifiable lottery draws the winners,
 * winners open their envelopes and spend them at the campaign's merchants
 * over the spending window, and what is left is reclaimed by the issuer.
 *
 * In-process, registrants are synthetic wallet ids ingested in bulk into the
 * store (as bench/campaign.ts does): only winners need a wallet, and each
 * winner opens one at its registered id after the draw (as pilot winners
 * installed the wallet app). Over HTTP every registrant is a real wallet
 * registering through the API (tiny scales only).
 *
 * Shopping model (per claimer, from a seeded stream keyed by draw rank, so
 * the figures do not depend on who won): 1 payment (70%), 2 (22%), 3 (6%),
 * 4-5 (2%); 12% leave part of the envelope unspent; 35% of the rest spend
 * more than ¥200 and pay the difference from their own money (topped up
 * before); tickets split the basket around log-normal weights; days skewed
 * towards the start of the window; merchants chosen by Zipf-like popularity
 * (s = 1).
 */
import { type OfflineWallet, touchPay } from '@ecny-sim/wallet-core';
import type { PreparedRestricted, SimWallet, Winner } from '../driver';
import type { Rng } from '../rng';
import { Zipf } from '../rng';
import {
  DAY,
  HOUR,
  inWindows,
  newSigner,
  offlineWalletFor,
  type ScenarioContext,
  type ScenarioOutcome,
  scaled,
} from '../scenario';

export interface PilotParams {
  name: string;
  region: string;
  city: string;
  registrants: number;
  winners: number;
  prize: number;
  merchants: number;
  /** Share of payments that go to one online shop (Suzhou: about 45%). */
  onlineShare: number;
  /** Winners (the first by rank among those who open the envelope) who also pay offline by touch. */
  offlineTrial: number;
  claimRate: number;
  spendDays: number;
  /** Figures of the model that are assumptions rather than published pilot figures. */
  assumptions?: string;
}

const MCCS = ['5411', '5812', '5331', '5912', '5311', '5651', '5732', '5814'];

interface Planned {
  at: number;
  payer: number;
  merchant: number;
  amount: number;
  kind: 'online' | 'touch';
}

function plan(rng: Rng, prize: number, merchants: Zipf, onlineShare: number, shop: number) {
  const u = rng.float();
  const k = u < 0.7 ? 1 : u < 0.92 ? 2 : u < 0.98 ? 3 : rng.int(4, 5);
  let total = prize;
  if (rng.chance(0.12)) total = Math.round(prize * (0.3 + 0.65 * rng.float()));
  else if (rng.chance(0.35)) total = prize + Math.round(rng.logNormal(8_000, 0.8));
  const weights = Array.from({ length: k }, () => rng.logNormal(1, 0.6));
  const sum = weights.reduce((s, w) => s + w, 0);
  const amounts = weights.map((w) => Math.max(100, Math.round((total * w) / sum)));
  return amounts.map((amount) => ({
    amount,
    day: rng.float() ** 1.8,
    merchant: shop >= 0 && rng.chance(onlineShare) ? shop : merchants.sample(rng),
  }));
}

export async function runPilot(sc: ScenarioContext, p: PilotParams): Promise<ScenarioOutcome> {
  const { driver, progress, notes, scale } = sc;
  const registrants = scaled(p.registrants, scale, 10);
  const winnerCount = Math.min(registrants, scaled(p.winners, scale, 5));
  const merchantCount = scaled(p.merchants, scale, 3);
  const trialCount = p.offlineTrial > 0 ? scaled(p.offlineTrial, scale, 2) : 0;
  const keys = sc.rng.fork('keys');
  const http = driver.kind === 'http';

  // Merchants (tier 1: no balance cap), and the online shop.
  progress.phase('merchants', merchantCount);
  const merchants: SimWallet[] = new Array(merchantCount);
  const merchantKeys = Array.from({ length: merchantCount }, () => newSigner(keys));
  await inWindows(merchantKeys, http ? 8 : 64, async (signer, i) => {
    const w = await driver.openWallet({ signer, tier: 1, displayName: `${p.city} merchant ${i}` });
    await driver.setMerchant(w, {
      name: `${p.city} merchant ${i}`,
      city: p.city,
      mcc: MCCS[i % MCCS.length]!,
      region: p.region,
    });
    merchants[i] = w;
    progress.tick();
  });
  let shop = -1;
  if (p.onlineShare > 0) {
    const w = await driver.openWallet({ signer: newSigner(keys), tier: 1, displayName: 'Online shop' });
    await driver.setMerchant(w, { name: 'Online shop', city: p.city, mcc: '5399', region: 'Online' });
    shop = merchants.length;
    merchants.push(w);
  }

  // The campaign: registration, draw, spending window (compressed to seconds over HTTP).
  const t0 = driver.now() + (http ? 1_000 : HOUR);
  const regMs = http ? 3_000 + registrants * 40 : 2 * DAY;
  const closes = t0 + regMs;
  const spendFrom = closes + (http ? 2_000 + winnerCount * 60 : 18 * HOUR);
  const spendMs = http ? 4_000 + winnerCount * 250 : p.spendDays * DAY;
  const spendUntil = spendFrom + spendMs;
  const campaignId = await driver.createCampaign({
    requestId: `sim-${p.name}-${sc.seed}${http ? `-${Date.now()}` : ''}`,
    name: `${p.name} (simulated)`,
    budget: winnerCount * p.prize,
    amount: p.prize,
    count: winnerCount,
    registrationOpensAt: t0 - 1,
    registrationClosesAt: closes,
    eligibility: {},
    merchantRule: { regions: [p.region], ...(shop >= 0 ? { walletIds: [merchants[shop]!.walletId] } : {}) },
    spendFrom,
    spendUntil,
    offlineTrialQuota: 0,
  });

  progress.phase('registrations', registrants);
  const byId = new Map<string, SimWallet>();
  if (driver.canRegisterSynthetic) {
    const ids = sc.rng.fork('registrants');
    const batch = 100_000;
    for (let i = 0; i < registrants; i += batch) {
      const n = Math.min(batch, registrants - i);
      const raw = Buffer.from(ids.bytes(16 * n));
      const rows = new Array(n);
      for (let j = 0; j < n; j++) {
        rows[j] = {
          walletId: `w_${raw.subarray(16 * j, 16 * j + 16).toString('base64url')}`,
          offlineTrial: false,
          registeredAt: t0 + Math.floor(((i + j) / registrants) * regMs),
        };
      }
      await driver.registerSynthetic(campaignId, rows);
      progress.tick(n);
    }
    notes.push(
      `${registrants.toLocaleString('en-US')} registrants are synthetic wallet ids ingested in bulk into the store; only the ${winnerCount.toLocaleString('en-US')} winners open wallets (at their registered ids, after the draw).`,
    );
  } else {
    await driver.advanceTo(t0);
    await inWindows([...Array(registrants).keys()], 8, async (i) => {
      const w = await driver.openWallet({ signer: newSigner(keys), tier: 4, displayName: `resident ${i}` });
      await driver.register(campaignId, w, false);
      byId.set(w.walletId, w);
      progress.tick();
    });
  }

  await driver.advanceTo(closes);
  progress.phase('draw', 0);
  const winners = (await driver.draw(campaignId)).sort((a, b) => a.rank - b.rank);

  // Winners open wallets (in-process) and envelopes; plan their shopping.
  await driver.advanceTo(closes + (http ? 500 : 2 * HOUR));
  progress.phase('winners open wallets and envelopes', winners.length);
  const behave = sc.rng.fork('behaviour');
  const zipf = new Zipf(merchantCount, 1);
  // Indexed by draw rank order, whatever order the calls complete in.
  const claimers: (SimWallet | undefined)[] = new Array(winners.length);
  const planned: Planned[] = [];
  const topUps: (number | undefined)[] = new Array(winners.length);
  const wkeys = sc.rng.fork('winner-keys');
  // A window of winners at a time: who opens the envelope, their wallets opened and envelopes claimed together.
  const perWindow = http ? 8 : 500;
  for (let from = 0; from < winners.length; from += perWindow) {
    const opening: { index: number; winner: Winner; r: Rng }[] = [];
    winners.slice(from, from + perWindow).forEach((winner, j) => {
      const r = behave.fork(`winner-${winner.rank}`);
      if (r.chance(p.claimRate)) opening.push({ index: from + j, winner, r });
    });
    if (opening.length === 0) continue;
    const fresh = opening.filter((o) => !byId.has(o.winner.walletId));
    const activated = fresh.length
      ? await driver.activateWallets(
          fresh.map(({ winner }) => ({
            walletId: winner.walletId,
            spec: {
              signer: newSigner(wkeys.fork(`rank-${winner.rank}`)),
              tier: 4 as const,
              displayName: `winner ${winner.rank}`,
            },
          })),
        )
      : [];
    const opened = new Map(activated.map((w) => [w.walletId, w]));
    const ws = opening.map((o) => byId.get(o.winner.walletId) ?? opened.get(o.winner.walletId)!);
    await driver.claimMany(campaignId, ws);
    opening.forEach(({ index, winner, r }, k) => {
      claimers[index] = ws[k]!;
      const basket = plan(r, winner.amount, zipf, p.onlineShare, shop);
      const total = basket.reduce((s, b) => s + b.amount, 0);
      if (total > winner.amount) topUps[index] = total - winner.amount;
      for (const b of basket) {
        planned.push({
          at: spendFrom + Math.floor(b.day * (spendMs - 1)),
          payer: index,
          merchant: b.merchant,
          amount: b.amount,
          kind: 'online',
        });
      }
    });
    progress.tick(opening.length);
  }
  const toTopUp = [...topUps.keys()].filter((i) => topUps[i]);
  await inWindows(toTopUp, http ? 8 : 256, (i) => driver.topUp(claimers[i]!, topUps[i]!, `sim-tu-${i}`));

  // Offline trial: the first claimers load ordinary coins and pay merchants by touch.
  const devices = new Map<number, OfflineWallet>();
  const merchantDevices = new Map<number, OfflineWallet>();
  const trial = claimers
    .map((w, i) => (w ? i : -1))
    .filter((i) => i >= 0)
    .slice(0, trialCount);
  if (trial.length) {
    progress.phase('offline trial: load coins', trial.length);
    for (const i of trial) {
      const w = claimers[i]!;
      const r = behave.fork(`trial-${i}`);
      await driver.topUp(w, 30_000, `sim-tu-trial-${i}`);
      const coins = await driver.load(w, 20_000, [10_000, 5_000, 2_000, 2_000, 1_000], `sim-ld-trial-${i}`);
      const device = offlineWalletFor(driver, w);
      await device.load(coins);
      devices.set(i, device);
      const k = r.int(1, 3);
      for (let j = 0; j < k; j++) {
        planned.push({
          at: spendFrom + Math.floor(r.float() ** 1.5 * (spendMs - 1)),
          payer: i,
          merchant: zipf.sample(r),
          amount: Math.max(100, Math.round(r.logNormal(4_000, 0.6) / 10) * 10),
          kind: 'touch',
        });
      }
      progress.tick();
    }
    notes.push(
      `${trial.length} offline-trial winners load ¥200 of ordinary coins (their own money: the scenario does not yet load restricted red-envelope coins) and pay merchants by touch; merchants sync and deposit at the end of each day.`,
    );
  }
  planned.sort((a, b) => a.at - b.at || a.payer - b.payer || a.amount - b.amount);

  // The spending window.
  progress.phase('payments', planned.length);
  const started = performance.now();
  let payments = 0;
  const refused = new Map<string, number>();
  const refuse = (code: string) => refused.set(code, (refused.get(code) ?? 0) + 1);
  let dayEnd = spendFrom + (http ? spendMs : DAY);
  let offlineFalse = 0;
  // A trial user's phone comes online when its offline limits need it (they count from the last sync).
  const trialSync = async (i: number) => {
    const device = devices.get(i)!;
    if (driver.now() - device.se.state().lastSyncAt < 20 * HOUR) return;
    const answer = await driver.sync(claimers[i]!, await device.outbox());
    offlineFalse += answer.verdicts.filter(
      (v) => v.status !== 'accepted' && v.status !== 'already_known',
    ).length;
    await device.applySync(answer);
  };
  const merchantDay = async () => {
    for (const [m, device] of merchantDevices) {
      const items = await device.outbox();
      if (items.length) {
        const answer = await driver.sync(merchants[m]!, items);
        offlineFalse += answer.verdicts.filter(
          (v) => v.status !== 'accepted' && v.status !== 'already_known',
        ).length;
        await device.applySync(answer);
      }
      const coins = await device.unspentCoins();
      if (!coins.length) continue;
      const requestId = `sim-dp-${m}-${driver.now()}`;
      const spends = device.se.signPayment({
        requestId,
        payee: { walletId: 'issuer', deviceId: 'issuer', publicKey: driver.issuerPublicKey },
        parts: coins.map((c) => ({ coin: c.coin, pay: c.amount })),
        time: driver.now(),
        deposit: true,
      });
      await device.store.markSpent(
        coins.map((c) => c.coinId),
        requestId,
      );
      const answer = await driver.deposit(merchants[m]!, {
        requestId,
        spends: coins.map((c, j) => ({ coin: c.coin, spend: spends[j]! })),
      });
      for (const r of answer.results) {
        if (r.status === 'refused') {
          refuse(`deposit ${r.code}`);
          offlineFalse++;
        }
      }
    }
  };
  // The window as steps: chunks of at most `width` payments within a day, and each day's end.
  const width = http ? 16 : 256;
  const steps: ({ chunk: Planned[] } | { dayEnd: number })[] = [];
  for (let i = 0; i < planned.length; ) {
    const chunk: Planned[] = [];
    while (i < planned.length && chunk.length < width && planned[i]!.at < dayEnd) chunk.push(planned[i++]!);
    if (chunk.length === 0) {
      steps.push({ dayEnd });
      dayEnd += DAY;
    } else steps.push({ chunk });
  }
  // A chunk's online payments, made when its last payment is.
  const prepare = (chunk: Planned[]) =>
    driver.prepareRestricted(
      chunk
        .filter((c) => c.kind === 'online')
        .map((c, j) => ({
          from: claimers[c.payer]!,
          to: merchants[c.merchant]!.walletId,
          amount: c.amount,
          transferId: `sim-tx-${c.at}-${c.payer}-${j}`,
        })),
      chunk[chunk.length - 1]!.at,
    );
  let prepared: PreparedRestricted | null = null;
  await driver.advanceTo(spendFrom);
  for (let k = 0; k < steps.length; k++) {
    const step = steps[k]!;
    if ('dayEnd' in step) {
      await driver.advanceTo(step.dayEnd);
      await merchantDay();
      continue;
    }
    const chunk = step.chunk;
    const current = prepared ?? prepare(chunk);
    // The next chunk's payers sign while this one settles.
    let n = k + 1;
    while (n < steps.length && !('chunk' in steps[n]!)) n++;
    const next = steps[n];
    prepared = next && 'chunk' in next ? prepare(next.chunk) : null;
    await driver.advanceTo(chunk[chunk.length - 1]!.at);
    const outcomes = await driver.payRestrictedMany(current);
    for (const out of outcomes) {
      if (out.ok) payments++;
      else refuse(out.code);
    }
    for (const c of chunk) {
      if (c.kind !== 'touch') continue;
      let payee = merchantDevices.get(c.merchant);
      if (!payee) {
        payee = offlineWalletFor(driver, merchants[c.merchant]!);
        merchantDevices.set(c.merchant, payee);
      }
      await trialSync(c.payer);
      const payer = devices.get(c.payer)!;
      const { payee: pe, payer: ps } = await touchPay({
        payer,
        payee,
        amount: c.amount,
        merchant: {
          name: `${p.city} merchant ${c.merchant}`,
          city: p.city,
          mcc: MCCS[c.merchant % MCCS.length]!,
          region: p.region,
        },
      });
      if (pe.state === 'completed') payments++;
      else refuse(`touch ${pe.error?.code ?? ps.error?.code ?? 'FAILED'}`);
    }
    progress.tick(chunk.length);
  }
  await driver.advanceTo(Math.min(dayEnd, spendUntil));
  await merchantDay();
  const paymentMs = performance.now() - started;
  if (refused.size) {
    notes.push(
      `refused: ${[...refused]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}.`,
    );
  }

  // After the window: reclaim.
  await driver.advanceTo(spendUntil);
  progress.phase('reclaim', 0);
  const reclaimed = await driver.reclaim(campaignId);
  const f = await driver.campaignFigures(campaignId);
  progress.done();
  notes.push(
    `model: ${registrants.toLocaleString('en-US')} registrants, ${winnerCount.toLocaleString('en-US')} × ¥${p.prize / 100}, ${merchantCount.toLocaleString('en-US')} merchants${shop >= 0 ? ` + an online shop taking ~${Math.round(p.onlineShare * 100)}% of payments` : ''}; ${Math.round(p.claimRate * 1000) / 10}% open the envelope; 1-5 payments each (mostly 1-3), 12% leave part unspent, 35% of the rest overspend from their own money; merchants by Zipf popularity; ${p.spendDays}-day window, then reclaim.`,
  );
  if (p.assumptions) notes.push(p.assumptions);
  return {
    doubleSpends: trial.length ? { injected: 0, detected: 0, falsePositives: offlineFalse } : null,
    campaign: {
      registrants: f.registrants,
      winners: f.winners,
      claimed: f.claimed,
      payments: f.payments,
      spentFen: f.spent,
      reclaimedFen: f.reclaimed,
      merchants: f.merchantsReached,
    },
    reclaimed,
    payments,
    paymentMs,
  };
}

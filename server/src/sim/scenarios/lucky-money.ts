/**
 * lucky-money: group red envelopes ("lucky money") in many chat groups at
 * once. A population of wallets forms groups (3-40 members, a person in
 * several groups); in each group one member funds an envelope (random
 * double-mean split or equal shares, ¥5-¥200), the others grab
 * concurrently with every other group's grabs, some of them twice at the
 * same moment, and some never grab: the unclaimed shares are refunded after
 * the 24-hour expiry.
 *
 * Checked: no envelope pays out more than it was funded or more shares than
 * it has; no wallet gets two shares; grabs + refund = total. In the report,
 * `doubleSpends` counts second grabs: injected = second grabs attempted,
 * detected = second grabs refused, falsePositives = first grabs refused
 * while shares were left, plus any envelope that over-paid or did not add up.
 */
import type { SimWallet } from '../driver';
import {
  HOUR,
  newSigner,
  type Scenario,
  type ScenarioContext,
  type ScenarioOutcome,
  scaled,
} from '../scenario';

interface Envelope {
  id: string;
  total: number;
  shares: number;
  members: number[];
  paid: number;
  grabs: number;
}

export async function runLuckyMoney(sc: ScenarioContext): Promise<ScenarioOutcome> {
  const { driver, progress, notes } = sc;
  const population = scaled(20_000, sc.scale, 30);
  const groups = scaled(10_000, sc.scale, 10);
  const keys = sc.rng.fork('keys');
  const r = sc.rng.fork('groups');
  const http = driver.kind === 'http';

  progress.phase('wallets', population);
  const wallets: SimWallet[] = [];
  for (let i = 0; i < population; i++) {
    const w = await driver.openWallet({ signer: newSigner(keys), tier: 3, displayName: `member ${i}` });
    wallets.push(w);
    progress.tick();
  }
  const funds = new Map<number, number>();

  progress.phase('groups grab', groups);
  const envelopes: Envelope[] = [];
  let injected = 0;
  let detected = 0;
  let wrongRefusals = 0;
  let grabs = 0;
  const refusals = new Map<string, number>();
  const started = performance.now();
  const width = http ? 4 : 64;
  for (let g0 = 0; g0 < groups; g0 += width) {
    await driver.advanceTo(driver.now() + (http ? 0 : 60_000));
    const batch: Envelope[] = [];
    for (let g = g0; g < Math.min(groups, g0 + width); g++) {
      const size = Math.min(population, Math.max(3, Math.round(r.logNormal(8, 0.6))));
      const members = new Set<number>();
      while (members.size < size) members.add(r.int(0, population - 1));
      const [sender, ...rest] = [...members];
      const shares = Math.max(1, Math.min(rest.length, r.int(2, 12)));
      const mode = r.chance(0.8) ? ('random' as const) : ('equal' as const);
      let total = Math.max(shares, Math.round(r.logNormal(2_000, 0.8)));
      total = Math.min(total, 20_000, shares * 20_000);
      if (mode === 'equal') total = Math.max(shares, total - (total % shares));
      const left = funds.get(sender!) ?? 0;
      if (left < total) await driver.topUp(wallets[sender!]!, 100_000, `sim-tu-${g}`);
      funds.set(sender!, (left < total ? left + 100_000 : left) - total);
      const id = await driver.createLucky(wallets[sender!]!, {
        requestId: `sim-lucky-${g}`,
        groupId: `group-${g}`,
        total,
        shares,
        mode,
        expiresInSeconds: http ? 2 : 24 * 3600,
      });
      batch.push({ id, total, shares, members: rest, paid: 0, grabs: 0 });
    }
    // Every member of every group in the batch grabs at once; some tap twice, some never open the chat.
    const attempts: { e: Envelope; member: number; second: boolean }[] = [];
    for (const e of batch) {
      for (const m of e.members) {
        if (r.chance(0.25)) continue;
        attempts.push({ e, member: m, second: false });
        if (r.chance(0.1)) attempts.push({ e, member: m, second: true });
      }
    }
    r.shuffle(attempts);
    const rng = sc.rng.fork(`grab-amounts-${g0}`);
    const outcomes = new Map<string, { tries: number; paid: number; refused: string[] }>();
    await Promise.all(
      attempts.map(async (a) => {
        const key = `${a.e.id}:${a.member}`;
        let o = outcomes.get(key);
        if (!o) {
          o = { tries: 0, paid: 0, refused: [] };
          outcomes.set(key, o);
        }
        o.tries++;
        const out = await driver.grab(wallets[a.member]!, a.e.id, (lo, hi) => rng.int(lo, hi));
        if (out.ok) {
          grabs++;
          o.paid++;
          a.e.paid += out.amount ?? 0;
          a.e.grabs++;
        } else {
          o.refused.push(out.code);
          refusals.set(out.code, (refusals.get(out.code) ?? 0) + 1);
        }
      }),
    );
    for (const o of outcomes.values()) {
      if (o.tries === 2) {
        injected++;
        if (o.paid <= 1) detected++;
      }
      // A wallet refused for anything but "already grabbed" by its own other tap or "empty" is wrongly refused.
      const wrong = o.refused.filter(
        (code) =>
          code !== 'LUCKY_EMPTY' && !(code === 'LUCKY_ALREADY_GRABBED' && o.tries === 2 && o.paid === 1),
      );
      wrongRefusals += wrong.length;
    }
    envelopes.push(...batch);
    progress.tick(batch.length);
  }
  const paymentMs = performance.now() - started;

  // After the expiry the unclaimed shares go back to the senders.
  await driver.advanceTo(driver.now() + (http ? 2_500 : 25 * HOUR));
  progress.phase('refunds', envelopes.length);
  let refunded = 0;
  let broken = 0;
  for (const e of envelopes) {
    const back = await driver.refundLucky(e.id);
    refunded += back;
    if (e.paid > e.total || e.grabs > e.shares || e.paid + back !== e.total) broken++;
    progress.tick();
  }
  progress.done();
  notes.push(
    `${population} wallets in ${groups} groups (3-40 members, log-normal around 8); one envelope per group of up to ¥200, 80% random split, 20% equal; 75% of members grab, 10% of those tap twice at the same moment; grabs of ${width} groups at a time run concurrently; unclaimed shares refunded after 24 h.`,
    `${grabs} shares grabbed, ${(refunded / 100).toFixed(2)} yuan refunded; refusals: ${[...refusals]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}; envelopes that over-paid or did not add up: ${broken}.`,
    'doubleSpends here counts second grabs by the same wallet: injected = attempted, detected = refused.',
  );
  return {
    doubleSpends: { injected, detected, falsePositives: wrongRefusals + broken },
    campaign: null,
    reclaimed: 0,
    payments: grabs,
    paymentMs,
  };
}

export const luckyMoney: Scenario = {
  name: 'lucky-money',
  summary: 'group lucky money: many groups grabbing concurrently, double taps, refunds after expiry',
  run: runLuckyMoney,
};

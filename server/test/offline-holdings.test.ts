/**
 * SQLite keeps what each key holds in genuine received coins (offline_holdings)
 * with the spent set, for the offline balance cap at load: the figures follow
 * payments along a path, survive the migration from a database that kept a row
 * per output with an index by owner instead, and the audit catches a kept
 * figure that drifted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Coin,
  coinAmount,
  coinId,
  EcnyError,
  extendCoin,
  type Spend,
  signSpend,
  TIER_SPECS,
} from '@ecny-sim/wallet-core';
import { afterEach, describe, expect, it } from 'vitest';
import { createContext, defaultConfig } from '../src/bootstrap';
import type { Ctx } from '../src/context';
import { runAudit } from '../src/ledger/audit';
import { fastOutputCoinIds } from '../src/offline/hashing';
import { reconcilePaths } from '../src/offline/reconcile';
import { loadToDevice } from '../src/offline/service';
import { SqliteStore } from '../src/store/sqlite';
import { openTestDevice, type TestDevice } from './support/devices';

const CAP = 5_000;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

type Device = TestDevice;

const openDevice = (ctx: Ctx, i: number): Promise<Device> =>
  openTestDevice(ctx, {
    walletId: `w_hold${i}`,
    deviceId: `d_hold${i}`,
    displayName: `holder ${i}`,
    offline: { ...TIER_SPECS[2].offline, balanceCap: CAP },
    fund: 100_000,
  });

async function load(ctx: Ctx, d: Device, requestId: string, amount: number) {
  const wallet = (await ctx.store.getWallet(d.walletId))!;
  const device = (await ctx.store.getDevice(d.deviceId))!;
  return loadToDevice(ctx, wallet, device, { requestId, amount, denominations: [amount] });
}

/** `coin` paid along `route`, each holder keeping `change` fen of it. */
function payAlong(ctx: Ctx, coin: Coin, route: Device[], change: number): Coin {
  for (let h = 0; h + 1 < route.length; h++) {
    const from = route[h]!;
    const to = route[h + 1]!;
    const amount = coinAmount(coin);
    const spend = signSpend(
      {
        inputCoinId: coinId(coin),
        outputs: [
          { owner: to.cert.publicKey, amount: amount - change },
          { owner: from.cert.publicKey, amount: change },
        ],
        requestId: `rq_hold-${h}-${amount}`,
        counter: h + 1,
        time: ctx.now() + h,
      },
      from.signer,
    );
    coin = extendCoin(coin, spend, 0, from.cert);
  }
  return coin;
}

function held(store: SqliteStore, d: Device): number {
  const row = store.db
    .prepare<[string], { amount: number }>('SELECT amount FROM offline_holdings WHERE owner = ?')
    .get(d.cert.publicKey);
  return row?.amount ?? 0;
}

const policy = { compensateHonestHolders: true, recoverFromCulprit: true, revokeCulprit: true };

describe('offline holdings (SQLite)', () => {
  it('follow payments, count toward the load cap, survive the migration, and are audited', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecny-holdings-'));
    dirs.push(dir);
    const path = join(dir, 'ecny.sqlite');
    let store = new SqliteStore({ path });
    let ctx = await createContext(defaultConfig(), { store });
    const [a, b, c] = [await openDevice(ctx, 0), await openDevice(ctx, 1), await openDevice(ctx, 2)];

    // a -> b -> c, each keeping 10 fen of change; then c pays part of it back to b
    const loaded = await load(ctx, a, 'ld_hold-a', 1_000);
    const toC = payAlong(ctx, { issue: loaded.coins[0]!, links: [] }, [a, b, c], 10);
    const back = payAlong(ctx, toC, [c, b], 300);
    const first = await reconcilePaths(ctx, [toC], { uploader: c.deviceId, policy });
    expect(first.verdicts.map((v) => v.status)).toEqual(['accepted']);
    expect([held(store, a), held(store, b), held(store, c)]).toEqual([10, 10, 980]);
    const second = await reconcilePaths(ctx, [back], { uploader: b.deviceId, policy });
    expect(second.verdicts.map((v) => v.status)).toEqual(['accepted']);
    expect([held(store, a), held(store, b), held(store, c)]).toEqual([10, 690, 300]);
    // a re-upload moves nothing
    await reconcilePaths(ctx, [toC, back], { uploader: a.deviceId, policy });
    expect([held(store, a), held(store, b), held(store, c)]).toEqual([10, 690, 300]);

    // the cap counts received coins: b holds 690 (and no roots)
    const refused = load(ctx, b, 'ld_hold-b1', CAP - 690 + 1);
    await expect(refused).rejects.toBeInstanceOf(EcnyError);
    await expect(refused).rejects.toMatchObject({ code: 'LIMIT_OFFLINE_BALANCE' });
    await load(ctx, b, 'ld_hold-b2', CAP - 690);
    expect((await runAudit(store)).breaks).toEqual([]);
    await store.close();

    // a database from before the holdings were kept, when every output had a row and an index by
    // owner: the migrations compute the holdings and each spend's input owner from those rows
    const old = new SqliteStore({ path });
    const spends = old.db
      .prepare<[], { spend_hash: string; spend: string; counterfeit: number }>(
        'SELECT spend_hash, spend, counterfeit FROM offline_spends',
      )
      .all();
    const insertOutput = old.db.prepare(
      'INSERT INTO offline_outputs (coin_id, spend_hash, idx, owner, amount, counterfeit, to_issuer) VALUES (?, ?, ?, ?, ?, ?, 0)',
    );
    for (const r of spends) {
      const ids = fastOutputCoinIds(Buffer.from(r.spend_hash, 'base64url'), 2);
      const outputs = (JSON.parse(r.spend) as Spend).outputs;
      outputs.forEach((o, k) => {
        insertOutput.run(ids[k], r.spend_hash, k, o.owner, o.amount, r.counterfeit);
      });
    }
    old.db.exec(`DROP TABLE offline_holdings;
      ALTER TABLE offline_spends DROP COLUMN input_owner;
      CREATE INDEX offline_outputs_by_owner ON offline_outputs (owner);
      DELETE FROM schema_version WHERE version IN (9, 10);`);
    await old.close();
    store = new SqliteStore({ path });
    ctx = await createContext(defaultConfig(), { store });
    const owners = store.db
      .prepare<[], { input_owner: string }>(
        'SELECT input_owner FROM offline_spends ORDER BY hop, input_owner',
      )
      .all()
      .map((r) => r.input_owner);
    expect(owners).toEqual([a.cert.publicKey, b.cert.publicKey, c.cert.publicKey]);
    // only a losing spend's coins keep rows of their own (there is none here)
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM offline_outputs').get()).toEqual({ n: 0 });
    expect([held(store, a), held(store, b), held(store, c)]).toEqual([10, 690, 300]);
    expect((await runAudit(store)).breaks).toEqual([]);

    // a kept figure that drifted from the spent set is a break
    store.db.prepare('UPDATE offline_holdings SET amount = amount + 1 WHERE owner = ?').run(c.cert.publicKey);
    const report = await runAudit(store);
    expect(report.ok).toBe(false);
    expect(report.breaks.map((x) => x.code)).toEqual(['OFFLINE_HOLDINGS_MISMATCH']);
    expect(report.breaks[0]!.message).toContain(c.cert.publicKey);
    await store.close();
  });
});

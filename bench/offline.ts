/**
 * Offline money: path verification per hop vs raw Ed25519 verification (same
 * run), reconciliation throughput over a 100,000-spend batch (fresh spends
 * and already-known re-uploads), and bundle sizes for 1-8 hops.
 * Runs alone: `npx tsx bench/offline.ts`.
 */
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { createContext, defaultConfig, SodiumSigner } from '@ecny-sim/server';
import { reconcilePaths } from '@ecny-sim/server/offline/reconcile';
import { loadToDevice } from '@ecny-sim/server/offline/service';
import {
  type Coin,
  canonicalJson,
  coinAmount,
  coinId,
  type DeviceCert,
  encodeBundle,
  extendCoin,
  issueDeviceCert,
  OfflineSandbox,
  objectHash,
  randomBytes,
  signSpend,
  TIER_SPECS,
  verifyPath,
} from '@ecny-sim/wallet-core';
import { opsPerSecond, printRows, type Row } from './common';

const DEVICES = 16;
const HOPS = 4;
const SPENDS = 100_000;
const BATCH_PATHS = 1_000;
const UPLOADS_IN_FLIGHT = 4;

export async function benchOffline(): Promise<Row[]> {
  const rows: Row[] = [];
  const ctx = await createContext(defaultConfig());
  const verifier = ctx.verifier;

  // raw Ed25519 verification, same run
  const rawSigner = new SodiumSigner(new Uint8Array(32).fill(9));
  const message = objectHash('spend', { bench: true });
  const sig = rawSigner.sign(message);
  const rawSync = opsPerSecond(() => verifier.verify(sig, message, rawSigner.publicKey));
  const sigText = Buffer.from(sig).toString('base64url');
  const keyText = Buffer.from(rawSigner.publicKey).toString('base64url');
  /** Both cores verifying 20,000 signatures in bulk on the verification workers (what reconciliation uses). */
  const rawBothCores = async () => {
    await Promise.all(
      Array.from({ length: 2_000 }, () => verifier.verifyAsyncText(sigText, message, keyText)),
    );
    const t1 = performance.now();
    const cpu1 = process.cpuUsage();
    const verdicts = await Promise.all(
      Array.from({ length: 20_000 }, () => verifier.verifyAsyncText(sigText, message, keyText)),
    );
    const cpu = process.cpuUsage(cpu1);
    if (!verdicts.every(Boolean)) throw new Error('bulk verification refused a valid signature');
    return { bulk: 20_000_000 / (performance.now() - t1), cpuMicros: (cpu.user + cpu.system) / 20_000 };
  };
  const { bulk: rawBulk } = await rawBothCores();
  rows.push({
    bench: 'offline',
    name: 'raw Ed25519 verify, libsodium, 1 thread',
    value: rawSync,
    unit: 'ops/s',
  });
  rows.push({
    bench: 'offline',
    name: 'raw Ed25519 verify in bulk, worker threads',
    value: rawBulk,
    unit: 'ops/s',
    extra: { cores: availableParallelism(), 'x 1 thread': rawBulk / rawSync },
  });

  // stateless path verification per hop (wallet-core verifyPath, node verifier): 2 signatures + 1 issue per path
  const sandbox = new OfflineSandbox();
  for (const hops of [1, 4, 8]) {
    const b = sandbox.hopBundle(hops);
    const entry = b.spends[0]!;
    const coin = extendCoin(entry.coin, entry.spend, 0, b.payer);
    const perPath = opsPerSecond(
      () => verifyPath(coin, { trust: sandbox.trust, verifier, now: sandbox.now }),
      400,
    );
    rows.push({
      bench: 'offline',
      name: `verifyPath ${hops} hop(s), per hop`,
      value: perPath * hops,
      unit: 'hops/s',
      extra: { 'x raw verify': (perPath * hops) / rawSync, 'µs/hop': 1e6 / (perPath * hops) },
    });
  }

  // a world: devices with certificates from the server's operator, root coins loaded through the service
  const operator = ctx.world.operators.get('op_icbc')!;
  const now = ctx.now();
  const devices: { signer: SodiumSigner; cert: DeviceCert; walletId: string }[] = [];
  for (let i = 0; i < DEVICES; i++) {
    const signer = new SodiumSigner(randomBytes(32));
    const publicKey = Buffer.from(signer.publicKey).toString('base64url');
    const walletId = `w_bench${i}`;
    const deviceId = `d_bench${i}`;
    const cert = issueDeviceCert(
      {
        deviceId,
        walletId,
        operatorId: 'op_icbc',
        publicKey,
        tier: 1,
        offline: { ...TIER_SPECS[1].offline, balanceCap: 1_000_000_000 },
        validFrom: now - 60_000,
        validUntil: now + 86_400_000,
      },
      operator.signer,
    );
    await ctx.store.ensureAccounts([
      { id: `wallet:${walletId}`, book: 'ecny', kind: 'wallet', allowNegative: false },
    ]);
    await ctx.store.insertWallet(
      {
        walletId,
        operatorId: 'op_icbc',
        displayName: `bench ${i}`,
        tier: 1,
        phone: null,
        region: null,
        resident: false,
        merchant: null,
        createdAt: now,
      },
      { deviceId, walletId, publicKey, cert, revokedAt: null, revokedReason: null, createdAt: now },
    );
    await ctx.store.applyTransfers([
      {
        id: `fund:${walletId}`,
        debit: 'vault:op_icbc',
        credit: `wallet:${walletId}`,
        amount: 2_000_000,
        kind: 'topup',
      },
    ]);
    devices.push({ signer, cert, walletId });
  }
  const roots = SPENDS / HOPS;
  const paths: Coin[] = [];
  const tSetup = performance.now();
  for (let d = 0; d < DEVICES; d++) {
    const wallet = (await ctx.store.getWallet(devices[d]!.walletId))!;
    const device = (await ctx.store.getDevice(devices[d]!.cert.deviceId))!;
    const mine = Math.ceil(roots / DEVICES);
    for (let done = 0; done < mine && paths.length < roots; done += 64) {
      const n = Math.min(64, mine - done, roots - paths.length);
      const loaded = await loadToDevice(ctx, wallet, device, {
        requestId: `ld_bench-${d}-${done}`,
        amount: n * 1_000,
        denominations: Array.from({ length: n }, () => 1_000),
      });
      for (const issue of loaded.coins) {
        let coin: Coin = { issue, links: [] };
        for (let h = 0; h < HOPS; h++) {
          const from = devices[(d + h) % DEVICES]!;
          const to = devices[(d + h + 1) % DEVICES]!;
          const amount = coinAmount(coin);
          const spend = signSpend(
            {
              inputCoinId: coinId(coin),
              outputs: [
                { owner: to.cert.publicKey, amount: amount - 10 },
                { owner: from.cert.publicKey, amount: 10 },
              ],
              requestId: `rq_bench-${paths.length}-${h}`,
              counter: h + 1,
              time: now + h,
            },
            from.signer,
          );
          coin = extendCoin(coin, spend, 0, from.cert);
        }
        paths.push(coin);
      }
    }
  }
  const setupMs = performance.now() - tSetup;

  const policy = { compensateHonestHolders: true, recoverFromCulprit: true, revokeCulprit: true };
  // Uploads arrive from many devices at once: UPLOADS_IN_FLIGHT syncs are reconciled concurrently.
  const run = async () => {
    let fresh = 0;
    let known = 0;
    let next = 0;
    const start = performance.now();
    const cpu0 = process.cpuUsage();
    await Promise.all(
      Array.from({ length: UPLOADS_IN_FLIGHT }, async () => {
        while (next < paths.length) {
          const at = next;
          next += BATCH_PATHS;
          const r = await reconcilePaths(ctx, paths.slice(at, at + BATCH_PATHS), {
            uploader: 'd_bench0',
            policy,
          });
          fresh += r.counts.fresh;
          known += r.counts.known;
          if (r.verdicts.some((v) => v.status === 'invalid' || v.status === 'double_spend')) {
            throw new Error(
              `unexpected verdict ${JSON.stringify(r.verdicts.find((v) => v.status !== 'accepted'))}`,
            );
          }
        }
      }),
    );
    const cpu = process.cpuUsage(cpu0);
    return { fresh, known, ms: performance.now() - start, cpuMicros: cpu.user + cpu.system };
  };
  // The machine's speed drifts: the two-core baseline is measured right before and right after the
  // fresh spends, and the ratio is taken against the mean of both.
  const before = await rawBothCores();
  const first = await run();
  const after = await rawBothCores();
  const rawBoth = (before.bulk + after.bulk) / 2;
  const second = await run();
  const freshRate = (first.fresh * 1000) / first.ms;
  const knownRate = (second.known * 1000) / second.ms;
  rows.push({
    bench: 'offline',
    name: `reconcile ${first.fresh.toLocaleString('en-US')} fresh spends (${HOPS}-hop paths, ${BATCH_PATHS} per upload, ${UPLOADS_IN_FLIGHT} uploads in flight)`,
    value: freshRate,
    unit: 'spends/s',
    extra: {
      'x raw verify 1 thread': freshRate / rawSync,
      'x raw both cores': freshRate / rawBoth,
      // CPU time of every thread: what a fresh spend costs against one bulk verification
      'CPU µs/spend': first.cpuMicros / first.fresh,
      'CPU µs/raw verify': (before.cpuMicros + after.cpuMicros) / 2,
      'raw both cores before, after': `${Math.round(before.bulk)}, ${Math.round(after.bulk)}`,
      target: '>=0.6x raw verify on both cores (in bulk on the workers)',
      met: freshRate / rawBoth >= 0.6,
      'setup s': setupMs / 1000,
    },
  });
  rows.push({
    bench: 'offline',
    name: `reconcile ${second.known.toLocaleString('en-US')} already-known spends (re-upload)`,
    value: knownRate,
    unit: 'spends/s',
    extra: { 'x fresh': knownRate / freshRate, 'target x fresh >= 10': knownRate / freshRate >= 10 },
  });

  // bundle bytes
  for (let hops = 1; hops <= 8; hops++) {
    const b = sandbox.hopBundle(hops);
    rows.push({
      bench: 'offline',
      name: `bundle ${hops} hop(s)`,
      value: encodeBundle(b).length,
      unit: 'bytes',
      extra: { 'canonical JSON bytes': canonicalJson(b).length },
    });
  }
  await ctx.store.close();
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  printRows(await benchOffline());
}

/**
 * A server process for the HTTP benchmarks, so that the load generator and
 * the server do not share one event loop. Prints one JSON line when ready:
 * {port, file?}. Modes:
 *   express-trivial            Express 5, JSON POST answered with {ok:true}
 *   express-verify             the same plus one Ed25519 verify (libsodium, as the server)
 *   express-verify-node-prototypes
 *                              the same with Express's methods on Node's prototypes,
 *                              as the server runs it (server/src/http/node-prototypes.ts)
 *   ecny <dir> <wallets> <singles> <batched>
 *                              the real server on a file database (WAL,
 *                              synchronous=FULL) with tier-1 wallets topped up,
 *                              and pre-signed transfers written to <dir>/load.json
 */
import { readdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { createApp, createContext, defaultConfig, SodiumSigner, SodiumVerifier } from '@ecny-sim/server';
import { useNodePrototypes } from '@ecny-sim/server/http/node-prototypes';
import { openWallet, topUp } from '@ecny-sim/server/wallets/service';
import { issueToOperator } from '@ecny-sim/server/world/world';
import {
  encodeKey,
  REGISTRATION_TYPE,
  randomBytes,
  signObject,
  signTransfer,
  sortableId,
} from '@ecny-sim/wallet-core';
import express from 'express';
import { procCpu } from './common';

const BENCH_SECRET = new Uint8Array(32).fill(42);

function listen(app: express.Express, extra: Record<string, unknown> = {}): void {
  const server = app.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    process.stdout.write(`${JSON.stringify({ port, ...extra })}\n`);
  });
  server.keepAliveTimeout = 60_000;
}

function baseline(withVerify: boolean, nodePrototypes = false): void {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  if (nodePrototypes) {
    // The server's way of giving requests Express's methods (http/node-prototypes.ts).
    const adopt = useNodePrototypes(app);
    app.use((req, res, next) => {
      adopt(req, res);
      next();
    });
  }
  app.use(express.json({ limit: '64kb' }));
  const key = new SodiumSigner(BENCH_SECRET).publicKey;
  const verifier = new SodiumVerifier();
  app.post('/echo', (req, res) => {
    const body = req.body as { digest: string; sig: string };
    if (withVerify) {
      // The server's own verification (libsodium), on the main thread.
      const ok = verifier.verify(
        Buffer.from(body.sig, 'base64url'),
        Buffer.from(body.digest, 'base64url'),
        key,
      );
      if (!ok) {
        res.status(401).json({ error: { code: 'BAD_SIGNATURE', message: 'no' } });
        return;
      }
    }
    res.json({ ok: true });
  });
  listen(app);
  // Exit on SIGTERM rather than being killed, so that --cpu-prof and the like write their output.
  process.on('SIGTERM', () => process.exit(0));
}

async function inChunks<T>(items: T[], size: number, f: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(f));
}

async function ecny(dir: string, walletCount: number, singles: number, batched: number): Promise<void> {
  const ctx = await createContext(defaultConfig({ dbPath: join(dir, 'ecny.sqlite'), dataDir: dir }));
  // Issue enough to the operator vaults up front: concurrent top-ups that find a
  // vault short each trigger their own refill (see the report), which would
  // drain the operators' reserves during this setup.
  for (const operatorId of ['op_icbc', 'op_ccb']) {
    const outcome = await ctx.store.applyTransfers(
      issueToOperator(operatorId, walletCount * 5_000_000, `bench-issue-${operatorId}`),
    );
    if (!outcome.ok) throw new Error(outcome.message);
  }
  const wallets: { walletId: string; deviceId: string; signer: SodiumSigner }[] = [];
  await inChunks(
    Array.from({ length: walletCount }, (_, i) => i),
    200,
    async (i) => {
      const signer = new SodiumSigner(randomBytes(32));
      const registration = signObject(
        REGISTRATION_TYPE,
        {
          operatorId: i % 2 ? 'op_icbc' : 'op_ccb',
          tier: 1 as const,
          displayName: `bench ${i}`,
          devicePublicKey: encodeKey(signer.publicKey),
          createdAt: Date.now(),
        },
        signer,
      );
      const opened = await openWallet(ctx, registration);
      const row = (await ctx.store.getWallet(opened.wallet.walletId))!;
      await topUp(ctx, row, `bench-${i}`, 5_000_000);
      wallets.push({ walletId: row.walletId, deviceId: opened.deviceId, signer });
    },
  );
  const make = (i: number) => {
    const from = wallets[i % walletCount]!;
    const to = wallets[(i * 7919 + 1 + Math.floor(i / walletCount)) % walletCount]!;
    const target = to === from ? wallets[(i + 1) % walletCount]! : to;
    return JSON.stringify(
      signTransfer(
        {
          // Ids as wallet-core's client makes them.
          transferId: sortableId('tx'),
          from: from.walletId,
          to: target.walletId,
          amount: 1 + (i % 100),
          deviceId: from.deviceId,
          createdAt: Date.now(),
        },
        from.signer,
      ),
    );
  };
  const load = {
    singles: Array.from({ length: singles }, (_, i) => make(i)),
    batched: Array.from({ length: batched }, (_, i) => make(singles + i)),
  };
  const file = join(dir, 'load.json');
  writeFileSync(file, JSON.stringify(load));
  const app = createApp(ctx);
  listen(app, { file });
  const diagnose = process.env.ECNY_BENCH_DIAG === '1' ? pauses() : null;
  const cpuAtStart = process.cpuUsage();
  const threadsAtStart = diagnose ? threadTimes() : null;
  process.on('SIGTERM', () => {
    diagnose?.();
    const store = ctx.store as { checkpoints?: unknown; commits?: unknown };
    if (diagnose) {
      const cpu = process.cpuUsage(cpuAtStart);
      process.stderr.write(
        `server CPU since ready (all threads): ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms, system ${(cpu.system / 1000).toFixed(0)} ms\n`,
      );
    }
    if (threadsAtStart) {
      const now = threadTimes();
      const byName = new Map<string, number>();
      for (const [tid, t] of now) {
        const spent = t.ms - (threadsAtStart.get(tid)?.ms ?? 0);
        if (spent > 0) byName.set(`${t.name}#${tid}`, spent);
      }
      process.stderr.write(`threads CPU ms: ${[...byName].map(([n, ms]) => `${n}=${ms}`).join(' ')}\n`);
    }
    if (diagnose && store.checkpoints)
      process.stderr.write(`checkpoints: ${JSON.stringify(store.checkpoints)}\n`);
    if (diagnose && store.commits) process.stderr.write(`commits: ${JSON.stringify(store.commits)}\n`);
    void ctx.store.close().finally(() => process.exit(0));
  });
}

/** CPU time (user + system, ms) of each thread of this process, by thread id (Linux). */
function threadTimes(): Map<string, { name: string; ms: number }> {
  const out = new Map<string, { name: string; ms: number }>();
  for (const tid of readdirSync('/proc/self/task')) {
    const t = procCpu(`/proc/self/task/${tid}/stat`);
    if (t) out.set(tid, { name: tid === String(process.pid) ? 'main' : t.name, ms: t.ms });
  }
  return out;
}

/**
 * ECNY_BENCH_DIAG=1: event-loop delay and garbage-collection pauses of the server while it is
 * under load, printed to stderr when it stops (what the latency tail is made of).
 */
function pauses(): () => void {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const gc = new Map<number, number[]>();
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? 0;
      gc.set(kind, [...(gc.get(kind) ?? []), e.duration]);
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => {
    delay.disable();
    observer.disconnect();
    const ms = (ns: number) => (ns / 1e6).toFixed(1);
    const lines = [
      `event-loop delay ms: p50 ${ms(delay.percentile(50))} p99 ${ms(delay.percentile(99))} max ${ms(delay.max)}`,
    ];
    const names: Record<number, string> = {
      1: 'scavenge',
      2: 'minor mark-sweep',
      4: 'mark-sweep-compact',
      8: 'incremental',
      16: 'weak callbacks',
    };
    for (const [kind, d] of gc) {
      d.sort((a, b) => a - b);
      const total = d.reduce((a, b) => a + b, 0);
      lines.push(
        `gc ${names[kind] ?? kind}: ${d.length} pauses, ${total.toFixed(0)} ms in all, p99 ${(d[Math.floor(d.length * 0.99)] ?? 0).toFixed(1)} ms, max ${(d.at(-1) ?? 0).toFixed(1)} ms`,
      );
    }
    process.stderr.write(`${lines.join('\n')}\n`);
  };
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'express-trivial') baseline(false);
else if (mode === 'express-verify') baseline(true);
else if (mode === 'express-verify-node-prototypes') baseline(true, true);
else if (mode === 'ecny') await ecny(args[0]!, Number(args[1]), Number(args[2]), Number(args[3]));
else throw new Error(`unknown mode ${mode}`);

/**
 * Crash safety: the real server (`node --import tsx server/src/main.ts`, a
 * file database in a temporary folder) is killed with SIGKILL at random
 * moments while several clients pay each other (single transfers and
 * batches) and top up, each request retried with the same transferId /
 * requestId until it is answered. After every kill the server is restarted.
 * At the end: every acknowledged transfer is in the ledger exactly once with
 * the ledger position of its receipt, nothing refused or unanswered is there,
 * no group is half-applied, every balance equals what the answers add up to,
 * and the audit holds (over HTTP and on the database file).
 *
 * CRASH_SEED and CRASH_KILLS tune a run.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Accounts, runAudit, SodiumSigner, SqliteStore } from '@ecny-sim/server';
import {
  decodeKey,
  EcnyClient,
  generateKeyPair,
  isEcnyError,
  nobleVerifier,
  type OnlineTransfer,
  signTransfer,
  type TransferReceipt,
  verifyReceipt,
} from '@ecny-sim/wallet-core';
import { afterAll, describe, expect, it } from 'vitest';
import { prng, recordFigures } from './_support';

const ROOT = resolve(import.meta.dirname, '../..');
const SEED = Number(process.env.CRASH_SEED ?? 7);
const KILLS = Math.max(10, Number(process.env.CRASH_KILLS ?? 10));
const CLIENTS = 6;
const ADMIN_TOKEN = 'crash-test-admin-token-0123456789';

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => ok(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class ServerProcess {
  proc: ChildProcess | null = null;
  stderr = '';
  starts = 0;
  readonly startMs: number[] = [];

  constructor(
    readonly dataDir: string,
    readonly port: number,
  ) {}

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  spawn(): ChildProcess {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
      cwd: ROOT,
      env: {
        // the file store on purpose (this test reads the SQLite file afterwards), whatever the caller's DATABASE_URL
        ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'DATABASE_URL')),
        DATA_DIR: this.dataDir,
        PORT: String(this.port),
        HOST: '127.0.0.1',
        DEMO: '0',
        LOG_LEVEL: 'error',
        ADMIN_TOKEN,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    proc.stderr!.on('data', (c: Buffer) => {
      this.stderr += c.toString();
    });
    this.proc = proc;
    this.starts++;
    return proc;
  }

  async start(): Promise<void> {
    const t0 = performance.now();
    const proc = this.spawn();
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null)
        throw new Error(`server exited with ${proc.exitCode}: ${this.stderr.slice(-2000)}`);
      try {
        const r = await fetch(`${this.url}/v1/health`, { signal: AbortSignal.timeout(1_000) });
        if (r.ok) {
          this.startMs.push(performance.now() - t0);
          return;
        }
      } catch {
        // not up yet
      }
      await sleep(40);
    }
    throw new Error('server did not start in 30 s');
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((ok) => proc.once('exit', () => ok()));
    proc.kill(signal);
    await exited;
    this.proc = null;
  }
}

interface Outcome {
  receipt?: TransferReceipt;
  code?: string;
}

describe('crash safety under SIGKILL', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ecny-crash-'));
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await server?.kill();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`survives ${KILLS} kills with nothing lost, nothing doubled and nothing half-applied`, async () => {
    const started = performance.now();
    // the killer and each client draw from their own seeded stream, so the kill schedule repeats
    const rand = prng(SEED);
    server = new ServerProcess(dataDir, await freePort());
    await server.start();
    const s = server;

    const base = new EcnyClient({ baseUrl: s.url });
    const admin = new EcnyClient({ baseUrl: s.url, adminToken: ADMIN_TOKEN });
    const info = await base.info();
    const issuerKey = decodeKey(info.issuerPublicKey);

    // wallets first (opening is not idempotent), before any kill
    const wallets = await Promise.all(
      Array.from({ length: CLIENTS }, async (_, i) => {
        const signer = new SodiumSigner(generateKeyPair().secretKey);
        const opened = await base.openWallet(
          { operatorId: 'op_icbc', tier: 2, displayName: `Crash ${i}` },
          signer,
        );
        const client = base.as({ deviceId: opened.deviceId, signer });
        await client.topUp(opened.wallet.walletId, 200_000, `tu_setup_${i}_000`);
        return { i, walletId: opened.wallet.walletId, deviceId: opened.deviceId, signer, client };
      }),
    );

    const outcomes = new Map<string, Outcome>();
    const transfers = new Map<string, OnlineTransfer>();
    const topups = new Map<string, { walletId: string; amount: number; ok: boolean }>();
    for (const w of wallets)
      topups.set(`tu_setup_${w.i}_000`, { walletId: w.walletId, amount: 200_000, ok: true });
    let networkErrors = 0;
    let retries = 0;
    let answered = 0;
    /** Operations whose first attempt got no answer (the server died under them). */
    let interrupted = 0;
    /** Transfers the server had settled before it died, acknowledged only on a retry. */
    let settledBeforeKill = 0;
    const noteReplay = (r: { retried: boolean; lastStart: number }, receipt: TransferReceipt) => {
      if (r.retried && receipt.settledAt < r.lastStart) settledBeforeKill++;
    };
    const unexpected: string[] = [];

    /** Calls until the server answers (a result or a coded refusal); network failures are retried. */
    async function untilAnswered<T>(
      rand: () => number,
      call: () => Promise<T>,
    ): Promise<{ value?: T; code?: string; retried: boolean; lastStart: number }> {
      for (let attempt = 0; ; attempt++) {
        if (attempt > 0) retries++;
        const lastStart = Date.now();
        const retried = attempt > 0;
        if (attempt === 1) interrupted++;
        try {
          const value = await call();
          answered++;
          return { value, retried, lastStart };
        } catch (e) {
          if (isEcnyError(e) && (e.details as { status?: number } | undefined)?.status !== undefined) {
            const status = (e.details as { status: number }).status;
            answered++;
            if (status >= 500 || e.code === 'RATE_LIMITED') unexpected.push(`${e.code}: ${e.message}`);
            else return { code: e.code, retried, lastStart };
          } else {
            networkErrors++;
          }
          if (attempt > 2_000) throw new Error('no answer after 2,000 attempts');
          // back off while the server is down (it takes a second or two to restart)
          await sleep(Math.min(400, 20 * 2 ** Math.min(attempt, 5)) + Math.floor(rand() * 40));
        }
      }
    }

    let stop = false;
    let opsDone = 0;
    const clientLoop = async (w: (typeof wallets)[number]) => {
      const rand = prng(SEED * 1_000 + w.i + 1);
      const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
      let n = 0;
      while (!stop && n < 150) {
        n++;
        const roll = rand();
        const others = wallets.filter((o) => o !== w);
        const sign = () => {
          const t = signTransfer(
            {
              transferId: `tx_c${w.i}_${n}_${transfers.size}`,
              from: w.walletId,
              to: pick(others).walletId,
              amount: 1 + Math.floor(rand() * 2_000),
              deviceId: w.deviceId,
              createdAt: Date.now(),
            },
            w.signer,
          );
          transfers.set(t.transferId, t);
          return t;
        };
        if (roll < 0.65) {
          const t = sign();
          const r = await untilAnswered(rand, () => w.client.submitTransfer(t));
          outcomes.set(t.transferId, r.value ? { receipt: r.value.receipt } : { code: r.code! });
          if (r.value) noteReplay(r, r.value.receipt);
        } else if (roll < 0.85) {
          const batch = Array.from({ length: 2 + Math.floor(rand() * 6) }, sign);
          const r = await untilAnswered(rand, () => w.client.submitTransferBatch(batch));
          if (r.value) {
            r.value.results.forEach((item, k) => {
              const id = batch[k]!.transferId;
              outcomes.set(id, item.ok ? { receipt: item.receipt } : { code: item.error.code });
              if (item.ok) noteReplay(r, item.receipt);
            });
          } else {
            for (const t of batch) outcomes.set(t.transferId, { code: r.code! });
          }
        } else {
          const requestId = `tu_c${w.i}_${n}_x`;
          const amount = 500 + Math.floor(rand() * 5_000);
          const r = await untilAnswered(rand, () => w.client.topUp(w.walletId, amount, requestId));
          topups.set(requestId, { walletId: w.walletId, amount, ok: !!r.value });
        }
        opsDone++;
      }
    };
    const clientsDone = Promise.all(wallets.map(clientLoop));

    // the killer: random moments, bounded count; now and then also during a restart
    let kills = 0;
    let killsDuringStartup = 0;
    while (kills < KILLS) {
      // let the clients get some answers from this incarnation first (however slow the machine is)
      const opsAtStart = opsDone;
      for (let waited = 0; opsDone < opsAtStart + 2 && waited < 5_000; waited += 20) await sleep(20);
      await sleep(100 + Math.floor(rand() * 700));
      await s.kill('SIGKILL');
      kills++;
      if (rand() < 0.15 && kills < KILLS) {
        s.spawn();
        await sleep(50 + Math.floor(rand() * 400));
        await s.kill('SIGKILL');
        kills++;
        killsDuringStartup++;
      }
      await sleep(Math.floor(rand() * 150));
      await s.start();
    }
    stop = true;
    await clientsDone;
    const loadSeconds = (performance.now() - started) / 1000;

    expect(unexpected).toEqual([]);
    // no internal error was logged by any of the server processes
    expect(s.stderr).not.toContain('"level":"error"');
    const acked = [...outcomes].filter(([, o]) => o.receipt);
    const refused = [...outcomes].filter(([, o]) => o.code);
    expect(outcomes.size).toBe(transfers.size); // every transfer got an answer
    expect(acked.length).toBeGreaterThan(2 * KILLS);
    // the only refusals are the ledger's own (a drained balance), never a conflict from a retry
    for (const [id, o] of refused) expect(['INSUFFICIENT_FUNDS', 'LIMIT_PER_DAY'], id).toContain(o.code);

    // every receipt is the issuer's and settles exactly the signed transfer
    for (const [id, o] of acked) verifyReceipt(o.receipt!, transfers.get(id)!, issuerKey, nobleVerifier);

    // over HTTP: the audit, each wallet's history and balance
    const audit = await admin.audit();
    expect(audit.breaks).toEqual([]);
    expect(audit.ok).toBe(true);
    const expected = new Map<string, number>(wallets.map((w) => [w.walletId, 0]));
    for (const t of topups.values()) if (t.ok) expected.set(t.walletId, expected.get(t.walletId)! + t.amount);
    for (const [id, o] of acked) {
      const t = transfers.get(id)!;
      expected.set(t.from, expected.get(t.from)! - o.receipt!.amount);
      expected.set(t.to, expected.get(t.to)! + o.receipt!.amount);
    }
    for (const w of wallets) {
      const view = await w.client.wallet(w.walletId);
      expect(view.wallet.balance, `balance of wallet ${w.i}`).toBe(expected.get(w.walletId));
      const { entries } = await w.client.history(w.walletId, 500);
      const payments = entries.filter((e) => e.kind === 'payment');
      const mine = acked.filter(([id]) => {
        const t = transfers.get(id)!;
        return t.from === w.walletId || t.to === w.walletId;
      });
      // the newest 500 entries: every acknowledged payment from the oldest of them on is there once
      const full = entries.length < 500;
      const minSeq = full ? 0 : Math.min(...entries.map((e) => e.ledgerSeq));
      const inWindow = mine.filter(([, o]) => o.receipt!.ledgerSeq >= minSeq);
      expect(payments).toHaveLength(inWindow.length);
      const seen = new Map<string, number>();
      for (const e of payments) seen.set(e.transferId, (seen.get(e.transferId) ?? 0) + 1);
      for (const [id, o] of inWindow) {
        expect(seen.get(id), `transfer ${id} in history`).toBe(1);
        expect(payments.find((e) => e.transferId === id)?.ledgerSeq).toBe(o.receipt!.ledgerSeq);
      }
    }

    // on the database file, with the server stopped
    await s.kill('SIGTERM');
    const store = new SqliteStore({ path: join(dataDir, 'ecny.sqlite') });
    try {
      const fileAudit = await runAudit(store);
      expect(fileAudit.breaks).toEqual([]);
      for (const [id, o] of acked) {
        const row = await store.getTransfer(`pay:${id}`);
        expect(row?.seq, `acknowledged ${id}`).toBe(o.receipt!.ledgerSeq);
      }
      for (const [id] of refused) expect(await store.getTransfer(`pay:${id}`), `refused ${id}`).toBeNull();
      const count = store.db
        .prepare<[], { n: number }>(
          "SELECT COUNT(*) AS n FROM transfers WHERE kind = 'payment' AND id LIKE 'pay:tx_c%'",
        )
        .get()!.n;
      expect(count).toBe(acked.length);
      // a top-up is a two-leg group: both legs or neither, and exactly the acknowledged ones
      for (const [requestId, t] of topups) {
        const id = `topup:${t.walletId}:${requestId}`;
        const legs = store.db
          .prepare<[string], { id: string; group_id: string }>(
            'SELECT id, group_id FROM transfers WHERE group_id = ?',
          )
          .all(id);
        expect(legs.map((l) => l.id).sort(), `top-up ${requestId}`).toEqual(t.ok ? [id, `${id}:ecny`] : []);
      }
      const orphans = store.db
        .prepare<[], { n: number }>(
          "SELECT COUNT(*) AS n FROM transfers t WHERE t.kind = 'topup' AND NOT EXISTS (SELECT 1 FROM transfers b WHERE b.id = t.group_id AND b.kind = 'topup_bank')",
        )
        .get()!.n;
      expect(orphans).toBe(0);
      for (const w of wallets) {
        expect(await store.getBalance(Accounts.wallet(w.walletId).id)).toBe(expected.get(w.walletId));
      }
    } finally {
      await store.close();
    }

    const seconds = (performance.now() - started) / 1000;
    const figures = {
      kills,
      killsDuringStartup,
      restarts: s.starts - 1,
      meanRestartMs: Math.round(
        s.startMs.slice(1).reduce((a, b) => a + b, 0) / Math.max(1, s.startMs.length - 1),
      ),
      clients: CLIENTS,
      operations: opsDone,
      transfers: transfers.size,
      acknowledged: acked.length,
      refused: refused.length,
      refusedCodes: Object.fromEntries(
        refused.reduce((m, [, o]) => m.set(o.code!, (m.get(o.code!) ?? 0) + 1), new Map<string, number>()),
      ),
      topups: topups.size,
      interrupted,
      settledBeforeKill,
      networkErrors,
      retries,
      answered,
      lost: 0,
      doubled: 0,
      loadSeconds: Math.round(loadSeconds * 10) / 10,
      seconds: Math.round(seconds * 10) / 10,
      seed: SEED,
    };
    console.log(`crash: ${JSON.stringify(figures)}`);
    await recordFigures('crash', figures);
  }, 180_000);
});

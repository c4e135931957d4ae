/**
 * (b) HTTP at 50 connections: Express 5 trivial JSON POST, Express + one
 * Ed25519 verify, and real online transfers (POST /v1/transfers) on a file
 * database with synchronous=FULL; (c) the batch endpoint with 1,000
 * transfers per call. Each server runs in its own process (bench/server-child.ts)
 * so the load generator does not steal its event loop.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SodiumSigner, SodiumVerifier } from '@ecny-sim/server';
import { objectHash, toBase64Url } from '@ecny-sim/wallet-core';
import { fmt, procCpu, type Row, SERVER_NODE_FLAGS } from './common';

const CHILD = join(import.meta.dirname, 'server-child.ts');
const CONNECTIONS = 50;
/** Rounds of turns (A B C, then C B A) in which the two verify baselines and the transfers share the run. */
const ROUNDS = 4;

export interface HttpBenchOptions {
  /** Seconds of load per endpoint. */
  seconds?: number;
  wallets?: number;
  singles?: number;
  batched?: number;
  batchSize?: number;
}

interface Child {
  port: number;
  file?: string;
  proc: ChildProcess;
  stop(): Promise<void>;
}

async function startChild(args: string[]): Promise<Child> {
  // e.g. ECNY_BENCH_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the servers
  const flags = (process.env.ECNY_BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const proc = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...flags, '--import', 'tsx', CHILD, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, LOG_LEVEL: 'silent' },
  });
  const ready = await new Promise<{ port: number; file?: string }>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)) as { port: number; file?: string });
    });
    proc.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return {
    ...ready,
    proc,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}

export interface LoadResult {
  ok: number;
  failed: number;
  seconds: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  tool: string;
  /** The server's CPU time per answered request, where it could be read. */
  cpuMicros?: number;
  /** How many of the bodies were sent. */
  sent: number;
  /** Latency of every answered 2xx request, ms. */
  latencies: number[];
}

type AutocannonFn = typeof import('autocannon').default;
let autocannonFn: AutocannonFn | null | undefined;
async function loadAutocannon(): Promise<AutocannonFn | null> {
  if (autocannonFn === undefined) {
    try {
      autocannonFn = (await import('autocannon')).default;
    } catch {
      autocannonFn = null;
    }
  }
  return autocannonFn;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

/** POSTs bodies[0..] (each once, in order) at `connections` concurrency for up to `seconds`. */
export async function postLoad(
  port: number,
  path: string,
  bodies: string[],
  seconds: number,
): Promise<LoadResult> {
  const autocannon = await loadAutocannon();
  let next = 0;
  const take = () => (next < bodies.length ? bodies[next++]! : null);
  if (autocannon) {
    const latencies: number[] = [];
    const instance = autocannon({
      url: `http://127.0.0.1:${port}`,
      connections: CONNECTIONS,
      duration: seconds,
      timeout: 30,
      requests: [
        {
          method: 'POST',
          path,
          headers: { 'content-type': 'application/json' },
          setupRequest: (req) => {
            const body = take();
            return { ...req, body: body ?? '{}' };
          },
        },
      ],
    });
    instance.on('response', (_client, status, _bytes, ms) => {
      if (status >= 200 && status < 300) latencies.push(ms);
    });
    const result = await instance;
    const ok = result['2xx'];
    return {
      ok,
      failed: result.non2xx + result.errors,
      seconds: result.duration,
      reqPerSec: ok / result.duration,
      p50: result.latency.p50,
      p99: result.latency.p99,
      tool: 'autocannon',
      sent: next,
      latencies,
    };
  }
  const result = await agentLoad(port, path, take, seconds);
  return { ...result, sent: next };
}

/**
 * Load on several servers in turns (A B C, then C B A, `rounds` times), `seconds` in all on each:
 * a drift of the machine's speed during the run reaches them alike, so their ratios hold still.
 * Each server takes its bodies in order across its turns; latencies are pooled over the turns.
 */
async function alternating(
  targets: { child: Child; path: string; bodies: string[] }[],
  rounds: number,
  seconds: number,
): Promise<LoadResult[]> {
  const turns: LoadResult[][] = targets.map(() => []);
  const used = targets.map(() => 0);
  const order = targets.map((_, k) => k);
  for (let r = 0; r < rounds; r++) {
    for (const k of r % 2 ? [...order].reverse() : order) {
      const { child, path, bodies } = targets[k]!;
      const result = await measuredLoad(child, path, bodies.slice(used[k]), seconds / rounds);
      used[k]! += result.sent;
      turns[k]!.push(result);
      // ECNY_BENCH_TURNS=1: each turn's figures on stderr.
      if (process.env.ECNY_BENCH_TURNS)
        process.stderr.write(
          `turn ${k} ${path}: ${result.reqPerSec.toFixed(0)} req/s, p99 ${result.p99} ms\n`,
        );
    }
  }
  const pooled = (results: LoadResult[]): LoadResult => {
    const latencies = results.flatMap((r) => r.latencies).sort((a, b) => a - b);
    const ok = results.reduce((n, r) => n + r.ok, 0);
    const failed = results.reduce((n, r) => n + r.failed, 0);
    const secs = results.reduce((n, r) => n + r.seconds, 0);
    const cpu = results.every((r) => r.cpuMicros !== undefined)
      ? results.reduce((n, r) => n + r.cpuMicros! * (r.ok + r.failed), 0) / (ok + failed)
      : undefined;
    return {
      ok,
      failed,
      seconds: secs,
      reqPerSec: ok / secs,
      p50: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
      tool: results[0]!.tool,
      ...(cpu !== undefined ? { cpuMicros: cpu } : {}),
      sent: results.reduce((n, r) => n + r.sent, 0),
      latencies,
    };
  };
  return turns.map(pooled);
}

/** postLoad with the server's CPU time per answered request (all its threads; Linux). */
async function measuredLoad(
  child: Child,
  path: string,
  bodies: string[],
  seconds: number,
): Promise<LoadResult> {
  const before = processCpuMs(child.proc.pid);
  const result = await postLoad(child.port, path, bodies, seconds);
  const after = processCpuMs(child.proc.pid);
  const answered = result.ok + result.failed;
  if (before !== null && after !== null && answered > 0)
    result.cpuMicros = ((after - before) * 1000) / answered;
  return result;
}

/** Fallback load loop: keep-alive http.Agent, `CONNECTIONS` requests in flight. */
async function agentLoad(
  port: number,
  path: string,
  take: () => string | null,
  seconds: number,
): Promise<Omit<LoadResult, 'sent'>> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  const one = async (body: string) => {
    const t0 = performance.now();
    try {
      const res = await post(agent, port, path, body);
      latencies.push(performance.now() - t0);
      if (res.status === 200) ok++;
      else failed++;
    } catch {
      failed++;
    }
  };
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      for (let body = take(); body !== null && performance.now() < deadline; body = take()) await one(body);
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    ok,
    failed,
    seconds: elapsed,
    reqPerSec: ok / elapsed,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    tool: 'http.Agent',
    latencies,
  };
}

function baselineBodies(n: number): string[] {
  const signer = new SodiumSigner(new Uint8Array(32).fill(42));
  return Array.from({ length: n }, (_, i) => {
    const body = {
      transferId: `baseline-${i}`,
      from: 'w_aaaaaaaaaaaaaaaaaaaaaa',
      to: 'w_bbbbbbbbbbbbbbbbbbbbbb',
      amount: 1 + (i % 100),
      deviceId: 'd_cccccccccccccccccccccc',
      createdAt: Date.now(),
    };
    const digest = objectHash('transfer', body);
    return JSON.stringify({ ...body, digest: toBase64Url(digest), sig: toBase64Url(signer.sign(digest)) });
  });
}

const row = (name: string, r: LoadResult, extra: Row['extra'] = {}): Row => ({
  bench: 'http',
  name,
  value: r.reqPerSec,
  unit: 'req/s',
  extra: {
    p50_ms: r.p50,
    p99_ms: r.p99,
    ok: r.ok,
    failed: r.failed,
    ...(r.cpuMicros !== undefined ? { 'server CPU µs/req': r.cpuMicros } : {}),
    ...extra,
  },
});

/** Entries (b) and (c). `only` picks 'http' (b) or 'batch' (c); both by default. */
export async function benchHttp(options: HttpBenchOptions = {}, only?: 'http' | 'batch'): Promise<Row[]> {
  const seconds = options.seconds ?? 4;
  const singles = options.singles ?? 32_000;
  // Warm-up calls first (as the single transfers have a warm-up second), then up to `seconds` measured.
  const batched = options.batched ?? BATCH_WARM_CALLS * (options.batchSize ?? 1_000) + 48_000;
  const batchSize = options.batchSize ?? 1_000;
  const rows: Row[] = [];
  const bodies = only !== 'batch' ? baselineBodies(80_000) : [];
  // Warm-ups take more bodies than their second can use: the server never sees an empty body.
  const warm = (child: Child) => postLoad(child.port, '/echo', bodies.slice(0, 12_000), 1);
  if (only !== 'batch') {
    const child = await startChild(['express-trivial']);
    try {
      await warm(child);
      const trivial = await measuredLoad(child, '/echo', bodies.slice(12_000), seconds);
      rows.push(row('Express 5 trivial JSON POST', trivial, { tool: trivial.tool }));
    } finally {
      await child.stop();
    }
  }

  const dir = mkdtempSync(join(tmpdir(), 'ecny-bench-'));
  const child = await startChild([
    'ecny',
    dir,
    String(options.wallets ?? 1_000),
    String(only === 'batch' ? 0 : singles),
    String(only === 'http' ? 0 : batched),
  ]);
  let batch: Row | undefined;
  try {
    const load = JSON.parse(readFileSync(child.file!, 'utf8')) as { singles: string[]; batched: string[] };
    if (only !== 'batch') {
      const verifyChild = await startChild(['express-verify']);
      const fastChild = await startChild(['express-verify-node-prototypes']);
      try {
        await warm(verifyChild);
        await warm(fastChild);
        // As many transfers as a second can take (a server that ran out would warm up on refusals).
        await postLoad(child.port, '/v1/transfers', load.singles.slice(0, 8_000), 1);
        // The baselines and the transfers in turns, so that all meet the same machine.
        const [baseline, fast, transfers] = await alternating(
          [
            { child: verifyChild, path: '/echo', bodies: bodies.slice(12_000) },
            { child: fastChild, path: '/echo', bodies: bodies.slice(12_000) },
            { child, path: '/v1/transfers', bodies: load.singles.slice(8_000) },
          ],
          ROUNDS,
          seconds,
        );
        const ratio = transfers.reqPerSec / baseline.reqPerSec;
        const cpuRatio = (base: LoadResult) =>
          transfers.cpuMicros !== undefined && base.cpuMicros !== undefined
            ? transfers.cpuMicros / base.cpuMicros
            : Number.NaN;
        rows.push(
          row('Express 5 + one Ed25519 verify (libsodium, as the server)', baseline, { tool: baseline.tool }),
          row('  the same, Express on Node prototypes (as the server)', fast, {
            'x verify-baseline': fast.reqPerSec / baseline.reqPerSec,
          }),
          row('POST /v1/transfers (file db, synchronous=FULL)', transfers, {
            'x verify-baseline': ratio,
            'CPU x verify-baseline': cpuRatio(baseline),
            'x node-prototypes baseline': transfers.reqPerSec / fast.reqPerSec,
            'CPU x node-prototypes baseline': cpuRatio(fast),
            turns: `${ROUNDS} rounds of ${fmt(seconds / ROUNDS, 1)} s each, ABC CBA`,
            target: '>=0.7x the verify baseline, p99<50ms',
            met: ratio >= 0.7 && transfers.p99 < 50,
          }),
        );
      } finally {
        await Promise.all([verifyChild.stop(), fastChild.stop()]);
      }
    }
    if (only !== 'http') {
      const verifyCpuBefore = rawVerifyCpuMicros();
      const warmUp = BATCH_WARM_CALLS * batchSize;
      await batchLoad(child.port, load.batched.slice(0, warmUp), batchSize, seconds);
      const serverBefore = processCpuMs(child.proc.pid);
      batch = await batchLoad(child.port, load.batched.slice(warmUp), batchSize, seconds);
      const serverAfter = processCpuMs(child.proc.pid);
      const verifyCpuAfter = rawVerifyCpuMicros();
      const verifyCpu = (verifyCpuBefore.sodium + verifyCpuAfter.sodium) / 2;
      const nodeVerifyCpu = (verifyCpuBefore.node + verifyCpuAfter.node) / 2;
      const settled = Number(batch.extra?.settled ?? 0);
      if (serverBefore !== null && serverAfter !== null && settled > 0) {
        // CPU time per settled transfer (the server's threads and the client) against one raw
        // verification's, measured before and after: a figure the machine's drift hardly moves.
        const server = ((serverAfter - serverBefore) * 1000) / settled;
        const client = Number(batch.extra?.['client CPU µs/transfer'] ?? 0);
        batch.extra = {
          ...batch.extra,
          'server CPU µs/transfer': server,
          'CPU µs/raw verify': verifyCpu,
          'x raw verify CPU (server + client)': (server + client) / verifyCpu,
          'CPU µs/raw verify, node:crypto': nodeVerifyCpu,
          'x node:crypto verify CPU': (server + client) / nodeVerifyCpu,
        };
      }
    }
  } finally {
    await child.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  if (batch) rows.push(batch);
  return rows;
}

/**
 * CPU time of one Ed25519 verification on this thread, in µs: with libsodium (the server's
 * verification) and with node:crypto (cached key), the figure earlier runs were measured against.
 */
function rawVerifyCpuMicros(count = 4_000): { sodium: number; node: number } {
  const signer = new SodiumSigner(new Uint8Array(32).fill(7));
  const verifier = new SodiumVerifier();
  const key = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(signer.publicKey).toString('base64url') },
    format: 'jwk',
  });
  const message = Buffer.alloc(32, 1);
  const sig = Buffer.from(signer.sign(message));
  const timed = (verifyOnce: () => boolean) => {
    const cpu = process.cpuUsage();
    for (let i = 0; i < count; i++) if (!verifyOnce()) throw new Error('raw verify failed');
    const used = process.cpuUsage(cpu);
    return (used.user + used.system) / count;
  };
  return {
    sodium: timed(() => verifier.verify(sig, message, signer.publicKey)),
    node: timed(() => verify(null, message, key, sig)),
  };
}

/** CPU time (user + system, all threads) of a process so far, in ms; null where /proc is not there. */
function processCpuMs(pid: number | undefined): number | null {
  return pid === undefined ? null : (procCpu(`/proc/${pid}/stat`)?.ms ?? null);
}

/** One POST of a JSON body on a keep-alive agent: the status and the whole answer. */
function post(
  agent: http.Agent,
  port: number,
  path: string,
  body: string,
): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * One POST answered with the parsed JSON (200 only). The batch bench's client uses node:http
 * rather than fetch: on two cores shared with the server, fetch's web streams cost the client
 * about twice the CPU per call, which the server would lose.
 */
async function postJson(agent: http.Agent, port: number, path: string, body: string): Promise<unknown> {
  const res = await post(agent, port, path, body);
  const json = JSON.parse(res.body.toString('utf8')) as unknown;
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${JSON.stringify(json)}`);
  return json;
}

/**
 * Batch calls sent before the measured ones: the batch path's code is compiled and the ledger's
 * pages are read in while nothing is measured (a server that has just started is not the steady state).
 */
const BATCH_WARM_CALLS = 8;

/** (c) POST /v1/transfers/batch with `size` transfers per call, two calls in flight. */
async function batchLoad(port: number, transfers: string[], size: number, seconds: number): Promise<Row> {
  const batches: string[] = [];
  for (let i = 0; i + size <= transfers.length; i += size) {
    batches.push(`{"transfers":[${transfers.slice(i, i + size).join(',')}]}`);
  }
  const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
  let next = 0;
  let settled = 0;
  let refused = 0;
  const latencies: number[] = [];
  const start = performance.now();
  const cpuAtStart = process.cpuUsage();
  const deadline = start + seconds * 1000;
  await Promise.all(
    [0, 1].map(async () => {
      while (next < batches.length && performance.now() < deadline) {
        const body = batches[next++]!;
        const t0 = performance.now();
        const json = (await postJson(agent, port, '/v1/transfers/batch', body)) as {
          results: { ok: boolean }[];
        };
        latencies.push(performance.now() - t0);
        for (const r of json.results) r.ok ? settled++ : refused++;
      }
    }),
  );
  agent.destroy();
  const elapsed = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuAtStart);
  latencies.sort((a, b) => a - b);
  const perSec = settled / elapsed;
  return {
    bench: 'batch',
    name: `POST /v1/transfers/batch (${size.toLocaleString('en-US')} per call, file db, FULL)`,
    value: perSec,
    unit: 'transfers/s',
    extra: {
      calls: latencies.length,
      settled,
      refused,
      p50_call_ms: latencies[Math.floor(latencies.length / 2)] ?? 0,
      'client CPU µs/transfer': settled > 0 ? (cpu.user + cpu.system) / settled : 0,
      target: '>=10,000/s',
      met: perSec >= 10_000,
    },
  };
}

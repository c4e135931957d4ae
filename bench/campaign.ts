/**
 * Shenzhen-sized red-envelope campaign on a file database (SQLite, WAL,
 * synchronous=FULL, in a temp folder): 1,913,847 registrations ingested in
 * batched inserts, the draw of 50,000 winners of ¥200 from them (reading the
 * list in canonical order off the primary key, drawing, recording the
 * winners), and crediting every winner (pool -> restricted, one ledger group
 * per winner, 5,000 per transaction). Ends with the audit.
 *
 * Run alone with `npx tsx bench/campaign.ts [registrations] [winners]`;
 * `benchCampaign()` returns the figures for bench/run.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createContext, defaultConfig } from '../server/src/bootstrap';
import { createCampaign, creditWinners, draw } from '../server/src/campaigns/service';
import { runAudit } from '../server/src/ledger/audit';
import type { Row } from './common';

export interface CampaignBenchOptions {
  registrations?: number;
  winners?: number;
  /** Registrations per insert transaction. */
  batch?: number;
  log?: (line: string) => void;
}

export interface CampaignBenchFigures {
  registrations: number;
  winners: number;
  ingestMs: number;
  ingestPerSecond: number;
  /** Whole draw: read the sorted list, draw, record the winners. */
  drawMs: number;
  drawReadMs: number;
  drawComputeMs: number;
  drawRecordMs: number;
  creditMs: number;
  creditPerSecond: number;
  auditOk: boolean;
  targets: { ingestMs: number; drawMs: number; creditMs: number };
  met: { ingest: boolean; draw: boolean; credit: boolean };
  rows: Row[];
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Wallet ids like the server's: "w_" + 22 base64url characters, in random order. */
function walletIds(n: number): string[] {
  const out: string[] = new Array(n);
  const codes = new Array<number>(24);
  codes[0] = 0x77;
  codes[1] = 0x5f;
  const raw = new Uint8Array(22 * 2048);
  for (let i = 0; i < n; i++) {
    if (i % 2048 === 0) globalThis.crypto.getRandomValues(raw);
    const o = (i % 2048) * 22;
    for (let c = 0; c < 22; c++) codes[c + 2] = ALPHABET.charCodeAt(raw[o + c]! & 63);
    out[i] = String.fromCharCode(...codes);
  }
  return out;
}

export async function benchCampaign(options: CampaignBenchOptions = {}): Promise<CampaignBenchFigures> {
  const n = options.registrations ?? 1_913_847;
  const k = options.winners ?? 50_000;
  const batch = options.batch ?? 100_000;
  const log = options.log ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), 'ecny-campaign-'));
  const ctx = await createContext(defaultConfig({ dataDir: dir, dbPath: join(dir, 'ecny.sqlite') }));
  try {
    const now = Date.now();
    const { campaign } = await createCampaign(
      ctx,
      {
        name: 'Shenzhen Luohu (bench)',
        budget: k * 20_000,
        amount: 20_000,
        count: k,
        registrationOpensAt: now - 1_000,
        registrationClosesAt: now + 1_000,
        eligibility: {},
        merchantRule: { regions: ['Shenzhen'] },
        spendFrom: now + 1_000,
        spendUntil: now + 7 * 86_400_000,
        offlineTrialQuota: 0,
      },
      { operatorId: 'op_icbc', source: 'vault' },
    );
    const id = campaign.campaignId;
    const ids = walletIds(n);
    log(`ingesting ${n.toLocaleString('en')} registrations ...`);
    let t = performance.now();
    let added = 0;
    for (let i = 0; i < n; i += batch) {
      const rows = ids.slice(i, i + batch).map((walletId, j) => ({
        walletId,
        offlineTrial: false,
        registeredAt: now + i + j,
      }));
      added += await ctx.store.insertCampaignRegistrations(id, rows);
    }
    const ingestMs = performance.now() - t;
    if (added !== n) throw new Error(`ingested ${added} of ${n} registrations`);

    // Registration closes.
    ctx.now = () => Date.now() + 2_000;
    log(`drawing ${k.toLocaleString('en')} winners ...`);
    t = performance.now();
    const drawn = await draw(ctx, id);
    const drawMs = performance.now() - t;
    if (drawn.winners.length !== Math.min(k, n)) throw new Error('wrong number of winners');

    log('crediting the winners ...');
    t = performance.now();
    const credited = await creditWinners(ctx, id);
    const creditMs = performance.now() - t;
    if (credited.credited !== drawn.winners.length) throw new Error(`credited ${credited.credited}`);
    const audit = await runAudit(ctx.store);

    const targets = { ingestMs: 20_000, drawMs: 2_000, creditMs: 5_000 };
    const figures = {
      registrations: n,
      winners: drawn.winners.length,
      ingestMs,
      ingestPerSecond: (n * 1000) / ingestMs,
      drawMs,
      drawReadMs: drawn.timings.readMs ?? 0,
      drawComputeMs: drawn.timings.drawMs ?? 0,
      drawRecordMs: drawn.timings.recordMs ?? 0,
      creditMs,
      creditPerSecond: (credited.credited * 1000) / creditMs,
      auditOk: audit.ok,
      targets,
      met: {
        ingest: ingestMs < targets.ingestMs,
        draw: drawMs < targets.drawMs,
        credit: creditMs < targets.creditMs,
      },
    };
    const rows: Row[] = [
      {
        bench: 'campaign',
        name: `ingest ${n.toLocaleString('en')} registrations`,
        value: ingestMs,
        unit: 'ms',
        extra: {
          perSecond: Math.round(figures.ingestPerSecond),
          target: targets.ingestMs,
          met: figures.met.ingest,
        },
      },
      {
        bench: 'campaign',
        name: `draw ${figures.winners.toLocaleString('en')} winners`,
        value: drawMs,
        unit: 'ms',
        extra: {
          readSorted: Math.round(figures.drawReadMs),
          compute: Math.round(figures.drawComputeMs),
          record: Math.round(figures.drawRecordMs),
          target: targets.drawMs,
          met: figures.met.draw,
        },
      },
      {
        bench: 'campaign',
        name: `credit ${credited.credited.toLocaleString('en')} winners (pool -> restricted)`,
        value: creditMs,
        unit: 'ms',
        extra: {
          perSecond: Math.round(figures.creditPerSecond),
          target: targets.creditMs,
          met: figures.met.credit,
          auditOk: audit.ok,
        },
      },
    ];
    return { ...figures, rows };
  } finally {
    await ctx.store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const registrations = process.argv[2] ? Number(process.argv[2]) : undefined;
  const winners = process.argv[3] ? Number(process.argv[3]) : undefined;
  const f = await benchCampaign({
    ...(registrations ? { registrations } : {}),
    ...(winners ? { winners } : {}),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const ms = (v: number) => `${Math.round(v).toLocaleString('en')} ms`;
  const mark = (ok: boolean) => (ok ? 'ok' : 'OVER TARGET');
  console.log(
    `${f.registrations.toLocaleString('en')} registrations ingested into the store in ${ms(f.ingestMs)} ` +
      `(${Math.round(f.ingestPerSecond).toLocaleString('en')}/s; target < 20 s: ${mark(f.met.ingest)})`,
  );
  console.log(
    `draw of ${f.winners.toLocaleString('en')} winners in ${ms(f.drawMs)} ` +
      `(read sorted list ${ms(f.drawReadMs)}, draw ${ms(f.drawComputeMs)}, record ${ms(f.drawRecordMs)}; target < 2 s: ${mark(f.met.draw)})`,
  );
  console.log(
    `credited ${f.winners.toLocaleString('en')} winners (pool -> restricted) in ${ms(f.creditMs)} ` +
      `(${Math.round(f.creditPerSecond).toLocaleString('en')}/s; target < 5 s: ${mark(f.met.credit)})`,
  );
  console.log(`audit ${f.auditOk ? 'OK' : 'FAILED'}`);
}

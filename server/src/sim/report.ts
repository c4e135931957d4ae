/**
 * The scenario report: one JSON object (written with --out, loaded by the
 * issuer console) and a table for the terminal. `reportHash` is the SHA-256
 * (hex) of the canonical JSON of the report without its timing fields
 * (`elapsedMs`, `throughput`) and without the hash itself: the same seed and
 * scale give the same hash.
 */
import { createHash } from 'node:crypto';
import type { AuditReport } from '@ecny-sim/wallet-core';

export interface ScenarioReport {
  scenario: string;
  seed: number;
  scale: number;
  elapsedMs: number;
  audit: { ok: boolean; breaks: { code: string; message: string; account?: string }[] };
  /** Fen, from the ledger after the run (the whole ledger of the store or server). */
  money: {
    /** e-CNY in circulation (minus the issuance account). */
    issued: number;
    /** Wallet balances (unrestricted online money). */
    online: number;
    /** Value loaded onto devices as coins and not yet deposited. */
    offlineOutstanding: number;
    /** Restricted (red-envelope) balances still held. */
    restricted: number;
    /** Campaign money returned to the issuer by this run's reclaims. */
    reclaimed: number;
    /** Operators' recognised net fraud losses (compensations minus recoveries). */
    losses: number;
  };
  doubleSpends: { injected: number; detected: number; falsePositives: number } | null;
  campaign: {
    registrants: number;
    winners: number;
    claimed: number;
    /** Payments that spent campaign money. */
    payments: number;
    /** Campaign (restricted) money spent, fen. */
    spentFen: number;
    reclaimedFen: number;
    /** Merchants that received campaign money. */
    merchants: number;
  } | null;
  throughput: { paymentsPerSecond: number | null };
  /** What the model assumes and simplifies, in words (part of the hash). */
  notes: string[];
  reportHash: string;
}

/**
 * Canonical JSON (RFC 8785 style): object keys sorted by code units, no
 * whitespace, numbers as ECMAScript prints them (floats allowed: `scale`).
 */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('non-finite number in report');
  return JSON.stringify(value);
}

export type ReportBody = Omit<ScenarioReport, 'reportHash' | 'elapsedMs' | 'throughput'>;

export function reportHash(report: Omit<ScenarioReport, 'reportHash'> | ScenarioReport): string {
  const { elapsedMs: _e, throughput: _t, ...rest } = report;
  const { reportHash: _h, ...body } = rest as typeof rest & { reportHash?: string };
  return createHash('sha256').update(canonical(body)).digest('hex');
}

export function finishReport(
  body: ReportBody,
  timing: { elapsedMs: number; paymentsPerSecond: number | null },
): ScenarioReport {
  const withTiming = {
    ...body,
    elapsedMs: Math.round(timing.elapsedMs),
    throughput: {
      paymentsPerSecond:
        timing.paymentsPerSecond === null ? null : Math.round(timing.paymentsPerSecond * 10) / 10,
    },
  };
  return { ...withTiming, reportHash: reportHash(withTiming) };
}

/** Money figures from an audit report (its per-kind sums). */
export function moneyFromAudit(audit: AuditReport, reclaimed: number): ScenarioReport['money'] {
  const k = (kind: string) => audit.byKind[kind] ?? 0;
  return {
    issued: audit.issued,
    online: k('wallet'),
    offlineOutstanding: k('offline'),
    restricted: k('restricted'),
    reclaimed,
    losses: -k('loss') || 0,
  };
}

/** Non-zero exit when the audit fails, a double spend went undetected, or an honest party was accused. */
export function reportFailed(report: ScenarioReport): string[] {
  const reasons: string[] = [];
  if (!report.audit.ok) reasons.push(`audit failed (${report.audit.breaks.length} breaks)`);
  const ds = report.doubleSpends;
  if (ds && ds.detected < ds.injected) reasons.push(`${ds.injected - ds.detected} double spends undetected`);
  if (ds && ds.falsePositives > 0) reasons.push(`${ds.falsePositives} false positives`);
  return reasons;
}

const yuan = (fen: number) =>
  `¥${(fen / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const int = (n: number) => n.toLocaleString('en-US');

export function formatReport(report: ScenarioReport): string {
  const rows: [string, string][] = [
    ['scenario', report.scenario],
    ['seed / scale', `${report.seed} / ${report.scale}`],
    ['elapsed', `${(report.elapsedMs / 1000).toFixed(1)} s`],
    ['audit', report.audit.ok ? 'OK' : `FAILED: ${report.audit.breaks.map((b) => b.code).join(', ')}`],
    ['issued', yuan(report.money.issued)],
    ['online (wallets)', yuan(report.money.online)],
    ['offline outstanding', yuan(report.money.offlineOutstanding)],
    ['restricted', yuan(report.money.restricted)],
    ['reclaimed', yuan(report.money.reclaimed)],
    ['fraud losses (net)', yuan(report.money.losses)],
  ];
  const ds = report.doubleSpends;
  if (ds) {
    rows.push(['double spends injected', int(ds.injected)]);
    rows.push(['double spends detected', int(ds.detected)]);
    rows.push(['false positives', int(ds.falsePositives)]);
  }
  const c = report.campaign;
  if (c) {
    rows.push(['registrants', int(c.registrants)]);
    rows.push(['winners', int(c.winners)]);
    rows.push(['envelopes opened', int(c.claimed)]);
    rows.push(['campaign payments', int(c.payments)]);
    rows.push(['campaign money spent', yuan(c.spentFen)]);
    rows.push(['campaign money reclaimed', yuan(c.reclaimedFen)]);
    rows.push(['merchants reached', int(c.merchants)]);
  }
  if (report.throughput.paymentsPerSecond !== null) {
    rows.push(['payments / s', report.throughput.paymentsPerSecond.toLocaleString('en-US')]);
  }
  rows.push(['report hash', report.reportHash]);
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
  for (const note of report.notes) lines.push(`note: ${note}`);
  return lines.join('\n');
}

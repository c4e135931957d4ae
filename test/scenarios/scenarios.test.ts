/**
 * The scenario simulator at small scales: every scenario keeps the audit,
 * the same seed gives the same report hash, the double-spend scenario
 * detects every injected double spend without accusing anyone honest, and
 * the --server mode drives a live server on 127.0.0.1.
 */
import { reportFailed } from '@ecny-sim/server/sim/report';
import { runScenario } from '@ecny-sim/server/sim/run';
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server';

describe('scenarios in-process (small scale)', () => {
  it('shenzhen-2020: lottery, spending, reclaim; money adds up', async () => {
    const r = await runScenario('shenzhen-2020', { seed: 7, scale: 0.002 });
    expect(r.audit).toEqual({ ok: true, breaks: [] });
    expect(reportFailed(r)).toEqual([]);
    const c = r.campaign!;
    expect(c.registrants).toBe(3_828);
    expect(c.winners).toBe(100);
    expect(c.claimed).toBeGreaterThan(85);
    expect(c.claimed).toBeLessThanOrEqual(100);
    expect(c.payments).toBeGreaterThanOrEqual(c.claimed);
    // Every claimed fen is either spent or reclaimed; unclaimed prizes are reclaimed from the pool.
    expect(c.spentFen + c.reclaimedFen).toBe(c.winners * 20_000);
    expect(r.money.restricted).toBe(0);
    expect(r.money.reclaimed).toBe(c.reclaimedFen);
    expect(r.doubleSpends).toBeNull();
    expect(r.reportHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('suzhou-2020: online shop and offline-trial touch payments', async () => {
    const r = await runScenario('suzhou-2020', { seed: 7, scale: 0.002 });
    expect(r.audit.ok).toBe(true);
    expect(reportFailed(r)).toEqual([]);
    const c = r.campaign!;
    expect(c.winners).toBe(200);
    expect(c.spentFen + c.reclaimedFen).toBe(200 * 20_000);
    expect(c.merchants).toBeGreaterThan(5);
    expect(r.doubleSpends).toEqual({ injected: 0, detected: 0, falsePositives: 0 });
    expect(r.notes.join(' ')).toMatch(/offline-trial winners load/);
    expect(r.notes.join(' ')).not.toMatch(/touch LIMIT/);
  });

  it('double-spend: every injected double spend is detected, no false positive', async () => {
    const r = await runScenario('double-spend', { seed: 3, scale: 0.006 });
    expect(r.audit).toEqual({ ok: true, breaks: [] });
    const ds = r.doubleSpends!;
    expect(ds.injected).toBeGreaterThan(0);
    expect(ds.detected).toBe(ds.injected);
    expect(ds.falsePositives).toBe(0);
    expect(reportFailed(r)).toEqual([]);
  });

  it('lucky-money: concurrent grabs never over-pay, second taps refused, refunds add up', async () => {
    const r = await runScenario('lucky-money', { seed: 5, scale: 0.005 });
    expect(r.audit.ok).toBe(true);
    const ds = r.doubleSpends!;
    expect(ds.injected).toBeGreaterThan(0);
    expect(ds.detected).toBe(ds.injected);
    expect(ds.falsePositives).toBe(0);
    expect(r.notes.join(' ')).toMatch(/did not add up: 0\./);
  });
});

describe('determinism', () => {
  it('the same seed and scale give the same report hash; another seed another', async () => {
    const a = await runScenario('double-spend', { seed: 11, scale: 0.003 });
    const b = await runScenario('double-spend', { seed: 11, scale: 0.003 });
    expect(b.reportHash).toBe(a.reportHash);
    expect({ ...b, elapsedMs: 0, throughput: null }).toEqual({ ...a, elapsedMs: 0, throughput: null });
    const c = await runScenario('double-spend', { seed: 12, scale: 0.003 });
    expect(c.reportHash).not.toBe(a.reportHash);
  });

  it('holds for a campaign scenario too', async () => {
    const a = await runScenario('suzhou-2020', { seed: 2, scale: 0.001 });
    const b = await runScenario('suzhou-2020', { seed: 2, scale: 0.001 });
    expect(b.reportHash).toBe(a.reportHash);
  });
});

describe('--server mode (HTTP against a live server on 127.0.0.1)', () => {
  it('double-spend and shenzhen-2020 at a tiny scale', async () => {
    const server = await startTestServer();
    try {
      const options = { server: server.url, adminToken: server.ctx.adminToken };
      const ds = await runScenario('double-spend', { ...options, seed: 3, scale: 0.002 });
      expect(ds.audit.ok).toBe(true);
      expect(ds.doubleSpends!.detected).toBe(ds.doubleSpends!.injected);
      expect(ds.doubleSpends!.falsePositives).toBe(0);
      expect(ds.notes[0]).toMatch(/driven over HTTP/);

      const sz = await runScenario('shenzhen-2020', { ...options, seed: 3, scale: 0.00001 });
      expect(sz.audit.ok).toBe(true);
      expect(sz.campaign!.registrants).toBe(19);
      expect(sz.campaign!.winners).toBe(5);
      expect(sz.campaign!.spentFen + sz.campaign!.reclaimedFen).toBe(5 * 20_000);
      expect((await server.audit()).ok).toBe(true);
    } finally {
      await server.close();
    }
  }, 120_000);
});

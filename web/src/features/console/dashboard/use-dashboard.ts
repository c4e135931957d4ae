/**
 * The live figures of the console dashboard. Circulation comes from
 * GET /v1/stats, re-read shortly after every public ledger event handed in
 * by the console's one event stream (ledger.activity, fraud.detected,
 * campaign.progress) and on a short timer, because some money movements
 * (top-ups, offline loads and deposits) publish only wallet-scoped events.
 * Every read is kept as a sample for the money chart; transactions per
 * minute are counted from the ledger.activity events seen on this page.
 */
import type { AuditReport } from '@ecny-sim/wallet-core';
import { useCallback, useEffect, useRef, useState } from 'react';
import { describeError, type ErrorInfo } from '../../../lib/errors';
import { fetchAudit } from '../api/audit';
import { type CirculationStats, fetchStats } from '../api/stats';
import { countSince, MINUTE_MS, type MinuteBucket, perMinute, prune } from './rates';

export const STATS_POLL_MS = 3_000;
const AUDIT_POLL_MS = 15_000;
const STATS_DEBOUNCE_MS = 250;
const AUDIT_DEBOUNCE_MS = 1_500;
const MAX_SAMPLES = 200;
export const TPM_MINUTES = 15;

export interface MoneySample {
  at: number;
  label: string;
  online: number;
  offline: number;
  restricted: number;
  pools: number;
  vaults: number;
}

export interface Dashboard {
  stats: CirculationStats | null;
  audit: AuditReport | null;
  error: ErrorInfo | null;
  samples: MoneySample[];
  /** Ledger transactions seen in the last 60 s. */
  tpm: number;
  tpmSeries: MinuteBucket[];
  /** A ledger.activity event arrived: count it and re-read the figures. */
  onActivity(data: unknown): void;
  /** Something moved money or opened a case: re-read the figures (and the audit) soon. */
  refreshSoon(): void;
}

function sampleOf(stats: CirculationStats, at: number): MoneySample {
  return {
    at,
    label: new Date(at).toTimeString().slice(0, 8),
    online: stats.online,
    offline: stats.offlineOutstanding,
    restricted: stats.restricted,
    pools: stats.pools,
    vaults: stats.operatorVaults,
  };
}

export function useDashboard(): Dashboard {
  const [stats, setStats] = useState<CirculationStats | null>(null);
  const [audit, setAudit] = useState<AuditReport | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [samples, setSamples] = useState<MoneySample[]>([]);
  const [times, setTimes] = useState<number[]>([]);
  const [now, setNow] = useState(() => Date.now());
  const live = useRef(true);
  // The server keeps no per-minute history: the chart counts what this page saw, from its opening.
  const [openedAt] = useState(() => Date.now());
  const statsTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const auditTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  // Reads answered out of order must not move the figures backwards.
  const statsSeq = useRef(0);
  const statsShown = useRef(0);

  const readStats = useCallback(async () => {
    const seq = ++statsSeq.current;
    try {
      const s = await fetchStats();
      if (!live.current || seq < statsShown.current) return;
      statsShown.current = seq;
      const at = Date.now();
      setStats(s);
      setSamples((list) => [...list, sampleOf(s, at)].slice(-MAX_SAMPLES));
      setError(null);
    } catch (e) {
      if (live.current) setError(describeError(e));
    }
  }, []);

  const readAudit = useCallback(async () => {
    try {
      const a = await fetchAudit();
      if (live.current) setAudit(a);
    } catch (e) {
      if (live.current) setError(describeError(e));
    }
  }, []);

  const refreshSoon = useCallback(() => {
    clearTimeout(statsTimer.current);
    statsTimer.current = setTimeout(() => void readStats(), STATS_DEBOUNCE_MS);
    clearTimeout(auditTimer.current);
    auditTimer.current = setTimeout(() => void readAudit(), AUDIT_DEBOUNCE_MS);
  }, [readStats, readAudit]);

  const onActivity = useCallback(
    (_data: unknown) => {
      const at = Date.now();
      setTimes((list) => [...prune(list, at, TPM_MINUTES * MINUTE_MS), at]);
      setNow(at);
      refreshSoon();
    },
    [refreshSoon],
  );

  useEffect(() => {
    live.current = true;
    void readStats();
    void readAudit();
    const statsPoll = setInterval(() => void readStats(), STATS_POLL_MS);
    const auditPoll = setInterval(() => void readAudit(), AUDIT_POLL_MS);
    // The rolling count decays with time even when nothing happens.
    const tick = setInterval(() => setNow(Date.now()), 1_000);
    return () => {
      live.current = false;
      clearInterval(statsPoll);
      clearInterval(auditPoll);
      clearInterval(tick);
      clearTimeout(statsTimer.current);
      clearTimeout(auditTimer.current);
    };
  }, [readStats, readAudit]);

  return {
    stats,
    audit,
    error,
    samples,
    tpm: countSince(times, now),
    tpmSeries: perMinute(times, now, TPM_MINUTES, openedAt),
    onActivity,
    refreshSoon,
  };
}

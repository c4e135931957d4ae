/**
 * Stats and audit for the console, refreshed on a timer and (debounced) after
 * every piece of ledger activity.
 */
import type { AuditReport } from '@ecny-sim/wallet-core';
import { useCallback, useEffect, useRef, useState } from 'react';
import { describeError, type ErrorInfo } from '../../../lib/errors';
import { fetchAudit } from './audit';
import { type CirculationStats, fetchStats } from './stats';

const POLL_MS = 10_000;
const DEBOUNCE_MS = 300;

export function useConsoleData(): {
  stats: CirculationStats | null;
  audit: AuditReport | null;
  error: ErrorInfo | null;
  refreshSoon(): void;
} {
  const [stats, setStats] = useState<CirculationStats | null>(null);
  const [audit, setAudit] = useState<AuditReport | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const live = useRef(true);

  const refresh = useCallback(async () => {
    try {
      const [s, a] = await Promise.all([fetchStats(), fetchAudit()]);
      if (!live.current) return;
      setStats(s);
      setAudit(a);
      setError(null);
    } catch (e) {
      if (live.current) setError(describeError(e));
    }
  }, []);

  const refreshSoon = useCallback(() => {
    clearTimeout(pending.current);
    pending.current = setTimeout(() => void refresh(), DEBOUNCE_MS);
  }, [refresh]);

  useEffect(() => {
    live.current = true;
    void refresh();
    const timer = setInterval(() => void refresh(), POLL_MS);
    return () => {
      live.current = false;
      clearInterval(timer);
      clearTimeout(pending.current);
    };
  }, [refresh]);

  return { stats, audit, error, refreshSoon };
}

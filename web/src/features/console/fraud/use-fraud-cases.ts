/**
 * Fraud cases for the console: listed from GET /v1/fraud-cases, refreshed on `fraud.detected`,
 * on offline deposits (a losing-branch holder may have deposited) and a timer. `version` counts
 * the refreshes, so that an open case's details are read again with the list.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { createApiClient } from '../../../lib/api';
import { describeError, type ErrorInfo } from '../../../lib/errors';
import type { FraudCaseDetail, FraudCaseSummary } from '../../offline/api-types';

const POLL_MS = 10_000;

export function useFraudCases(): {
  cases: FraudCaseSummary[];
  error: ErrorInfo | null;
  version: number;
  refreshSoon(): void;
} {
  const [cases, setCases] = useState<FraudCaseSummary[]>([]);
  const [version, setVersion] = useState(0);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const live = useRef(true);
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const refresh = useCallback(async () => {
    try {
      const { cases: list } = await createApiClient().fraudCases(50);
      if (!live.current) return;
      setCases(list);
      setVersion((v) => v + 1);
      setError(null);
    } catch (e) {
      if (live.current) setError(describeError(e));
    }
  }, []);

  const refreshSoon = useCallback(() => {
    clearTimeout(pending.current);
    pending.current = setTimeout(() => void refresh(), 100);
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

  return { cases, error, version, refreshSoon };
}

export function fetchFraudCase(caseId: string): Promise<FraudCaseDetail> {
  return createApiClient()
    .fraudCase(caseId)
    .then((r) => r.case);
}

/** Ledger activity after which the fraud cases may read differently: a deposit of offline coins. */
export function movesFraudCases(activity: unknown): boolean {
  const kind = (activity as { kind?: unknown } | null)?.kind;
  return kind === 'offline_deposit' || kind === 'fraud_compensation';
}

/** This phone's restricted campaign balances, re-fetched when its ledger moves (and every few seconds). */
import { useCallback } from 'react';
import type { ErrorInfo } from '../../lib/errors';
import { usePhone } from '../wallet/phone-context';
import { fetchRestricted, usePolled } from './api/campaigns';
import type { RestrictedBalanceView } from './api/types';

export const RESTRICTED_POLL_MS = 5000;

export function useRestrictedBalances(): {
  balances: RestrictedBalanceView[] | null;
  error: ErrorInfo | null;
  reload(): void;
} {
  const { session } = usePhone();
  const client = session.client;
  const walletId = session.wallet?.walletId;
  const load = useCallback(
    () => (client && walletId ? fetchRestricted(client, walletId) : Promise.resolve([])),
    [client, walletId],
  );
  const { value, error, reload } = usePolled(
    client && walletId ? load : null,
    RESTRICTED_POLL_MS,
    `${walletId}:${session.ledgerVersion}`,
  );
  return { balances: value, error, reload };
}

/** Money usable now (inside the spending window). */
export function usableNow(b: RestrictedBalanceView, at: number): boolean {
  return b.amount > 0 && at < b.expiresAt && (b.spendableFrom === undefined || at >= b.spendableFrom);
}

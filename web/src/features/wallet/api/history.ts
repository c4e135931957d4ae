/**
 * GET /v1/wallets/:id/history (device-signed), each entry's receipt checked
 * here against the issuer key: the server is not trusted to say "settled".
 */
import {
  type EcnyClient,
  type HistoryEntry,
  HistoryResponseSchema,
  nobleVerifier,
  type OnlineTransfer,
  type TransferReceipt,
  verifyReceipt,
} from '@ecny-sim/wallet-core';
import { useEffect, useState } from 'react';
import { describeError, type ErrorInfo } from '../../../lib/errors';

/** 'none' = an entry without a receipt (bank top-ups and redemptions). */
export type ReceiptCheck = 'verified' | 'invalid' | 'none';

export interface CheckedEntry {
  entry: HistoryEntry;
  receipt: ReceiptCheck;
}

export function checkReceipt(entry: HistoryEntry, issuerPublicKey: Uint8Array): ReceiptCheck {
  if (!entry.receipt) return 'none';
  try {
    verifyReceipt(
      entry.receipt as TransferReceipt,
      entry.transfer as OnlineTransfer | null,
      issuerPublicKey,
      nobleVerifier,
    );
    const receipt = entry.receipt as TransferReceipt;
    return receipt.amount === entry.amount && receipt.transferId === entry.transferId
      ? 'verified'
      : 'invalid';
  } catch {
    return 'invalid';
  }
}

export async function fetchHistory(
  client: EcnyClient,
  walletId: string,
  issuerPublicKey: Uint8Array,
  limit = 50,
): Promise<CheckedEntry[]> {
  const { entries } = HistoryResponseSchema.parse(await client.history(walletId, limit));
  return entries.map((entry) => ({ entry, receipt: checkReceipt(entry, issuerPublicKey) }));
}

/** History of the wallet, re-fetched whenever `version` changes. */
export function useHistory(
  client: EcnyClient | null,
  walletId: string | undefined,
  issuerPublicKey: Uint8Array | undefined,
  version: number,
): { entries: CheckedEntry[] | null; error: ErrorInfo | null; reload(): void } {
  const [entries, setEntries] = useState<CheckedEntry[] | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!client || !walletId || !issuerPublicKey) return;
    let live = true;
    void [version, attempt]; // re-fetch triggers
    fetchHistory(client, walletId, issuerPublicKey).then(
      (value) => {
        if (!live) return;
        setEntries(value);
        setError(null);
      },
      (e: unknown) => live && setError(describeError(e)),
    );
    return () => {
      live = false;
    };
  }, [client, walletId, issuerPublicKey, version, attempt]);
  return { entries, error, reload: () => setAttempt((n) => n + 1) };
}

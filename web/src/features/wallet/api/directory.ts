/** GET /v1/directory: wallets one can pay online (people and merchants), for the payee picker and names. */
import { type DirectoryEntry, DirectoryEntrySchema } from '@ecny-sim/wallet-core';
import { useEffect, useState } from 'react';
import { createApiClient } from '../../../lib/api';
import { describeError, type ErrorInfo } from '../../../lib/errors';

export async function fetchDirectory(): Promise<DirectoryEntry[]> {
  const { wallets } = await createApiClient().directory();
  return DirectoryEntrySchema.array().parse(wallets);
}

/** The directory, re-fetched whenever `version` changes. */
export function useDirectory(version = 0): { wallets: DirectoryEntry[] | null; error: ErrorInfo | null } {
  const [wallets, setWallets] = useState<DirectoryEntry[] | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  useEffect(() => {
    let live = true;
    void version;
    fetchDirectory().then(
      (value) => {
        if (!live) return;
        setWallets(value);
        setError(null);
      },
      (e: unknown) => live && setError(describeError(e)),
    );
    return () => {
      live = false;
    };
  }, [version]);
  return { wallets, error };
}

export function displayNameOf(wallets: DirectoryEntry[] | null, walletId: string | null): string {
  if (!walletId) return '—';
  const entry = wallets?.find((w) => w.walletId === walletId);
  return entry ? (entry.merchant?.name ?? entry.displayName) : walletId;
}

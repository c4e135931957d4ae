/**
 * GET /v1/info: the issuer's public key (to verify receipts), the operators a
 * wallet can open with and the wallet categories. Fetched once per page.
 */
import {
  decodeKey,
  type InfoResponse,
  InfoResponseSchema,
  isTier,
  TIER_SPECS,
  type TierSpec,
} from '@ecny-sim/wallet-core';
import { useEffect, useState } from 'react';
import { createApiClient } from '../../../lib/api';
import { describeError, type ErrorInfo } from '../../../lib/errors';

export interface IssuerInfo {
  info: InfoResponse;
  issuerPublicKey: Uint8Array;
  tiers: TierSpec[];
}

let cached: Promise<IssuerInfo> | undefined;

/** The server's tier table if it has the expected shape, else the library's (they are the same source). */
function tiersOf(raw: unknown): TierSpec[] {
  if (raw && typeof raw === 'object') {
    const specs = Object.values(raw as Record<string, unknown>).filter(
      (s): s is TierSpec =>
        typeof s === 'object' &&
        s !== null &&
        isTier((s as TierSpec).tier) &&
        typeof (s as TierSpec).name === 'string',
    );
    if (specs.length > 0) return specs.sort((a, b) => a.tier - b.tier);
  }
  return Object.values(TIER_SPECS);
}

export function fetchIssuerInfo(): Promise<IssuerInfo> {
  cached ??= createApiClient()
    .info()
    .then((raw) => {
      const info = InfoResponseSchema.parse(raw);
      return { info, issuerPublicKey: decodeKey(info.issuerPublicKey), tiers: tiersOf(info.tiers) };
    })
    .catch((error: unknown) => {
      cached = undefined;
      throw error;
    });
  return cached;
}

export function useIssuerInfo(): { issuer: IssuerInfo | null; error: ErrorInfo | null } {
  const [issuer, setIssuer] = useState<IssuerInfo | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  useEffect(() => {
    let live = true;
    fetchIssuerInfo().then(
      (value) => live && setIssuer(value),
      (e: unknown) => live && setError(describeError(e)),
    );
    return () => {
      live = false;
    };
  }, []);
  return { issuer, error };
}

export function operatorName(issuer: IssuerInfo | null, operatorId: string): string {
  return issuer?.info.operators.find((o) => o.operatorId === operatorId)?.name ?? operatorId;
}

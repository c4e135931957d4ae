/**
 * Campaign data for a phone: the public campaign list and terms (polled while
 * a screen shows them), the published draw, the wallet's restricted balances
 * (re-fetched whenever its ledger moves) and what this phone remembers about
 * its registrations (per-phone IndexedDB).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { createApiClient } from '../../../lib/api';
import { describeError, type ErrorInfo } from '../../../lib/errors';
import type {
  CampaignDraw,
  CampaignView,
  EcnyClient,
  PhoneKeyStoreLike,
  RestrictedBalanceView,
} from './types';

export const CAMPAIGN_POLL_MS = 1500;

/** Calls `load` now, every `intervalMs`, and whenever `version` changes; keeps the newest answer. */
export function usePolled<T>(
  load: (() => Promise<T>) | null,
  intervalMs: number,
  version: unknown = 0,
): { value: T | null; error: ErrorInfo | null; reload(): void } {
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const loadRef = useRef(load);
  loadRef.current = load;
  const seq = useRef(0);
  const enabled = load !== null;

  const reload = useCallback(() => {
    const current = loadRef.current;
    if (!current) return;
    const mine = ++seq.current;
    current().then(
      (v) => {
        if (mine !== seq.current) return;
        setValue(v);
        setError(null);
      },
      (e: unknown) => {
        if (mine === seq.current) setError(describeError(e));
      },
    );
  }, []);

  useEffect(() => {
    void version;
    if (!enabled) return;
    reload();
    if (intervalMs <= 0) return;
    const timer = setInterval(reload, intervalMs);
    return () => {
      clearInterval(timer);
      seq.current++;
    };
  }, [enabled, intervalMs, version, reload]);

  return { value, error, reload };
}

export async function fetchCampaigns(): Promise<CampaignView[]> {
  const { campaigns } = await createApiClient().campaigns();
  return [...campaigns].sort((a, b) => b.createdAt - a.createdAt);
}

export async function fetchCampaign(campaignId: string): Promise<CampaignView> {
  return (await createApiClient().campaign(campaignId)).campaign;
}

/** The published draw (seed revealed, winners); only ask once the campaign says it is drawn. */
export async function fetchDraw(campaignId: string): Promise<CampaignDraw> {
  return createApiClient().campaignDraw(campaignId);
}

export async function fetchRestricted(
  client: EcnyClient,
  walletId: string,
): Promise<RestrictedBalanceView[]> {
  return (await client.restrictedBalances(walletId)).balances;
}

/** What this phone saw when it registered: the commitment then published, checked again at the draw. */
export interface LocalRegistration {
  campaignId: string;
  registeredAt: number;
  commitment: string;
}

const registrationKey = (campaignId: string) => `campaigns/registered/${campaignId}`;

export function loadLocalRegistration(
  keyStore: PhoneKeyStoreLike,
  campaignId: string,
): Promise<LocalRegistration | undefined> {
  return keyStore.kv.get<LocalRegistration>(registrationKey(campaignId));
}

export function saveLocalRegistration(keyStore: PhoneKeyStoreLike, reg: LocalRegistration): Promise<void> {
  return keyStore.kv.set(registrationKey(reg.campaignId), reg);
}

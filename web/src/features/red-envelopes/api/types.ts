/**
 * Types of the red-envelope and lucky-money API answers, taken from the
 * wallet-core client's method signatures (the package exports the client,
 * not every answer type).
 */
import type { EcnyClient } from '@ecny-sim/wallet-core';

export type { EcnyClient };

type Answer<K extends keyof EcnyClient> = EcnyClient[K] extends (...args: never[]) => Promise<infer R>
  ? R
  : never;

export type CampaignView = Answer<'campaign'>['campaign'];
export type CampaignDraw = Answer<'campaignDraw'>;
export type CampaignStats = Answer<'campaignStats'>;
export type CampaignClaimResponse = Answer<'claimCampaignPrize'>;
export type CampaignPaymentResponse = Answer<'submitRestrictedPayment'>;
export type RestrictedBalanceView = Answer<'restrictedBalances'>['balances'][number];
export type LuckyEnvelopeView = Answer<'luckyMoney'>['envelope'];
export type CreateCampaignInput = Parameters<EcnyClient['createCampaign']>[0];
export type MerchantRule = CampaignView['merchantRule'];

/** The part of a phone's key store these screens use. */
export interface PhoneKeyStoreLike {
  kv: {
    get<T = unknown>(key: string): Promise<T | undefined>;
    set(key: string, value: unknown): Promise<void>;
  };
}

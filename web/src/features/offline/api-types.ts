/** Types of the offline-money API answers, taken from the client's method signatures. */
import type { EcnyClient } from '@ecny-sim/wallet-core';

export type SyncResponse = Awaited<ReturnType<EcnyClient['sync']>>;
export type SyncVerdict = SyncResponse['verdicts'][number];
export type FraudCaseSummary = SyncResponse['fraudCases'][number];
export type FraudCaseDetail = Awaited<ReturnType<EcnyClient['fraudCase']>>['case'];
export type DepositBody = Parameters<EcnyClient['deposit']>[1];
export type DepositResult = Awaited<ReturnType<EcnyClient['deposit']>>['results'][number];

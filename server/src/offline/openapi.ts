/** OpenAPI entries of the offline-money routes (registered when the router module loads). */
import {
  DeviceCertSchema,
  DoubleSpendProofSchema,
  IssueSchema,
  SyncUploadSchema,
  WalletViewSchema,
} from '@ecny-sim/wallet-core';
import { z } from 'zod';
import { describeRoute } from '../http/openapi';
import { DepositRequestSchema, LoadRequestSchema } from './service';

const CaseSummarySchema = z.object({
  caseId: z.string(),
  coinId: z.string(),
  rootCoinId: z.string(),
  operatorId: z.string(),
  amount: z.number().int(),
  culprit: z.object({ deviceId: z.string(), walletId: z.string() }),
  firstHash: z.string(),
  secondHash: z.string(),
  reportedBy: z.string(),
  recovered: z.number().int(),
  recoveryTransferId: z.string().nullable(),
  detectedAt: z.number().int(),
});

describeRoute({
  method: 'post',
  path: '/wallets/{walletId}/load',
  summary:
    'Load online balance onto the signing device as issuer-signed root coins (idempotent by requestId; within the offline balance cap)',
  auth: 'device',
  body: LoadRequestSchema,
  response: z.object({
    requestId: z.string(),
    amount: z.number().int(),
    coins: z.array(IssueSchema),
    duplicate: z.boolean(),
    wallet: WalletViewSchema,
  }),
});
describeRoute({
  method: 'post',
  path: '/devices/{deviceId}/sync',
  summary:
    'Upload the outbox: paths reconciled against the spent set; verdicts per item, fraud cases, revocation list, certificate',
  auth: 'device',
  body: SyncUploadSchema,
  response: z.object({
    time: z.number().int(),
    verdicts: z.array(
      z.object({
        id: z.string(),
        status: z.enum(['accepted', 'already_known', 'double_spend', 'invalid']),
        caseIds: z.array(z.string()).optional(),
        code: z.string().optional(),
        message: z.string().optional(),
        link: z.number().int().optional(),
        spend: z.number().int().optional(),
      }),
    ),
    acknowledged: z.array(z.string()),
    fraudCases: z.array(CaseSummarySchema),
    revokedDevices: z.array(z.string()),
    cert: DeviceCertSchema,
  }),
});
describeRoute({
  method: 'post',
  path: '/devices/{deviceId}/deposit',
  summary:
    'Deposit coins: spends to the issuer, reconciled like any spend, credited to the wallet (idempotent)',
  auth: 'device',
  body: DepositRequestSchema,
  response: z.object({
    requestId: z.string(),
    results: z.array(
      z.object({
        coinId: z.string(),
        status: z.enum(['deposited', 'compensated', 'refused']),
        amount: z.number().int().optional(),
        transferId: z.string().optional(),
        duplicate: z.boolean().optional(),
        code: z.string().optional(),
        caseId: z.string().optional(),
      }),
    ),
    wallet: WalletViewSchema,
  }),
});
describeRoute({
  method: 'get',
  path: '/fraud-cases',
  summary: 'Double spends found by reconciliation (newest first)',
  auth: 'none',
  response: z.object({ cases: z.array(CaseSummarySchema) }),
});
describeRoute({
  method: 'get',
  path: '/fraud-cases/{caseId}',
  summary: 'One fraud case with its proof (verifiable with the issuer key) and the losing branch holders',
  auth: 'none',
  response: z.object({
    case: CaseSummarySchema.extend({
      proof: DoubleSpendProofSchema,
      losingBranch: z.array(
        z.object({
          coinId: z.string(),
          owner: z.string(),
          amount: z.number().int(),
          deviceId: z.string().nullable(),
          walletId: z.string().nullable(),
          status: z.enum(['held', 'deposited']),
        }),
      ),
    }),
  }),
});
describeRoute({
  method: 'get',
  path: '/revocations',
  summary: 'Revoked devices: payees reject them offline',
  auth: 'none',
  response: z.object({ revokedDevices: z.array(z.string()), time: z.number().int() }),
});

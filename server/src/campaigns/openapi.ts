/** OpenAPI entries of the campaign routes (added to the shared document at load). */
import {
  BankMoveRequestSchema,
  CreateCampaignRequestSchema,
  DrawResultSchema,
  RegisterRequestSchema,
} from '@ecny-sim/wallet-core';
import { z } from 'zod';
import { describeRoute } from '../http/openapi';
import { LoadRequestSchema } from '../offline/service';

const route = describeRoute;

route({
  method: 'post',
  path: '/campaigns',
  summary:
    'Create a red-envelope campaign funded from an operator vault into its pool; the draw seed is committed by hash (body may add operatorId and funding: vault|issue)',
  auth: 'admin',
  body: CreateCampaignRequestSchema,
});
route({ method: 'get', path: '/campaigns', summary: 'List campaigns', auth: 'none' });
route({
  method: 'get',
  path: '/campaigns/{campaignId}',
  summary:
    'Campaign terms, seed commitment, merchant rule (for devices) and progress; reclaimedAt dates the first reclaim, even one that found nothing left',
  auth: 'none',
});
route({
  method: 'post',
  path: '/campaigns/{campaignId}/register',
  summary:
    'Register the signing wallet (CAMPAIGN_NOT_OPEN, CAMPAIGN_CLOSED, CAMPAIGN_REGION, CAMPAIGN_RESIDENCY, ALREADY_REGISTERED)',
  auth: 'device',
  body: RegisterRequestSchema,
  bodyOptional: true,
});
route({
  method: 'get',
  path: '/campaigns/{campaignId}/registrations',
  summary:
    'Registered wallet ids in canonical order (?after=&limit= pages, or ?format=text for the whole list)',
  auth: 'none',
});
route({
  method: 'post',
  path: '/campaigns/{campaignId}/draw',
  summary:
    'Reveal the seed and draw the winners after registration closes (credit: true opens every envelope)',
  auth: 'admin',
  body: z.strictObject({ credit: z.boolean().optional() }),
  bodyOptional: true,
});
route({
  method: 'get',
  path: '/campaigns/{campaignId}/draw',
  summary: 'The published draw: seed, commitment, list digest, winners',
  auth: 'none',
  response: DrawResultSchema,
});
route({
  method: 'get',
  path: '/campaigns/{campaignId}/verify',
  summary: 'Recompute the draw from public data and list any mismatch',
  auth: 'none',
});
route({
  method: 'post',
  path: '/campaigns/{campaignId}/claim',
  summary: 'A winner opens the envelope: the prize moves to its restricted balance',
  auth: 'device',
  body: z.strictObject({ requestId: z.string().max(80).optional() }),
  bodyOptional: true,
});
route({
  method: 'post',
  path: '/campaigns/{campaignId}/load',
  summary:
    'An offline-trial winner loads restricted money onto the signing device as restricted root coins naming the eligible merchants, expiring with the spending window (CAMPAIGN_NOT_OFFLINE_TRIAL, CAMPAIGN_NOT_WINNER, CAMPAIGN_NOT_CLAIMED, RESTRICTED_NOT_STARTED, RESTRICTED_EXPIRED, RESTRICTED_NO_MERCHANTS, RESTRICTED_TOO_MANY_MERCHANTS, INSUFFICIENT_FUNDS; idempotent by requestId)',
  auth: 'device',
  body: LoadRequestSchema,
});
route({
  method: 'get',
  path: '/campaigns/{campaignId}/stats',
  summary: 'Registrants, winners, claimed, payments, amount spent, merchants reached, reclaimed',
  auth: 'none',
});
route({
  method: 'post',
  path: '/campaigns/{campaignId}/reclaim',
  summary:
    'After the spending window: unspent restricted money, restricted offline coins still outstanding and the pool go back to the issuer (idempotent)',
  auth: 'admin',
});
route({
  method: 'post',
  path: '/campaigns/pay',
  summary:
    'Settle a signed transfer spending restricted funds first at eligible merchants (RESTRICTED_PERSON, RESTRICTED_MERCHANT, RESTRICTED_EXPIRED)',
  auth: 'none',
  body: z.strictObject({ transfer: z.unknown(), restrictedOnly: z.boolean().optional() }),
});
route({
  method: 'post',
  path: '/campaigns/redeem',
  summary: 'Redeem own money to the bank; restricted money is refused (RESTRICTED_NOT_REDEEMABLE)',
  auth: 'device',
  body: BankMoveRequestSchema,
});
route({
  method: 'get',
  path: '/wallets/{walletId}/restricted',
  summary: "The wallet's restricted campaign balances with their rules and windows",
  auth: 'device',
});

/**
 * Request bodies of the red-envelope API: campaigns (registration, draw,
 * restricted funds) and group lucky money. Field schemas come from
 * schemas/common.ts; the cross-field rules reuse the pure checks of this
 * module so the server and the browser refuse the same bodies.
 */
import { z } from 'zod';
import { isEcnyError } from '../errors/index';
import {
  FenOrZeroSchema,
  FenSchema,
  HashSchema,
  IdSchema,
  RequestIdSchema,
  TextSchema,
  TimestampSchema,
} from '../schemas/common';
import { LUCKY_MAX_SHARES, validateLuckyMoney } from './lucky-money';

export const CampaignMccSchema = z.string().regex(/^\d{4}$/, 'four-digit merchant category code');
export const CampaignRegionSchema = TextSchema(40);
/** A draw seed as revealed: 32 bytes, base64url. */
export const DrawSeedSchema = HashSchema;

export const PrizeSchema = z.strictObject({
  amount: FenSchema,
  count: z.number().int().positive().max(10_000_000),
});

export const EligibilityRuleSchema = z.strictObject({
  regions: z.array(CampaignRegionSchema).max(100).optional(),
  residentsOnly: z.boolean().optional(),
});

export const MerchantRuleSchema = z.strictObject({
  walletIds: z.array(IdSchema).max(100_000).optional(),
  regions: z.array(CampaignRegionSchema).max(100).optional(),
  mccs: z.array(CampaignMccSchema).max(500).optional(),
});

/**
 * A campaign gives `prizes` (several face values, Chengdu style) or a single
 * `amount` × `count` (Shenzhen: 50,000 × ¥200); their total must fit the
 * budget. Times: registration opens < closes <= spendFrom < spendUntil.
 */
export const CreateCampaignRequestSchema = z
  .strictObject({
    requestId: RequestIdSchema.optional(),
    name: TextSchema(80),
    description: TextSchema(500).optional(),
    budget: FenSchema,
    prizes: z.array(PrizeSchema).min(1).max(20).optional(),
    amount: FenSchema.optional(),
    count: z.number().int().positive().max(10_000_000).optional(),
    registrationOpensAt: TimestampSchema,
    registrationClosesAt: TimestampSchema,
    eligibility: EligibilityRuleSchema.default({}),
    merchantRule: MerchantRuleSchema,
    spendFrom: TimestampSchema,
    spendUntil: TimestampSchema,
    offlineTrialQuota: z.number().int().nonnegative().max(1_000_000).default(0),
  })
  .superRefine((c, ctx) => {
    const hasSingle = c.amount !== undefined || c.count !== undefined;
    if (c.prizes && hasSingle) {
      ctx.addIssue({
        code: 'custom',
        path: ['prizes'],
        message: 'give either prizes or amount and count, not both',
      });
      return;
    }
    if (!c.prizes && (c.amount === undefined || c.count === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['prizes'], message: 'give prizes, or both amount and count' });
      return;
    }
    const prizes = campaignPrizes(c);
    const total = prizes.reduce((s, p) => s + p.amount * p.count, 0);
    if (!Number.isSafeInteger(total) || total > c.budget) {
      ctx.addIssue({
        code: 'custom',
        path: ['budget'],
        message: `the prizes total ${total} fen, over the budget`,
      });
    }
    if (c.registrationOpensAt >= c.registrationClosesAt) {
      ctx.addIssue({
        code: 'custom',
        path: ['registrationClosesAt'],
        message: 'registration must close after it opens',
      });
    }
    if (c.spendFrom < c.registrationClosesAt) {
      ctx.addIssue({
        code: 'custom',
        path: ['spendFrom'],
        message: 'spending starts after registration closes',
      });
    }
    if (c.spendUntil <= c.spendFrom) {
      ctx.addIssue({
        code: 'custom',
        path: ['spendUntil'],
        message: 'the spending window must not be empty',
      });
    }
  });

/** The prize list of a campaign request, whichever form it used. */
export function campaignPrizes(c: {
  prizes?: { amount: number; count: number }[] | undefined;
  amount?: number | undefined;
  count?: number | undefined;
}): { amount: number; count: number }[] {
  if (c.prizes) return c.prizes;
  if (c.amount !== undefined && c.count !== undefined) return [{ amount: c.amount, count: c.count }];
  return [];
}

/** Registering for a campaign (the campaign is in the path; the wallet comes from request authentication). */
export const RegisterRequestSchema = z.strictObject({
  requestId: RequestIdSchema.optional(),
  /** Ask for one of the campaign's offline-trial places (hardware wallet / offline coins). */
  offlineTrial: z.boolean().optional(),
});

/** The published outcome of a draw: enough for anyone to run verifyDraw. */
export const DrawResultSchema = z.object({
  campaignId: IdSchema,
  commitment: HashSchema,
  seed: DrawSeedSchema,
  listDigest: HashSchema,
  registrations: z.number().int().nonnegative(),
  unawarded: z.number().int().nonnegative(),
  winners: z.array(z.object({ walletId: IdSchema, amount: FenSchema, rank: z.number().int().positive() })),
});

export const LuckySplitModeSchema = z.enum(['random', 'equal']);

export const CreateLuckyMoneyRequestSchema = z
  .strictObject({
    requestId: RequestIdSchema.optional(),
    groupId: IdSchema,
    total: FenSchema,
    shares: z.number().int().min(1).max(LUCKY_MAX_SHARES),
    mode: LuckySplitModeSchema,
    expiresInSeconds: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 3600)
      .optional(),
    memo: TextSchema(60).optional(),
  })
  .superRefine((r, ctx) => {
    try {
      validateLuckyMoney(r);
    } catch (e) {
      if (!isEcnyError(e)) throw e;
      ctx.addIssue({ code: 'custom', path: ['total'], message: e.message, params: { code: e.code } });
    }
  });

/** Grabbing a share (the envelope is in the path; the wallet comes from request authentication). */
export const GrabRequestSchema = z.strictObject({
  requestId: RequestIdSchema.optional(),
});

export const GrabResponseSchema = z.object({
  envelopeId: IdSchema,
  amount: FenSchema,
  sharesLeft: z.number().int().nonnegative(),
  remaining: FenOrZeroSchema,
});

export type CreateCampaignRequest = z.infer<typeof CreateCampaignRequestSchema>;
export type RegisterRequest = z.infer<typeof RegisterRequestSchema>;
export type DrawResultView = z.infer<typeof DrawResultSchema>;
export type CreateLuckyMoneyRequest = z.infer<typeof CreateLuckyMoneyRequestSchema>;
export type GrabRequest = z.infer<typeof GrabRequestSchema>;
export type GrabResponse = z.infer<typeof GrabResponseSchema>;

import { describe, expect, it } from 'vitest';
import {
  CreateCampaignRequestSchema,
  CreateLuckyMoneyRequestSchema,
  campaignPrizes,
  expiredBalances,
  GrabRequestSchema,
  isMerchantEligible,
  isWalletEligible,
  planSpend,
  RegisterRequestSchema,
  type RestrictedBalance,
  registrationRefusal,
  restrictedRefusal,
  type SpendTarget,
  walletEligibility,
} from '../src/red-envelopes/index';

const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return 'no error';
};

const T = 1_700_000_000_000;
const DAY = 86_400_000;
const cafe: SpendTarget = {
  kind: 'wallet',
  walletId: 'w_cafe',
  merchant: { region: 'Shenzhen', mcc: '5812' },
};
const grocer: SpendTarget = {
  kind: 'wallet',
  walletId: 'w_grocer',
  merchant: { region: 'Shenzhen', mcc: '5411' },
};
const farAway: SpendTarget = {
  kind: 'wallet',
  walletId: 'w_far',
  merchant: { region: 'Beijing', mcc: '5812' },
};
const friend: SpendTarget = { kind: 'wallet', walletId: 'w_friend', merchant: null };
const bank: SpendTarget = { kind: 'bank' };

const szRule = { regions: ['Shenzhen'], mccs: ['5812', '5411'] };
const bal = (campaignId: string, amount: number, expiresAt: number, rule = szRule): RestrictedBalance => ({
  campaignId,
  amount,
  expiresAt,
  merchantRule: rule,
});

describe('wallet eligibility', () => {
  it('checks region and residency', () => {
    const rule = { regions: ['Shenzhen', 'Suzhou'], residentsOnly: true };
    expect(walletEligibility(rule, { region: ' shenzhen ', resident: true })).toBeNull();
    expect(walletEligibility(rule, { region: 'Beijing', resident: true })?.code).toBe('CAMPAIGN_REGION');
    expect(walletEligibility(rule, { region: null, resident: true })?.code).toBe('CAMPAIGN_REGION');
    expect(walletEligibility(rule, { region: 'Suzhou', resident: false })?.code).toBe('CAMPAIGN_RESIDENCY');
    expect(isWalletEligible({}, { region: null, resident: false })).toBe(true);
    expect(isWalletEligible({ regions: [] }, { region: 'Anywhere', resident: false })).toBe(true);
  });

  it('checks the registration window', () => {
    const w = { registrationOpensAt: T, registrationClosesAt: T + DAY };
    expect(registrationRefusal(w, T - 1)?.code).toBe('CAMPAIGN_NOT_OPEN');
    expect(registrationRefusal(w, T)).toBeNull();
    expect(registrationRefusal(w, T + DAY - 1)).toBeNull();
    expect(registrationRefusal(w, T + DAY)?.code).toBe('CAMPAIGN_CLOSED');
  });
});

describe('merchant eligibility', () => {
  it('admits listed wallet ids, or merchants meeting every region / MCC criterion', () => {
    const m = { region: 'Shenzhen', mcc: '5812' };
    expect(isMerchantEligible(szRule, 'w_x', m)).toBe(true);
    expect(isMerchantEligible(szRule, 'w_x', { region: 'Shenzhen', mcc: '7011' })).toBe(false);
    expect(isMerchantEligible(szRule, 'w_x', { region: 'Beijing', mcc: '5812' })).toBe(false);
    expect(
      isMerchantEligible({ ...szRule, walletIds: ['w_hotel'] }, 'w_hotel', {
        region: 'Beijing',
        mcc: '7011',
      }),
    ).toBe(true);
    expect(isMerchantEligible({ walletIds: ['w_a'] }, 'w_a', m)).toBe(true);
    expect(isMerchantEligible({ walletIds: ['w_a'] }, 'w_b', m)).toBe(false);
    expect(isMerchantEligible({ mccs: ['5812'] }, 'w_b', { region: 'Anywhere', mcc: '5812' })).toBe(true);
    expect(isMerchantEligible({}, 'w_b', m)).toBe(true);
    expect(isMerchantEligible({}, 'w_b', null)).toBe(false);
    expect(isMerchantEligible({ walletIds: ['w_a'] }, 'w_a', null)).toBe(false);
  });
});

describe('restricted funds', () => {
  const balances = [bal('c_late', 5_000, T + 7 * DAY), bal('c_soon', 3_000, T + DAY)];

  it('spends restricted money first, earliest expiry first, then own money', () => {
    expect(planSpend({ balances, target: cafe, amount: 2_000, at: T })).toEqual({
      fromRestricted: [{ campaignId: 'c_soon', amount: 2_000 }],
      fromOwn: 0,
      refused: [],
    });
    expect(planSpend({ balances, target: grocer, amount: 10_000, at: T, ownBalance: 2_000 })).toEqual({
      fromRestricted: [
        { campaignId: 'c_soon', amount: 3_000 },
        { campaignId: 'c_late', amount: 5_000 },
      ],
      fromOwn: 2_000,
      refused: [],
    });
  });

  it('falls back to own money where restricted money is refused, and says why', () => {
    expect(planSpend({ balances, target: friend, amount: 1_000, at: T, ownBalance: 1_000 })).toEqual({
      fromRestricted: [],
      fromOwn: 1_000,
      refused: [
        { campaignId: 'c_soon', code: 'RESTRICTED_PERSON' },
        { campaignId: 'c_late', code: 'RESTRICTED_PERSON' },
      ],
    });
    const later = planSpend({ balances, target: cafe, amount: 4_000, at: T + 2 * DAY, ownBalance: 0 });
    expect(later.fromRestricted).toEqual([{ campaignId: 'c_late', amount: 4_000 }]);
    expect(later.refused).toEqual([{ campaignId: 'c_soon', code: 'RESTRICTED_EXPIRED' }]);
  });

  it('refuses with the restriction code when only restricted money could have paid', () => {
    expect(code(() => planSpend({ balances, target: friend, amount: 1_000, at: T, ownBalance: 0 }))).toBe(
      'RESTRICTED_PERSON',
    );
    expect(code(() => planSpend({ balances, target: farAway, amount: 1_000, at: T, ownBalance: 500 }))).toBe(
      'RESTRICTED_MERCHANT',
    );
    expect(code(() => planSpend({ balances, target: bank, amount: 1_000, at: T, ownBalance: 0 }))).toBe(
      'RESTRICTED_NOT_REDEEMABLE',
    );
    expect(
      code(() => planSpend({ balances, target: cafe, amount: 1_000, at: T + 8 * DAY, ownBalance: 0 })),
    ).toBe('RESTRICTED_EXPIRED');
    expect(
      code(() => planSpend({ balances: [], target: cafe, amount: 1_000, at: T, restrictedOnly: true })),
    ).toBe('INSUFFICIENT_FUNDS');
    expect(code(() => planSpend({ balances, target: cafe, amount: 9_000, at: T, ownBalance: 0 }))).toBe(
      'INSUFFICIENT_FUNDS',
    );
    expect(
      code(() =>
        planSpend({ balances, target: friend, amount: 1_000, at: T, restrictedOnly: true, ownBalance: 9e6 }),
      ),
    ).toBe('RESTRICTED_PERSON');
    expect(code(() => planSpend({ balances, target: cafe, amount: 0, at: T }))).toBe('BAD_AMOUNT');
  });

  it('restrictedRefusal covers each rule, with expiry exclusive and a start time', () => {
    const b: RestrictedBalance = { ...bal('c', 100, T + DAY), spendableFrom: T };
    expect(restrictedRefusal(b, cafe, T)).toBeNull();
    expect(restrictedRefusal(b, cafe, T - 1)?.code).toBe('RESTRICTED_NOT_STARTED');
    expect(restrictedRefusal(b, cafe, T + DAY - 1)).toBeNull();
    expect(restrictedRefusal(b, cafe, T + DAY)?.code).toBe('RESTRICTED_EXPIRED');
    expect(restrictedRefusal(b, friend, T)?.code).toBe('RESTRICTED_PERSON');
    expect(restrictedRefusal(b, farAway, T)?.code).toBe('RESTRICTED_MERCHANT');
    expect(restrictedRefusal(b, bank, T)?.code).toBe('RESTRICTED_NOT_REDEEMABLE');
  });

  it('lists expired balances for reclaiming', () => {
    const r = expiredBalances([...balances, bal('c_empty', 0, T)], T + 2 * DAY);
    expect(r.expired.map((b) => b.campaignId)).toEqual(['c_soon']);
    expect(r.total).toBe(3_000);
  });
});

describe('schemas', () => {
  const campaign = {
    name: 'Shenzhen Luohu red envelopes',
    budget: 1_000_000_000,
    amount: 20_000,
    count: 50_000,
    registrationOpensAt: T,
    registrationClosesAt: T + 3 * DAY,
    eligibility: { regions: ['Shenzhen'], residentsOnly: true },
    merchantRule: { regions: ['Shenzhen'], walletIds: ['w_cafe'] },
    spendFrom: T + 4 * DAY,
    spendUntil: T + 11 * DAY,
  };

  it('accepts a Shenzhen-style campaign and normalises its prizes', () => {
    const c = CreateCampaignRequestSchema.parse(campaign);
    expect(c.offlineTrialQuota).toBe(0);
    expect(campaignPrizes(c)).toEqual([{ amount: 20_000, count: 50_000 }]);
    const chengdu = CreateCampaignRequestSchema.parse({
      ...campaign,
      amount: undefined,
      count: undefined,
      prizes: [
        { amount: 88_800, count: 10 },
        { amount: 1_000, count: 1_000 },
      ],
      offlineTrialQuota: 1000,
    });
    expect(campaignPrizes(chengdu)).toHaveLength(2);
  });

  it('refuses inconsistent campaigns', () => {
    const bad = (patch: Record<string, unknown>) =>
      CreateCampaignRequestSchema.safeParse({ ...campaign, ...patch }).success;
    expect(bad({ budget: 999_999_999 })).toBe(false);
    expect(bad({ count: undefined })).toBe(false);
    expect(bad({ prizes: [{ amount: 100, count: 1 }] })).toBe(false);
    expect(bad({ registrationClosesAt: T })).toBe(false);
    expect(bad({ spendFrom: T + DAY })).toBe(false);
    expect(bad({ spendUntil: T + 4 * DAY })).toBe(false);
    expect(bad({ merchantRule: { mccs: ['58'] } })).toBe(false);
    expect(bad({ extra: 1 })).toBe(false);
  });

  it('validates lucky money, register and grab bodies', () => {
    const ok = { groupId: 'g_family', total: 8_888, shares: 8, mode: 'random', memo: '恭喜发财' };
    expect(CreateLuckyMoneyRequestSchema.parse(ok)).toEqual(ok);
    expect(CreateLuckyMoneyRequestSchema.safeParse({ ...ok, total: 7 }).success).toBe(false);
    expect(CreateLuckyMoneyRequestSchema.safeParse({ ...ok, total: 160_001 }).success).toBe(false);
    expect(CreateLuckyMoneyRequestSchema.safeParse({ ...ok, mode: 'lucky' }).success).toBe(false);
    expect(CreateLuckyMoneyRequestSchema.safeParse({ ...ok, expiresInSeconds: 0 }).success).toBe(false);
    expect(CreateLuckyMoneyRequestSchema.safeParse({ ...ok, expiresInSeconds: 3600 }).success).toBe(true);
    const tooBig = CreateLuckyMoneyRequestSchema.safeParse({ ...ok, total: 160_001 });
    expect(JSON.stringify(tooBig.error?.issues)).toContain('LUCKY_BAD_SPLIT');
    expect(RegisterRequestSchema.parse({})).toEqual({});
    expect(RegisterRequestSchema.safeParse({ offlineTrial: true }).success).toBe(true);
    expect(GrabRequestSchema.safeParse({ requestId: 'grab-0001' }).success).toBe(true);
    expect(GrabRequestSchema.safeParse({ amount: 5 }).success).toBe(false);
  });
});

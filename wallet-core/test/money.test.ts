import { describe, expect, it } from 'vitest';
import {
  assertFen,
  checkPayerLimits,
  fenToDecimal,
  formatFen,
  isFen,
  isTier,
  MAX_FEN,
  parseYuan,
  TIER_SPECS,
  tierSpec,
  yuan,
} from '../src/index';

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
};

describe('parseYuan', () => {
  it.each([
    ['0', 0],
    ['12', 1_200],
    ['12.3', 1_230],
    ['12.34', 1_234],
    ['0.01', 1],
    ['1,234.56', 123_456],
    ['¥8.00', 800],
    ['￥8.5', 850],
    ['  42.10 ', 4_210],
    ['9999999999999.99', 999_999_999_999_999],
    ['1,000', 100_000],
    ['12,345,678.9', 1_234_567_890],
    ['007', 700],
  ])('%s -> %i fen', (text, fen) => {
    expect(parseYuan(text)).toBe(fen);
  });

  it.each([
    '',
    'abc',
    '-1',
    '1.234',
    '1e3',
    '0x10',
    '1.',
    '.5',
    '12 34',
    'NaN',
    'Infinity',
    '¥',
    // a comma only groups thousands
    '1,5',
    '1,50',
    '1,0000',
    ',100',
    '100,',
    '1,,000',
    '1,000.5,0',
  ])('refuses %j with BAD_AMOUNT', (text) => {
    expect(codeOf(() => parseYuan(text))).toBe('BAD_AMOUNT');
  });

  it.each(['10000000000000', '99999999999999', '92233720368547.75', '10,000,000,000,000'])(
    'refuses %j with AMOUNT_TOO_LARGE',
    (text) => {
      expect(codeOf(() => parseYuan(text))).toBe('AMOUNT_TOO_LARGE');
    },
  );

  it('never goes through floats: 0.29 yuan is exactly 29 fen', () => {
    expect(parseYuan('0.29')).toBe(29);
    expect(parseYuan('1.15')).toBe(115);
    expect(parseYuan('4.35')).toBe(435);
  });
});

describe('formatFen', () => {
  it.each([
    [0, '¥0.00'],
    [1, '¥0.01'],
    [1_234, '¥12.34'],
    [123_456, '¥1,234.56'],
    [100_000_000, '¥1,000,000.00'],
    [-100, '-¥1.00'],
    [MAX_FEN, '¥10,000,000,000,000.00'],
  ])('%i -> %s', (fen, text) => {
    expect(formatFen(fen)).toBe(text);
  });

  it('takes another symbol and round-trips with parseYuan', () => {
    expect(formatFen(123_456, 'CNY ')).toBe('CNY 1,234.56');
    for (const fen of [0, 5, 99, 100, 123_456, 987_654_321]) expect(parseYuan(formatFen(fen))).toBe(fen);
  });

  it('refuses fractional and unsafe numbers', () => {
    expect(codeOf(() => formatFen(1.5))).toBe('BAD_AMOUNT');
    expect(codeOf(() => formatFen(Number.NaN))).toBe('BAD_AMOUNT');
    expect(codeOf(() => formatFen(2 ** 53))).toBe('BAD_AMOUNT');
  });

  it('fenToDecimal writes QR amounts without symbol or grouping', () => {
    expect(fenToDecimal(123_456)).toBe('1234.56');
    expect(fenToDecimal(5)).toBe('0.05');
    expect(codeOf(() => fenToDecimal(-1))).toBe('BAD_AMOUNT');
  });
});

describe('bounds', () => {
  it('isFen accepts only whole, non-negative, bounded amounts', () => {
    for (const ok of [0, 1, MAX_FEN]) expect(isFen(ok)).toBe(true);
    for (const bad of [
      -1,
      0.5,
      MAX_FEN + 1,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      '1',
      null,
      undefined,
      2 ** 53,
    ]) {
      expect(isFen(bad)).toBe(false);
    }
  });

  it('assertFen refuses zero unless allowed', () => {
    expect(codeOf(() => assertFen(0))).toBe('BAD_AMOUNT');
    expect(assertFen(0, 'amount', true)).toBe(0);
    expect(assertFen(7)).toBe(7);
    expect(codeOf(() => assertFen(1.01))).toBe('BAD_AMOUNT');
    expect(codeOf(() => assertFen(MAX_FEN + 1))).toBe('BAD_AMOUNT');
  });

  it('yuan() rounds a literal to the nearest fen', () => {
    expect(yuan(12.34)).toBe(1_234);
    expect(yuan(0.1 + 0.2)).toBe(30);
    expect(codeOf(() => yuan(-1))).toBe('BAD_AMOUNT');
  });
});

describe('tiers', () => {
  it('carry the PBOC figures for categories 2 and 4', () => {
    expect(TIER_SPECS[2].online).toEqual({
      balanceCap: 50_000_000,
      perPayment: 5_000_000,
      perDay: 10_000_000,
    });
    expect(TIER_SPECS[4].online).toEqual({ balanceCap: 1_000_000, perPayment: 200_000, perDay: 500_000 });
    expect(TIER_SPECS[1].online).toEqual({ balanceCap: null, perPayment: null, perDay: null });
  });

  it('limits tighten from tier 1 to tier 4', () => {
    for (const t of [2, 3] as const) {
      const here = TIER_SPECS[t];
      const next = TIER_SPECS[(t + 1) as 3 | 4];
      expect(here.online.perPayment!).toBeGreaterThan(next.online.perPayment!);
      expect(here.online.balanceCap!).toBeGreaterThan(next.online.balanceCap!);
      expect(here.offline.perPayment).toBeGreaterThan(next.offline.perPayment);
    }
  });

  it('checkPayerLimits names the limit broken', () => {
    expect(checkPayerLimits(4, 200_000, 0)).toBeNull();
    expect(checkPayerLimits(4, 200_001, 0)?.code).toBe('LIMIT_PER_PAYMENT');
    expect(checkPayerLimits(4, 100_000, 400_000)).toBeNull();
    expect(checkPayerLimits(4, 100_001, 400_000)?.code).toBe('LIMIT_PER_DAY');
    expect(checkPayerLimits(1, MAX_FEN, MAX_FEN)).toBeNull();
  });

  it('isTier / tierSpec', () => {
    expect([0, 1, 4, 5, '1'].map(isTier)).toEqual([false, true, true, false, false]);
    expect(tierSpec(3).name).toBe('Category 3');
    expect(codeOf(() => tierSpec(5))).toBe('BAD_TIER');
  });
});

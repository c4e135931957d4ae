/**
 * Money is integer fen (0.01 CNY). This module is the one place that parses,
 * formats and bounds amounts; nothing in the system uses floats for money.
 */
import { EcnyError } from '../errors/index';

/** Largest amount the system handles: ¥10 trillion, far below 2^53. */
export const MAX_FEN = 1_000_000_000_000_000;

export type Fen = number;

export function isFen(value: unknown): value is Fen {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= MAX_FEN;
}

/** Throws BAD_AMOUNT unless `value` is a whole number of fen within bounds (and positive unless allowZero). */
export function assertFen(value: unknown, what = 'amount', allowZero = false): Fen {
  if (!isFen(value) || (!allowZero && value === 0)) {
    throw new EcnyError(
      'BAD_AMOUNT',
      `${what} must be a whole number of fen between ${allowZero ? 0 : 1} and ${MAX_FEN}, got ${String(value)}`,
    );
  }
  return value;
}

/** Whole yuan (plain digits, or grouped by thousands with commas) and at most two decimals. */
const YUAN_TEXT = /^(\d+|\d{1,3}(?:,\d{3})+)(?:\.(\d{1,2}))?$/;
/** Digits of whole yuan below MAX_FEN. */
const MAX_YUAN_DIGITS = 13;

/**
 * Parses yuan text ("12", "12.3", "1,234.56", "¥8.00") into fen. A comma only groups thousands:
 * "1,5" is refused, never read as 15. An amount past MAX_FEN is AMOUNT_TOO_LARGE, other text
 * BAD_AMOUNT.
 */
export function parseYuan(text: string): Fen {
  const cleaned = text.trim().replace(/^[¥￥]/, '');
  const m = YUAN_TEXT.exec(cleaned);
  if (!m) throw new EcnyError('BAD_AMOUNT', `"${text}" is not an amount in yuan (like 12.34)`);
  const whole = m[1]!.replace(/,/g, '').replace(/^0+(?=\d)/, '');
  const fen =
    whole.length > MAX_YUAN_DIGITS ? Number.NaN : Number(whole) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  if (!(fen <= MAX_FEN))
    throw new EcnyError(
      'AMOUNT_TOO_LARGE',
      `"${text}" is more than the largest amount, ${formatFen(MAX_FEN)}`,
    );
  return assertFen(fen, 'amount', true);
}

/** Formats fen as "¥1,234.56" (negative amounts as "-¥1.00"). */
export function formatFen(fen: Fen, symbol = '¥'): string {
  if (!Number.isSafeInteger(fen)) throw new EcnyError('BAD_AMOUNT', `not a fen amount: ${fen}`);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const cents = (abs % 100).toString().padStart(2, '0');
  return `${sign}${symbol}${yuan}.${cents}`;
}

/** Fen as plain decimal yuan text without symbol or grouping ("1234.56"), as used in QR amounts. */
export function fenToDecimal(fen: Fen): string {
  assertFen(fen, 'amount', true);
  return `${Math.floor(fen / 100)}.${(fen % 100).toString().padStart(2, '0')}`;
}

export function yuan(amount: number): Fen {
  return assertFen(Math.round(amount * 100), 'amount', true);
}

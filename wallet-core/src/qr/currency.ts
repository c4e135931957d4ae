/**
 * ISO 4217 numeric currency codes the QR parser recognises: the yuan plus the
 * currencies of the schemes whose codes a traveller is likely to scan. Only
 * 156 (CNY) can be paid here; the others are parsed so that the wallet can
 * say what the code is.
 */

export interface CurrencyInfo {
  /** ISO 4217 numeric code, three digits. */
  numeric: string;
  /** ISO 4217 alphabetic code. */
  alpha: string;
  /** Digits after the decimal mark (ISO 4217 minor unit). */
  minorUnits: number;
}

export const CNY_NUMERIC = '156';

const TABLE: ReadonlyArray<readonly [string, string, number]> = [
  ['156', 'CNY', 2],
  ['344', 'HKD', 2],
  ['446', 'MOP', 2],
  ['901', 'TWD', 2],
  ['840', 'USD', 2],
  ['978', 'EUR', 2],
  ['826', 'GBP', 2],
  ['392', 'JPY', 0],
  ['410', 'KRW', 0],
  ['702', 'SGD', 2],
  ['458', 'MYR', 2],
  ['764', 'THB', 2],
  ['360', 'IDR', 2],
  ['608', 'PHP', 2],
  ['704', 'VND', 0],
  ['116', 'KHR', 2],
  ['418', 'LAK', 2],
  ['104', 'MMK', 2],
  ['096', 'BND', 2],
  ['356', 'INR', 2],
  ['524', 'NPR', 2],
  ['144', 'LKR', 2],
  ['050', 'BDT', 2],
  ['586', 'PKR', 2],
  ['496', 'MNT', 2],
  ['398', 'KZT', 2],
  ['643', 'RUB', 2],
  ['784', 'AED', 2],
  ['682', 'SAR', 2],
  ['036', 'AUD', 2],
  ['554', 'NZD', 2],
  ['124', 'CAD', 2],
  ['756', 'CHF', 2],
  ['986', 'BRL', 2],
  ['484', 'MXN', 2],
  ['710', 'ZAR', 2],
];

export const CURRENCIES: ReadonlyMap<string, CurrencyInfo> = new Map(
  TABLE.map(([numeric, alpha, minorUnits]) => [numeric, { numeric, alpha, minorUnits }]),
);

/** The currency with this ISO 4217 numeric code, or undefined when not in the table. */
export function currencyByNumeric(numeric: string): CurrencyInfo | undefined {
  return CURRENCIES.get(numeric);
}

/**
 * Merchant-presented QR codes (the customer scans): EMVCo QR Code
 * Specification for Payment Systems, Merchant-Presented Mode (MPM).
 *
 * `encodeMerchantQr` writes our codes; `parseMerchantQr` reads ours and any
 * other scheme's valid MPM payload (PromptPay, PayNow, FPS, QRIS, Bharat
 * QR...), returning its fields and whether this wallet can pay it.
 *
 * Choices, also in PROTOCOL.md §8:
 * - Lengths count characters (code points), as the EMVCo specification does;
 *   the CRC is computed over the UTF-8 bytes.
 * - Character set as EMVCo: every value is printable ASCII except the
 *   alternate-language fields of template 64, which may be any printable
 *   Unicode. A non-ASCII merchant name or city given to the encoder goes to
 *   template 64 (language "ZH") and 59/60 carry an ASCII fallback.
 * - The parser is strict on structure, CRC, mandatory fields, currency and
 *   amount format, and lenient where real payloads differ from the letter of
 *   the specification: name/city longer than 25/15 characters, lowercase CRC
 *   hex, surrounding whitespace.
 */
import { EcnyError } from '../errors/index';
import { type Fen, fenToDecimal, isFen, parseYuan } from '../money/fen';
import { IdSchema, isPrintableText } from '../schemas/common';
import { crc16Hex } from './crc';
import { CNY_NUMERIC, type CurrencyInfo, currencyByNumeric } from './currency';
import { charLength, encodeTlv, parseTlv, type TlvField, truncateChars } from './tlv';

/** Our globally unique identifier (reverse domain name) in sub-id 00 of a merchant account template. */
export const ECNY_QR_GUID = 'cn.ecny-sim';
/** The merchant account template ID our encoder uses (the first of 26..51). */
export const ECNY_QR_TEMPLATE_ID = '26';
/** EMVCo limit on a whole payload, in characters. */
export const MAX_QR_PAYLOAD_CHARS = 512;
/** Largest amount that fits the 13 characters of ID 54: ¥9,999,999,999.99. */
export const MAX_QR_AMOUNT_FEN: Fen = 999_999_999_999;

export const MERCHANT_NAME_MAX = 25;
export const MERCHANT_CITY_MAX = 15;
export const BILL_ID_MAX = 25;

// ---------------------------------------------------------------------------
// Types

/** A merchant account: a primitive (IDs 02..25, card-network specific) or a template (26..51, 80..99). */
export interface QrAccount {
  /** Two-digit ID of the data object. */
  id: string;
  /** Sub-id 00 of a template; null for a primitive account. */
  guid: string | null;
  /** The raw value (for a template, its encoded sub-fields). */
  value: string;
  /** Sub-fields of a template by sub-id, including "00"; empty for a primitive. */
  subFields: Record<string, string>;
}

export interface QrAdditionalData {
  billNumber?: string;
  mobileNumber?: string;
  storeLabel?: string;
  loyaltyNumber?: string;
  referenceLabel?: string;
  customerLabel?: string;
  terminalLabel?: string;
  purposeOfTransaction?: string;
  additionalConsumerDataRequest?: string;
  merchantTaxId?: string;
  merchantChannel?: string;
  /** Every sub-field by sub-id, including RFU and payment-system-specific ones. */
  subFields: Record<string, string>;
}

export interface QrLanguageTemplate {
  /** ISO 639-1 language code, e.g. "ZH". */
  language: string;
  name: string;
  city: string | null;
  subFields: Record<string, string>;
}

export type QrTip =
  | { indicator: 'prompt' }
  | { indicator: 'fixed'; fee: string }
  | { indicator: 'percentage'; percentage: string };

export interface MerchantQr {
  /** The payload as parsed (surrounding whitespace removed). */
  payload: string;
  /** ID 01: "11" static, "12" dynamic; null when absent. */
  initiation: 'static' | 'dynamic' | null;
  /** IDs 02..51 in payload order. */
  merchantAccounts: QrAccount[];
  /** ID 52. */
  mcc: string;
  /** ID 53, ISO 4217 numeric. */
  currency: string;
  currencyInfo: CurrencyInfo;
  /** ID 54 as written, null when absent. */
  amountText: string | null;
  /** ID 54 in the currency's minor units (fen for CNY). */
  amountMinor: number | null;
  /** ID 54 in fen when the currency is CNY (156), else null. */
  amountFen: Fen | null;
  /** IDs 55..57. */
  tip: QrTip | null;
  /** ID 58, ISO 3166-1 alpha-2. */
  countryCode: string;
  /** ID 59. */
  merchantName: string;
  /** ID 60. */
  merchantCity: string;
  /** ID 61. */
  postalCode: string | null;
  /** ID 62. */
  additionalData: QrAdditionalData | null;
  /** ID 64. */
  languageTemplate: QrLanguageTemplate | null;
  /** IDs 80..99. */
  unreservedTemplates: QrAccount[];
  /** ID 63 as written. */
  crc: string;
  /** Every top-level data object in payload order. */
  fields: TlvField[];
  /** Our merchant account, when the code carries one. */
  ecny: { templateId: string; walletId: string; operatorId: string | null } | null;
  /** Bill / request id: 62 sub-id 01 (bill number), else 05 (reference label). */
  billId: string | null;
  /** Name to show: the alternate-language name when present, else ID 59. */
  displayName: string;
  /** True when this wallet can pay the code: our account template and currency 156. */
  payableHere: boolean;
  /** Why not, when payableHere is false. */
  notPayableReason: string | null;
}

export interface MerchantQrFields {
  /** The merchant's wallet id (sub-id 01 of our template). */
  walletId: string;
  /** The merchant's operator (sub-id 02), optional. */
  operatorId?: string;
  /** Any printable text; a non-ASCII name goes to template 64 with an ASCII fallback in 59. */
  merchantName: string;
  merchantCity: string;
  /** ISO 18245 merchant category code, four digits. */
  mcc: string;
  /** Fixed amount in fen; makes the code dynamic unless `dynamic` says otherwise. */
  amount?: Fen;
  /** ID 01 "12" when true, "11" when false; default: true exactly when an amount is given. */
  dynamic?: boolean;
  /** Bill / request id, 62 sub-id 01; up to 25 printable ASCII characters. */
  billId?: string;
  /** Reference label, 62 sub-id 05; up to 25 printable ASCII characters. */
  referenceLabel?: string;
  /** ID 58, default "CN". */
  countryCode?: string;
  /** ID 61. */
  postalCode?: string;
  /** ASCII name for 59 when `merchantName` is not ASCII (default: its ASCII characters, else "MERCHANT"). */
  latinName?: string;
  /** ASCII city for 60 when `merchantCity` is not ASCII (default: its ASCII characters, else "CHINA"). */
  latinCity?: string;
  /** Language of template 64, default "ZH". */
  language?: string;
}

// ---------------------------------------------------------------------------
// Helpers

const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;
const AMOUNT = /^(\d+)(?:\.(\d+))?$/;

function isPrintableAscii(text: string): boolean {
  return PRINTABLE_ASCII.test(text);
}

function isPrintableUnicode(text: string): boolean {
  return text.length > 0 && isPrintableText(text);
}

function fail(code: string, message: string, field: string, extra?: Record<string, unknown>): never {
  throw new EcnyError(code, message, { field, ...extra });
}

function isAccountId(id: string): boolean {
  const n = Number(id);
  return n >= 2 && n <= 51;
}

function isAccountTemplateId(id: string): boolean {
  const n = Number(id);
  return n >= 26 && n <= 51;
}

function isUnreservedTemplateId(id: string): boolean {
  return Number(id) >= 80;
}

/** Parses a nested template, turning any error into QR_BAD_TEMPLATE {field, subField?}. */
function parseTemplate(
  field: string,
  value: string,
  allowUnicode: (subId: string) => boolean = () => false,
): Record<string, string> {
  let subs: TlvField[];
  try {
    subs = parseTlv(value);
  } catch (e) {
    const cause = e as EcnyError;
    throw new EcnyError(
      'QR_BAD_TEMPLATE',
      `template ${field}: ${cause.message}`,
      { field, subField: cause.details?.['field'], cause: cause.code },
      { cause },
    );
  }
  const out: Record<string, string> = {};
  for (const sub of subs) {
    if (Object.hasOwn(out, sub.id))
      fail('QR_BAD_TEMPLATE', `template ${field} repeats ${sub.id}`, field, { subField: sub.id });
    const ok = allowUnicode(sub.id) ? isPrintableUnicode(sub.value) : isPrintableAscii(sub.value);
    if (!ok) {
      fail('QR_BAD_TEMPLATE', `template ${field}: ${sub.id} has characters not allowed there`, field, {
        subField: sub.id,
      });
    }
    out[sub.id] = sub.value;
  }
  return out;
}

function accountTemplate(id: string, value: string): QrAccount {
  const subFields = parseTemplate(id, value);
  const guid = subFields['00'];
  if (guid === undefined) {
    fail('QR_BAD_TEMPLATE', `template ${id} has no globally unique identifier (sub-id 00)`, id, {
      subField: '00',
    });
  }
  return { id, guid, value, subFields };
}

/** Amount text in the currency's minor units; throws QR_BAD_FORMAT. */
function parseAmount(text: string, field: string, currency: CurrencyInfo): number {
  const m = AMOUNT.exec(text);
  if (!m || text.length > 13) {
    fail('QR_BAD_FORMAT', `"${text}" is not an amount (digits with an optional "." and decimals)`, field);
  }
  const whole = m[1]!;
  let frac = m[2] ?? '';
  // Decimals beyond the currency's minor unit are tolerated only when they are zeros ("100.00" yen).
  if (frac.length > currency.minorUnits) {
    if (/[^0]/.test(frac.slice(currency.minorUnits))) {
      fail('QR_BAD_FORMAT', `${currency.alpha} has ${currency.minorUnits} decimals, got "${text}"`, field);
    }
    frac = frac.slice(0, currency.minorUnits);
  }
  const minor =
    Number(whole) * 10 ** currency.minorUnits + Number(frac.padEnd(currency.minorUnits, '0') || '0');
  if (!Number.isSafeInteger(minor) || minor <= 0)
    fail('QR_BAD_FORMAT', `amount "${text}" must be positive`, field);
  return minor;
}

function asciiFallback(text: string, fallback: string, max: number): string {
  const ascii = text
    .replace(/[^\x20-\x7e]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return truncateChars(ascii || fallback, max).trim() || fallback;
}

// ---------------------------------------------------------------------------
// Encoding

/** Appends "6304" and the CRC to a payload body. */
export function withCrc(body: string): string {
  const head = `${body}6304`;
  return head + crc16Hex(head);
}

/**
 * Our merchant-presented payload. Throws EcnyError QR_BAD_FORMAT /
 * QR_BAD_LENGTH / QR_MISSING_FIELD with details {field} on bad input.
 * Names and cities longer than EMVCo allows (25 / 15 characters) are cut.
 */
export function encodeMerchantQr(fields: MerchantQrFields): string {
  const walletOk = IdSchema.safeParse(fields.walletId).success;
  if (!walletOk)
    fail('QR_BAD_FORMAT', 'walletId is not a wallet id', ECNY_QR_TEMPLATE_ID, { subField: '01' });
  if (fields.operatorId !== undefined && !IdSchema.safeParse(fields.operatorId).success) {
    fail('QR_BAD_FORMAT', 'operatorId is not an operator id', ECNY_QR_TEMPLATE_ID, { subField: '02' });
  }
  if (!/^\d{4}$/.test(fields.mcc)) fail('QR_BAD_FORMAT', 'mcc must be four digits', '52');
  const country = fields.countryCode ?? 'CN';
  if (!/^[A-Z]{2}$/.test(country)) fail('QR_BAD_FORMAT', 'countryCode must be two capital letters', '58');

  const dynamic = fields.dynamic ?? fields.amount !== undefined;
  if (dynamic && fields.amount === undefined)
    fail('QR_MISSING_FIELD', 'a dynamic code needs an amount', '54');
  if (
    fields.amount !== undefined &&
    (!isFen(fields.amount) || fields.amount <= 0 || fields.amount > MAX_QR_AMOUNT_FEN)
  ) {
    fail('QR_BAD_FORMAT', `amount must be whole fen between 1 and ${MAX_QR_AMOUNT_FEN}`, '54');
  }

  const name = fields.merchantName.trim();
  const city = fields.merchantCity.trim();
  if (!isPrintableUnicode(name)) fail('QR_BAD_FORMAT', 'merchantName must be printable text', '59');
  if (!isPrintableUnicode(city)) fail('QR_BAD_FORMAT', 'merchantCity must be printable text', '60');
  const nameAscii = isPrintableAscii(name);
  const cityAscii = isPrintableAscii(city);
  const latinName = nameAscii
    ? name
    : (fields.latinName ?? asciiFallback(name, 'MERCHANT', MERCHANT_NAME_MAX));
  const latinCity = cityAscii ? city : (fields.latinCity ?? asciiFallback(city, 'CHINA', MERCHANT_CITY_MAX));
  if (!isPrintableAscii(latinName)) fail('QR_BAD_FORMAT', 'latinName must be printable ASCII', '59');
  if (!isPrintableAscii(latinCity)) fail('QR_BAD_FORMAT', 'latinCity must be printable ASCII', '60');

  const additional: string[] = [];
  for (const [subId, value, what] of [
    ['01', fields.billId, 'billId'],
    ['05', fields.referenceLabel, 'referenceLabel'],
  ] as const) {
    if (value === undefined) continue;
    if (!isPrintableAscii(value) || value.length > BILL_ID_MAX) {
      fail('QR_BAD_FORMAT', `${what} must be 1 to ${BILL_ID_MAX} printable ASCII characters`, '62', {
        subField: subId,
      });
    }
    additional.push(encodeTlv(subId, value));
  }
  if (
    fields.postalCode !== undefined &&
    (!isPrintableAscii(fields.postalCode) || fields.postalCode.length > 10)
  ) {
    fail('QR_BAD_FORMAT', 'postalCode must be 1 to 10 printable ASCII characters', '61');
  }
  const language = fields.language ?? 'ZH';
  if (!/^[A-Z]{2}$/.test(language)) fail('QR_BAD_FORMAT', 'language must be two capital letters', '64');

  let account = encodeTlv('00', ECNY_QR_GUID) + encodeTlv('01', fields.walletId);
  if (fields.operatorId !== undefined) account += encodeTlv('02', fields.operatorId);

  const parts = [
    encodeTlv('00', '01'),
    encodeTlv('01', dynamic ? '12' : '11'),
    encodeTlv(ECNY_QR_TEMPLATE_ID, account),
    encodeTlv('52', fields.mcc),
    encodeTlv('53', CNY_NUMERIC),
  ];
  if (fields.amount !== undefined) parts.push(encodeTlv('54', fenToDecimal(fields.amount)));
  parts.push(
    encodeTlv('58', country),
    encodeTlv('59', truncateChars(latinName, MERCHANT_NAME_MAX)),
    encodeTlv('60', truncateChars(latinCity, MERCHANT_CITY_MAX)),
  );
  if (fields.postalCode !== undefined) parts.push(encodeTlv('61', fields.postalCode));
  if (additional.length > 0) parts.push(encodeTlv('62', additional.join('')));
  if (!nameAscii || !cityAscii) {
    let lang = encodeTlv('00', language) + encodeTlv('01', truncateChars(name, MERCHANT_NAME_MAX));
    if (!cityAscii) lang += encodeTlv('02', truncateChars(city, MERCHANT_CITY_MAX));
    parts.push(encodeTlv('64', lang));
  }
  const payload = withCrc(parts.join(''));
  if (charLength(payload) > MAX_QR_PAYLOAD_CHARS) fail('QR_BAD_LENGTH', 'payload too long', 'payload');
  return payload;
}

// ---------------------------------------------------------------------------
// Parsing

const MANDATORY = ['52', '53', '58', '59', '60'] as const;

/**
 * Parses and validates a merchant-presented payload of any EMVCo MPM scheme.
 * Throws EcnyError with details {field} (and {subField} inside templates):
 * QR_BAD_CRC, QR_BAD_LENGTH, QR_MISSING_FIELD, QR_BAD_CURRENCY,
 * QR_BAD_TEMPLATE, QR_BAD_FORMAT. Never throws anything else.
 */
export function parseMerchantQr(payload: unknown): MerchantQr {
  if (typeof payload !== 'string') fail('QR_BAD_FORMAT', 'a QR payload is text', 'payload');
  const text = payload.trim();
  if (text.length === 0) fail('QR_MISSING_FIELD', 'empty payload', '00');
  const total = text.length > MAX_QR_PAYLOAD_CHARS * 2 ? text.length : charLength(text);
  if (total > MAX_QR_PAYLOAD_CHARS) {
    fail('QR_BAD_LENGTH', `payload of ${total} characters exceeds ${MAX_QR_PAYLOAD_CHARS}`, 'payload');
  }

  // Integrity first: when the payload ends like "6304XXXX", the CRC must match.
  const tail = /6304([0-9A-Fa-f]{4})$/.exec(text);
  if (tail) {
    const expected = crc16Hex(text.slice(0, -4));
    if (tail[1]!.toUpperCase() !== expected) {
      fail('QR_BAD_CRC', `CRC ${tail[1]} does not match the payload (expected ${expected})`, '63', {
        expected,
        actual: tail[1],
      });
    }
  }

  const fields = parseTlv(text);
  const byId = new Map<string, string>();
  for (const f of fields) {
    if (byId.has(f.id)) fail('QR_BAD_FORMAT', `data object ${f.id} appears twice`, f.id);
    byId.set(f.id, f.value);
  }

  // 63: present, last, four hex digits (a matching CRC was checked above).
  const crc = byId.get('63');
  if (crc === undefined) fail('QR_MISSING_FIELD', 'no CRC (63)', '63');
  if (fields[fields.length - 1]!.id !== '63' || !/^[0-9A-Fa-f]{4}$/.test(crc) || !tail) {
    fail('QR_BAD_FORMAT', 'the CRC (63) must be the last data object, four hex digits', '63');
  }
  // 00: present, first, "01".
  const format = byId.get('00');
  if (format === undefined) fail('QR_MISSING_FIELD', 'no payload format indicator (00)', '00');
  if (fields[0]!.id !== '00' || format !== '01') {
    fail('QR_BAD_FORMAT', 'the payload must start with payload format indicator 00 = "01"', '00');
  }
  for (const id of MANDATORY) {
    if (!byId.has(id)) fail('QR_MISSING_FIELD', `mandatory data object ${id} is missing`, id);
  }
  if (!fields.some((f) => isAccountId(f.id))) {
    fail('QR_MISSING_FIELD', 'no merchant account information (02..51)', '02-51');
  }

  // Character set: printable ASCII for every primitive outside templates.
  for (const f of fields) {
    const n = Number(f.id);
    const template = (n >= 26 && n <= 51) || n === 62 || n === 64 || n >= 80;
    if (!template && !isPrintableAscii(f.value)) {
      fail('QR_BAD_FORMAT', `data object ${f.id} must be printable ASCII`, f.id);
    }
  }

  const initiationText = byId.get('01');
  let initiation: MerchantQr['initiation'] = null;
  if (initiationText !== undefined) {
    if (initiationText === '11') initiation = 'static';
    else if (initiationText === '12') initiation = 'dynamic';
    else
      fail('QR_BAD_FORMAT', `point of initiation (01) must be "11" or "12", got "${initiationText}"`, '01');
  }

  const merchantAccounts: QrAccount[] = [];
  const unreservedTemplates: QrAccount[] = [];
  for (const f of fields) {
    if (isAccountTemplateId(f.id)) merchantAccounts.push(accountTemplate(f.id, f.value));
    else if (isAccountId(f.id))
      merchantAccounts.push({ id: f.id, guid: null, value: f.value, subFields: {} });
    else if (isUnreservedTemplateId(f.id)) unreservedTemplates.push(accountTemplate(f.id, f.value));
  }

  const mcc = byId.get('52')!;
  if (!/^\d{4}$/.test(mcc))
    fail('QR_BAD_FORMAT', `merchant category code (52) must be four digits, got "${mcc}"`, '52');

  const currency = byId.get('53')!;
  const currencyInfo = /^\d{3}$/.test(currency) ? currencyByNumeric(currency) : undefined;
  if (!currencyInfo) fail('QR_BAD_CURRENCY', `"${currency}" is not a known ISO 4217 numeric currency`, '53');

  const amountText = byId.get('54') ?? null;
  const amountMinor = amountText === null ? null : parseAmount(amountText, '54', currencyInfo);
  let amountFen: Fen | null = null;
  if (amountText !== null && currency === CNY_NUMERIC) {
    try {
      amountFen = parseYuan(amountText);
    } catch (e) {
      throw new EcnyError(
        'QR_BAD_FORMAT',
        `amount "${amountText}" is not yuan`,
        { field: '54' },
        { cause: e },
      );
    }
  }

  let tip: QrTip | null = null;
  const tipText = byId.get('55');
  if (tipText !== undefined) {
    if (tipText === '01') tip = { indicator: 'prompt' };
    else if (tipText === '02') {
      const fee = byId.get('56');
      if (fee === undefined) fail('QR_MISSING_FIELD', 'a fixed convenience fee (55 = "02") needs 56', '56');
      parseAmount(fee, '56', currencyInfo);
      tip = { indicator: 'fixed', fee };
    } else if (tipText === '03') {
      const percentage = byId.get('57');
      if (percentage === undefined) fail('QR_MISSING_FIELD', 'a percentage fee (55 = "03") needs 57', '57');
      if (!/^\d{1,2}(\.\d{1,2})?$/.test(percentage) || Number(percentage) <= 0) {
        fail(
          'QR_BAD_FORMAT',
          `convenience fee percentage "${percentage}" must be between 00.01 and 99.99`,
          '57',
        );
      }
      tip = { indicator: 'percentage', percentage };
    } else fail('QR_BAD_FORMAT', `tip indicator (55) must be "01", "02" or "03", got "${tipText}"`, '55');
  }

  const countryRaw = byId.get('58')!;
  if (!/^[A-Za-z]{2}$/.test(countryRaw)) fail('QR_BAD_FORMAT', 'country code (58) must be two letters', '58');
  const countryCode = countryRaw.toUpperCase();

  const merchantName = byId.get('59')!;
  const merchantCity = byId.get('60')!;
  for (const [id, v] of [
    ['59', merchantName],
    ['60', merchantCity],
  ] as const) {
    if (v.trim().length === 0) fail('QR_BAD_FORMAT', `data object ${id} is blank`, id);
  }
  const postalCode = byId.get('61') ?? null;

  let additionalData: QrAdditionalData | null = null;
  const additionalText = byId.get('62');
  if (additionalText !== undefined) {
    const subFields = parseTemplate('62', additionalText);
    additionalData = { subFields };
    const names: Array<[string, keyof Omit<QrAdditionalData, 'subFields'>]> = [
      ['01', 'billNumber'],
      ['02', 'mobileNumber'],
      ['03', 'storeLabel'],
      ['04', 'loyaltyNumber'],
      ['05', 'referenceLabel'],
      ['06', 'customerLabel'],
      ['07', 'terminalLabel'],
      ['08', 'purposeOfTransaction'],
      ['09', 'additionalConsumerDataRequest'],
      ['10', 'merchantTaxId'],
      ['11', 'merchantChannel'],
    ];
    for (const [subId, key] of names) {
      const v = subFields[subId];
      if (v !== undefined) additionalData[key] = v;
    }
  }

  let languageTemplate: QrLanguageTemplate | null = null;
  const languageText = byId.get('64');
  if (languageText !== undefined) {
    const subFields = parseTemplate('64', languageText, (subId) => subId !== '00');
    const language = subFields['00'];
    const name = subFields['01'];
    if (language === undefined || !/^[A-Za-z]{2}$/.test(language)) {
      fail('QR_BAD_TEMPLATE', 'template 64 needs a two-letter language preference (sub-id 00)', '64', {
        subField: '00',
      });
    }
    if (name === undefined) {
      fail('QR_BAD_TEMPLATE', 'template 64 needs an alternate-language merchant name (sub-id 01)', '64', {
        subField: '01',
      });
    }
    languageTemplate = { language: language.toUpperCase(), name, city: subFields['02'] ?? null, subFields };
  }

  // Our merchant account, when present, must be well formed.
  let ecny: MerchantQr['ecny'] = null;
  for (const account of merchantAccounts) {
    if (account.guid === null || account.guid.toLowerCase() !== ECNY_QR_GUID) continue;
    const walletId = account.subFields['01'];
    const operatorId = account.subFields['02'];
    if (walletId === undefined || !IdSchema.safeParse(walletId).success) {
      fail(
        'QR_BAD_TEMPLATE',
        `template ${account.id} (${ECNY_QR_GUID}) needs a wallet id in sub-id 01`,
        account.id,
        {
          subField: '01',
        },
      );
    }
    if (operatorId !== undefined && !IdSchema.safeParse(operatorId).success) {
      fail(
        'QR_BAD_TEMPLATE',
        `template ${account.id} (${ECNY_QR_GUID}) has a bad operator id in sub-id 02`,
        account.id,
        {
          subField: '02',
        },
      );
    }
    ecny = { templateId: account.id, walletId, operatorId: operatorId ?? null };
    break;
  }

  let notPayableReason: string | null = null;
  if (!ecny) {
    const guids = merchantAccounts.map((a) => a.guid ?? `network ${a.id}`).join(', ');
    notPayableReason = `no ${ECNY_QR_GUID} merchant account (this code is for: ${guids})`;
  } else if (currency !== CNY_NUMERIC) {
    notPayableReason = `currency ${currencyInfo.alpha} cannot be paid with e-CNY`;
  } else if (tip) {
    notPayableReason = 'tips and convenience fees are not supported';
  }

  return {
    payload: text,
    initiation,
    merchantAccounts,
    mcc,
    currency,
    currencyInfo,
    amountText,
    amountMinor,
    amountFen,
    tip,
    countryCode,
    merchantName,
    merchantCity,
    postalCode,
    additionalData,
    languageTemplate,
    unreservedTemplates,
    crc: crc.toUpperCase(),
    fields,
    ecny,
    billId: additionalData?.billNumber ?? additionalData?.referenceLabel ?? null,
    displayName: languageTemplate?.name ?? merchantName,
    payableHere: notPayableReason === null,
    notPayableReason,
  };
}

/** True when the text parses as a valid merchant-presented payload. */
export function isMerchantQr(payload: unknown): boolean {
  try {
    parseMerchantQr(payload);
    return true;
  } catch {
    return false;
  }
}

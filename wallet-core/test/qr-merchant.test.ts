import { describe, expect, it } from 'vitest';
import { EcnyError } from '../src/errors/index';
import {
  ChargePaymentCodeRequestSchema,
  CreateDynamicQrRequestSchema,
  ECNY_QR_GUID,
  encodeMerchantQr,
  isMerchantQr,
  type MerchantQrFields,
  PayMerchantQrRequestSchema,
  parseMerchantQr,
  encodeTlv as t,
  withCrc,
} from '../src/qr/index';

function rejects(payload: unknown): EcnyError {
  try {
    parseMerchantQr(payload);
  } catch (e) {
    expect(e).toBeInstanceOf(EcnyError);
    return e as EcnyError;
  }
  throw new Error(`expected ${String(payload)} to be rejected`);
}

const WALLET = 'w_AAAAAAAAAAAAAAAAAAAAAA';

/**
 * Published example payloads of other schemes built on the EMVCo MPM
 * standard. The CRCs are the published ones; each is checked by the parser.
 */
const FOREIGN = {
  /** EMVCo MPM specification v1.1, Appendix example (China, two templates, 64 in Chinese, 91 unreserved). */
  emvcoSpec:
    '00020101021229300012D156000000000510A93FO3230Q31280012D15600000001030812345678520441115802CN' +
    '5914BEST TRANSPORT6007BEIJING64200002ZH0104最佳运输0202北京540523.7253031565502016233030412340603***' +
    '0708A60086670902ME91320016A0112233449988770708123456786304A13A',
  /** Singapore SGQR / PayNow (UEN proxy, static), from a public PayNow renderer test. */
  paynowStatic:
    '00020101021126490009SG.PAYNOW010120210201403121W03011040820301231520400005303702' +
    '5802SG5913ACME Pte Ltd.6009Singapore6304B69E',
  /** Singapore PayNow dynamic with amount and a 62 bill number, from a public sandbox link. */
  paynowDynamic:
    '00020101021226560009SG.PAYNOW010120213201509555BNN1030100412230914205029520400005303702' +
    '540450.05802SG5914DEV MERCHANT 56009SINGAPORE621601120870-0000VL663049149',
  /** India Bharat QR with UPI (Razorpay API documentation): card-network primitives 02/04/06/08 + UPI templates 26/27. */
  bharatQr:
    '000201010212021643926300000000850415540461000000008061661005900000000890827YESB0CMSNOC222333004882700' +
    '126430010A0000005240117razorpaybqr@icici02041.1027350010A0000005240117RZPGT8ildsFTgS5Sp5204753153033' +
    '5654041.105802IN5906zxcbmn6005Delhi610611008562300514GT8ildsFTgS5Sp070838R004506304B6A9',
  /** India Bharat QR (HDFC), published with a lowercase CRC. */
  bharatQrLowercaseCrc:
    '000201010211021644038499331959060415522024099331959061661000309933195920825HDFC000000150100308128200265' +
    '60010A0000005240138centralwarehousingco.99331959@hdfcbank27430010A0000005240125STQ200318122305804I0401' +
    '085204939953033565802IN5923CENTRAL WAREHOUSING NEW6009New Delhi610611001662410525STQ200318122305804I04' +
    '01080708993319596304e9fc',
  /** Indonesia QRIS static, from a public QRIS renderer test. */
  qris:
    '00020101021126660014ID.CO.QRIS.WWW01189360091400000000000215ID10200000000000303UMI' +
    '5204581253033605802ID5910KOPI SENJA6007JAKARTA6105121906304A4A4',
  /** Cambodia, UnionPay primitive in ID 15, USD (from the emv-qr-code library README); city is 16 characters. */
  cambodiaUsd:
    '00020101021252044131153137210116372101160123456789ABCDE6016Banteay Meanchey5913Kuntheas Shop5802KH' +
    '540510.005303840621201081234567863041FF2',
  /** Thai PromptPay merchant (bill payment, AID A000000677010112): constructed from the standard, CRC computed here. */
  promptpayBiller:
    '00020101021230500016A00000067701011201150105560123456780207INV00015204581253037645406150.005802TH' +
    '5914SIAM NOODLE CO6007BANGKOK62090705POS01630412A1',
  /** Hong Kong FPS (GUID hk.com.hkicl): constructed from the HKICL layout, CRC computed here. */
  hkFps:
    '00020101021226270012hk.com.hkicl02071234567520400005303344540522.205802HK5914DEMO TEA HOUSE' +
    '6009HONG KONG62170513INV-2024-000163042EAE',
};

describe('parseMerchantQr on published payloads of other schemes', () => {
  it('reads the EMVCo specification example completely', () => {
    const q = parseMerchantQr(FOREIGN.emvcoSpec);
    expect(q.initiation).toBe('dynamic');
    expect(q.merchantAccounts).toEqual([
      {
        id: '29',
        guid: 'D15600000000',
        value: '0012D156000000000510A93FO3230Q',
        subFields: { '00': 'D15600000000', '05': 'A93FO3230Q' },
      },
      {
        id: '31',
        guid: 'D15600000001',
        value: '0012D15600000001030812345678',
        subFields: { '00': 'D15600000001', '03': '12345678' },
      },
    ]);
    expect(q.mcc).toBe('4111');
    expect(q.currency).toBe('156');
    expect(q.currencyInfo.alpha).toBe('CNY');
    expect(q.amountText).toBe('23.72');
    expect(q.amountFen).toBe(2372);
    expect(q.tip).toEqual({ indicator: 'prompt' });
    expect(q.countryCode).toBe('CN');
    expect(q.merchantName).toBe('BEST TRANSPORT');
    expect(q.merchantCity).toBe('BEIJING');
    expect(q.languageTemplate).toEqual({
      language: 'ZH',
      name: '最佳运输',
      city: '北京',
      subFields: { '00': 'ZH', '01': '最佳运输', '02': '北京' },
    });
    expect(q.displayName).toBe('最佳运输');
    expect(q.additionalData).toMatchObject({
      storeLabel: '1234',
      customerLabel: '***',
      terminalLabel: 'A6008667',
      additionalConsumerDataRequest: 'ME',
    });
    expect(q.unreservedTemplates).toEqual([
      {
        id: '91',
        guid: 'A011223344998877',
        value: '0016A011223344998877070812345678',
        subFields: { '00': 'A011223344998877', '07': '12345678' },
      },
    ]);
    expect(q.crc).toBe('A13A');
    expect(q.ecny).toBeNull();
    expect(q.payableHere).toBe(false);
    expect(q.notPayableReason).toContain('D15600000000');
  });

  it('reads Singapore PayNow codes', () => {
    const s = parseMerchantQr(FOREIGN.paynowStatic);
    expect(s.merchantAccounts[0]).toMatchObject({
      id: '26',
      guid: 'SG.PAYNOW',
      subFields: { '01': '2', '02': '201403121W', '03': '1', '04': '20301231' },
    });
    expect(s.currencyInfo.alpha).toBe('SGD');
    expect(s.amountText).toBeNull();
    expect(s.initiation).toBe('static');
    expect(s.merchantName).toBe('ACME Pte Ltd.');
    expect(s.payableHere).toBe(false);

    const d = parseMerchantQr(FOREIGN.paynowDynamic);
    expect(d.amountText).toBe('50.0');
    expect(d.amountMinor).toBe(5000);
    expect(d.amountFen).toBeNull(); // not yuan
    expect(d.additionalData?.billNumber).toBe('0870-0000VL6');
    expect(d.billId).toBe('0870-0000VL6');
  });

  it('reads Bharat QR with card-network primitives and UPI templates', () => {
    const q = parseMerchantQr(FOREIGN.bharatQr);
    expect(q.merchantAccounts.map((a) => [a.id, a.guid])).toEqual([
      ['02', null],
      ['04', null],
      ['06', null],
      ['08', null],
      ['26', 'A000000524'],
      ['27', 'A000000524'],
    ]);
    expect(q.merchantAccounts[0]!.value).toBe('4392630000000085');
    expect(q.merchantAccounts[4]!.subFields['01']).toBe('razorpaybqr@icici');
    expect(q.currencyInfo.alpha).toBe('INR');
    expect(q.amountMinor).toBe(110);
    expect(q.postalCode).toBe('110085');
    expect(q.additionalData).toMatchObject({ referenceLabel: 'GT8ildsFTgS5Sp', terminalLabel: '38R00450' });
    expect(q.payableHere).toBe(false);
  });

  it('accepts a lowercase CRC as published by some issuers', () => {
    const q = parseMerchantQr(FOREIGN.bharatQrLowercaseCrc);
    expect(q.crc).toBe('E9FC');
    expect(q.merchantName).toBe('CENTRAL WAREHOUSING NEW');
  });

  it('reads QRIS, PromptPay biller, HK FPS and a USD code from Cambodia', () => {
    const qris = parseMerchantQr(FOREIGN.qris);
    expect(qris.merchantAccounts[0]!.guid).toBe('ID.CO.QRIS.WWW');
    expect(qris.currencyInfo.alpha).toBe('IDR');
    expect(qris.postalCode).toBe('12190');

    const pp = parseMerchantQr(FOREIGN.promptpayBiller);
    expect(pp.merchantAccounts[0]).toMatchObject({ id: '30', guid: 'A000000677010112' });
    expect(pp.amountMinor).toBe(15000);
    expect(pp.currencyInfo.alpha).toBe('THB');

    const fps = parseMerchantQr(FOREIGN.hkFps);
    expect(fps.merchantAccounts[0]).toMatchObject({ guid: 'hk.com.hkicl', subFields: { '02': '1234567' } });
    expect(fps.billId).toBe('INV-2024-0001');
    expect(fps.currencyInfo.alpha).toBe('HKD');

    const kh = parseMerchantQr(FOREIGN.cambodiaUsd);
    expect(kh.merchantAccounts).toEqual([
      { id: '15', guid: null, value: '37210116372101160123456789ABCDE', subFields: {} },
    ]);
    expect(kh.merchantCity).toBe('Banteay Meanchey'); // 16 characters: tolerated
    expect(kh.currencyInfo.alpha).toBe('USD');
    expect(kh.amountFen).toBeNull();
  });

  it('every foreign example is valid and none is payable here', () => {
    for (const payload of Object.values(FOREIGN)) {
      expect(isMerchantQr(payload)).toBe(true);
      expect(parseMerchantQr(payload).payableHere).toBe(false);
    }
  });

  it('rejects a real personal PromptPay code, which omits 52, 59 and 60, as QR_MISSING_FIELD', () => {
    // CRC B5FD is correct; the code is simply not a complete EMVCo MPM payload.
    const e = rejects('00020101021229370016A0000006770101110113006692754538553037645802TH540550.006304B5FD');
    expect(e.code).toBe('QR_MISSING_FIELD');
    expect(e.details).toEqual({ field: '52' });
  });

  it('accepts a foreign scheme in template 26 but marks it not payable', () => {
    const payload = withCrc(
      t('00', '01') +
        t('01', '11') +
        t('26', t('00', 'com.example.pay') + t('01', 'merchant-42')) +
        t('52', '5999') +
        t('53', '156') +
        t('58', 'CN') +
        t('59', 'OTHER WALLET SHOP') +
        t('60', 'SHANGHAI'),
    );
    const q = parseMerchantQr(payload);
    expect(q.merchantAccounts[0]).toMatchObject({
      id: '26',
      guid: 'com.example.pay',
      subFields: { '01': 'merchant-42' },
    });
    expect(q.payableHere).toBe(false);
    expect(q.ecny).toBeNull();
    expect(q.notPayableReason).toContain('com.example.pay');
  });
});

describe('encodeMerchantQr / parseMerchantQr round trip', () => {
  const base: MerchantQrFields = {
    walletId: WALLET,
    operatorId: 'op_icbc',
    merchantName: 'LAO WANG NOODLES',
    merchantCity: 'BEIJING',
    mcc: '5812',
  };

  it('writes the exact layout of a dynamic code (PROTOCOL.md §8 vector)', () => {
    const payload = encodeMerchantQr({
      ...base,
      merchantName: '老王面馆',
      merchantCity: '北京',
      latinName: 'LAO WANG NOODLES',
      latinCity: 'BEIJING',
      amount: 1230,
      billId: 'B20240101',
    });
    expect(payload).toBe(
      '00020101021226540011cn.ecny-sim0124w_AAAAAAAAAAAAAAAAAAAAAA0207op_icbc520458125303156540512.30' +
        '5802CN5916LAO WANG NOODLES6007BEIJING62130109B2024010164200002ZH0104老王面馆0202北京6304170B',
    );
    const q = parseMerchantQr(payload);
    expect(q.payableHere).toBe(true);
    expect(q.ecny).toEqual({ templateId: '26', walletId: WALLET, operatorId: 'op_icbc' });
    expect(q.amountFen).toBe(1230);
    expect(q.billId).toBe('B20240101');
    expect(q.initiation).toBe('dynamic');
    expect(q.displayName).toBe('老王面馆');
    expect(q.languageTemplate?.city).toBe('北京');
  });

  it('writes a static code without amount', () => {
    const payload = encodeMerchantQr(base);
    expect(payload).toBe(
      '00020101021126540011cn.ecny-sim0124w_AAAAAAAAAAAAAAAAAAAAAA0207op_icbc52045812530315658' +
        `02CN5916LAO WANG NOODLES6007BEIJING6304${payload.slice(-4)}`,
    );
    const q = parseMerchantQr(payload);
    expect(q.initiation).toBe('static');
    expect(q.amountFen).toBeNull();
    expect(q.additionalData).toBeNull();
    expect(q.languageTemplate).toBeNull();
    expect(q.payableHere).toBe(true);
  });

  it('round-trips amounts, reference labels and postal codes', () => {
    for (const amount of [1, 9, 10, 99, 100, 1230, 100_000, 999_999_999_999]) {
      const q = parseMerchantQr(
        encodeMerchantQr({ ...base, amount, referenceLabel: 'REQ-1', postalCode: '100000' }),
      );
      expect(q.amountFen).toBe(amount);
      expect(q.billId).toBe('REQ-1');
      expect(q.additionalData?.referenceLabel).toBe('REQ-1');
      expect(q.postalCode).toBe('100000');
    }
  });

  it('falls back to ASCII for 59/60 and keeps the Chinese name in template 64', () => {
    const q = parseMerchantQr(
      encodeMerchantQr({ ...base, merchantName: '星巴克 Starbucks 咖啡', merchantCity: '上海' }),
    );
    expect(q.merchantName).toBe('Starbucks');
    expect(q.merchantCity).toBe('CHINA');
    expect(q.languageTemplate).toMatchObject({ language: 'ZH', name: '星巴克 Starbucks 咖啡', city: '上海' });
    const q2 = parseMerchantQr(encodeMerchantQr({ ...base, merchantName: '老王面馆' }));
    expect(q2.merchantName).toBe('MERCHANT');
    expect(q2.languageTemplate?.city).toBeNull();
  });

  it('cuts names and cities to the EMVCo maximum (25 / 15 characters)', () => {
    const q = parseMerchantQr(
      encodeMerchantQr({ ...base, merchantName: 'A'.repeat(40), merchantCity: 'B'.repeat(30) }),
    );
    expect(q.merchantName).toBe('A'.repeat(25));
    expect(q.merchantCity).toBe('B'.repeat(15));
  });

  it('refuses bad input with coded errors', () => {
    const code = (f: MerchantQrFields) => {
      try {
        encodeMerchantQr(f);
      } catch (e) {
        return [(e as EcnyError).code, (e as EcnyError).details?.['field']];
      }
      return null;
    };
    expect(code({ ...base, walletId: 'not an id' })).toEqual(['QR_BAD_FORMAT', '26']);
    expect(code({ ...base, mcc: '58' })).toEqual(['QR_BAD_FORMAT', '52']);
    expect(code({ ...base, amount: 0 })).toEqual(['QR_BAD_FORMAT', '54']);
    expect(code({ ...base, amount: 12.5 })).toEqual(['QR_BAD_FORMAT', '54']);
    expect(code({ ...base, amount: 1_000_000_000_000 })).toEqual(['QR_BAD_FORMAT', '54']);
    expect(code({ ...base, dynamic: true })).toEqual(['QR_MISSING_FIELD', '54']);
    expect(code({ ...base, billId: 'x'.repeat(26) })).toEqual(['QR_BAD_FORMAT', '62']);
    expect(code({ ...base, billId: '账单' })).toEqual(['QR_BAD_FORMAT', '62']);
    expect(code({ ...base, merchantName: ' ' })).toEqual(['QR_BAD_FORMAT', '59']);
    expect(code({ ...base, merchantName: 'a\nb' })).toEqual(['QR_BAD_FORMAT', '59']);
  });
});

describe('parseMerchantQr rejections', () => {
  const good = encodeMerchantQr({
    walletId: WALLET,
    merchantName: 'SHOP',
    merchantCity: 'BEIJING',
    mcc: '5411',
    amount: 500,
  });
  const body = (s: string) => withCrc(s);
  const HEAD = t('00', '01') + t('26', t('00', ECNY_QR_GUID) + t('01', WALLET));
  const TAIL = t('52', '5411') + t('53', '156') + t('58', 'CN') + t('59', 'SHOP') + t('60', 'BEIJING');

  function expectCode(payload: unknown, code: string, field?: string) {
    const e = rejects(payload);
    expect(e.code).toBe(code);
    if (field !== undefined) expect(e.details?.['field']).toBe(field);
  }

  it('QR_BAD_CRC on any changed character and on a wrong CRC', () => {
    expectCode(good.replace('SHOP', 'SHOQ'), 'QR_BAD_CRC', '63');
    expectCode(good.slice(0, -4) + (good.endsWith('0000') ? '0001' : '0000'), 'QR_BAD_CRC', '63');
    expect(parseMerchantQr(`  ${good}\n`).payableHere).toBe(true); // surrounding whitespace is fine
  });

  it('QR_BAD_LENGTH when a length overruns the payload', () => {
    // 59 claims 40 characters; the CRC is right, so the structure is what fails.
    expectCode(body(`${HEAD}5940SHOP`), 'QR_BAD_LENGTH', '59');
    expectCode(`${HEAD}5940SHOP`, 'QR_BAD_LENGTH', '59');
    expectCode('x'.repeat(600), 'QR_BAD_LENGTH', 'payload');
  });

  it('QR_MISSING_FIELD for each mandatory data object', () => {
    expectCode(body(t('26', t('00', ECNY_QR_GUID) + t('01', WALLET)) + TAIL), 'QR_MISSING_FIELD', '00');
    for (const id of ['52', '53', '58', '59', '60']) {
      const fields = [t('52', '5411'), t('53', '156'), t('58', 'CN'), t('59', 'SHOP'), t('60', 'BEIJING')];
      const rest = fields.filter((f) => !f.startsWith(id)).join('');
      expectCode(body(HEAD + rest), 'QR_MISSING_FIELD', id);
    }
    expectCode(body(t('00', '01') + TAIL), 'QR_MISSING_FIELD', '02-51');
    expectCode(`${HEAD}${TAIL}`, 'QR_MISSING_FIELD', '63');
    expectCode('', 'QR_MISSING_FIELD', '00');
  });

  it('QR_BAD_CURRENCY for unknown or non-numeric currencies', () => {
    expectCode(body(HEAD + TAIL.replace('5303156', '5303999')), 'QR_BAD_CURRENCY', '53');
    expectCode(body(HEAD + TAIL.replace('5303156', '5303CNY')), 'QR_BAD_CURRENCY', '53');
    expectCode(body(HEAD + TAIL.replace('5303156', '530215')), 'QR_BAD_CURRENCY', '53');
  });

  it('QR_BAD_TEMPLATE for broken nested templates', () => {
    // 26 with an overrunning sub-length
    expectCode(body(t('00', '01') + t('26', '0011cn.ecny-sim0150w_A') + TAIL), 'QR_BAD_TEMPLATE', '26');
    // 26 without a GUID
    expectCode(body(t('00', '01') + t('26', t('01', WALLET)) + TAIL), 'QR_BAD_TEMPLATE', '26');
    // our GUID without a valid wallet id
    expectCode(body(t('00', '01') + t('26', t('00', ECNY_QR_GUID)) + TAIL), 'QR_BAD_TEMPLATE', '26');
    expectCode(
      body(t('00', '01') + t('26', t('00', ECNY_QR_GUID) + t('01', 'bad id!')) + TAIL),
      'QR_BAD_TEMPLATE',
      '26',
    );
    // repeated sub-id
    expectCode(
      body(t('00', '01') + t('26', t('00', 'a.b') + t('00', 'c.d')) + TAIL),
      'QR_BAD_TEMPLATE',
      '26',
    );
    // 62 with a non-numeric sub-id, 64 without language or name, non-ASCII in 62
    expectCode(body(HEAD + TAIL + t('62', 'AB03xyz')), 'QR_BAD_TEMPLATE', '62');
    expectCode(body(HEAD + TAIL + t('62', t('01', '账单'))), 'QR_BAD_TEMPLATE', '62');
    expectCode(body(HEAD + TAIL + t('64', t('01', '老王'))), 'QR_BAD_TEMPLATE', '64');
    expectCode(body(HEAD + TAIL + t('64', t('00', 'ZH'))), 'QR_BAD_TEMPLATE', '64');
    // 80-99 unreserved template without GUID
    expectCode(body(HEAD + TAIL + t('91', t('07', '1234'))), 'QR_BAD_TEMPLATE', '91');
  });

  it('QR_BAD_FORMAT for wrong 00, non-ASCII, bad amounts and other bad values', () => {
    expectCode(body(t('00', '02') + HEAD.slice(6) + TAIL), 'QR_BAD_FORMAT', '00');
    expectCode(body(t('52', '5411') + HEAD + TAIL.slice(8)), 'QR_BAD_FORMAT', '00'); // 00 not first
    expectCode(body(HEAD + TAIL.replace('5904SHOP', '5902老王')), 'QR_BAD_FORMAT', '59');
    expectCode(body(HEAD + TAIL.replace('6007BEIJING', '6002北京')), 'QR_BAD_FORMAT', '60');
    expectCode(body(HEAD + TAIL.replace('5904SHOP', '5904SH\tP')), 'QR_BAD_FORMAT', '59');
    for (const amount of ['12,30', '12.345', '-1', '0.00', '1e3', '.5', '12.', '12345678901.50']) {
      expectCode(body(HEAD + TAIL + t('54', amount)), 'QR_BAD_FORMAT', '54');
    }
    expectCode(body(HEAD + TAIL + t('01', '13')), 'QR_BAD_FORMAT', '01');
    expectCode(body(HEAD + TAIL.replace('52045411', '5204ABCD')), 'QR_BAD_FORMAT', '52');
    expectCode(body(HEAD + TAIL.replace('5802CN', '5803CHN')), 'QR_BAD_FORMAT', '58');
    expectCode(body(HEAD + TAIL + t('59', 'AGAIN')), 'QR_BAD_FORMAT', '59'); // duplicate
    expectCode(body(HEAD + TAIL + t('55', '04')), 'QR_BAD_FORMAT', '55');
    expectCode(body(HEAD + TAIL + t('55', '02')), 'QR_MISSING_FIELD', '56');
    expectCode(`${HEAD}${TAIL}6304ZZZZ`, 'QR_BAD_FORMAT', '63');
    expectCode(body(HEAD + TAIL) + t('99', t('00', 'x.y')), 'QR_BAD_FORMAT', '63'); // CRC not last
    expectCode(42, 'QR_BAD_FORMAT', 'payload');
    expectCode(null, 'QR_BAD_FORMAT', 'payload');
  });

  it('amounts in other currencies follow their minor units', () => {
    const jpy = (amount: string) =>
      body(HEAD + TAIL.replace('5303156', '5303392').replace('5802CN', '5802JP') + t('54', amount));
    expect(parseMerchantQr(jpy('999')).amountMinor).toBe(999);
    expect(parseMerchantQr(jpy('999.00')).amountMinor).toBe(999);
    expectCode(jpy('999.50'), 'QR_BAD_FORMAT', '54');
    expect(parseMerchantQr(jpy('999')).payableHere).toBe(false);
    expect(parseMerchantQr(jpy('999')).notPayableReason).toContain('JPY');
  });
});

describe('QR API schemas', () => {
  it('CreateDynamicQrRequest', () => {
    expect(CreateDynamicQrRequestSchema.parse({ amount: 1230, billId: 'B-1' })).toEqual({
      amount: 1230,
      billId: 'B-1',
    });
    expect(CreateDynamicQrRequestSchema.safeParse({ amount: 1230 }).success).toBe(true);
    expect(CreateDynamicQrRequestSchema.safeParse({ amount: 0 }).success).toBe(false);
    expect(CreateDynamicQrRequestSchema.safeParse({ amount: 1_000_000_000_000 }).success).toBe(false);
    expect(CreateDynamicQrRequestSchema.safeParse({ amount: 5, billId: 'x'.repeat(26) }).success).toBe(false);
    expect(CreateDynamicQrRequestSchema.safeParse({ amount: 5, extra: 1 }).success).toBe(false);
  });

  it('PayMerchantQrRequest carries the raw payload and a signed transfer', () => {
    const transfer = {
      transferId: 'tx_abcdefgh',
      from: 'w_payer',
      to: WALLET,
      amount: 500,
      deviceId: 'd_device',
      createdAt: 1_700_000_000_000,
      sig: 'A'.repeat(86),
    };
    const good = encodeMerchantQr({
      walletId: WALLET,
      merchantName: 'SHOP',
      merchantCity: 'BJ',
      mcc: '5411',
    });
    expect(PayMerchantQrRequestSchema.safeParse({ payload: good, transfer }).success).toBe(true);
    expect(PayMerchantQrRequestSchema.safeParse({ payload: '', transfer }).success).toBe(false);
    expect(
      PayMerchantQrRequestSchema.safeParse({ payload: good, transfer: { ...transfer, sig: 'x' } }).success,
    ).toBe(false);
  });

  it('ChargePaymentCodeRequest', () => {
    const ok = { code: 'ECNYPC1.ABCDEFGH', amount: 100, chargeId: 'charge-0001' };
    expect(ChargePaymentCodeRequestSchema.safeParse(ok).success).toBe(true);
    expect(ChargePaymentCodeRequestSchema.safeParse({ ...ok, code: 'HELLO' }).success).toBe(false);
    expect(ChargePaymentCodeRequestSchema.safeParse({ ...ok, amount: -1 }).success).toBe(false);
    expect(ChargePaymentCodeRequestSchema.safeParse({ ...ok, chargeId: 'x' }).success).toBe(false);
  });
});

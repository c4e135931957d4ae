import { describe, expect, it } from 'vitest';
import { EcnyError } from '../src/errors/index';
import {
  charLength,
  crc16CcittFalse,
  crc16Hex,
  encodeTlv,
  encodeTlvs,
  parseTlv,
  truncateChars,
  withCrc,
} from '../src/qr/index';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(EcnyError);
    return (e as EcnyError).code;
  }
  return undefined;
}

describe('CRC-16/CCITT-FALSE', () => {
  it('has the catalogued check value 0x29B1 for "123456789"', () => {
    expect(crc16CcittFalse('123456789')).toBe(0x29b1);
    expect(crc16Hex('123456789')).toBe('29B1');
  });

  it('is 0xFFFF (the initial value) for empty input and hashes bytes the same as text', () => {
    expect(crc16CcittFalse('')).toBe(0xffff);
    expect(crc16CcittFalse(new TextEncoder().encode('123456789'))).toBe(0x29b1);
  });

  it('pads to four uppercase hex digits', () => {
    for (const s of ['A', 'abc', '000201', 'hello world']) expect(crc16Hex(s)).toMatch(/^[0-9A-F]{4}$/);
  });

  it('hashes UTF-8 bytes: the EMVCo MPM specification example gives A13A', () => {
    const body =
      '00020101021229300012D156000000000510A93FO3230Q31280012D15600000001030812345678520441115802CN' +
      '5914BEST TRANSPORT6007BEIJING64200002ZH0104最佳运输0202北京540523.7253031565502016233030412340603***' +
      '0708A60086670902ME91320016A0112233449988770708123456786304';
    expect(crc16Hex(body)).toBe('A13A');
    expect(withCrc(body.slice(0, -4))).toBe(`${body}A13A`);
  });
});

describe('TLV', () => {
  it('encodes id, two-digit length and value', () => {
    expect(encodeTlv('00', '01')).toBe('000201');
    expect(encodeTlv('59', 'BEST TRANSPORT')).toBe('5914BEST TRANSPORT');
    expect(
      encodeTlvs([
        { id: '52', value: '4111' },
        { id: '53', value: '156' },
      ]),
    ).toBe('520441115303156');
  });

  it('counts characters (code points), not bytes or UTF-16 units', () => {
    expect(encodeTlv('01', '最佳运输')).toBe('0104最佳运输');
    expect(charLength('北京')).toBe(2);
    expect(charLength('𠮷野家')).toBe(3); // astral character counts once
    expect(encodeTlv('01', '𠮷野家')).toBe('0103𠮷野家');
    expect(parseTlv('0103𠮷野家0002ZH')).toEqual([
      { id: '01', value: '𠮷野家' },
      { id: '00', value: 'ZH' },
    ]);
    expect(truncateChars('𠮷野家ABC', 2)).toBe('𠮷野');
  });

  it('refuses empty and over-long values and bad ids when encoding', () => {
    expect(codeOf(() => encodeTlv('59', ''))).toBe('QR_BAD_LENGTH');
    expect(codeOf(() => encodeTlv('59', 'x'.repeat(100)))).toBe('QR_BAD_LENGTH');
    expect(encodeTlv('59', 'x'.repeat(99))).toHaveLength(103);
    expect(codeOf(() => encodeTlv('5', 'x'))).toBe('QR_BAD_FORMAT');
    expect(codeOf(() => encodeTlv('ab', 'x'))).toBe('QR_BAD_FORMAT');
  });

  it('parses a sequence of data objects', () => {
    expect(parseTlv('000201010212520441115303156')).toEqual([
      { id: '00', value: '01' },
      { id: '01', value: '12' },
      { id: '52', value: '4111' },
      { id: '53', value: '156' },
    ]);
    expect(parseTlv('')).toEqual([]);
  });

  it('reports overruns, cut headers and zero lengths as QR_BAD_LENGTH with the field', () => {
    try {
      parseTlv('0002015910ABC');
      expect.unreachable();
    } catch (e) {
      expect((e as EcnyError).code).toBe('QR_BAD_LENGTH');
      expect((e as EcnyError).details).toMatchObject({ field: '59', offset: 6 });
    }
    expect(codeOf(() => parseTlv('000201590'))).toBe('QR_BAD_LENGTH');
    expect(codeOf(() => parseTlv('00'))).toBe('QR_BAD_LENGTH');
    expect(codeOf(() => parseTlv('5900'))).toBe('QR_BAD_LENGTH');
  });

  it('reports non-numeric ids and lengths as QR_BAD_FORMAT', () => {
    expect(codeOf(() => parseTlv('AB02xx'))).toBe('QR_BAD_FORMAT');
    expect(codeOf(() => parseTlv('00A201'))).toBe('QR_BAD_FORMAT');
    expect(codeOf(() => parseTlv('0-0201'))).toBe('QR_BAD_FORMAT');
  });
});

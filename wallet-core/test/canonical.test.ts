import { describe, expect, it } from 'vitest';
import { bytesToHex, canonicalBytes, canonicalJson, NobleSigner, objectHash, signObject } from '../src/index';

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
};

describe('canonical JSON (RFC 8785 subset)', () => {
  it('sorts keys by UTF-16 code units, at every depth, without whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
    // uppercase before lowercase, digits before letters, code units not locale
    expect(canonicalJson({ b: 0, B: 0, '1': 0, é: 0, e: 0 })).toBe('{"1":0,"B":0,"b":0,"e":0,"é":0}');
    // U+1F600 (surrogates D83D..) sorts before U+FB01 by UTF-16 code units
    expect(canonicalJson({ ﬁ: 1, '😀': 2 })).toBe('{"😀":2,"ﬁ":1}');
  });

  it('the same object built in any key order encodes to the same bytes', () => {
    const a = { transferId: 't', amount: 5, from: 'x', to: 'y' };
    const b = { to: 'y', from: 'x', amount: 5, transferId: 't' };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(bytesToHex(objectHash('transfer', a))).toBe(bytesToHex(objectHash('transfer', b)));
  });

  it('escapes strings minimally and keeps non-ASCII as UTF-8', () => {
    expect(canonicalJson({ s: 'a"b\\c\n\u0001é€😀/' })).toBe('{"s":"a\\"b\\\\c\\n\\u0001é€😀/"}');
    expect(Array.from(canonicalBytes('é'))).toEqual([0x22, 0xc3, 0xa9, 0x22]);
  });

  it('drops undefined members but keeps null', () => {
    expect(canonicalJson({ a: undefined, b: null })).toBe('{"b":null}');
  });

  it.each([
    ['a float', { amount: 1.5 }],
    ['a float in an array', { list: [1, 2.25] }],
    ['NaN', { x: Number.NaN }],
    ['Infinity', { x: Number.POSITIVE_INFINITY }],
    ['an unsafe integer', { x: 2 ** 53 }],
    ['a huge number (1e21)', { x: 1e21 }],
    ['a bigint', { x: 10n }],
    ['a Date', { at: new Date(0) }],
    ['a Map', { m: new Map() }],
    ['a class instance', { k: new (class K {})() }],
    ['a function', { f: () => 1 }],
    ['a Uint8Array', { b: new Uint8Array(2) }],
  ])('refuses %s with BAD_ENCODING', (_name, value) => {
    expect(codeOf(() => canonicalJson(value))).toBe('BAD_ENCODING');
  });

  it('accepts safe integers at the edges', () => {
    expect(canonicalJson([Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 0])).toBe(
      '[9007199254740991,-9007199254740991,0]',
    );
  });

  it('a float cannot be signed at all', () => {
    const signer = new NobleSigner(new Uint8Array(32).fill(9));
    expect(codeOf(() => signObject('transfer', { amount: 0.1 }, signer))).toBe('BAD_ENCODING');
    expect(codeOf(() => signObject('transfer', { sig: 'x' }, signer))).toBe('BAD_ENCODING');
  });
});

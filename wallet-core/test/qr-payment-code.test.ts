import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hexToBytes, randomId, toBase64Url } from '../src/crypto/bytes';
import { canonicalJson } from '../src/crypto/canonical';
import { generateKeyPair, NobleSigner, nobleVerifier } from '../src/crypto/keys';
import { signObject } from '../src/crypto/signed';
import { EcnyError } from '../src/errors/index';
import {
  createPaymentCode,
  decodePaymentCode,
  encodePaymentCode,
  PAYMENT_CODE_PREFIX,
  PAYMENT_CODE_TYPE,
  PAYMENT_CODE_VALIDITY_MS,
  type PaymentCodeBody,
  paymentCodeNeedsRefresh,
  paymentCodeRefresher,
  verifyPaymentCode,
} from '../src/qr/index';

// RFC 8032 test 1 secret key.
const SECRET = hexToBytes('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
const device = new NobleSigner(SECRET);
const WALLET = 'w_AAAAAAAAAAAAAAAAAAAAAA';
const DEVICE = `d_${toBase64Url(new Uint8Array(16).fill(0x11))}`;
const T0 = 1_700_000_000_000;

function errorOf(fn: () => unknown): EcnyError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(EcnyError);
    return e as EcnyError;
  }
  throw new Error('expected an error');
}

describe('payment code format (PROTOCOL.md §8 vector)', () => {
  it('produces the documented text byte for byte', () => {
    const { code, text } = createPaymentCode(
      { walletId: WALLET, deviceId: DEVICE, maxAmount: 50_000, now: T0, codeId: 'pc_AAECAwQFBgcICQoL' },
      device,
    );
    expect(toBase64Url(device.publicKey)).toBe('11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo');
    const { sig, ...body } = code;
    expect(canonicalJson(body)).toBe(
      '{"codeId":"pc_AAECAwQFBgcICQoL","deviceId":"d_EREREREREREREREREREREQ","expiresAt":1700000060000,' +
        '"issuedAt":1700000000000,"maxAmount":50000,"walletId":"w_AAAAAAAAAAAAAAAAAAAAAA"}',
    );
    expect(sig).toBe(
      '1uIP_pySJTyRfoDsrguN-onvjucHkvkKn4ocMuIRDAoVF9TYUs3xMYYns8omoWW78a7urU54Yf0Y_3ObQWmdBw',
    );
    expect(text).toBe(
      'ECNYPC1.AEAACAQDAQCQMBYIBEFAXALXCAAAAAAAAAAAAAAAAAAAAAAAAAAICZAQCEIRCEIRCEIRCEIRCEIRCEIRCHIIMAYBRPH6K2AA4DKAH' +
        'VXCB77JZERFHSIX5AHMVYFY36UJ56HOOB4S7EFJ7CQ4GLRBCDAKCUL5JWCSZXYTDBRHWPFCNILFXPY253VNJZ4GD7IY75ZZWQLJTUDQ',
    );
    expect(text).toHaveLength(212);
    // The QR alphanumeric character set, so scanners use the compact mode.
    expect(text).toMatch(/^[0-9A-Z $%*+\-./:]+$/);
    expect(decodePaymentCode(text)).toEqual(code);
  });

  it('is the same signed object as signObject(type "payment-code")', () => {
    const body: PaymentCodeBody = {
      codeId: 'pc_AAECAwQFBgcICQoL',
      walletId: WALLET,
      deviceId: DEVICE,
      maxAmount: 50_000,
      issuedAt: T0,
      expiresAt: T0 + PAYMENT_CODE_VALIDITY_MS,
    };
    const signed = signObject(PAYMENT_CODE_TYPE, body, device);
    expect(decodePaymentCode(encodePaymentCode(signed))).toEqual(signed);
  });
});

describe('payment codes', () => {
  const keys = generateKeyPair();
  const signer = new NobleSigner(keys.secretKey);
  const make = (over: Partial<Parameters<typeof createPaymentCode>[0]> = {}) =>
    createPaymentCode(
      { walletId: randomId('w'), deviceId: randomId('d'), maxAmount: 20_000, now: T0, ...over },
      signer,
    );

  it('round-trips and verifies, returning the body (with the codeId the server must record)', () => {
    const { code, text } = make();
    expect(text.startsWith(PAYMENT_CODE_PREFIX)).toBe(true);
    expect(code.expiresAt - code.issuedAt).toBe(60_000);
    expect(code.codeId).toMatch(/^pc_[A-Za-z0-9_-]{16}$/);
    const body = verifyPaymentCode(text, keys.publicKey, nobleVerifier, T0 + 30_000, { amount: 20_000 });
    expect(body).toEqual({
      codeId: code.codeId,
      walletId: code.walletId,
      deviceId: code.deviceId,
      maxAmount: 20_000,
      issuedAt: T0,
      expiresAt: T0 + 60_000,
    });
    // also accepts the decoded object, lowercase text and surrounding whitespace
    expect(verifyPaymentCode(code, keys.publicKey, nobleVerifier, T0).codeId).toBe(code.codeId);
    expect(verifyPaymentCode(` ${text.toLowerCase()}\n`, keys.publicKey, nobleVerifier, T0).codeId).toBe(
      code.codeId,
    );
  });

  it('stays under 250 characters, even for the largest cap and validity', () => {
    const lengths = Array.from(
      { length: 50 },
      () => make({ maxAmount: 1_000_000_000_000_000, validityMs: 300_000, now: 2 ** 47 }).text.length,
    );
    expect(Math.max(...lengths)).toBeLessThan(250);
    expect(make().text.length).toBeLessThanOrEqual(215);
    // ids that are not prefix_base64url are carried as text and still fit
    const plain = make({ walletId: `w_${'x'.repeat(23)}`, deviceId: `d_${'z'.repeat(23)}`, maxAmount: 1e15 });
    expect(plain.text.length).toBeLessThan(250);
    expect(decodePaymentCode(plain.text)).toEqual(plain.code);
  });

  it('expires after about 60 s and refuses codes from the future', () => {
    const { text } = make();
    expect(verifyPaymentCode(text, keys.publicKey, nobleVerifier, T0 + 60_000).issuedAt).toBe(T0);
    const e = errorOf(() => verifyPaymentCode(text, keys.publicKey, nobleVerifier, T0 + 60_001));
    expect(e.code).toBe('PAYCODE_EXPIRED');
    expect(verifyPaymentCode(text, keys.publicKey, nobleVerifier, T0 - 29_000).issuedAt).toBe(T0);
    expect(errorOf(() => verifyPaymentCode(text, keys.publicKey, nobleVerifier, T0 - 31_000)).code).toBe(
      'PAYCODE_EXPIRED',
    );
  });

  it('refuses a wrong key, a changed body and a changed signature', () => {
    const { code, text } = make();
    const other = generateKeyPair();
    expect(errorOf(() => verifyPaymentCode(text, other.publicKey, nobleVerifier, T0)).code).toBe(
      'PAYCODE_BAD_SIGNATURE',
    );
    const raised = encodePaymentCode({ ...code, maxAmount: code.maxAmount + 1 });
    expect(errorOf(() => verifyPaymentCode(raised, keys.publicKey, nobleVerifier, T0)).code).toBe(
      'PAYCODE_BAD_SIGNATURE',
    );
    const longer = encodePaymentCode({ ...code, expiresAt: code.expiresAt + 1000 });
    expect(errorOf(() => verifyPaymentCode(longer, keys.publicKey, nobleVerifier, T0)).code).toBe(
      'PAYCODE_BAD_SIGNATURE',
    );
    const flipped = `${code.sig[0] === 'A' ? 'B' : 'A'}${code.sig.slice(1)}`;
    expect(
      errorOf(() => verifyPaymentCode({ ...code, sig: flipped }, keys.publicKey, nobleVerifier, T0)).code,
    ).toBe('PAYCODE_BAD_SIGNATURE');
    // a transfer-type signature over the same body is not a payment code
    const { sig: _sig, ...body } = code;
    const wrongType = signObject('transfer', body, signer);
    expect(errorOf(() => verifyPaymentCode(wrongType, keys.publicKey, nobleVerifier, T0)).code).toBe(
      'PAYCODE_BAD_SIGNATURE',
    );
  });

  it('refuses amounts over the cap', () => {
    const { text } = make({ maxAmount: 5_000 });
    expect(verifyPaymentCode(text, keys.publicKey, nobleVerifier, T0, { amount: 5_000 }).maxAmount).toBe(
      5_000,
    );
    const e = errorOf(() => verifyPaymentCode(text, keys.publicKey, nobleVerifier, T0, { amount: 5_001 }));
    expect(e.code).toBe('PAYCODE_OVER_CAP');
    expect(e.details).toMatchObject({ amount: 5_001, maxAmount: 5_000 });
    expect(
      errorOf(() => verifyPaymentCode(text, keys.publicKey, nobleVerifier, T0, { amount: 1.5 })).code,
    ).toBe('BAD_AMOUNT');
  });

  it('refresher makes a new single-use code each time; needsRefresh says when', () => {
    let now = T0;
    const next = paymentCodeRefresher(
      { walletId: WALLET, deviceId: DEVICE, maxAmount: 1_000 },
      signer,
      () => now,
    );
    const a = next();
    now += 50_000;
    expect(paymentCodeNeedsRefresh(a.code, now)).toBe(true);
    expect(paymentCodeNeedsRefresh(a.code, T0)).toBe(false);
    const b = next();
    expect(b.code.codeId).not.toBe(a.code.codeId);
    expect(b.code.issuedAt).toBe(T0 + 50_000);
    expect(b.text).not.toBe(a.text);
    expect(verifyPaymentCode(b.text, keys.publicKey, nobleVerifier, T0 + 100_000).walletId).toBe(WALLET);
  });

  it('refuses bad input when creating', () => {
    expect(errorOf(() => make({ walletId: 'nope' })).code).toBe('PAYCODE_BAD_FORMAT');
    expect(errorOf(() => make({ codeId: 'abc' })).code).toBe('PAYCODE_BAD_FORMAT');
    expect(errorOf(() => make({ validityMs: 0 })).code).toBe('PAYCODE_BAD_FORMAT');
    expect(errorOf(() => make({ validityMs: 3_600_000 })).code).toBe('PAYCODE_BAD_FORMAT');
    expect(errorOf(() => make({ maxAmount: 0 })).code).toBe('BAD_AMOUNT');
  });

  it('decodePaymentCode refuses malformed text with PAYCODE_BAD_FORMAT', () => {
    const { text } = make();
    for (const bad of [
      '',
      'hello',
      PAYMENT_CODE_PREFIX,
      `${PAYMENT_CODE_PREFIX}AAAA`,
      text.slice(0, -2),
      `${text}AA`,
      text.replace(PAYMENT_CODE_PREFIX, 'ECNYPC2.'),
      `${PAYMENT_CODE_PREFIX}B${text.slice(PAYMENT_CODE_PREFIX.length + 1)}`, // version byte 0x0C..
      `${text.slice(0, 20)}1${text.slice(21)}`, // "1" is not base32
    ]) {
      expect(errorOf(() => decodePaymentCode(bad)).code).toBe('PAYCODE_BAD_FORMAT');
    }
    expect(errorOf(() => decodePaymentCode(42)).code).toBe('PAYCODE_BAD_FORMAT');
  });

  it('fuzz: decoding and verifying arbitrary or mutated text only throws PAYCODE_ / coded errors', () => {
    const { text } = make();
    const body = text.slice(PAYMENT_CODE_PREFIX.length);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    const mutated = fc
      .tuple(fc.nat({ max: body.length - 1 }), fc.constantFrom(...alphabet.split('')), fc.nat({ max: 3 }))
      .map(([i, ch, op]) => {
        const s =
          op === 0
            ? body.slice(0, i) + ch + body.slice(i + 1)
            : op === 1
              ? body.slice(0, i) + body.slice(i + 1)
              : op === 2
                ? body.slice(0, i) + ch + body.slice(i)
                : body.slice(0, i);
        return PAYMENT_CODE_PREFIX + s;
      });
    const arbitrary = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc
        .string({ unit: fc.constantFrom(...alphabet.split('')), maxLength: 300 })
        .map((s) => PAYMENT_CODE_PREFIX + s),
      mutated,
    );
    fc.assert(
      fc.property(arbitrary, (input) => {
        try {
          verifyPaymentCode(input, keys.publicKey, nobleVerifier, T0, { amount: 100 });
          return input.trim().toUpperCase() === text; // only the original verifies
        } catch (e) {
          return e instanceof EcnyError && /^PAYCODE_/.test(e.code);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

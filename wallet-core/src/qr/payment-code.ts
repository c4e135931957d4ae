/**
 * Customer-presented payment codes (the merchant scans the customer's
 * screen). The device signs a short-lived body
 *   {codeId, walletId, deviceId, maxAmount, issuedAt, expiresAt}
 * with signObject under type "payment-code" (the signature covers the
 * canonical JSON, as for every signed object). For the QR the body and
 * signature travel in a compact binary form, written as
 *   "ECNYPC1." + base32(bytes)        (RFC 4648 alphabet, no padding)
 * Every character is in the QR alphanumeric set, so the code renders as a
 * small, easily scanned QR (about 210 characters for our ids).
 *
 * Binary layout, version 1 (all integers big-endian or LEB128):
 *   u8      version = 1
 *   12 B    codeId random part (codeId = "pc_" + base64url of these bytes)
 *   id      walletId
 *   id      deviceId
 *   varint  maxAmount (fen, LEB128 unsigned)
 *   u48     issuedAt (ms since the epoch)
 *   varint  expiresAt - issuedAt (ms, 1..300000)
 *   64 B    Ed25519 signature
 * An id is either u8 n (n < 0x80) and n ASCII bytes, or, for ids of the form
 * prefix_base64url whose tail is canonical base64url, u8 (0x80 | prefix
 * length), the prefix, u8 byte count and the decoded tail bytes.
 *
 * Single use is the server's job: it records `codeId` when it charges.
 */
import { fromBase64Url, randomBytes, toBase64Url } from '../crypto/bytes';
import type { Signer, Verifier } from '../crypto/keys';
import { bodyOf, type Signed, signObject, verifyObject } from '../crypto/signed';
import { EcnyError } from '../errors/index';
import { assertFen, type Fen, isFen } from '../money/fen';
import { IdSchema } from '../schemas/common';

export const PAYMENT_CODE_TYPE = 'payment-code';
export const PAYMENT_CODE_PREFIX = 'ECNYPC1.';
export const PAYMENT_CODE_VERSION = 1;
/** How long a fresh code is valid. */
export const PAYMENT_CODE_VALIDITY_MS = 60_000;
/** Longest validity a code may claim. */
export const PAYMENT_CODE_MAX_VALIDITY_MS = 300_000;
/** Tolerated clock difference between the device and the verifier for issuedAt. */
export const PAYMENT_CODE_CLOCK_SKEW_MS = 30_000;

export interface PaymentCodeBody {
  /** Single-use id: "pc_" + 16 base64url characters (12 random bytes). */
  codeId: string;
  walletId: string;
  deviceId: string;
  /** Largest amount the merchant may charge, in fen. */
  maxAmount: Fen;
  issuedAt: number;
  expiresAt: number;
}
export type PaymentCode = Signed<PaymentCodeBody>;

export interface IssuedPaymentCode {
  code: PaymentCode;
  /** The text to render as a QR code. */
  text: string;
}

export interface PaymentCodeInput {
  walletId: string;
  deviceId: string;
  maxAmount: Fen;
  /** Milliseconds since the epoch; default Date.now(). */
  now?: number;
  /** Default PAYMENT_CODE_VALIDITY_MS. */
  validityMs?: number;
  /** Default: a fresh random id. */
  codeId?: string;
}

const CODE_ID = /^pc_[A-Za-z0-9_-]{16}$/;
const CODE_ID_BYTES = 12;
const SIG_BYTES = 64;
const MAX_U48 = 2 ** 48 - 1;

function bad(message: string, details?: Record<string, unknown>): never {
  throw new EcnyError('PAYCODE_BAD_FORMAT', message, details);
}

/** Throws PAYCODE_BAD_FORMAT unless the body is well formed. */
function checkBody(body: PaymentCodeBody): void {
  if (typeof body !== 'object' || body === null) bad('a payment code is an object');
  if (typeof body.codeId !== 'string' || !CODE_ID.test(body.codeId))
    bad('codeId must be "pc_" and 16 base64url characters');
  if (!IdSchema.safeParse(body.walletId).success) bad('walletId is not an id', { field: 'walletId' });
  if (!IdSchema.safeParse(body.deviceId).success) bad('deviceId is not an id', { field: 'deviceId' });
  if (!isFen(body.maxAmount) || body.maxAmount <= 0)
    bad('maxAmount must be a positive fen amount', { field: 'maxAmount' });
  if (!Number.isSafeInteger(body.issuedAt) || body.issuedAt < 0 || body.issuedAt > MAX_U48) {
    bad('issuedAt is not a time', { field: 'issuedAt' });
  }
  const validity = body.expiresAt - body.issuedAt;
  if (!Number.isSafeInteger(body.expiresAt) || validity < 1 || validity > PAYMENT_CODE_MAX_VALIDITY_MS) {
    bad(`expiresAt must be 1 ms to ${PAYMENT_CODE_MAX_VALIDITY_MS} ms after issuedAt`, {
      field: 'expiresAt',
    });
  }
}

// ---------------------------------------------------------------------------
// base32 (RFC 4648, no padding)

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function toBase32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += B32[(buffer >> bits) & 31];
    }
  }
  if (bits > 0) out += B32[(buffer << (5 - bits)) & 31];
  return out;
}

function fromBase32(text: string): Uint8Array {
  if (![0, 2, 4, 5, 7].includes(text.length % 8)) bad('base32 text has an impossible length');
  const out = new Uint8Array(Math.floor((text.length * 5) / 8));
  let buffer = 0;
  let bits = 0;
  let j = 0;
  for (const ch of text) {
    const v = B32.indexOf(ch);
    if (v < 0) bad(`"${ch}" is not a base32 character`);
    buffer = ((buffer << 5) | v) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[j++] = (buffer >> bits) & 0xff;
    }
  }
  if ((buffer & ((1 << bits) - 1)) !== 0) bad('base32 text has non-zero padding bits');
  return out;
}

// ---------------------------------------------------------------------------
// Binary writer / reader

class Writer {
  readonly bytes: number[] = [];
  u8(n: number): void {
    this.bytes.push(n & 0xff);
  }
  raw(b: Uint8Array): void {
    for (const x of b) this.bytes.push(x);
  }
  varint(n: number): void {
    let v = n;
    while (v >= 0x80) {
      this.bytes.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.bytes.push(v);
  }
  u48(n: number): void {
    for (let shift = 5; shift >= 0; shift--) this.bytes.push(Math.floor(n / 2 ** (8 * shift)) % 256);
  }
  id(text: string): void {
    const m = /^([a-z]{1,6})_([A-Za-z0-9_-]+)$/.exec(text);
    if (m) {
      const tail = m[2]!;
      let decoded: Uint8Array | null = null;
      try {
        decoded = fromBase64Url(tail);
      } catch {
        decoded = null;
      }
      if (decoded && decoded.length < 256 && toBase64Url(decoded) === tail) {
        this.u8(0x80 | m[1]!.length);
        for (const c of m[1]!) this.u8(c.charCodeAt(0));
        this.u8(decoded.length);
        this.raw(decoded);
        return;
      }
    }
    this.u8(text.length);
    for (const c of text) this.u8(c.charCodeAt(0));
  }
}

class Reader {
  #i = 0;
  constructor(readonly bytes: Uint8Array) {}
  get remaining(): number {
    return this.bytes.length - this.#i;
  }
  u8(): number {
    if (this.#i >= this.bytes.length) bad('payment code is cut short');
    return this.bytes[this.#i++]!;
  }
  raw(n: number): Uint8Array {
    if (this.#i + n > this.bytes.length) bad('payment code is cut short');
    const out = this.bytes.slice(this.#i, this.#i + n);
    this.#i += n;
    return out;
  }
  varint(): number {
    let value = 0;
    let scale = 1;
    for (let k = 0; k < 8; k++) {
      const b = this.u8();
      value += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) {
        if (k > 0 && b === 0) bad('non-minimal varint');
        return value;
      }
      scale *= 0x80;
    }
    bad('varint too long');
  }
  u48(): number {
    let v = 0;
    for (let k = 0; k < 6; k++) v = v * 256 + this.u8();
    return v;
  }
  ascii(n: number): string {
    let s = '';
    for (const b of this.raw(n)) s += String.fromCharCode(b);
    return s;
  }
  id(): string {
    const h = this.u8();
    if (h < 0x80) return this.ascii(h);
    const prefixLength = h & 0x7f;
    if (prefixLength < 1 || prefixLength > 6) bad('bad id header');
    const prefix = this.ascii(prefixLength);
    return `${prefix}_${toBase64Url(this.raw(this.u8()))}`;
  }
}

// ---------------------------------------------------------------------------
// Public API

/** The compact text of a signed payment code. Throws PAYCODE_BAD_FORMAT. */
export function encodePaymentCode(code: PaymentCode): string {
  checkBody(code);
  let sig: Uint8Array;
  try {
    sig = fromBase64Url(code.sig);
  } catch {
    bad('sig is not base64url');
  }
  if (sig.length !== SIG_BYTES) bad('sig must be 64 bytes');
  const w = new Writer();
  w.u8(PAYMENT_CODE_VERSION);
  w.raw(fromBase64Url(code.codeId.slice(3)));
  w.id(code.walletId);
  w.id(code.deviceId);
  w.varint(code.maxAmount);
  w.u48(code.issuedAt);
  w.varint(code.expiresAt - code.issuedAt);
  w.raw(sig);
  return PAYMENT_CODE_PREFIX + toBase32(Uint8Array.from(w.bytes));
}

/**
 * The signed payment code in a scanned text (surrounding whitespace and
 * letter case are ignored). Checks the form only; call verifyPaymentCode
 * for signature and time. Throws PAYCODE_BAD_FORMAT, never anything else.
 */
export function decodePaymentCode(text: unknown): PaymentCode {
  if (typeof text !== 'string') bad('a payment code is text');
  const upper = text.trim().toUpperCase();
  if (!upper.startsWith(PAYMENT_CODE_PREFIX)) bad(`a payment code starts with ${PAYMENT_CODE_PREFIX}`);
  if (upper.length > 400) bad('payment code too long');
  const r = new Reader(fromBase32(upper.slice(PAYMENT_CODE_PREFIX.length)));
  const version = r.u8();
  if (version !== PAYMENT_CODE_VERSION) bad(`unknown payment code version ${version}`);
  const codeId = `pc_${toBase64Url(r.raw(CODE_ID_BYTES))}`;
  const walletId = r.id();
  const deviceId = r.id();
  const maxAmount = r.varint();
  const issuedAt = r.u48();
  const expiresAt = issuedAt + r.varint();
  const sig = toBase64Url(r.raw(SIG_BYTES));
  if (r.remaining !== 0) bad('trailing bytes after the signature');
  const code: PaymentCode = { codeId, walletId, deviceId, maxAmount, issuedAt, expiresAt, sig };
  checkBody(code);
  return code;
}

/** A new random code id, "pc_" + 16 base64url characters. */
export function newPaymentCodeId(): string {
  return `pc_${toBase64Url(randomBytes(CODE_ID_BYTES))}`;
}

/** Signs a fresh payment code with the device key. Throws PAYCODE_BAD_FORMAT or BAD_AMOUNT on bad input. */
export function createPaymentCode(input: PaymentCodeInput, device: Signer): IssuedPaymentCode {
  const now = input.now ?? Date.now();
  assertFen(input.maxAmount, 'maxAmount');
  const body: PaymentCodeBody = {
    codeId: input.codeId ?? newPaymentCodeId(),
    walletId: input.walletId,
    deviceId: input.deviceId,
    maxAmount: input.maxAmount,
    issuedAt: now,
    expiresAt: now + (input.validityMs ?? PAYMENT_CODE_VALIDITY_MS),
  };
  checkBody(body);
  const code = signObject(PAYMENT_CODE_TYPE, body, device);
  return { code, text: encodePaymentCode(code) };
}

/**
 * A refresher for the payment-code screen: each call signs a new code (new
 * codeId, new validity window) for the same wallet, device and cap.
 */
export function paymentCodeRefresher(
  input: Omit<PaymentCodeInput, 'now' | 'codeId'>,
  device: Signer,
  clock: () => number = Date.now,
): () => IssuedPaymentCode {
  return () => createPaymentCode({ ...input, now: clock() }, device);
}

/** True when the code should be replaced on screen: expired, or expiring within marginMs. */
export function paymentCodeNeedsRefresh(code: PaymentCodeBody, now: number, marginMs = 10_000): boolean {
  return now + marginMs >= code.expiresAt;
}

export interface VerifyPaymentCodeOptions {
  /** The amount about to be charged; over the cap throws PAYCODE_OVER_CAP. */
  amount?: Fen;
  /** Tolerance for an issuedAt ahead of `now`; default PAYMENT_CODE_CLOCK_SKEW_MS. */
  clockSkewMs?: number;
}

/**
 * Checks a payment code (text or decoded) against the device's public key
 * at time `now`, and the amount against its cap. Returns the body; the
 * caller must still refuse a codeId it has seen (single use). Throws
 * PAYCODE_BAD_FORMAT, PAYCODE_BAD_SIGNATURE, PAYCODE_EXPIRED (also for a
 * code issued more than the clock skew in the future), PAYCODE_OVER_CAP,
 * or BAD_AMOUNT for an amount that is not fen.
 */
export function verifyPaymentCode(
  code: PaymentCode | string,
  devicePublicKey: Uint8Array,
  verifier: Verifier,
  now: number,
  options: VerifyPaymentCodeOptions = {},
): PaymentCodeBody {
  const signed = typeof code === 'string' ? decodePaymentCode(code) : code;
  checkBody(signed);
  if (typeof signed.sig !== 'string' || !verifyObject(PAYMENT_CODE_TYPE, signed, devicePublicKey, verifier)) {
    throw new EcnyError(
      'PAYCODE_BAD_SIGNATURE',
      `payment code ${signed.codeId} is not signed by device ${signed.deviceId}`,
      {
        codeId: signed.codeId,
      },
    );
  }
  if (now > signed.expiresAt) {
    throw new EcnyError('PAYCODE_EXPIRED', `payment code ${signed.codeId} expired`, {
      codeId: signed.codeId,
      expiresAt: signed.expiresAt,
      now,
    });
  }
  if (signed.issuedAt - (options.clockSkewMs ?? PAYMENT_CODE_CLOCK_SKEW_MS) > now) {
    throw new EcnyError('PAYCODE_EXPIRED', `payment code ${signed.codeId} is issued in the future`, {
      codeId: signed.codeId,
      issuedAt: signed.issuedAt,
      now,
      reason: 'not yet valid',
    });
  }
  if (options.amount !== undefined) {
    assertFen(options.amount);
    if (options.amount > signed.maxAmount) {
      throw new EcnyError(
        'PAYCODE_OVER_CAP',
        `amount ${options.amount} is over the code's cap ${signed.maxAmount}`,
        {
          codeId: signed.codeId,
          amount: options.amount,
          maxAmount: signed.maxAmount,
        },
      );
    }
  }
  const { codeId, walletId, deviceId, maxAmount, issuedAt, expiresAt } = bodyOf(signed);
  return { codeId, walletId, deviceId, maxAmount, issuedAt, expiresAt };
}

/**
 * Device-signed requests: checks the four x-ecny-* headers, the freshness of
 * the timestamp, the nonce against replays, the signature over method, path,
 * body hash, timestamp and nonce, and that the device is not revoked.
 */
import {
  AUTH_HEADERS,
  bodyHash,
  type DeviceRevokedDetails,
  decodeKey,
  EcnyError,
  REQUEST_FRESHNESS_MS,
  REQUEST_TYPE,
  type RequestAuthBody,
  verifyObject,
} from '@ecny-sim/wallet-core';
import type { NextFunction, Request, Response } from 'express';
import type { Ctx } from '../context';
import type { DeviceRow } from '../store/store';

declare global {
  namespace Express {
    interface Request {
      /** The body's bytes as received (kept by the JSON parser). */
      rawBytes?: Buffer;
      device?: DeviceRow;
    }
  }
}

/**
 * Remembers nonces for the freshness window; older ones are refused as stale anyway. Nonces live in
 * memory: a request captured in the two minutes before a restart could be replayed after it. Every
 * money-moving call is idempotent by its own id, so such a replay moves no money again.
 */
export class ReplayGuard {
  #seen = new Map<string, number>();
  #lastPrune = 0;

  /** True the first time a (device, nonce) is presented within the window. */
  firstUse(key: string, now: number): boolean {
    if (now - this.#lastPrune > REQUEST_FRESHNESS_MS) {
      for (const [k, expires] of this.#seen) if (expires < now) this.#seen.delete(k);
      this.#lastPrune = now;
    }
    if (this.#seen.has(key)) return false;
    this.#seen.set(key, now + 2 * REQUEST_FRESHNESS_MS);
    return true;
  }
}

const NONCE = /^[A-Za-z0-9_-]{8,64}$/;
/** Milliseconds since the epoch in canonical decimal: no sign, exponent, fraction, leading zero or blank. */
const TIMESTAMP = /^(?:0|[1-9][0-9]{0,15})$/;

export function deviceAuth(ctx: Ctx, guard: ReplayGuard) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const deviceId = req.get(AUTH_HEADERS.device);
    const timestampText = req.get(AUTH_HEADERS.timestamp);
    const nonce = req.get(AUTH_HEADERS.nonce);
    const sig = req.get(AUTH_HEADERS.signature);
    if (!deviceId || !timestampText || !nonce || !sig) {
      throw new EcnyError('UNAUTHENTICATED', 'this call must be signed by a device (x-ecny-* headers)');
    }
    // Only the text the signer wrote is accepted: "abc" or "1e12" is not a time to compare with the
    // clock, and "<ts>.0" must not pass for the signed "<ts>".
    const timestamp = TIMESTAMP.test(timestampText) ? Number(timestampText) : Number.NaN;
    if (!Number.isSafeInteger(timestamp)) {
      throw new EcnyError(
        'UNAUTHENTICATED',
        'malformed timestamp: milliseconds since the epoch, digits only',
      );
    }
    const now = ctx.now();
    if (Math.abs(now - timestamp) > REQUEST_FRESHNESS_MS) {
      throw new EcnyError('STALE_REQUEST', 'the request timestamp is too far from the server clock');
    }
    if (!NONCE.test(nonce)) throw new EcnyError('UNAUTHENTICATED', 'malformed nonce');
    const device = await ctx.store.getDevice(deviceId);
    if (!device) throw new EcnyError('UNAUTHENTICATED', 'unknown device');
    const body: RequestAuthBody = {
      deviceId,
      method: req.method.toUpperCase(),
      path: req.originalUrl,
      bodyHash: bodyHash(req.rawBytes?.toString('utf8') ?? ''),
      timestamp,
      nonce,
    };
    if (!verifyObject(REQUEST_TYPE, { ...body, sig }, decodeKey(device.publicKey), ctx.verifier)) {
      throw new EcnyError('BAD_SIGNATURE', 'the request signature does not verify for this device');
    }
    if (device.revokedAt !== null) throw deviceRevoked(device);
    if (!guard.firstUse(`${deviceId}:${nonce}`, now)) {
      throw new EcnyError('REPLAYED_REQUEST', 'this request was already received');
    }
    req.device = device;
    next();
  };
}

/**
 * DEVICE_REVOKED for a call the revoked device signed itself: it is told when and why (the details
 * of the answer). Where another party presents the device's signature (a merchant charging its
 * payment code), the refusal names no reason.
 */
export function deviceRevoked(device: DeviceRow): EcnyError {
  const details: DeviceRevokedDetails = { revokedAt: device.revokedAt ?? 0, reason: device.revokedReason };
  return new EcnyError('DEVICE_REVOKED', `device ${device.deviceId} is revoked`, details);
}

/** The signed-in device must belong to the wallet named in the path. */
export function requireOwnWallet(req: Request): string {
  const walletId = req.params.walletId;
  if (typeof walletId !== 'string' || !req.device || req.device.walletId !== walletId) {
    throw new EcnyError('FORBIDDEN', 'this device does not belong to that wallet');
  }
  return walletId;
}

export function adminAuth(token: string) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? '';
    const presented = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!presented || !timingSafeEqualText(presented, token)) {
      throw new EcnyError(
        'ADMIN_TOKEN_REQUIRED',
        'this call needs the admin token (Authorization: Bearer ...)',
      );
    }
    next();
  };
}

function timingSafeEqualText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * Rate limits: token buckets per client IP and per device. A bucket holds up
 * to `burst` tokens and refills at `perSec` tokens a second; a request takes
 * one token or is refused with 429 RATE_LIMITED and a Retry-After header (in
 * whole seconds). The IP limit runs before the body is read; the device limit
 * after, so that it can key on the device of a signed body (a transfer's
 * deviceId) as well as on the x-ecny-device header. A rate of 0 turns a limit
 * off. Buckets live in memory and are pruned once idle (full again).
 */
import { AUTH_HEADERS, EcnyError } from '@ecny-sim/wallet-core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

export interface BucketSpec {
  /** Tokens added per second; 0 disables the limit. */
  perSec: number;
  /** Bucket size: how many requests may arrive at once after a quiet spell. */
  burst: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Keeps memory bounded when many keys (IPs, claimed device ids) appear. */
const PRUNE_ABOVE = 10_000;
const HARD_CAP = 100_000;

export class TokenBuckets {
  readonly #buckets = new Map<string, Bucket>();
  readonly #perMs: number;
  readonly #burst: number;

  constructor(readonly spec: BucketSpec) {
    this.#perMs = spec.perSec / 1000;
    this.#burst = Math.max(1, spec.burst);
  }

  get size(): number {
    return this.#buckets.size;
  }

  /** Takes one token for `key`; returns 0 when allowed, else the milliseconds until a token is due. */
  take(key: string, now: number): number {
    let b = this.#buckets.get(key);
    if (!b) {
      if (this.#buckets.size >= PRUNE_ABOVE) this.#prune(now);
      b = { tokens: this.#burst, at: now };
      this.#buckets.set(key, b);
    } else if (now > b.at) {
      b.tokens = Math.min(this.#burst, b.tokens + (now - b.at) * this.#perMs);
      b.at = now;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - b.tokens) / this.#perMs);
  }

  #prune(now: number): void {
    for (const [key, b] of this.#buckets) {
      if (b.tokens + (now - b.at) * this.#perMs >= this.#burst) this.#buckets.delete(key);
    }
    if (this.#buckets.size >= HARD_CAP) {
      // Under a flood of distinct keys: forget the oldest half.
      let drop = this.#buckets.size / 2;
      for (const key of this.#buckets.keys()) {
        if (drop-- <= 0) break;
        this.#buckets.delete(key);
      }
    }
  }
}

function refuse(res: Response, waitMs: number, what: string): never {
  res.setHeader('retry-after', String(Math.max(1, Math.ceil(waitMs / 1000))));
  throw new EcnyError('RATE_LIMITED', `too many requests from this ${what}; retry later`);
}

/** Per client IP (the socket address; no proxy headers are trusted). */
export function ipRateLimit(spec: BucketSpec, now: () => number = Date.now) {
  if (spec.perSec <= 0) return (_req: Request, _res: Response, next: NextFunction) => next();
  const buckets = new TokenBuckets(spec);
  return (req: Request, res: Response, next: NextFunction) => {
    const wait = buckets.take(req.socket.remoteAddress ?? 'unknown', now());
    if (wait > 0) refuse(res, wait, 'address');
    next();
  };
}

const DEVICE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Per device. A device signed in by its request signature (x-ecny-* headers)
 * is counted under its id once the signature verifies (`afterAuth`). A body
 * that only names a device (a signed transfer, checked later) is counted
 * under that device and the caller's address together, so that nobody can
 * spend another device's tokens by naming it.
 */
export function deviceRateLimit(spec: BucketSpec, now: () => number = Date.now) {
  const buckets = spec.perSec > 0 ? new TokenBuckets(spec) : null;
  const charge = (key: string, res: Response) => {
    const wait = buckets!.take(key, now());
    if (wait > 0) refuse(res, wait, 'device');
  };
  return {
    /** After the body is parsed: requests that name a device in the body and carry no x-ecny-* headers. */
    claimed(req: Request, res: Response, next: NextFunction) {
      if (buckets && req.get(AUTH_HEADERS.device) === undefined) {
        const body = req.body as { deviceId?: unknown; transfer?: { deviceId?: unknown } } | undefined;
        const id = body?.deviceId ?? body?.transfer?.deviceId;
        if (typeof id === 'string' && DEVICE_ID.test(id)) {
          charge(`${id}@${req.socket.remoteAddress ?? 'unknown'}`, res);
        }
      }
      next();
    },
    /** Wraps the device-signature middleware: counts the request once the device is known. */
    afterAuth(auth: RequestHandler): RequestHandler {
      if (!buckets) return auth;
      return (req, res, next) =>
        Promise.resolve()
          .then(() =>
            auth(req, res, (err?: unknown) => {
              if (err !== undefined && err !== null) return next(err);
              try {
                if (req.device) charge(req.device.deviceId, res);
              } catch (e) {
                return next(e);
              }
              next();
            }),
          )
          .catch(next);
    },
  };
}

/**
 * Authentication of wallet API calls: the device signs {method, path, body
 * hash, timestamp, nonce}. The server rejects stale timestamps and nonces it
 * has already seen within the freshness window.
 */

import { randomBytes, toBase64Url, utf8ToBytes } from '../crypto/bytes';
import { sha256 } from '../crypto/hash';
import type { Signer } from '../crypto/keys';
import { signObject } from '../crypto/signed';

export const REQUEST_TYPE = 'request';
export const AUTH_HEADERS = {
  device: 'x-ecny-device',
  timestamp: 'x-ecny-timestamp',
  nonce: 'x-ecny-nonce',
  signature: 'x-ecny-signature',
} as const;

/** How far a request timestamp may be from the server clock. */
export const REQUEST_FRESHNESS_MS = 120_000;

export interface RequestAuthBody {
  deviceId: string;
  method: string;
  path: string;
  bodyHash: string;
  timestamp: number;
  nonce: string;
}

export function bodyHash(rawBody: string): string {
  return toBase64Url(sha256(utf8ToBytes(rawBody)));
}

export function signRequest(
  device: { deviceId: string; signer: Signer },
  method: string,
  path: string,
  rawBody: string,
  now = Date.now(),
): Record<string, string> {
  const body: RequestAuthBody = {
    deviceId: device.deviceId,
    method: method.toUpperCase(),
    path,
    bodyHash: bodyHash(rawBody),
    timestamp: now,
    nonce: toBase64Url(randomBytes(12)),
  };
  const signed = signObject(REQUEST_TYPE, body, device.signer);
  return {
    [AUTH_HEADERS.device]: body.deviceId,
    [AUTH_HEADERS.timestamp]: String(body.timestamp),
    [AUTH_HEADERS.nonce]: body.nonce,
    [AUTH_HEADERS.signature]: signed.sig,
  };
}

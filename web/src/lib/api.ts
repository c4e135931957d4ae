/**
 * The one place that builds API clients for the browser: same origin as the
 * page (Vite proxies /v1 in dev, the server serves both in production).
 */
import {
  type DeviceIdentity,
  type DeviceRevokedDetails,
  DeviceRevokedDetailsSchema,
  EcnyClient,
  EcnyError,
} from '@ecny-sim/wallet-core';

export function apiBaseUrl(): string {
  return window.location.origin;
}

/**
 * A client for public calls, or for signed wallet calls when given the phone's
 * device identity. With `offline` (a phone's airplane mode) every call is
 * refused with AIRPLANE_MODE while it returns true, without touching the network.
 * `onDeviceRevoked` hears the server's DEVICE_REVOKED answers about this device (with
 * their message, and when and why it was revoked) before the caller sees the error:
 * the server tells a device of its own revocation with when and why, and says
 * neither when it refuses another party's device (a merchant charging a revoked
 * payer's payment code), which is no news about this one. Once `revoked` returns true, signed
 * calls are refused here with DEVICE_REVOKED: a revocation is final, so asking
 * again would only earn more 403s.
 */
export function createApiClient(
  device?: DeviceIdentity,
  options: {
    offline?: () => boolean;
    revoked?: () => boolean;
    onDeviceRevoked?: (message: string, details?: DeviceRevokedDetails) => void;
  } = {},
): EcnyClient {
  const { offline, revoked, onDeviceRevoked } = options;
  return new EcnyClient({
    baseUrl: apiBaseUrl(),
    fetch: async (input, init) => {
      if (offline?.()) throw new EcnyError('AIRPLANE_MODE', 'airplane mode is on: this phone has no network');
      if (revoked?.() && isSigned(init)) {
        throw new EcnyError('DEVICE_REVOKED', 'this device was revoked; it no longer calls the server', {
          status: 403,
        });
      }
      const response = await window.fetch(input, init);
      if (response.status === 403 && onDeviceRevoked) {
        const answer = await revokedAnswer(response.clone());
        if (answer?.details) onDeviceRevoked(answer.message, answer.details);
      }
      return response;
    },
    ...(device ? { device } : {}),
  });
}

function isSigned(init: RequestInit | undefined): boolean {
  const headers = init?.headers;
  if (!headers) return false;
  if (headers instanceof Headers) return headers.has('x-ecny-device');
  if (Array.isArray(headers)) return headers.some(([name]) => name.toLowerCase() === 'x-ecny-device');
  return Object.keys(headers).some((name) => name.toLowerCase() === 'x-ecny-device');
}

/**
 * The message of a DEVICE_REVOKED error envelope and its details (when and why), when the answer
 * carries them (only the revoked device's own calls do); else null.
 */
async function revokedAnswer(
  response: Response,
): Promise<{ message: string; details?: DeviceRevokedDetails } | null> {
  try {
    const body = (await response.json()) as {
      error?: { code?: unknown; message?: unknown; details?: unknown };
    };
    if (body.error?.code !== 'DEVICE_REVOKED') return null;
    const message = String(body.error.message ?? '');
    const details = DeviceRevokedDetailsSchema.safeParse(body.error.details);
    return details.success ? { message, details: details.data } : { message };
  } catch {
    return null;
  }
}

/**
 * URL of the live event stream; with a wallet id and the ticket one of its devices asked for
 * (`EcnyClient.eventsTicket`) it also carries that wallet's own events.
 */
export function eventsUrl(wallet?: { walletId: string; ticket: string }): string {
  return wallet
    ? `/v1/events?wallet=${encodeURIComponent(wallet.walletId)}&ticket=${encodeURIComponent(wallet.ticket)}`
    : '/v1/events';
}

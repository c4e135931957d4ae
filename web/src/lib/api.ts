/**
 * The one place that builds API clients for the browser: same origin as the
 * page (Vite proxies /v1 in dev, the server serves both in production).
 */
import { type DeviceIdentity, EcnyClient, EcnyError } from '@ecny-sim/wallet-core';

export function apiBaseUrl(): string {
  return window.location.origin;
}

/**
 * A client for public calls, or for signed wallet calls when given the phone's
 * device identity. With `offline` (a phone's airplane mode) every call is
 * refused with AIRPLANE_MODE while it returns true, without touching the network.
 */
export function createApiClient(
  device?: DeviceIdentity,
  options: { offline?: () => boolean } = {},
): EcnyClient {
  const offline = options.offline;
  return new EcnyClient({
    baseUrl: apiBaseUrl(),
    fetch: (input, init) =>
      offline?.()
        ? Promise.reject(new EcnyError('AIRPLANE_MODE', 'airplane mode is on: this phone has no network'))
        : window.fetch(input, init),
    ...(device ? { device } : {}),
  });
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

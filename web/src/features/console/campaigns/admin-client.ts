/**
 * An API client carrying the operator token, for the campaign console. The
 * token comes from GET /v1/demo/admin-token, which the server serves in demo
 * mode only; elsewhere the console shows campaigns but cannot act on them.
 */
import { EcnyClient } from '@ecny-sim/wallet-core';
import { apiBaseUrl, createApiClient } from '../../../lib/api';

let pending: Promise<EcnyClient | null> | null = null;

export function adminClient(): Promise<EcnyClient | null> {
  pending ??= createApiClient()
    .request<{ token?: unknown }>('GET', '/demo/admin-token')
    .then(
      ({ token }) =>
        typeof token === 'string'
          ? new EcnyClient({
              baseUrl: apiBaseUrl(),
              fetch: (input, init) => window.fetch(input, init),
              adminToken: token,
            })
          : null,
      () => {
        pending = null;
        return null;
      },
    );
  return pending;
}

/**
 * Turns anything thrown into what the UI shows: the stable code (API errors keep the server's),
 * the message for developers, and the structured details a friendly text may take figures from
 * (lib/error-messages.ts).
 */
import { isEcnyError } from '@ecny-sim/wallet-core';

export interface ErrorInfo {
  code: string;
  /** For developers: the server's or library's own words (English, amounts in fen). */
  message: string;
  /** HTTP status of a server answer. */
  status?: number;
  /** The server's `error.details`, or a local error's details. */
  details?: unknown;
}

export function describeError(error: unknown): ErrorInfo {
  if (isEcnyError(error)) {
    const info: ErrorInfo = { code: error.code, message: error.message };
    const details = error.details;
    // The API client puts the HTTP status and the server's own details in an error's details.
    if (details && typeof details.status === 'number') {
      info.status = details.status;
      if (details.details !== undefined) info.details = details.details;
    } else if (details) {
      info.details = details;
    }
    return info;
  }
  if (error instanceof TypeError) return { code: 'NETWORK', message: error.message };
  if (error instanceof Error) return { code: 'ERROR', message: error.message };
  return { code: 'ERROR', message: String(error) };
}

/**
 * Refusals given before the server looked at what the request carried: a malformed or unsigned
 * request, a device refused (revoked, another wallet's), a body too large or of the wrong type,
 * or a rate limit. Nothing was applied, and nothing was said about the coins it carried, so a
 * deposit refused this way on its first sending may give its coins back. A conflict or any other
 * refusal about the coins themselves (409, 422), a network failure, airplane mode or a 5xx may
 * mean the coins were taken, or are not good: what they carried stays spent and is kept to resend.
 */
export function isRefusedUnread(error: unknown): boolean {
  if (!isEcnyError(error)) return false;
  return REFUSED_UNREAD.has(error.details?.status as number);
}

const REFUSED_UNREAD = new Set([400, 401, 403, 413, 415, 429]);

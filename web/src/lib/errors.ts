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
 * The server answered with a 4xx: it applied nothing, and the same request would be refused again
 * (or, rate limited, was simply not taken). A network failure, airplane mode or a 5xx may have been
 * applied, so what they carried is kept to resend.
 */
export function isDefiniteRefusal(error: unknown): boolean {
  if (!isEcnyError(error)) return false;
  const status = error.details?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

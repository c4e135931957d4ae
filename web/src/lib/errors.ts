/** Turns anything thrown into the {code, message} pair the UI shows (API errors keep their stable code). */
import { isEcnyError } from '@ecny-sim/wallet-core';

export interface ErrorInfo {
  code: string;
  message: string;
}

export function describeError(error: unknown): ErrorInfo {
  if (isEcnyError(error)) return { code: error.code, message: error.message };
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

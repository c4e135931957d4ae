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

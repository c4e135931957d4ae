/**
 * One error type for the whole protocol. Callers match on `code` (stable,
 * SCREAMING_SNAKE) rather than on `instanceof`, so errors survive package and
 * network boundaries unchanged.
 */
export class EcnyError extends Error {
  readonly code: string;
  readonly details?: Record<string, unknown>;

  constructor(
    code: string,
    message: string,
    details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EcnyError';
    this.code = code;
    if (details) this.details = details;
  }
}

export function isEcnyError(e: unknown): e is EcnyError {
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as { code?: unknown }).code === 'string' &&
    e instanceof Error
  );
}

/** The error envelope `{error: {code, message}}` and the HTTP status of each stable code. */
import { EcnyError, isEcnyError } from '@ecny-sim/wallet-core';
import type { ErrorRequestHandler } from 'express';
import { ZodError } from 'zod';

const STATUS: Record<string, number> = {
  NOT_FOUND: 404,
  WALLET_NOT_FOUND: 404,
  DEVICE_NOT_FOUND: 404,
  TRANSFER_NOT_FOUND: 404,
  UNAUTHENTICATED: 401,
  BAD_SIGNATURE: 401,
  STALE_REQUEST: 401,
  REPLAYED_REQUEST: 401,
  ADMIN_TOKEN_REQUIRED: 401,
  FORBIDDEN: 403,
  DEVICE_REVOKED: 403,
  CERT_REVOKED: 403,
  IDEMPOTENCY_CONFLICT: 409,
  INSUFFICIENT_FUNDS: 409,
  BANK_INSUFFICIENT_FUNDS: 409,
  LIMIT_PER_PAYMENT: 422,
  LIMIT_PER_DAY: 422,
  LIMIT_BALANCE_CAP: 422,
  METHOD_NOT_ALLOWED: 405,
  INVALID_PATH: 400,
  INVALID_BODY: 400,
  INVALID_QUERY: 400,
  BODY_NOT_ALLOWED: 400,
  BODY_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  // QR payments
  NOT_A_MERCHANT: 409,
  BILL_NOT_FOUND: 404,
  BILL_EXISTS: 409,
  BILL_ALREADY_PAID: 409,
  BILL_EXPIRED: 422,
  QR_NOT_PAYABLE: 422,
  QR_PAYEE_MISMATCH: 422,
  QR_AMOUNT_MISMATCH: 422,
  PAYCODE_USED: 409,
  PAYCODE_EXPIRED: 422,
  PAYCODE_OVER_CAP: 422,
  PAYCODE_BAD_SIGNATURE: 422,
  CAMPAIGN_NOT_FOUND: 404,
  CAMPAIGN_NOT_OPEN: 409,
  CAMPAIGN_CLOSED: 409,
  CAMPAIGN_NOT_CLOSED: 409,
  CAMPAIGN_NOT_DRAWN: 409,
  CAMPAIGN_NOT_EXPIRED: 409,
  CAMPAIGN_REGION: 403,
  CAMPAIGN_RESIDENCY: 403,
  CAMPAIGN_NOT_WINNER: 403,
  ALREADY_REGISTERED: 409,
  RESTRICTED_PERSON: 422,
  RESTRICTED_MERCHANT: 422,
  RESTRICTED_EXPIRED: 422,
  RESTRICTED_NOT_STARTED: 422,
  RESTRICTED_NOT_REDEEMABLE: 422,
  CAMPAIGN_NOT_OFFLINE_TRIAL: 403,
  CAMPAIGN_NOT_CLAIMED: 409,
  RESTRICTED_NO_MERCHANTS: 409,
  RESTRICTED_TOO_MANY_MERCHANTS: 422,
  LUCKY_NOT_FOUND: 404,
  LUCKY_ALREADY_GRABBED: 409,
  LUCKY_EMPTY: 409,
  LUCKY_EXPIRED: 410,
  LUCKY_NOT_EXPIRED: 409,
  // Offline money
  LIMIT_OFFLINE_BALANCE: 422,
  LOAD_BAD_DENOMINATIONS: 422,
  LOAD_TOO_MANY_COINS: 422,
  FRAUD_CASE_NOT_FOUND: 404,
  INTERNAL: 500,
};

export function statusOf(code: string): number {
  return STATUS[code] ?? 400;
}

/** Turns a zod failure into INVALID_BODY (or INVALID_QUERY) with the first problems spelled out. */
export function zodToEcny(
  error: ZodError,
  what = 'body',
  code: 'INVALID_BODY' | 'INVALID_QUERY' = 'INVALID_BODY',
): EcnyError {
  const issues = error.issues
    .slice(0, 5)
    .map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
  const summary = issues.map((i) => `${i.path || what}: ${i.message}`).join('; ');
  return new EcnyError(code, `invalid ${what}: ${summary}`, { issues });
}

/**
 * The JSON parser takes only an object or an array at the top: `null`, `42` or `"hi"` are JSON all
 * the same, and are told so (the same code, as clients match on it).
 */
function malformedJson(err: { body?: unknown }): EcnyError {
  let json = false;
  if (typeof err.body === 'string') {
    try {
      JSON.parse(err.body);
      json = true;
    } catch {
      // not JSON at all
    }
  }
  return new EcnyError(
    'MALFORMED_JSON',
    json ? 'the body must be a JSON object (or array where a route takes one)' : 'the body is not valid JSON',
  );
}

/**
 * What of an error's details the caller sees: the problems of a bad body or query, and a revoked
 * device's own revocation (when and why); any other details stay on the server.
 */
function publicDetails(e: EcnyError): unknown {
  if (!e.details) return undefined;
  if ('issues' in e.details) return e.details.issues;
  if (e.code === 'DEVICE_REVOKED' && 'revokedAt' in e.details) {
    return { revokedAt: e.details.revokedAt, reason: e.details.reason ?? null };
  }
  return undefined;
}

export function errorBody(code: string, message: string, details?: unknown) {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

export function errorHandler(log: (line: Record<string, unknown>) => void): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let e: EcnyError;
    const bodyParser = err as { type?: string; status?: number };
    // Only our own errors carry a client-facing code and message: a Node, zlib or SQLite
    // error also has a string `code` but its code and message are internal.
    if (err instanceof EcnyError || (isEcnyError(err) && err.name === 'EcnyError')) e = err as EcnyError;
    else if (err instanceof ZodError) e = zodToEcny(err);
    else if (bodyParser.type === 'entity.too.large')
      e = new EcnyError('BODY_TOO_LARGE', 'the request body is too large');
    else if (bodyParser.type === 'entity.parse.failed') e = malformedJson(err);
    else if (bodyParser.type === 'encoding.unsupported' || bodyParser.type === 'charset.unsupported') {
      e = new EcnyError('UNSUPPORTED_MEDIA_TYPE', 'the body must be UTF-8 JSON');
    } else if (typeof bodyParser.status === 'number' && bodyParser.status >= 400 && bodyParser.status < 500) {
      e = new EcnyError('BAD_REQUEST', 'the request could not be read');
    } else {
      log({ level: 'error', msg: 'unhandled error', method: req.method, path: req.path, error: String(err) });
      e = new EcnyError('INTERNAL', 'internal error; the request was not applied');
    }
    if (res.headersSent) return;
    const allow = e.code === 'METHOD_NOT_ALLOWED' ? e.details?.allow : undefined;
    if (typeof allow === 'string') res.setHeader('allow', allow);
    res.status(statusOf(e.code)).json(errorBody(e.code, e.message, publicDetails(e)));
  };
}

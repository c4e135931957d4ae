/** Field-level schemas shared by every message and API body. */
import { z } from 'zod';
import { MAX_FEN } from '../money/fen';

export const b64url = (bytes: number) =>
  z
    .string()
    .length(Math.ceil((bytes * 4) / 3))
    .regex(/^[A-Za-z0-9_-]+$/, 'base64url');

export const PublicKeySchema = b64url(32);
export const SignatureSchema = b64url(64);
export const HashSchema = b64url(32);

/** Identifiers: a short prefix, an underscore, then base64url characters. */
export const IdSchema = z
  .string()
  .min(3)
  .max(80)
  .regex(/^[a-z]{1,6}_[A-Za-z0-9_-]{1,72}$/, 'an id like w_abc123');
/** Client-chosen idempotency ids (transfers, top-ups...). */
export const RequestIdSchema = z
  .string()
  .min(8)
  .max(80)
  .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and -');

export const FenSchema = z.number().int().positive().max(MAX_FEN);
export const FenOrZeroSchema = z.number().int().nonnegative().max(MAX_FEN);
export const TimestampSchema = z.number().int().nonnegative().max(8.64e15);
export const TierSchema = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]);
export const TextSchema = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine(
      (s) => s.trim().length > 0 && isPrintableText(s),
      'printable text (no control characters, no broken Unicode)',
    );

/**
 * Printable Unicode text: no C0 or C1 control characters, no DEL, and no lone UTF-16 surrogate
 * (which has no UTF-8 form: it could be neither signed canonically nor stored as sent).
 */
export function isPrintableText(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return false;
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = s.charCodeAt(i + 1);
      // A high surrogate must be followed by a low one; a low one never comes first.
      if (c > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    }
  }
  return true;
}

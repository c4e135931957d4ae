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
    .refine((s) => s.trim().length > 0 && !hasControlCharacters(s), 'printable text');

function hasControlCharacters(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

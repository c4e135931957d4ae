/** Parses a request body or query with a shared wallet-core schema, or throws INVALID_BODY. */
import { type ZodType, z } from 'zod';
import { zodToEcny } from './errors';

export function parseWith<T>(schema: ZodType<T>, value: unknown, what = 'body'): T {
  const result = schema.safeParse(value);
  if (!result.success) throw zodToEcny(result.error, what);
  return result.data;
}

/** The body of a route that takes none: absent, or an empty JSON object. */
export const NoBodySchema = z.strictObject({});

/**
 * Parses a request body or query string with a shared wallet-core schema: a bad body is
 * INVALID_BODY, a bad query string INVALID_QUERY (both 400, with the first problems spelled out).
 */
import { type ZodType, z } from 'zod';
import { zodToEcny } from './errors';

export function parseWith<T>(schema: ZodType<T>, value: unknown, what = 'body'): T {
  const result = schema.safeParse(value);
  if (!result.success) throw zodToEcny(result.error, what);
  return result.data;
}

/** The query string of a request, read with its schema, or INVALID_QUERY. */
export function parseQuery<T>(schema: ZodType<T>, query: unknown): T {
  const result = schema.safeParse(query);
  if (!result.success) throw zodToEcny(result.error, 'query', 'INVALID_QUERY');
  return result.data;
}

/** The body of a route that takes none: absent, or an empty JSON object. */
export const NoBodySchema = z.strictObject({});

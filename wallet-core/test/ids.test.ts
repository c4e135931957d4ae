import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdSchema, RequestIdSchema, sortableId } from '../src/index';

/** Milliseconds from 1970 to the last one the 9 base36 digits can hold. */
const times = fc.integer({ min: 0, max: 36 ** 9 - 1 });

describe('sortableId', () => {
  it('is the prefix, 9 base36 digits of the time, and 16 base64url characters', () => {
    const id = sortableId('tx', Date.UTC(2026, 10, 28, 8, 0, 0));
    expect(id).toMatch(/^tx_[0-9a-z]{9}[A-Za-z0-9_-]{16}$/);
    expect(id.slice(3, 12)).toBe('0mx04e0w0');
    expect(Number.parseInt(id.slice(3, 12), 36)).toBe(Date.UTC(2026, 10, 28, 8, 0, 0));
  });

  it('passes the schemas of ids and idempotency ids', () => {
    fc.assert(
      fc.property(
        times,
        fc.constantFrom('tx', 'tu', 'rd', 'ch', 'ld', 'dp', 'lk', 'refill'),
        (now, prefix) => {
          const id = sortableId(prefix, now);
          expect(IdSchema.safeParse(id).success).toBe(true);
          expect(RequestIdSchema.safeParse(id).success).toBe(true);
        },
      ),
    );
  });

  it('sorts as text in the order of its times', () => {
    fc.assert(
      fc.property(times, times, (a, b) => {
        fc.pre(a !== b);
        const [x, y] = [sortableId('tx', a), sortableId('tx', b)];
        expect(x < y).toBe(a < b);
      }),
    );
  });

  it('differs between ids made in the same millisecond', () => {
    const now = Date.now();
    const ids = new Set(Array.from({ length: 10_000 }, () => sortableId('tx', now)));
    expect(ids.size).toBe(10_000);
  });

  it('refuses a time that is not a whole non-negative number of milliseconds', () => {
    for (const bad of [-1, 1.5, Number.NaN, 36 ** 9]) expect(() => sortableId('tx', bad)).toThrow(RangeError);
  });
});

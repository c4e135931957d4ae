/** The calendar day in China Standard Time that daily limits count against. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chinaDay } from '../src/http/clock';

describe('chinaDay', () => {
  it('turns at midnight in Beijing (16:00 UTC), however calls alternate across the turn', () => {
    const turn = Date.UTC(2026, 10, 27, 16, 0, 0);
    for (let i = 0; i < 3; i++) {
      expect(chinaDay(turn - 1)).toBe('2026-11-27');
      expect(chinaDay(turn)).toBe('2026-11-28');
    }
    expect(chinaDay(Date.UTC(2026, 10, 28, 15, 59, 59, 999))).toBe('2026-11-28');
    expect(chinaDay(Date.UTC(2026, 11, 31, 16, 0, 0))).toBe('2027-01-01');
    expect(chinaDay(Date.UTC(1969, 11, 31, 15, 59, 59, 999))).toBe('1969-12-31');
  });

  it('agrees with the date of the time shifted by eight hours, in any order of calls', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1e12, max: 4e12 }), { minLength: 1, maxLength: 50 }),
        (times) => {
          for (const at of times) {
            expect(chinaDay(at)).toBe(new Date(at + 8 * 3_600_000).toISOString().slice(0, 10));
          }
        },
      ),
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPrintableText, TextSchema } from '../src/index';

/** The rule stated directly: well-formed UTF-16 and no C0, DEL or C1 control character. */
function expected(s: string): boolean {
  const controls = [...s].some((ch) => {
    const c = ch.charCodeAt(0);
    return c < 0x20 || (c >= 0x7f && c <= 0x9f);
  });
  return (s as string & { isWellFormed(): boolean }).isWellFormed() && !controls;
}

describe('printable text', () => {
  it('refuses lone surrogates and control characters, keeps pairs and the rest of Unicode', () => {
    for (const ok of ['Luohu Noodle House', '罗湖面馆', 'red envelope 🧧', 'café', '\u00a0nbsp']) {
      expect(isPrintableText(ok), ok).toBe(true);
    }
    for (const bad of [
      'a\ud800',
      '\ud800a',
      '\udc00',
      'a\udc00\ud800b',
      '\ud83e',
      'x\u0000',
      'tab\t',
      'del\u007f',
      'c1\u0085',
    ]) {
      expect(isPrintableText(bad), JSON.stringify(bad)).toBe(false);
    }
  });

  it('agrees with the rule on any UTF-16 string', () => {
    const unit = fc.oneof(
      fc.integer({ min: 0, max: 0xffff }),
      fc.constantFrom(0xd800, 0xdbff, 0xdc00, 0xdfff, 0x85, 0x9f, 0xa0, 0x7f, 0x20),
    );
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 12 }), (units) => {
        const s = String.fromCharCode(...units);
        expect(isPrintableText(s)).toBe(expected(s));
      }),
      { numRuns: 20_000 },
    );
  });

  it('TextSchema says why', () => {
    const r = TextSchema(20).safeParse('Shop \ud800');
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toContain('broken Unicode');
    expect(TextSchema(20).parse('Shop 🧧')).toBe('Shop 🧧');
  });
});

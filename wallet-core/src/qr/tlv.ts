/**
 * EMVCo QR TLV: every data object is a two-digit ID, a two-digit length
 * ("01".."99") and the value. Lengths count characters — Unicode code
 * points, as the EMVCo MPM specification does for its UTF-8 alternate
 * language fields ("0104最佳运输" is four characters, not twelve bytes) — not
 * UTF-16 code units and not bytes.
 */
import { EcnyError } from '../errors/index';

export interface TlvField {
  /** Two-digit ID, "00".."99". */
  id: string;
  /** The value, as text. */
  value: string;
}

/** Number of characters (code points) of a text, the unit of every EMVCo length. */
export function charLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** The first `max` characters (code points) of a text. */
export function truncateChars(text: string, max: number): string {
  if (text.length <= max) return text;
  return Array.from(text).slice(0, max).join('');
}

const ID = /^\d{2}$/;

/** One data object, "IILLvalue". Throws QR_BAD_FORMAT on a bad id and QR_BAD_LENGTH on an empty or over-long value. */
export function encodeTlv(id: string, value: string): string {
  if (!ID.test(id))
    throw new EcnyError('QR_BAD_FORMAT', `"${id}" is not a two-digit data object id`, { field: id });
  const len = charLength(value);
  if (len < 1 || len > 99) {
    throw new EcnyError('QR_BAD_LENGTH', `data object ${id} must be 1 to 99 characters, got ${len}`, {
      field: id,
      length: len,
    });
  }
  return id + String(len).padStart(2, '0') + value;
}

/** Data objects in the order given, concatenated. */
export function encodeTlvs(fields: readonly TlvField[]): string {
  return fields.map((f) => encodeTlv(f.id, f.value)).join('');
}

/**
 * Splits text into data objects. Throws EcnyError QR_BAD_FORMAT (an ID or
 * length that is not two digits) or QR_BAD_LENGTH (a length of "00", a
 * header cut short, or a value running past the end), with details
 * {field, offset} where offset counts characters.
 */
export function parseTlv(text: string): TlvField[] {
  const chars = Array.from(text);
  const out: TlvField[] = [];
  let i = 0;
  while (i < chars.length) {
    if (i + 4 > chars.length) {
      throw new EcnyError('QR_BAD_LENGTH', `data object header cut short at character ${i}`, {
        field: chars.slice(i, i + 2).join(''),
        offset: i,
      });
    }
    const id = chars[i]! + chars[i + 1]!;
    const lenText = chars[i + 2]! + chars[i + 3]!;
    if (!ID.test(id)) {
      throw new EcnyError('QR_BAD_FORMAT', `"${id}" at character ${i} is not a two-digit id`, {
        field: id,
        offset: i,
      });
    }
    if (!ID.test(lenText)) {
      throw new EcnyError('QR_BAD_FORMAT', `length "${lenText}" of ${id} is not two digits`, {
        field: id,
        offset: i,
      });
    }
    const len = Number(lenText);
    if (len === 0) {
      throw new EcnyError('QR_BAD_LENGTH', `data object ${id} has length 00`, { field: id, offset: i });
    }
    if (i + 4 + len > chars.length) {
      throw new EcnyError(
        'QR_BAD_LENGTH',
        `data object ${id} claims ${len} characters but only ${chars.length - i - 4} remain`,
        { field: id, offset: i },
      );
    }
    out.push({ id, value: chars.slice(i + 4, i + 4 + len).join('') });
    i += 4 + len;
  }
  return out;
}

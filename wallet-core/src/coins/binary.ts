/**
 * Minimal deterministic binary writer/reader used by the bundle encoding:
 * unsigned LEB128 varints for safe integers, length-prefixed UTF-8 strings and
 * fixed-size raw byte fields. See PROTOCOL.md section 7.
 */
import { concatBytes, utf8ToBytes } from '../crypto/bytes';
import { EcnyError } from '../errors/index';

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

export class ByteWriter {
  readonly #chunks: Uint8Array[] = [];

  byte(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > 255) {
      throw new EcnyError('BAD_ENCODING', `not a byte: ${value}`);
    }
    this.#chunks.push(new Uint8Array([value]));
    return this;
  }

  /** Unsigned LEB128 of a non-negative safe integer (minimal form). */
  varint(value: number): this {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new EcnyError('BAD_ENCODING', `not a non-negative safe integer: ${value}`);
    }
    const out: number[] = [];
    let rest = value;
    while (rest >= 0x80) {
      out.push((rest % 0x80) + 0x80);
      rest = Math.floor(rest / 0x80);
    }
    out.push(rest);
    this.#chunks.push(new Uint8Array(out));
    return this;
  }

  fixed(bytes: Uint8Array, length: number): this {
    if (bytes.length !== length)
      throw new EcnyError('BAD_ENCODING', `expected ${length} bytes, got ${bytes.length}`);
    this.#chunks.push(bytes);
    return this;
  }

  /** varint byte length, then UTF-8 bytes. */
  string(text: string): this {
    const bytes = utf8ToBytes(text);
    this.varint(bytes.length);
    this.#chunks.push(bytes);
    return this;
  }

  finish(): Uint8Array {
    return concatBytes(...this.#chunks);
  }
}

export class ByteReader {
  #pos = 0;
  constructor(private readonly bytes: Uint8Array) {}

  get done(): boolean {
    return this.#pos === this.bytes.length;
  }

  #need(n: number): void {
    if (this.#pos + n > this.bytes.length)
      throw new EcnyError('BAD_ENCODING', 'unexpected end of bundle bytes');
  }

  byte(): number {
    this.#need(1);
    return this.bytes[this.#pos++]!;
  }

  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.byte();
      value += (b & 0x7f) * scale;
      if (!Number.isSafeInteger(value)) break;
      if (b < 0x80) return value;
      scale *= 0x80;
    }
    throw new EcnyError('BAD_ENCODING', 'varint too long or not a safe integer');
  }

  fixed(length: number): Uint8Array {
    this.#need(length);
    const out = this.bytes.slice(this.#pos, this.#pos + length);
    this.#pos += length;
    return out;
  }

  string(maxBytes = 4096): string {
    const length = this.varint();
    if (length > maxBytes) throw new EcnyError('BAD_ENCODING', `string of ${length} bytes is too long`);
    try {
      return utf8Decoder.decode(this.fixed(length));
    } catch (e) {
      if (e instanceof EcnyError) throw e;
      throw new EcnyError('BAD_ENCODING', 'string is not valid UTF-8');
    }
  }
}

/** Bulk verification on worker threads gives the same verdicts as a direct verify, item by item. */
import { objectHash } from '@ecny-sim/wallet-core';
import { describe, expect, it } from 'vitest';
import { SodiumSigner, SodiumVerifier } from '../src/crypto/sodium';

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64url');

describe('verification workers', () => {
  const verifier = new SodiumVerifier();
  const signers = Array.from({ length: 5 }, (_, i) => new SodiumSigner(new Uint8Array(32).fill(i + 1)));

  /** 1,000 items, every sixth valid; the others tampered, under another key or malformed. */
  const mixedCases = () =>
    Array.from({ length: 1_000 }, (_, i) => {
      const signer = signers[i % signers.length]!;
      const message = objectHash('spend', { i });
      const sig = b64(signer.sign(message));
      const key = b64(signer.publicKey);
      switch (i % 6) {
        case 0:
          return { sig, message, key, expected: true };
        case 1:
          return { sig, message: objectHash('spend', { i: i + 1 }), key, expected: false };
        case 2:
          return { sig, message, key: b64(signers[(i + 1) % signers.length]!.publicKey), expected: false };
        case 3:
          return { sig: sig.slice(0, 40), message, key, expected: false };
        case 4:
          return { sig: `${sig.slice(0, 10)},${sig.slice(11)}`, message, key, expected: false };
        default:
          return { sig, message, key: key.slice(1), expected: false };
      }
    });

  it('judges 1,000 mixed items (valid, tampered, wrong key, malformed) each on its own', async () => {
    const cases = mixedCases();
    const verdicts = await Promise.all(cases.map((c) => verifier.verifyAsyncText(c.sig, c.message, c.key)));
    expect(verdicts).toEqual(cases.map((c) => c.expected));
    // the same verdicts as the synchronous verification
    for (const c of cases.filter((x) => x.expected).slice(0, 20)) {
      expect(
        verifier.verify(Buffer.from(c.sig, 'base64url'), c.message, Buffer.from(c.key, 'base64url')),
      ).toBe(true);
    }
  });

  it('verifyManyText answers the same 1,000 items with one answer, in order (several messages)', async () => {
    const cases = mixedCases();
    const answer = await verifier.verifyManyText(
      cases.map((c) => ({ sig: c.sig, msg: b64(c.message), key: c.key })),
    );
    expect([...answer]).toEqual(cases.map((c) => (c.expected ? 1 : 0)));
    expect(await verifier.verifyManyText([])).toHaveLength(0);
  });

  it('answers a lone verification too (gathered within one turn of the event loop)', async () => {
    const message = objectHash('transfer', { lone: true });
    const signer = signers[0]!;
    expect(await verifier.verifyAsyncText(b64(signer.sign(message)), message, b64(signer.publicKey))).toBe(
      true,
    );
    expect(
      await verifier.verifyAsyncText(b64(signer.sign(message)), message, b64(signers[1]!.publicKey)),
    ).toBe(false);
  });
});

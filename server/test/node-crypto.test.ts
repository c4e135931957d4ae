/**
 * node:crypto and @noble/curves produce byte-identical Ed25519 signatures and
 * accept each other's: the server may swap one for the other behind
 * wallet-core's Signer / Verifier seams.
 */
import { NobleSigner, nobleVerifier, objectHash, sha256, utf8ToBytes } from '@ecny-sim/wallet-core';
import { describe, expect, it } from 'vitest';
import { NodeSigner, NodeVerifier } from '../src/crypto/node-crypto';

const secret = (fill: number) => new Uint8Array(32).fill(fill);
const messages = [
  new Uint8Array(0),
  utf8ToBytes('ecny-sim'),
  sha256(utf8ToBytes('a digest is what the protocol signs')),
  objectHash('transfer', { transferId: 'tx_1', amount: 100 }),
  new Uint8Array(1_000).map((_, i) => i & 0xff),
];

describe('NodeSigner / NodeVerifier against noble', () => {
  it('derives the same public key and signs the same bytes', () => {
    for (const fill of [0x00, 0x01, 0x02, 0x7f, 0xff]) {
      const node = new NodeSigner(secret(fill));
      const noble = new NobleSigner(secret(fill));
      expect(Buffer.from(node.publicKey).toString('hex')).toBe(Buffer.from(noble.publicKey).toString('hex'));
      for (const m of messages) {
        expect(Buffer.from(node.sign(m)).toString('hex')).toBe(Buffer.from(noble.sign(m)).toString('hex'));
      }
    }
  });

  it('verifies each other’s signatures, sync and async', async () => {
    const verifier = new NodeVerifier();
    const noble = new NobleSigner(secret(3));
    const node = new NodeSigner(secret(3));
    for (const m of messages) {
      expect(verifier.verify(noble.sign(m), m, noble.publicKey)).toBe(true);
      expect(await verifier.verifyAsync(noble.sign(m), m, noble.publicKey)).toBe(true);
      expect(nobleVerifier.verify(node.sign(m), m, node.publicKey)).toBe(true);
    }
  });

  it('agrees with noble on what to reject', async () => {
    const verifier = new NodeVerifier();
    const signer = new NobleSigner(secret(4));
    const other = new NobleSigner(secret(5));
    const m = messages[2]!;
    const sig = signer.sign(m);
    const cases: [Uint8Array, Uint8Array, Uint8Array][] = [
      [sig.map((b, i) => (i === 0 ? b ^ 1 : b)), m, signer.publicKey],
      [sig.map((b, i) => (i === 63 ? b ^ 0x80 : b)), m, signer.publicKey],
      [sig, m.map((b, i) => (i === 5 ? b ^ 4 : b)), signer.publicKey],
      [sig, m, other.publicKey],
      [sig.slice(0, 63), m, signer.publicKey],
      [sig, m, signer.publicKey.slice(0, 31)],
      [new Uint8Array(64), m, signer.publicKey],
    ];
    for (const [s, msg, key] of cases) {
      expect(nobleVerifier.verify(s, msg, key)).toBe(false);
      expect(verifier.verify(s, msg, key)).toBe(false);
      expect(await verifier.verifyAsync(s, msg, key)).toBe(false);
    }
  });

  it('keeps working when the key cache is full', () => {
    const verifier = new NodeVerifier(2);
    for (let fill = 10; fill < 16; fill++) {
      const signer = new NodeSigner(secret(fill));
      expect(verifier.verify(signer.sign(messages[1]!), messages[1]!, signer.publicKey)).toBe(true);
    }
  });
});

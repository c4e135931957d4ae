/**
 * libsodium (the server's Ed25519), node:crypto and @noble/curves (the
 * wallets') produce byte-identical signatures and accept each other's: the
 * server swaps one for another behind wallet-core's Signer / Verifier seams.
 */
import { createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { NobleSigner, nobleVerifier, objectHash, sha256, utf8ToBytes } from '@ecny-sim/wallet-core';
import { describe, expect, it } from 'vitest';
import { SodiumSigner, SodiumVerifier } from '../src/crypto/sodium';

const secret = (fill: number) => new Uint8Array(32).fill(fill);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const messages = [
  new Uint8Array(0),
  utf8ToBytes('ecny-sim'),
  sha256(utf8ToBytes('a digest is what the protocol signs')),
  objectHash('transfer', { transferId: 'tx_1', amount: 100 }),
  new Uint8Array(1_000).map((_, i) => i & 0xff),
];
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

describe('SodiumSigner / SodiumVerifier against noble and node:crypto', () => {
  it('derives the same public key and signs the same bytes', () => {
    for (const fill of [0x00, 0x01, 0x02, 0x7f, 0xff]) {
      const sodium = new SodiumSigner(secret(fill));
      const noble = new NobleSigner(secret(fill));
      const node = createPrivateKey({
        key: Buffer.concat([PKCS8_PREFIX, secret(fill)]),
        format: 'der',
        type: 'pkcs8',
      });
      expect(hex(sodium.publicKey)).toBe(hex(noble.publicKey));
      expect(createPublicKey(node).export({ format: 'jwk' }).x).toBe(
        Buffer.from(sodium.publicKey).toString('base64url'),
      );
      for (const m of messages) {
        expect(hex(sodium.sign(m))).toBe(hex(noble.sign(m)));
        expect(hex(sodium.sign(m))).toBe(hex(nodeSign(null, m, node)));
      }
    }
  });

  it('verifies noble’s signatures, sync and on the workers, and noble verifies its', async () => {
    const verifier = new SodiumVerifier();
    const noble = new NobleSigner(secret(3));
    const sodium = new SodiumSigner(secret(3));
    for (const m of messages) {
      expect(verifier.verify(noble.sign(m), m, noble.publicKey)).toBe(true);
      expect(await verifier.verifyAsync(noble.sign(m), m, noble.publicKey)).toBe(true);
      expect(nobleVerifier.verify(sodium.sign(m), m, sodium.publicKey)).toBe(true);
    }
  });

  it('agrees with noble on what to reject', async () => {
    const verifier = new SodiumVerifier();
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

  it('refuses a small-order public key, whose "signature" holds for every message', async () => {
    // The identity point as the key, R the identity and S = 0: [S]B = R + [k]A for any k.
    const identity = new Uint8Array(32);
    identity[0] = 1;
    const forged = new Uint8Array(64);
    forged.set(identity, 0);
    const verifier = new SodiumVerifier();
    const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), identity]);
    const nodeKey = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    for (const m of messages) {
      // The cofactorless equation holds: node:crypto accepts it.
      expect(nodeVerify(null, m, nodeKey, forged)).toBe(true);
      expect(verifier.verify(forged, m, identity)).toBe(false);
      expect(await verifier.verifyAsync(forged, m, identity)).toBe(false);
    }
  });
});

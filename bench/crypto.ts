/**
 * (a) Ed25519 sign / verify: @noble/curves (the wallets'), node:crypto (KeyObject cached) and
 * libsodium (the server's), same messages, same run; and verification in bulk on the server's
 * verification workers (all cores).
 */
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { SodiumSigner, SodiumVerifier } from '@ecny-sim/server';
import { NobleSigner, nobleVerifier, objectHash, toBase64Url } from '@ecny-sim/wallet-core';
import { opsPerSecond, type Row } from './common';

const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export async function benchCrypto(): Promise<Row[]> {
  const secret = new Uint8Array(32).fill(7);
  const noble = new NobleSigner(secret);
  const sodium = new SodiumSigner(secret);
  const verifier = new SodiumVerifier();
  const nodeKey = createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, secret]),
    format: 'der',
    type: 'pkcs8',
  });
  const nodePublic = createPublicKey(nodeKey);
  const message = objectHash('transfer', { transferId: 'tx_bench', amount: 100, from: 'w_a', to: 'w_b' });
  const sig = noble.sign(message);
  const nobleSign = opsPerSecond(() => noble.sign(message));
  const nodeSign = opsPerSecond(() => sign(null, message, nodeKey));
  const sodiumSign = opsPerSecond(() => sodium.sign(message));
  const nobleVerify = opsPerSecond(() => nobleVerifier.verify(sig, message, noble.publicKey));
  const nodeVerify = opsPerSecond(() => verify(null, message, nodePublic, sig));
  const sodiumVerify = opsPerSecond(() => verifier.verify(sig, message, noble.publicKey));
  // in bulk on the verification workers (all cores), as the batch endpoint and sync do
  const n = 20_000;
  const item = { sig: toBase64Url(sig), msg: toBase64Url(message), key: toBase64Url(noble.publicKey) };
  const items = Array.from({ length: n }, () => item);
  await verifier.verifyManyText(items.slice(0, 2_000));
  const t0 = performance.now();
  const verdicts = await verifier.verifyManyText(items);
  const bulk = (n * 1000) / (performance.now() - t0);
  if (!verdicts.every((v) => v === 1)) throw new Error('bulk verification refused a valid signature');
  return [
    { bench: 'crypto', name: 'Ed25519 sign, noble', value: nobleSign, unit: 'ops/s' },
    {
      bench: 'crypto',
      name: 'Ed25519 sign, node:crypto',
      value: nodeSign,
      unit: 'ops/s',
      extra: { 'x noble': nodeSign / nobleSign },
    },
    {
      bench: 'crypto',
      name: 'Ed25519 sign, libsodium (server)',
      value: sodiumSign,
      unit: 'ops/s',
      extra: { 'x noble': sodiumSign / nobleSign, 'x node:crypto': sodiumSign / nodeSign },
    },
    { bench: 'crypto', name: 'Ed25519 verify, noble', value: nobleVerify, unit: 'ops/s' },
    {
      bench: 'crypto',
      name: 'Ed25519 verify, node:crypto (cached key)',
      value: nodeVerify,
      unit: 'ops/s',
      extra: { 'x noble': nodeVerify / nobleVerify },
    },
    {
      bench: 'crypto',
      name: 'Ed25519 verify, libsodium (server)',
      value: sodiumVerify,
      unit: 'ops/s',
      extra: { 'x noble': sodiumVerify / nobleVerify, 'x node:crypto': sodiumVerify / nodeVerify },
    },
    {
      bench: 'crypto',
      name: 'Ed25519 verify in bulk, verification workers',
      value: bulk,
      unit: 'ops/s',
      extra: { 'x libsodium 1 thread': bulk / sodiumVerify },
    },
  ];
}

/** (a) Ed25519 sign / verify: @noble/curves vs node:crypto (KeyObject cached), same messages, same run. */
import { NodeSigner, NodeVerifier } from '@ecny-sim/server';
import { NobleSigner, nobleVerifier, objectHash } from '@ecny-sim/wallet-core';
import { opsPerSecond, type Row } from './common';

export async function benchCrypto(): Promise<Row[]> {
  const secret = new Uint8Array(32).fill(7);
  const noble = new NobleSigner(secret);
  const node = new NodeSigner(secret);
  const verifier = new NodeVerifier();
  const message = objectHash('transfer', { transferId: 'tx_bench', amount: 100, from: 'w_a', to: 'w_b' });
  const sig = noble.sign(message);
  const nobleSign = opsPerSecond(() => noble.sign(message));
  const nodeSign = opsPerSecond(() => node.sign(message));
  const nobleVerify = opsPerSecond(() => nobleVerifier.verify(sig, message, noble.publicKey));
  const nodeVerify = opsPerSecond(() => verifier.verify(sig, message, noble.publicKey));
  // async verification on libuv's thread pool (all cores), as the batch endpoint does
  const n = 4_000;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: n }, () => verifier.verifyAsync(sig, message, noble.publicKey)));
  const nodeVerifyAsync = (n * 1000) / (performance.now() - t0);
  return [
    { bench: 'crypto', name: 'Ed25519 sign, noble', value: nobleSign, unit: 'ops/s' },
    {
      bench: 'crypto',
      name: 'Ed25519 sign, node:crypto',
      value: nodeSign,
      unit: 'ops/s',
      extra: { 'x noble': nodeSign / nobleSign },
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
      name: 'Ed25519 verifyAsync, node:crypto thread pool',
      value: nodeVerifyAsync,
      unit: 'ops/s',
      extra: { 'x noble': nodeVerifyAsync / nobleVerify },
    },
  ];
}

/**
 * The protocol's domain-separated hashing (PROTOCOL §3) with node:crypto's
 * one-shot SHA-256, for the server's hot paths: the same bytes as
 * wallet-core's objectHash (a test checks both agree), without a hash
 * object per call.
 */
import { hash } from 'node:crypto';
import { canonicalJson, DOMAIN_PREFIX, type ReceiptHashing } from '@ecny-sim/wallet-core';

export function fastObjectHash(type: string, body: unknown): Buffer {
  return hash('sha256', `${DOMAIN_PREFIX}${type}\0${canonicalJson(body)}`, 'buffer');
}

/** SHA-256 for the receipt Merkle tree (PROTOCOL §5.1). */
export const nodeReceiptHashing: ReceiptHashing = {
  sha256: (data) => hash('sha256', data, 'buffer'),
  toBase64Url: (data) => Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64url'),
};

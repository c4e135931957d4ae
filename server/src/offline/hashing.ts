/**
 * Spend digests and output coin ids with node:crypto, for the server's hot
 * path. Valid for spends that passed SpendSchema (exactly the five body
 * fields, safe integers, base64url and [A-Za-z0-9_-] strings), for which the
 * text below is the RFC 8785 encoding byte for byte; a test checks it
 * against wallet-core's spendHash / outputCoinId.
 */
import { createHash } from 'node:crypto';
import type { Spend } from '@ecny-sim/wallet-core';

const SPEND_TAG = Buffer.from('ecny-sim/v1/spend\0', 'utf8');
const COIN_ID_TAG = Buffer.from('ecny-sim/v1/coin-id\0', 'utf8');

export function spendBodyJcs(spend: Spend): string {
  let outputs = '';
  for (let i = 0; i < spend.outputs.length; i++) {
    const o = spend.outputs[i]!;
    outputs += `${i ? ',' : ''}{"amount":${o.amount},"owner":${JSON.stringify(o.owner)}}`;
  }
  return `{"counter":${spend.counter},"inputCoinId":${JSON.stringify(spend.inputCoinId)},"outputs":[${outputs}],"requestId":${JSON.stringify(spend.requestId)},"time":${spend.time}}`;
}

export function fastSpendDigest(spend: Spend): Buffer {
  return createHash('sha256').update(SPEND_TAG).update(spendBodyJcs(spend), 'utf8').digest();
}

export function fastOutputCoinId(digest: Buffer, index: number): string {
  return createHash('sha256')
    .update(COIN_ID_TAG)
    .update(digest)
    .update(Buffer.from([index]))
    .digest('base64url');
}

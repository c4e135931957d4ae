/**
 * Spend digests and output coin ids with node:crypto, for the server's hot
 * path. Valid for spends that passed SpendSchema (exactly the five body
 * fields, safe integers, base64url and [A-Za-z0-9_-] strings), for which the
 * text below is the RFC 8785 encoding byte for byte; a test checks it
 * against wallet-core's spendHash / outputCoinId.
 */
import { hash } from 'node:crypto';
import { canonicalJson, type Issue, type Spend } from '@ecny-sim/wallet-core';

const SPEND_TAG = 'ecny-sim/v1/spend\0';
const COIN_ID_TAG = Buffer.from('ecny-sim/v1/coin-id\0', 'utf8');
const DIGEST_AT = COIN_ID_TAG.length;
const INDEX_AT = DIGEST_AT + 32;

export function spendBodyJcs(spend: Spend): string {
  let outputs = '';
  for (let i = 0; i < spend.outputs.length; i++) {
    const o = spend.outputs[i]!;
    outputs += `${i ? ',' : ''}{"amount":${o.amount},"owner":${JSON.stringify(o.owner)}}`;
  }
  return `{"counter":${spend.counter},"inputCoinId":${JSON.stringify(spend.inputCoinId)},"outputs":[${outputs}],"requestId":${JSON.stringify(spend.requestId)},"time":${spend.time}}`;
}

/** One-shot hashes (crypto.hash): no Hash object per call on the hot path. */
export function fastSpendDigest(spend: Spend): Buffer {
  return hash('sha256', SPEND_TAG + spendBodyJcs(spend), 'buffer');
}

/** The ids of the outputs of a spend with this digest, in order. */
export function fastOutputCoinIds(digest: Buffer, count: number): string[] {
  const input = coinIdInput(digest);
  const ids: string[] = new Array(count);
  for (let k = 0; k < count; k++) {
    input[INDEX_AT] = k;
    ids[k] = hash('sha256', input, 'base64url');
  }
  return ids;
}

export function fastOutputCoinId(digest: Buffer, index: number): string {
  const input = coinIdInput(digest);
  input[INDEX_AT] = index;
  return hash('sha256', input, 'base64url');
}

/** tag ‖ spend digest ‖ output index (the index byte is set by the caller). */
function coinIdInput(digest: Buffer): Buffer {
  const input = Buffer.allocUnsafe(INDEX_AT + 1);
  COIN_ID_TAG.copy(input, 0);
  digest.copy(input, DIGEST_AT);
  return input;
}

/**
 * The RFC 8785 text of an Issue, as the issuer recorded it: written field by field for an
 * unrestricted Issue with exactly its six fields (what IssueSchema admits), through
 * canonicalJson for anything else.
 */
export function issueJcs(issue: Issue): string {
  let keys = 0;
  for (const _ in issue) keys++;
  if (keys !== 6 || issue.restriction !== undefined) return canonicalJson(issue);
  const str = JSON.stringify;
  return `{"amount":${issue.amount},"coinId":${str(issue.coinId)},"expiresAt":${issue.expiresAt},"maxHops":${issue.maxHops},"owner":${str(issue.owner)},"sig":${str(issue.sig)}}`;
}

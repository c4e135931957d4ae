/**
 * The server's fast spend digest, output coin ids and Issue text equal wallet-core's spendHash,
 * outputCoinId and canonicalJson.
 */
import { canonicalJson, extendCoin, OfflineSandbox, outputCoinId, spendHash } from '@ecny-sim/wallet-core';
import { describe, expect, it } from 'vitest';
import { fastOutputCoinId, fastOutputCoinIds, fastSpendDigest, issueJcs } from '../src/offline/hashing';

describe('fast spend hashing', () => {
  it('matches wallet-core byte for byte on every link of 1-8 hop paths', () => {
    const sandbox = new OfflineSandbox();
    for (let hops = 1; hops <= 8; hops++) {
      const b = sandbox.hopBundle(hops, `rq_fast-hash-${hops}`);
      const entry = b.spends[0]!;
      const coin = extendCoin(entry.coin, entry.spend, 0, b.payer);
      for (const { spend } of coin.links) {
        const digest = fastSpendDigest(spend);
        expect(digest.toString('base64url')).toBe(spendHash(spend));
        const ids = fastOutputCoinIds(digest, spend.outputs.length);
        expect(ids).toHaveLength(spend.outputs.length);
        for (let i = 0; i < spend.outputs.length; i++) {
          expect(fastOutputCoinId(digest, i)).toBe(outputCoinId(spend, i));
          expect(ids[i]).toBe(outputCoinId(spend, i));
        }
      }
    }
  });

  it('writes an Issue as canonicalJson does, restricted or not, with odd text escaped alike', () => {
    const sandbox = new OfflineSandbox();
    const issue = sandbox.hopBundle(1, 'rq_fast-issue').spends[0]!.coin.issue;
    const restricted = { ...issue, restriction: { campaignId: 'cp_\u00e9"\\', merchants: ['w_b', 'w_a'] } };
    const extra = { ...issue, note: 'not an Issue field' };
    for (const i of [issue, restricted, extra, { ...issue, maxHops: 255, amount: 9_007_199_254_740_991 }]) {
      expect(issueJcs(i)).toBe(canonicalJson(i));
    }
  });
});

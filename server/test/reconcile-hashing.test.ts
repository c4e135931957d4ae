/** The server's fast spend digest and output coin ids equal wallet-core's spendHash / outputCoinId. */
import { extendCoin, OfflineSandbox, outputCoinId, spendHash } from '@ecny-sim/wallet-core';
import { describe, expect, it } from 'vitest';
import { fastOutputCoinId, fastOutputCoinIds, fastSpendDigest } from '../src/offline/hashing';

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
});

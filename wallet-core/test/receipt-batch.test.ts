/** Batched receipts (PROTOCOL §5.1): Merkle inclusion proofs under one issuer signature. */
import { describe, expect, it } from 'vitest';
import {
  type BatchedTransferReceipt,
  type BatchTransferResult,
  batchAnswerItems,
  batchReceipts,
  bytesToHex,
  expandBatchReceipts,
  fromBase64Url,
  NobleSigner,
  nobleVerifier,
  objectHash,
  RECEIPT_TYPE,
  receiptBatchRoot,
  receiptBody,
  receiptNode,
  signReceiptBatch,
  type TransferReceiptBody,
  toBase64Url,
  verifyReceipt,
} from '../src/index';

const issuer = new NobleSigner(new Uint8Array(32).fill(0x01));
const T0 = 1_700_000_000_000;

function body(i: number): TransferReceiptBody {
  return {
    transferId: `tx_vector-batch-${i}`,
    transferHash: toBase64Url(new Uint8Array(32).fill(i)),
    from: 'w_vector-alice',
    to: 'w_vector-bob',
    amount: 100 + i,
    ledgerSeq: 1_000 + i,
    settledAt: T0 + i,
  };
}

describe('batched receipts', () => {
  it('every receipt of batches of 1-33 verifies, with a path of ceil(log2(size)) or fewer digests', () => {
    for (let size = 1; size <= 33; size++) {
      const receipts = batchReceipts(
        Array.from({ length: size }, (_, i) => body(i)),
        issuer,
      );
      expect(new Set(receipts.map((r) => r.batch.root)).size).toBe(1);
      for (const [i, r] of receipts.entries()) {
        expect(r.batch.index).toBe(i);
        expect(r.batch.size).toBe(size);
        expect(r.batch.path.length).toBeLessThanOrEqual(Math.ceil(Math.log2(size)));
        verifyReceipt(r, null, issuer.publicKey, nobleVerifier);
        expect(receiptBody(r)).toEqual(body(i));
      }
    }
  });

  it('a batch of one is its own root', () => {
    const [r] = batchReceipts([body(0)], issuer);
    expect(r!.batch.path).toEqual([]);
    expect(bytesToHex(fromBase64Url(r!.batch.root))).toBe(bytesToHex(objectHash(RECEIPT_TYPE, body(0))));
  });

  it('refuses a changed body, position, size, path, root or signature', () => {
    const receipts = batchReceipts(
      Array.from({ length: 7 }, (_, i) => body(i)),
      issuer,
    );
    const r = receipts[5]!;
    const bad: BatchedTransferReceipt[] = [
      { ...r, amount: r.amount + 1 },
      { ...r, batch: { ...r.batch, index: 4 } },
      { ...r, batch: { ...r.batch, index: 7 } },
      { ...r, batch: { ...r.batch, size: 8 } },
      { ...r, batch: { ...r.batch, size: 6 } },
      { ...r, batch: { ...r.batch, path: r.batch.path.slice(1) } },
      { ...r, batch: { ...r.batch, path: [...r.batch.path, r.batch.path[0]!] } },
      { ...r, batch: { ...r.batch, path: r.batch.path.toReversed() } },
      { ...r, batch: { ...r.batch, root: receipts[0]!.batch.path[0]! } },
      { ...r, batch: { ...r.batch, sig: batchReceipts([body(9)], issuer)[0]!.batch.sig } },
    ];
    for (const b of bad) {
      expect(() => verifyReceipt(b, null, issuer.publicKey, nobleVerifier)).toThrow(
        expect.objectContaining({ code: 'RECEIPT_INVALID' }),
      );
    }
    // another issuer's key
    const other = new NobleSigner(new Uint8Array(32).fill(0x02));
    expect(() => verifyReceipt(r, null, other.publicKey, nobleVerifier)).toThrow(/not signed by the issuer/);
  });

  it('odd nodes move up unchanged: the root of three leaves is node(node(l0, l1), l2)', () => {
    const leaves = [0, 1, 2].map((i) => objectHash(RECEIPT_TYPE, body(i)));
    const root = receiptNode(receiptNode(leaves[0]!, leaves[1]!), leaves[2]!);
    const receipts = batchReceipts([body(0), body(1), body(2)], issuer);
    expect(fromBase64Url(receipts[0]!.batch.root)).toEqual(root);
    expect(receipts[2]!.batch.path).toHaveLength(1);
    expect(receiptBatchRoot(leaves[2]!, receipts[2]!.batch)).toEqual(root);
  });

  it('reproduces the PROTOCOL.md vector byte for byte', () => {
    const bodies = [1, 2, 3].map((i) => ({
      transferId: `tx_vector-000${i}`,
      transferHash: new Uint8Array(32).fill(i),
      from: 'w_vector-alice',
      to: 'w_vector-bob',
      amount: 100 * i,
      ledgerSeq: 42 + i,
      settledAt: T0 + 60_000 + i,
    }));
    const receipts = batchReceipts(
      bodies.map((b) => ({ ...b, transferHash: toBase64Url(b.transferHash) })),
      issuer,
    );
    expect(receipts.map((r) => bytesToHex(objectHash(RECEIPT_TYPE, receiptBody(r))))).toEqual([
      '92c0dedb95b166c89297880c154ff237d3604168972eacfc5f3c58eb6dd64410',
      'b8fec258976a8eb5896159a83d493a9f90b1bd6339f0dc749c94879fb53812c8',
      '67673398fae616358bfc3a56af550844b4a742f82d930497a56ba40febf78f06',
    ]);
    expect(JSON.stringify(receipts[0]!.batch)).toBe(
      '{"root":"8RJAYbyTbvumLd7PNsVjQNEhqI6tYCLalg4yNOv_TA8","size":3,"index":0,"path":["uP7CWJdqjrWJYVmoPUk6n5CxvWM58Nx0nJSHn7U4Esg","Z2czmPrmFjWL_DpWr1UIRLSnQvgtkwSXpWukD-v3jwY"],"sig":"RLnXuUAn95NpjSubNECxJYg7U6GDJWJL2HlxrZZyNoixm0VgEe8YI5XQunsHehPwZGaXehsi5gXCdg4m41k4CA"}',
    );
    expect(JSON.stringify(receipts[2]!.batch)).toBe(
      '{"root":"8RJAYbyTbvumLd7PNsVjQNEhqI6tYCLalg4yNOv_TA8","size":3,"index":2,"path":["Bri7K6GG6y8D0N_MQTeS--PYWQ3TASEtESZjTj_ZFBM"],"sig":"RLnXuUAn95NpjSubNECxJYg7U6GDJWJL2HlxrZZyNoixm0VgEe8YI5XQunsHehPwZGaXehsi5gXCdg4m41k4CA"}',
    );
  });

  it('a compact answer (bodies and the signed head) expands to the same receipts the issuer would give one by one', () => {
    for (const size of [1, 2, 7, 64, 100]) {
      const bodies = Array.from({ length: size }, (_, i) => body(i));
      const head = signReceiptBatch(
        bodies.map((b) => objectHash(RECEIPT_TYPE, b)),
        issuer,
      );
      const expanded = expandBatchReceipts(bodies, head);
      expect(expanded).toEqual(batchReceipts(bodies, issuer));
      for (const r of expanded) verifyReceipt(r, null, issuer.publicKey, nobleVerifier);
    }
  });

  it('refuses a compact answer whose bodies are not the batch the head names', () => {
    const bodies = Array.from({ length: 5 }, (_, i) => body(i));
    const head = signReceiptBatch(
      bodies.map((b) => objectHash(RECEIPT_TYPE, b)),
      issuer,
    );
    const inflated = bodies.map((b, i) => (i === 3 ? { ...b, amount: b.amount + 1 } : b));
    expect(() => expandBatchReceipts(inflated, head)).toThrow(/not the batch/);
    expect(() => expandBatchReceipts([bodies[1]!, bodies[0]!, ...bodies.slice(2)], head)).toThrow(
      /not the batch/,
    );
    expect(() => expandBatchReceipts(bodies.slice(0, 4), head)).toThrow(/has 5 receipts, not 4/);
    // a head signed by someone else expands, but no receipt of it verifies
    const forged = { ...head, sig: signReceiptBatch([objectHash(RECEIPT_TYPE, body(9))], issuer).sig };
    const [first] = expandBatchReceipts(bodies, forged);
    expect(() => verifyReceipt(first!, null, issuer.publicKey, nobleVerifier)).toThrow(
      /not signed by the issuer/,
    );
  });

  it('the items of a batch answer: settled ones numbered in order get standalone receipts, refusals stay as they are', () => {
    const bodies = [body(0), body(1)];
    const head = signReceiptBatch(
      bodies.map((b) => objectHash(RECEIPT_TYPE, b)),
      issuer,
    );
    const refused = { ok: false as const, error: { code: 'INSUFFICIENT_FUNDS', message: 'no' } };
    const results: BatchTransferResult[] = [
      { ok: true, index: 0, receipt: bodies[0]! },
      refused,
      { ok: true, index: 1, receipt: bodies[1]! },
    ];
    const items = batchAnswerItems({ batch: head, results });
    expect(items[1]).toEqual(refused);
    const receipts = batchReceipts(bodies, issuer);
    expect(items[0]).toEqual({ ok: true, receipt: receipts[0] });
    expect(items[2]).toEqual({ ok: true, receipt: receipts[1] });
    expect(batchAnswerItems({ batch: null, results: [refused] })).toEqual([refused]);
    const swapped: BatchTransferResult[] = [results[2]!, refused, results[0]!];
    expect(() => batchAnswerItems({ batch: head, results: swapped })).toThrow(/numbered 1/);
    expect(() => batchAnswerItems({ batch: null, results })).toThrow(/without the signed batch head/);
  });
});

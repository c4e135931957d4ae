/** The server's one-shot hashing equals wallet-core's objectHash byte for byte. */
import {
  NobleSigner,
  objectHash,
  RECEIPT_TYPE,
  receiptNode,
  signTransfer,
  TRANSFER_TYPE,
  transferHash,
} from '@ecny-sim/wallet-core';
import { describe, expect, it } from 'vitest';
import {
  fastObjectHash,
  fastReceiptDigest,
  fastTransferHash,
  nodeReceiptHashing,
} from '../src/crypto/fast-hash';

describe('fast object hashing', () => {
  it('matches objectHash for transfers (non-ASCII memo included) and receipts', () => {
    const device = new NobleSigner(new Uint8Array(32).fill(3));
    for (const memo of [undefined, '午饭 lunch', 'emoji 🧧 "quoted" \\ back\nslash', '']) {
      const transfer = signTransfer(
        {
          transferId: 'tx_fast-hash',
          from: 'w_a',
          to: 'w_b',
          amount: 12_345,
          ...(memo === undefined ? {} : { memo }),
          deviceId: 'd_x',
          createdAt: 1_700_000_000_000,
        },
        device,
      );
      const { sig: _sig, ...body } = transfer;
      expect(fastObjectHash(TRANSFER_TYPE, body)).toEqual(Buffer.from(objectHash(TRANSFER_TYPE, body)));
      expect(fastObjectHash(TRANSFER_TYPE, body).toString('base64url')).toBe(transferHash(transfer));
      expect(fastTransferHash(transfer)).toBe(transferHash(transfer));
    }
    const receipt = {
      transferId: 'tx_1',
      transferHash: transferHash(
        signTransfer(
          { transferId: 'tx_1', from: 'w_a', to: 'w_b', amount: 1, deviceId: 'd_x', createdAt: 1 },
          device,
        ),
      ),
      from: 'w_ä "q"',
      to: 'w_b',
      amount: 1,
      ledgerSeq: 2,
      settledAt: 3,
    };
    expect(fastObjectHash(RECEIPT_TYPE, receipt)).toEqual(Buffer.from(objectHash(RECEIPT_TYPE, receipt)));
    expect(fastReceiptDigest(receipt)).toEqual(Buffer.from(objectHash(RECEIPT_TYPE, receipt)));
  });

  it('hashes receipt tree nodes like wallet-core', () => {
    const a = new Uint8Array(32).fill(1);
    const b = new Uint8Array(32).fill(2);
    expect(Buffer.from(receiptNode(a, b, nodeReceiptHashing))).toEqual(Buffer.from(receiptNode(a, b)));
  });
});

/**
 * The protocol's domain-separated hashing (PROTOCOL §3) with node:crypto's
 * one-shot SHA-256, for the server's hot paths: the same bytes as
 * wallet-core's objectHash (a test checks both agree), without a hash
 * object per call.
 */
import { hash } from 'node:crypto';
import {
  canonicalJson,
  DOMAIN_PREFIX,
  type OnlineTransferBody,
  type ReceiptHashing,
  type TransferReceiptBody,
} from '@ecny-sim/wallet-core';

export function fastObjectHash(type: string, body: unknown): Buffer {
  return hash('sha256', `${DOMAIN_PREFIX}${type}\0${canonicalJson(body)}`, 'buffer');
}

/** SHA-256 for the receipt Merkle tree (PROTOCOL §5.1). */
export const nodeReceiptHashing: ReceiptHashing = {
  sha256: (data) => hash('sha256', data, 'buffer'),
  toBase64Url: (data) => Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64url'),
};

const TRANSFER_TAG = `${DOMAIN_PREFIX}transfer\0`;
const RECEIPT_TAG = `${DOMAIN_PREFIX}receipt\0`;
const str = JSON.stringify;

/**
 * The RFC 8785 text of a transfer body, written out field by field (keys in
 * order). Valid for transfers that passed OnlineTransferSchema (safe
 * integers, the seven known fields), for which it equals canonicalJson byte
 * for byte: JCS serialises strings exactly as JSON.stringify does.
 */
export function transferBodyJcs(t: OnlineTransferBody): string {
  const memo = t.memo === undefined ? '' : `,"memo":${str(t.memo)}`;
  return `{"amount":${t.amount},"createdAt":${t.createdAt},"deviceId":${str(t.deviceId)},"from":${str(t.from)}${memo},"to":${str(t.to)},"transferId":${str(t.transferId)}}`;
}

/** The RFC 8785 text of a receipt body (see transferBodyJcs). */
export function receiptBodyJcs(r: TransferReceiptBody): string {
  return `{"amount":${r.amount},"from":${str(r.from)},"ledgerSeq":${r.ledgerSeq},"settledAt":${r.settledAt},"to":${str(r.to)},"transferHash":${str(r.transferHash)},"transferId":${str(r.transferId)}}`;
}

/**
 * objectHash("transfer", body) of a schema-valid transfer, in base64url: a receipt's transferHash,
 * and the text the verification workers take.
 */
export function fastTransferHash(t: OnlineTransferBody): string {
  return hash('sha256', TRANSFER_TAG + transferBodyJcs(t), 'base64url');
}

/** objectHash("receipt", body). */
export function fastReceiptDigest(r: TransferReceiptBody): Buffer {
  return hash('sha256', RECEIPT_TAG + receiptBodyJcs(r), 'buffer');
}

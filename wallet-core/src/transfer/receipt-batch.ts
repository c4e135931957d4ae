/**
 * Batched receipts (PROTOCOL §5.1): for a batch of settled transfers the
 * issuer signs once, over the root of a Merkle tree whose leaves are the
 * receipt digests, and each receipt carries its inclusion path. A batched
 * receipt proves exactly what a signed one proves; it costs the issuer one
 * signature per batch instead of one per transfer.
 *
 *   leaf   = SHA-256("ecny-sim/v1/receipt"      || 0x00 || JCS(receipt body))
 *   node   = SHA-256("ecny-sim/v1/receipt-node" || 0x00 || left || right)
 *   levels pair up left to right; an odd last node moves up unchanged
 *   head   = {root, size} signed under type "receipt-batch"
 */
import { fromBase64Url, toBase64Url } from '../crypto/bytes';
import { domainTag, sha256 } from '../crypto/hash';
import type { Signer, Verifier } from '../crypto/keys';
import { signObject, verifyObject } from '../crypto/signed';
import { EcnyError } from '../errors/index';

export const RECEIPT_BATCH_TYPE = 'receipt-batch';
export const RECEIPT_NODE_TYPE = 'receipt-node';

/** What the issuer signs for a batch. */
export interface ReceiptBatchHead {
  /** base64url of the Merkle root. */
  root: string;
  /** Number of receipts in the batch. */
  size: number;
}

/** The inclusion proof a batched receipt carries in place of its own signature. */
export interface ReceiptBatchProof extends ReceiptBatchHead {
  /** Position of this receipt in the batch. */
  index: number;
  /** Sibling digests from the leaf up (base64url); a level where the node has no sibling adds none. */
  path: string[];
  /** Issuer signature over the head {root, size}. */
  sig: string;
}

/** Hashing and text encoding, so that a server can plug in faster ones giving the same bytes. */
export interface ReceiptHashing {
  sha256(data: Uint8Array): Uint8Array;
  toBase64Url?(data: Uint8Array): string;
}

const nobleHashing: ReceiptHashing = { sha256, toBase64Url };
const NODE_TAG = domainTag(RECEIPT_NODE_TYPE);

export function receiptNode(left: Uint8Array, right: Uint8Array, hashing = nobleHashing): Uint8Array {
  const preimage = new Uint8Array(NODE_TAG.length + left.length + right.length);
  preimage.set(NODE_TAG, 0);
  preimage.set(left, NODE_TAG.length);
  preimage.set(right, NODE_TAG.length + left.length);
  return hashing.sha256(preimage);
}

/** The levels of the Merkle tree over `leaves`, from the leaves up to the root (one node). */
function treeLevels(leaves: readonly Uint8Array[], hashing: ReceiptHashing): Uint8Array[][] {
  const levels: Uint8Array[][] = [leaves.slice()];
  for (let below = levels[0]!; below.length > 1; below = levels.at(-1)!) {
    const up: Uint8Array[] = [];
    for (let i = 0; i < below.length; i += 2) {
      up.push(i + 1 < below.length ? receiptNode(below[i]!, below[i + 1]!, hashing) : below[i]!);
    }
    levels.push(up);
  }
  return levels;
}

/** The inclusion proof of every leaf of a tree, under its signed head. */
function proofsOf(levels: Uint8Array[][], head: SignedReceiptBatchHead, hashing: ReceiptHashing) {
  const text = hashing.toBase64Url ?? toBase64Url;
  // Each node's text once: the paths of neighbouring leaves share most of their digests.
  const texts = levels.map((nodes) => nodes.map((n) => text(n)));
  return levels[0]!.map((_, index): ReceiptBatchProof => {
    const path: string[] = [];
    let i = index;
    for (let level = 0; level < levels.length - 1; level++) {
      const nodes = texts[level]!;
      const sibling = i % 2 === 1 ? i - 1 : i + 1;
      if (sibling < nodes.length) path.push(nodes[sibling]!);
      i = Math.floor(i / 2);
    }
    return { root: head.root, size: head.size, index, path, sig: head.sig };
  });
}

/** The base64url root of a tree's levels. */
function rootText(levels: Uint8Array[][], hashing: ReceiptHashing): string {
  return (hashing.toBase64Url ?? toBase64Url)(levels.at(-1)![0]!);
}

/** The issuer's signature over the head {root, size} of a tree's levels. */
function signedHead(levels: Uint8Array[][], issuer: Signer, hashing: ReceiptHashing): SignedReceiptBatchHead {
  const head = { root: rootText(levels, hashing), size: levels[0]!.length };
  return { ...head, sig: signObject(RECEIPT_BATCH_TYPE, head, issuer).sig };
}

/** The head of a batch with the issuer's signature: what a compact batch answer carries once. */
export interface SignedReceiptBatchHead extends ReceiptBatchHead {
  sig: string;
}

/**
 * The signed head of a batch: the issuer signs the root of the tree over
 * `leaves` (the receipt digests, objectHash("receipt", body), in batch order).
 */
export function signReceiptBatch(
  leaves: readonly Uint8Array[],
  issuer: Signer,
  hashing = nobleHashing,
): SignedReceiptBatchHead {
  if (leaves.length === 0) throw new EcnyError('INVALID_BODY', 'a receipt batch has at least one receipt');
  return signedHead(treeLevels(leaves, hashing), issuer, hashing);
}

/** The inclusion proofs of every leaf, signed once (a batch's receipts, each standing on its own). */
export function proveReceiptBatch(
  leaves: readonly Uint8Array[],
  issuer: Signer,
  hashing = nobleHashing,
): ReceiptBatchProof[] {
  if (leaves.length === 0) return [];
  const levels = treeLevels(leaves, hashing);
  return proofsOf(levels, signedHead(levels, issuer, hashing), hashing);
}

/**
 * The inclusion proofs of every leaf under a signed head received with
 * them (a compact batch answer): the tree is rebuilt from the leaves, and
 * RECEIPT_INVALID is thrown unless it has the head's size and root. The
 * head's signature is checked where each receipt is (verifyReceiptBatchProof).
 */
export function receiptBatchProofs(
  leaves: readonly Uint8Array[],
  head: SignedReceiptBatchHead,
  hashing = nobleHashing,
): ReceiptBatchProof[] {
  if (leaves.length === 0 || leaves.length !== head.size) {
    throw new EcnyError('RECEIPT_INVALID', `the batch has ${head.size} receipts, not ${leaves.length}`);
  }
  const levels = treeLevels(leaves, hashing);
  if (rootText(levels, hashing) !== head.root) {
    throw new EcnyError('RECEIPT_INVALID', 'the receipts are not the batch whose root the issuer signed');
  }
  return proofsOf(levels, head, hashing);
}

/** The root a leaf and its path lead to, or null when the path does not fit the position and size. */
export function receiptBatchRoot(
  leaf: Uint8Array,
  proof: Pick<ReceiptBatchProof, 'index' | 'size' | 'path'>,
  hashing = nobleHashing,
): Uint8Array | null {
  const { index, size, path } = proof;
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return null;
  let node = leaf;
  let i = index;
  let width = size;
  let used = 0;
  while (width > 1) {
    const sibling = i % 2 === 1 ? i - 1 : i + 1;
    if (sibling < width) {
      const text = path[used++];
      if (text === undefined) return null;
      const other = fromBase64Url(text);
      if (other.length !== 32) return null;
      node = i % 2 === 1 ? receiptNode(other, node, hashing) : receiptNode(node, other, hashing);
    }
    i = Math.floor(i / 2);
    width = Math.ceil(width / 2);
  }
  return used === path.length ? node : null;
}

/** Throws RECEIPT_INVALID unless `proof` puts the receipt body with this digest in a batch the issuer signed. */
export function verifyReceiptBatchProof(
  leaf: Uint8Array,
  proof: ReceiptBatchProof,
  issuerPublicKey: Uint8Array,
  verifier: Verifier,
  what: string,
): void {
  const root = receiptBatchRoot(leaf, proof);
  if (!root || toBase64Url(root) !== proof.root) {
    throw new EcnyError('RECEIPT_INVALID', `${what} is not in the receipt batch its proof names`);
  }
  const head = { root: proof.root, size: proof.size, sig: proof.sig };
  if (!verifyObject(RECEIPT_BATCH_TYPE, head, issuerPublicKey, verifier)) {
    throw new EcnyError('RECEIPT_INVALID', `the receipt batch of ${what} is not signed by the issuer`);
  }
}

/**
 * Online transfers between wallets: device-signed, idempotent by transfer
 * id, tier limits enforced (per payment and per day for the payer, balance
 * cap for the payee), answered with an issuer-signed receipt.
 */
import {
  type BatchTransferResult,
  checkPayerLimits,
  EcnyError,
  type OnlineTransfer,
  OnlineTransferSchema,
  proveReceiptBatch,
  type SignedReceiptBatchHead,
  type Signer,
  signReceiptBatch,
  TIER_SPECS,
  type TransferReceipt,
  type TransferReceiptBody,
  toBase64Url,
} from '@ecny-sim/wallet-core';
import type { Ctx } from '../context';
import { fastReceiptDigest, fastTransferHash, nodeReceiptHashing } from '../crypto/fast-hash';
import { chinaDay } from '../http/clock';
import { deviceRevoked } from '../http/device-auth';
import { parseWith } from '../http/validate';
import { Accounts } from '../ledger/accounts';
import type {
  ApplyOutcome,
  DeviceRow,
  LedgerClaim,
  LedgerTransfer,
  StoredTransfer,
  WalletRow,
} from '../store/store';

/** A signed transfer older or newer than this (by its createdAt) is refused, unless it is a retry. */
export const TRANSFER_FRESHNESS_MS = 5 * 60_000;

/**
 * The base64url digest of a signed transfer (wallet-core's transferHash, with the server's
 * hashing), computed once per object: its signature check and its receipt both need it.
 */
const hashes = new WeakMap<OnlineTransfer, string>();
function hashOf(transfer: OnlineTransfer): string {
  let hash = hashes.get(transfer);
  if (hash === undefined) {
    hash = fastTransferHash(transfer);
    hashes.set(transfer, hash);
  }
  return hash;
}

function receiptBodyFor(
  transfer: OnlineTransfer,
  stored: StoredTransfer,
  transferHash = hashOf(transfer),
): TransferReceiptBody {
  return {
    transferId: transfer.transferId,
    transferHash,
    from: transfer.from,
    to: transfer.to,
    amount: transfer.amount,
    ledgerSeq: stored.seq,
    settledAt: stored.at,
  };
}

/**
 * Receipts asked for in one turn of the event loop share one issuer signature: a lone receipt is
 * signed on its own; several (the transfers one ledger commit settled, a page of history) become
 * the leaves of a receipt batch whose root is signed once, and each gets its path (PROTOCOL §5.1).
 * The same settlement asked for twice in a turn (concurrent retries) is one leaf, one answer.
 */
class ReceiptSigner {
  #pending = new Map<string, { body: TransferReceiptBody; waiters: Waiter[] }>();

  constructor(readonly issuer: Signer) {}

  sign(body: TransferReceiptBody): Promise<TransferReceipt> {
    return new Promise((done, fail) => {
      if (this.#pending.size === 0) setImmediate(() => this.#flush());
      const key = `${body.ledgerSeq}:${body.transferHash}`;
      const entry = this.#pending.get(key);
      if (entry) entry.waiters.push({ done, fail });
      else this.#pending.set(key, { body, waiters: [{ done, fail }] });
    });
  }

  #flush(): void {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    let receipts: TransferReceipt[];
    try {
      if (pending.length === 1) {
        const { body } = pending[0]!;
        receipts = [{ ...body, sig: toBase64Url(this.issuer.sign(fastReceiptDigest(body))) }];
      } else {
        const leaves = pending.map((p) => fastReceiptDigest(p.body));
        const proofs = proveReceiptBatch(leaves, this.issuer, nodeReceiptHashing);
        receipts = pending.map((p, i) => ({ ...p.body, batch: proofs[i]! }));
      }
    } catch (e) {
      for (const p of pending) for (const w of p.waiters) w.fail(e);
      return;
    }
    pending.forEach((p, i) => {
      for (const w of p.waiters) w.done(receipts[i]!);
    });
  }
}

interface Waiter {
  done: (receipt: TransferReceipt) => void;
  fail: (e: unknown) => void;
}

const receiptSigners = new WeakMap<Signer, ReceiptSigner>();

/** The receipt of a settled transfer, signed together with the others asked for in this turn. */
export function receiptSoon(
  ctx: Ctx,
  transfer: OnlineTransfer,
  stored: StoredTransfer,
): Promise<TransferReceipt> {
  const issuer = ctx.world.issuer;
  let signer = receiptSigners.get(issuer);
  if (!signer) {
    signer = new ReceiptSigner(issuer);
    receiptSigners.set(issuer, signer);
  }
  return signer.sign(receiptBodyFor(transfer, stored));
}

/** The signed head of a batch of settled transfers' receipts (PROTOCOL §5.1), and their bodies in order. */
export function batchHeadFor(
  ctx: Ctx,
  settled: readonly { transfer: OnlineTransfer; stored: StoredTransfer; hash?: string }[],
): { head: SignedReceiptBatchHead; bodies: TransferReceiptBody[] } {
  const bodies = settled.map((s) => receiptBodyFor(s.transfer, s.stored, s.hash));
  const head = signReceiptBatch(
    bodies.map((b) => fastReceiptDigest(b)),
    ctx.world.issuer,
    nodeReceiptHashing,
  );
  return { head, bodies };
}

/** The ledger id of a settled online transfer. */
export function ledgerId(transfer: OnlineTransfer): string {
  return `pay:${transfer.transferId}`;
}

/**
 * Whether a ledger row settled this very signed transfer: the same content and the same
 * signature (Ed25519 signatures are deterministic, so a wallet's retry sends the same bytes).
 */
export function settledThis(stored: StoredTransfer, transfer: OnlineTransfer): boolean {
  const original = stored.meta?.transfer as OnlineTransfer | undefined;
  return original !== undefined && original.sig === transfer.sig && hashOf(original) === hashOf(transfer);
}

/**
 * A group applied under the id of a transfer that passed its checks (signature included) is a
 * duplicate only if it is the same signed transfer; otherwise the caller must not get a receipt.
 */
export function assertSameTransfer(stored: StoredTransfer, transfer: OnlineTransfer): void {
  if (!settledThis(stored, transfer)) throw idTaken(transfer);
}

function idTaken(transfer: OnlineTransfer): EcnyError {
  return new EcnyError(
    'IDEMPOTENCY_CONFLICT',
    `transfer id ${transfer.transferId} was used for another transfer`,
  );
}

/** The ledger's refusal of a transfer's group, in the transfer's terms (its id, not the ledger's key). */
export function ledgerRefusal(
  transfer: OnlineTransfer,
  refused: { code: string; message: string },
): EcnyError {
  return refused.code === 'IDEMPOTENCY_CONFLICT'
    ? idTaken(transfer)
    : new EcnyError(refused.code, refused.message);
}

type Prepared =
  | { transfer: OnlineTransfer; group: LedgerTransfer[] }
  | { original: OnlineTransfer; stored: StoredTransfer };

/** Verifies a base64url signature over a base64url digest for a base64url public key. */
type VerifyFn = (sig: string, digest: string, key: string) => boolean | Promise<boolean>;

/**
 * On the verification workers (verify-workers.ts): the signatures asked for in one turn of the
 * event loop travel together, so concurrent single transfers share a message and a wake-up of
 * each worker, and a batch's thousand are verified on every core.
 */
const inBulk =
  (ctx: Ctx): VerifyFn =>
  (s, m, k) =>
    ctx.verifier.verifyText(s, m, k);

/** A transfer signed too long ago (or too far ahead) is refused. */
function checkFresh(ctx: Ctx, transfer: OnlineTransfer): void {
  if (Math.abs(ctx.now() - transfer.createdAt) > TRANSFER_FRESHNESS_MS) {
    throw new EcnyError('STALE_REQUEST', 'the transfer was signed too long ago; sign it again');
  }
}

function knownDevice(transfer: OnlineTransfer, device: DeviceRow | null | undefined): DeviceRow {
  if (!device) throw new EcnyError('UNAUTHENTICATED', `unknown device ${transfer.deviceId}`);
  return device;
}

function badSignature(): EcnyError {
  return new EcnyError('BAD_SIGNATURE', 'the transfer signature does not verify for this device');
}

/** The checks once the signature holds: revocation, ownership, and both wallets. */
function checkSigned(
  transfer: OnlineTransfer,
  device: DeviceRow,
  payer: WalletRow | null | undefined,
  payee: WalletRow | null | undefined,
): { payer: WalletRow; payee: WalletRow } {
  if (device.revokedAt !== null) throw deviceRevoked(device);
  if (device.walletId !== transfer.from)
    throw new EcnyError('FORBIDDEN', 'this device cannot pay from that wallet');
  if (transfer.from === transfer.to)
    throw new EcnyError('SAME_WALLET', 'payer and payee are the same wallet');
  if (!payer) throw new EcnyError('WALLET_NOT_FOUND', `no wallet ${transfer.from}`);
  if (!payee) throw new EcnyError('WALLET_NOT_FOUND', `no payee wallet ${transfer.to}`);
  return { payer, payee };
}

/**
 * The checks of a signed transfer that need no ledger lock, in the order a reader expects:
 * freshness, the device and its signature, revocation, ownership, and both wallets.
 */
export async function checkSignedTransfer(
  ctx: Ctx,
  transfer: OnlineTransfer,
  verify: VerifyFn = inBulk(ctx),
): Promise<{ payer: WalletRow; payee: WalletRow }> {
  checkFresh(ctx, transfer);
  const device = knownDevice(transfer, await ctx.store.getDevice(transfer.deviceId));
  if (!(await verify(transfer.sig, hashOf(transfer), device.publicKey))) throw badSignature();
  const [payer, payee] = await Promise.all([
    ctx.store.getWallet(transfer.from),
    ctx.store.getWallet(transfer.to),
  ]);
  return checkSigned(transfer, device, payer, payee);
}

/** The ledger group of a new, checked transfer; refused when it breaks the payer's tier limits. */
function paymentGroup(
  ctx: Ctx,
  transfer: OnlineTransfer,
  payer: WalletRow,
  payee: WalletRow,
): LedgerTransfer[] {
  const limitBreak = checkPayerLimits(payer.tier, transfer.amount, 0);
  if (limitBreak) throw new EcnyError(limitBreak.code, limitBreak.message);
  return [
    {
      id: ledgerId(transfer),
      debit: Accounts.wallet(transfer.from).id,
      credit: Accounts.wallet(transfer.to).id,
      amount: transfer.amount,
      kind: 'payment',
      meta: { transfer },
      limits: {
        creditBalanceMax: TIER_SPECS[payee.tier].online.balanceCap,
        dailyMax: TIER_SPECS[payer.tier].online.perDay,
        dailyKey: `pay:${transfer.from}`,
        day: chinaDay(ctx.now()),
      },
    },
  ];
}

/**
 * A refused transfer may be a retry of one settled before (too old by now, say, or from a device
 * revoked since): then it is answered from the ledger. Only the very transfer that settled, its
 * signature included, is: anything else keeps its refusal, so a request that does not verify gets
 * no receipt and learns nothing about the id it names.
 */
async function retryOrRefuse(ctx: Ctx, transfer: OnlineTransfer, refusal: unknown): Promise<Prepared> {
  if (refusal instanceof EcnyError) {
    const stored = await ctx.store.getTransfer(ledgerId(transfer));
    if (stored && settledThis(stored, transfer)) {
      return { original: stored.meta!.transfer as OnlineTransfer, stored };
    }
  }
  throw refusal;
}

/**
 * A new transfer is checked and turned into its ledger group. A retry of a settled one is
 * answered from the ledger: when it passes the checks, the ledger finds it a duplicate of the
 * settled group; when it no longer does, it is looked up before refusing.
 */
async function prepare(ctx: Ctx, transfer: OnlineTransfer, verify: VerifyFn): Promise<Prepared> {
  try {
    const { payer, payee } = await checkSignedTransfer(ctx, transfer, verify);
    return { transfer, group: paymentGroup(ctx, transfer, payer, payee) };
  } catch (e) {
    return retryOrRefuse(ctx, transfer, e);
  }
}

function announce(ctx: Ctx, transfer: OnlineTransfer, stored: StoredTransfer): void {
  if (!ctx.events.listened) return;
  ctx.events.publish(
    'payment.settled',
    {
      transferId: transfer.transferId,
      from: transfer.from,
      to: transfer.to,
      amount: transfer.amount,
      memo: transfer.memo ?? null,
      ledgerSeq: stored.seq,
    },
    [transfer.from, transfer.to],
  );
  ctx.events.publish('ledger.activity', { kind: 'payment', amount: transfer.amount, ledgerSeq: stored.seq });
}

export interface SettleOptions {
  /** Taken atomically with the payment (a QR bill marked paid); see LedgerTransfer.claim. */
  claim?: LedgerClaim;
  /** Facts kept with the ledger transfer besides the signed transfer itself. */
  meta?: Record<string, unknown>;
}

/**
 * Verifies and settles one signed transfer. `stored` is the ledger row (the
 * original one for a retry); `fresh` is false for a retry, when nothing moved.
 */
export async function settleTransfer(ctx: Ctx, transfer: OnlineTransfer, options: SettleOptions = {}) {
  // Verified on the workers: the event loop keeps serving while signatures are checked on every core.
  const prepared = await prepare(ctx, transfer, inBulk(ctx));
  let receipt: Promise<TransferReceipt>;
  let stored: StoredTransfer;
  let fresh = false;
  let balance: number | undefined;
  if ('original' in prepared) {
    stored = prepared.stored;
    receipt = receiptSoon(ctx, prepared.original, stored);
  } else {
    const [first, ...rest] = prepared.group;
    const group: LedgerTransfer[] = [
      {
        ...first!,
        meta: { ...options.meta, ...first!.meta },
        ...(options.claim ? { claim: options.claim } : {}),
      },
      ...rest,
    ];
    const outcome = await ctx.store.applyTransfers(group);
    if (!outcome.ok) throw ledgerRefusal(transfer, outcome);
    stored = outcome.transfers[0]!;
    balance = outcome.balances?.get(Accounts.wallet(transfer.from).id)?.balance;
    if (outcome.duplicate) assertSameTransfer(stored, transfer);
    receipt = receiptSoon(ctx, transfer, stored);
    fresh = !outcome.duplicate;
    if (fresh) announce(ctx, transfer, stored);
  }
  // The payer's balance right after the payment; a retry reads the current one.
  balance ??= (await ctx.store.getBalance(Accounts.wallet(transfer.from).id)) ?? 0;
  return { receipt: await receipt, balance, stored, fresh };
}

export async function submitTransfer(ctx: Ctx, transfer: OnlineTransfer) {
  const { receipt, balance } = await settleTransfer(ctx, transfer);
  return { receipt, balance };
}

/** A batch call's answer: each item's result, and the signed head of the settled ones' receipts. */
export interface BatchAnswer {
  batch: SignedReceiptBatchHead | null;
  results: BatchTransferResult[];
}

function failure(e: unknown): { ok: false; error: { code: string; message: string } } {
  if (e instanceof EcnyError) return { ok: false, error: { code: e.code, message: e.message } };
  throw e;
}

/**
 * Up to 1,000 signed transfers: each validated and applied or rejected on
 * its own. Signatures are checked on the verification workers (every core),
 * the accepted ones are applied in the ledger's group commits, and the settled
 * ones (retries included) are answered with their receipt bodies and one
 * issuer signature over the root of their tree (the compact answer of
 * PROTOCOL §5.1: each receipt's path is derived by the client).
 *
 * The same checks as a single transfer, in the same order, done for the
 * batch as a whole: one read of the devices and wallets it names, and the
 * signatures of each slice sent to the workers together, with one answer per
 * slice.
 */
export async function submitBatch(ctx: Ctx, items: unknown[]): Promise<BatchAnswer> {
  const n = items.length;
  const failed: (BatchTransferResult | undefined)[] = new Array(n);
  const settled: (Settled | undefined)[] = new Array(n);
  const transfers: (OnlineTransfer | undefined)[] = new Array(n);
  const seen = new Set<string>();
  for (let index = 0; index < n; index++) {
    try {
      const transfer = parseWith(OnlineTransferSchema, items[index], `transfers[${index}]`) as OnlineTransfer;
      if (seen.has(transfer.transferId)) {
        throw new EcnyError(
          'DUPLICATE_IN_BATCH',
          `transfer ${transfer.transferId} appears twice in the batch`,
        );
      }
      seen.add(transfer.transferId);
      transfers[index] = transfer;
    } catch (e) {
      failed[index] = failure(e);
    }
  }
  const named = transfers.filter((t) => t !== undefined);
  const [devices, wallets] = await Promise.all([
    ctx.store.getDevices(named.map((t) => t.deviceId)),
    ctx.store.getWallets(named.flatMap((t) => [t.from, t.to])),
  ]);
  // An unexpected error (not a refusal) fails the whole call, once everything in flight is done.
  let unexpected: { error: unknown } | undefined;
  const refusals: Promise<void>[] = [];
  const refuse = (index: number, transfer: OnlineTransfer, refusal: unknown) => {
    refusals.push(
      retryOrRefuse(ctx, transfer, refusal).then(
        (p) => {
          if ('original' in p) settled[index] = { transfer: p.original, stored: p.stored };
        },
        (e: unknown) => {
          if (e instanceof EcnyError) failed[index] = failure(e);
          else unexpected ??= { error: e };
        },
      ),
    );
  };
  // Freshness and the device now; every slice's signatures go to the workers before any is awaited.
  const slices: { checked: Checked[]; verdicts: Promise<Uint8Array> }[] = [];
  for (let start = 0; start < n; start += APPLY_SLICE) {
    const checked: Checked[] = [];
    for (let index = start; index < Math.min(n, start + APPLY_SLICE); index++) {
      const transfer = transfers[index];
      if (!transfer) continue;
      try {
        checkFresh(ctx, transfer);
        const device = knownDevice(transfer, devices.get(transfer.deviceId));
        checked.push({ index, transfer, device, hash: fastTransferHash(transfer) });
      } catch (refusal) {
        refuse(index, transfer, refusal);
      }
    }
    const asks = checked.map((c) => ({ sig: c.transfer.sig, msg: c.hash, key: c.device.publicKey }));
    slices.push({ checked, verdicts: ctx.verifier.verifyManyText(asks) });
  }
  const applying: Promise<void>[] = [];
  for (const { checked, verdicts } of slices) {
    // Applied in request order, a slice at a time as soon as its signatures are verified, while
    // the next slices are verified; the slices share the ledger's group commits.
    const verified = await verdicts;
    const fresh: { index: number; transfer: OnlineTransfer; hash: string; group: LedgerTransfer[] }[] = [];
    checked.forEach(({ index, transfer, device, hash }, k) => {
      try {
        if (verified[k] !== 1) throw badSignature();
        const { payer, payee } = checkSigned(
          transfer,
          device,
          wallets.get(transfer.from),
          wallets.get(transfer.to),
        );
        fresh.push({ index, transfer, hash, group: paymentGroup(ctx, transfer, payer, payee) });
      } catch (refusal) {
        refuse(index, transfer, refusal);
      }
    });
    if (fresh.length === 0) continue;
    applying.push(
      ctx.store.applyMany(fresh.map((p) => p.group)).then(
        (outcomes) => {
          for (const [i, p] of fresh.entries()) settle(ctx, p, outcomes[i]!, settled, failed);
        },
        (error: unknown) => {
          unexpected ??= { error };
        },
      ),
    );
  }
  await Promise.all([...applying, ...refusals]);
  if (unexpected) throw unexpected.error;
  const order = settled.flatMap((s, index) => (s ? [index] : []));
  const results = failed as BatchTransferResult[];
  if (order.length === 0) return { batch: null, results };
  const { head, bodies } = batchHeadFor(
    ctx,
    order.map((index) => settled[index]!),
  );
  order.forEach((index, k) => {
    results[index] = { ok: true, index: k, receipt: bodies[k]! };
  });
  return { batch: head, results };
}

/** A settled batch item: the signed transfer (the original, for a retry), its ledger row and its hash when known. */
interface Settled {
  transfer: OnlineTransfer;
  stored: StoredTransfer;
  hash?: string;
}

/** A batch item that passed the checks before its signature: its device and hash, for the workers. */
interface Checked {
  index: number;
  transfer: OnlineTransfer;
  device: DeviceRow;
  hash: string;
}

/** Items of a batch verified and applied together. */
const APPLY_SLICE = 128;

/** Records the ledger's answer to one batch item. */
function settle(
  ctx: Ctx,
  p: { index: number; transfer: OnlineTransfer; hash: string },
  outcome: ApplyOutcome,
  settled: (Settled | undefined)[],
  failed: (BatchTransferResult | undefined)[],
): void {
  if (!outcome.ok) {
    failed[p.index] = failure(ledgerRefusal(p.transfer, outcome));
    return;
  }
  const stored = outcome.transfers[0]!;
  if (outcome.duplicate) {
    try {
      assertSameTransfer(stored, p.transfer);
    } catch (e) {
      failed[p.index] = failure(e);
      return;
    }
  }
  settled[p.index] = { transfer: p.transfer, stored, hash: p.hash };
  if (!outcome.duplicate) announce(ctx, p.transfer, stored);
}

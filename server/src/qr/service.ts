/**
 * QR payments (DESIGN.md §7, PROTOCOL.md §8).
 * - Merchant-presented: a merchant creates a dynamic QR (a bill with a fixed
 *   amount) or shows its static QR; the customer pays the scanned payload
 *   with a signed online transfer. A bill is marked paid in the same ledger
 *   transaction as the payment (LedgerTransfer.claim), so it is paid at most
 *   once whatever the concurrency.
 * - Customer-presented: the merchant charges a scanned payment code. The
 *   code's id is recorded as used in the same ledger transaction as the
 *   charge, so a code moves money at most once; the charge is idempotent by
 *   the merchant's chargeId.
 */
import {
  bodyOf,
  type ChargePaymentCodeRequest,
  checkPayerLimits,
  decodeKey,
  decodePaymentCode,
  EcnyError,
  encodeMerchantQr,
  type MerchantQr,
  type OnlineTransfer,
  objectHashB64,
  PAYMENT_CODE_TYPE,
  type PaymentCode,
  parseMerchantQr,
  randomId,
  signReceipt,
  TIER_SPECS,
  type TransferReceipt,
  verifyPaymentCode,
} from '@ecny-sim/wallet-core';
import type { Ctx } from '../context';
import { chinaDay } from '../http/clock';
import { Accounts } from '../ledger/accounts';
import type { BillRow, LedgerTransfer, StoredTransfer, WalletRow } from '../store/store';
import { ledgerId, settleTransfer } from '../transfers/service';

/** How long a dynamic QR's bill can be paid. */
export const BILL_VALIDITY_MS = 15 * 60_000;

type MerchantProfile = NonNullable<WalletRow['merchant']>;

export interface BillView {
  billId: string;
  walletId: string;
  amount: number;
  status: 'open' | 'paid' | 'expired';
  createdAt: number;
  expiresAt: number;
  /** The transferId of the payment, once paid. */
  transferId: string | null;
  paidBy: string | null;
  paidAt: number | null;
}

export function billView(bill: BillRow, now: number): BillView {
  const status = bill.status === 'paid' ? 'paid' : now > bill.expiresAt ? 'expired' : 'open';
  const paid = bill.paidTransferId;
  return {
    billId: bill.billId,
    walletId: bill.walletId,
    amount: bill.amount,
    status,
    createdAt: bill.createdAt,
    expiresAt: bill.expiresAt,
    transferId: paid === null ? null : paid.startsWith('pay:') ? paid.slice('pay:'.length) : paid,
    paidBy: bill.paidBy,
    paidAt: bill.paidAt,
  };
}

export function requireMerchant(wallet: WalletRow): MerchantProfile {
  if (!wallet.merchant) {
    throw new EcnyError('NOT_A_MERCHANT', `wallet ${wallet.walletId} has no merchant profile; set one first`);
  }
  return wallet.merchant;
}

function merchantPayload(
  wallet: WalletRow,
  profile: MerchantProfile,
  bill?: { amount: number; billId: string },
) {
  return encodeMerchantQr({
    walletId: wallet.walletId,
    operatorId: wallet.operatorId,
    merchantName: profile.name,
    merchantCity: profile.city,
    mcc: profile.mcc,
    ...(bill ? { amount: bill.amount, billId: bill.billId } : {}),
  });
}

// ---------------------------------------------------------------------------
// Merchant-presented

export function staticQr(wallet: WalletRow) {
  const profile = requireMerchant(wallet);
  return {
    payload: merchantPayload(wallet, profile),
    merchant: { walletId: wallet.walletId, name: profile.name, city: profile.city, mcc: profile.mcc },
  };
}

/** A new bill and its dynamic QR. The same billId and amount again returns the same open bill. */
export async function createDynamicQr(
  ctx: Ctx,
  wallet: WalletRow,
  request: { amount: number; billId?: string | undefined },
): Promise<{ payload: string; bill: BillView; created: boolean }> {
  const profile = requireMerchant(wallet);
  const now = ctx.now();
  const billId = request.billId ?? randomId('b');
  const payload = merchantPayload(wallet, profile, { amount: request.amount, billId });
  const row: BillRow = {
    walletId: wallet.walletId,
    billId,
    amount: request.amount,
    payload,
    status: 'open',
    createdAt: now,
    expiresAt: now + BILL_VALIDITY_MS,
    paidTransferId: null,
    paidBy: null,
    paidAt: null,
  };
  const stored = await ctx.store.createBill(row);
  const created = stored.createdAt === row.createdAt && stored.payload === row.payload;
  if (!created) {
    const view = billView(stored, now);
    if (view.status !== 'open' || stored.amount !== request.amount) {
      throw new EcnyError(
        'BILL_EXISTS',
        `bill ${billId} already exists (${view.status}, ${stored.amount} fen)`,
      );
    }
  }
  return { payload: stored.payload, bill: billView(stored, now), created };
}

export async function getBill(ctx: Ctx, walletId: string, billId: string): Promise<BillView> {
  const bill = await ctx.store.getBill(walletId, billId);
  if (!bill) throw new EcnyError('BILL_NOT_FOUND', `no bill ${billId}`);
  return billView(bill, ctx.now());
}

/** The scanned payload, parsed, and the checks that need no ledger. */
function payableQr(
  payload: string,
  transfer: OnlineTransfer,
): MerchantQr & { ecny: NonNullable<MerchantQr['ecny']> } {
  const qr = parseMerchantQr(payload);
  if (!qr.payableHere || !qr.ecny) {
    throw new EcnyError(
      'QR_NOT_PAYABLE',
      `this code cannot be paid here: ${qr.notPayableReason ?? 'not ours'}`,
    );
  }
  if (transfer.to !== qr.ecny.walletId) {
    throw new EcnyError(
      'QR_PAYEE_MISMATCH',
      `the code pays ${qr.ecny.walletId}, the transfer pays ${transfer.to}`,
    );
  }
  if (qr.initiation === 'dynamic' || qr.amountFen !== null) {
    if (qr.amountFen === null) throw new EcnyError('QR_MISSING_FIELD', 'a dynamic code needs an amount');
    if (transfer.amount !== qr.amountFen) {
      throw new EcnyError(
        'QR_AMOUNT_MISMATCH',
        `the code asks for ${qr.amountFen} fen, the transfer pays ${transfer.amount}`,
      );
    }
  }
  return qr as MerchantQr & { ecny: NonNullable<MerchantQr['ecny']> };
}

/** What a QR payment records with the ledger transfer, to tell a retry from a different payment. */
interface QrPaymentMeta {
  initiation: 'static' | 'dynamic' | null;
  billId: string | null;
}

/**
 * Pays a scanned merchant QR with a signed transfer to the wallet in it.
 * A dynamic code with a bill id pays that bill, at most once; a retry of the
 * same transfer returns the same receipt.
 */
export async function payMerchantQr(ctx: Ctx, payload: string, transfer: OnlineTransfer) {
  const qr = payableQr(payload, transfer);
  const merchantId = qr.ecny.walletId;
  const billId = qr.initiation === 'dynamic' ? qr.billId : null;
  if (billId !== null) {
    // Early answers for the common cases; the claim in the ledger transaction is what decides.
    const bill = await ctx.store.getBill(merchantId, billId);
    if (!bill) throw new EcnyError('BILL_NOT_FOUND', `no bill ${billId}`);
    if (bill.status === 'paid' && bill.paidTransferId !== ledgerId(transfer)) {
      throw new EcnyError('BILL_ALREADY_PAID', `bill ${billId} is already paid`);
    }
    if (bill.amount !== transfer.amount) {
      throw new EcnyError('QR_AMOUNT_MISMATCH', `bill ${billId} is for ${bill.amount} fen`);
    }
  }
  const meta: QrPaymentMeta = { initiation: qr.initiation, billId };
  const { receipt, balance, stored, fresh } = await settleTransfer(ctx, transfer, {
    meta: { qr: meta },
    ...(billId !== null
      ? {
          claim: {
            kind: 'bill' as const,
            walletId: merchantId,
            billId,
            payer: transfer.from,
            now: ctx.now(),
          },
        }
      : {}),
  });
  const recorded = stored.meta?.qr as QrPaymentMeta | undefined;
  if (!recorded || recorded.billId !== billId) {
    throw new EcnyError(
      'IDEMPOTENCY_CONFLICT',
      `transfer ${transfer.transferId} was already settled ${recorded?.billId ? `for bill ${recorded.billId}` : 'without this code'}`,
    );
  }
  if (fresh) {
    ctx.events.publish(
      'qr.paid',
      {
        walletId: merchantId,
        transferId: transfer.transferId,
        from: transfer.from,
        amount: transfer.amount,
        billId,
        initiation: qr.initiation,
        memo: transfer.memo ?? null,
        ledgerSeq: stored.seq,
      },
      [merchantId],
    );
  }
  const bill = billId === null ? null : await getBill(ctx, merchantId, billId);
  return {
    receipt,
    balance,
    bill,
    merchant: { walletId: merchantId, name: qr.displayName },
  };
}

// ---------------------------------------------------------------------------
// Customer-presented

function chargeLedgerId(merchantId: string, chargeId: string): string {
  return `charge:${merchantId}:${chargeId}`;
}

interface ChargeMeta {
  chargeId: string;
  codeId: string;
  code: PaymentCode;
}

/** The issuer's receipt for a charge: transferId is the payment code's id, transferHash the code's hash. */
function chargeReceipt(
  ctx: Ctx,
  stored: StoredTransfer,
  code: PaymentCode,
  merchantId: string,
): TransferReceipt {
  return signReceipt(
    {
      transferId: code.codeId,
      transferHash: objectHashB64(PAYMENT_CODE_TYPE, bodyOf(code)),
      from: code.walletId,
      to: merchantId,
      amount: stored.amount,
      ledgerSeq: stored.seq,
      settledAt: stored.at,
    },
    ctx.world.issuer,
  );
}

/** The receipt of a ledger row that settled a payment-code charge, or null for any other row. */
export function chargeReceiptOf(ctx: Ctx, stored: StoredTransfer): TransferReceipt | null {
  const meta = stored.meta?.charge as ChargeMeta | undefined;
  if (!meta || !stored.credit.startsWith('wallet:')) return null;
  return chargeReceipt(ctx, stored, meta.code, stored.credit.slice('wallet:'.length));
}

async function chargeResult(
  ctx: Ctx,
  merchantId: string,
  stored: StoredTransfer,
  code: PaymentCode,
  amount: number,
) {
  const meta = stored.meta?.charge as ChargeMeta | undefined;
  if (!meta || meta.codeId !== code.codeId || stored.amount !== amount) {
    throw new EcnyError(
      'IDEMPOTENCY_CONFLICT',
      `charge id ${meta?.chargeId ?? ''} was used for another charge`,
    );
  }
  const balance = (await ctx.store.getBalance(Accounts.wallet(merchantId).id)) ?? 0;
  return {
    receipt: chargeReceipt(ctx, stored, meta.code, merchantId),
    charge: {
      chargeId: meta.chargeId,
      codeId: meta.codeId,
      from: meta.code.walletId,
      to: merchantId,
      amount: stored.amount,
      ledgerSeq: stored.seq,
      settledAt: stored.at,
    },
    balance,
  };
}

/**
 * Charges a scanned customer payment code: signed by a live device of the
 * wallet it names, not expired, not used before, within its cap and the
 * payer's tier limits. Idempotent by chargeId (per merchant).
 */
export async function chargePaymentCode(ctx: Ctx, merchant: WalletRow, request: ChargePaymentCodeRequest) {
  requireMerchant(merchant);
  const code = decodePaymentCode(request.code);
  const id = chargeLedgerId(merchant.walletId, request.chargeId);
  const before = await ctx.store.getTransfer(id);
  if (before) return chargeResult(ctx, merchant.walletId, before, code, request.amount);

  const device = await ctx.store.getDevice(code.deviceId);
  if (!device) {
    throw new EcnyError('PAYCODE_BAD_SIGNATURE', `payment code ${code.codeId} names an unknown device`);
  }
  const now = ctx.now();
  verifyPaymentCode(code, decodeKey(device.publicKey), ctx.verifier, now, { amount: request.amount });
  // The merchant is told the payer's device is revoked, never when or why: that is the payer's own.
  if (device.revokedAt !== null)
    throw new EcnyError('DEVICE_REVOKED', `device ${device.deviceId} is revoked`);
  if (device.walletId !== code.walletId) {
    throw new EcnyError('FORBIDDEN', 'the device that signed the code cannot pay from that wallet');
  }
  if (code.walletId === merchant.walletId) {
    throw new EcnyError('SAME_WALLET', 'payer and payee are the same wallet');
  }
  const payer = await ctx.store.getWallet(code.walletId);
  if (!payer) throw new EcnyError('WALLET_NOT_FOUND', `no wallet ${code.walletId}`);
  const limitBreak = checkPayerLimits(payer.tier, request.amount, 0);
  if (limitBreak) throw new EcnyError(limitBreak.code, limitBreak.message);

  const meta: ChargeMeta = { chargeId: request.chargeId, codeId: code.codeId, code };
  const group: LedgerTransfer[] = [
    {
      id,
      debit: Accounts.wallet(payer.walletId).id,
      credit: Accounts.wallet(merchant.walletId).id,
      amount: request.amount,
      kind: 'qr_charge',
      meta: { charge: meta },
      limits: {
        creditBalanceMax: TIER_SPECS[merchant.tier].online.balanceCap,
        dailyMax: TIER_SPECS[payer.tier].online.perDay,
        dailyKey: `pay:${payer.walletId}`,
        day: chinaDay(now),
      },
      claim: { kind: 'payment-code', codeId: code.codeId, walletId: payer.walletId },
    },
  ];
  const outcome = await ctx.store.applyTransfers(group);
  if (!outcome.ok) throw new EcnyError(outcome.code, outcome.message);
  const stored = outcome.transfers[0]!;
  const result = await chargeResult(ctx, merchant.walletId, stored, code, request.amount);
  if (!outcome.duplicate) {
    const event = {
      transferId: code.codeId,
      chargeId: request.chargeId,
      from: payer.walletId,
      to: merchant.walletId,
      amount: request.amount,
      memo: null,
      ledgerSeq: stored.seq,
      via: 'payment-code',
    };
    ctx.events.publish('payment.settled', event, [payer.walletId, merchant.walletId]);
    ctx.events.publish('qr.charged', event, [payer.walletId, merchant.walletId]);
    ctx.events.publish('ledger.activity', {
      kind: 'qr_charge',
      amount: request.amount,
      ledgerSeq: stored.seq,
    });
  }
  return result;
}

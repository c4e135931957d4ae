/**
 * Wallets: opening one through an operator (with its first device and
 * certificate), KYC tier upgrades, merchant profiles, and moving money
 * between the simulated bank account and e-CNY (top-up, redemption).
 */
import {
  type DeviceCert,
  decodeKey,
  EcnyError,
  issueDeviceCert,
  type KycUpgradeRequest,
  type MerchantProfile,
  REGISTRATION_TYPE,
  randomId,
  sortableId,
  TIER_SPECS,
  type Tier,
  verifyObject,
  type WalletRegistration,
  type WalletView,
} from '@ecny-sim/wallet-core';
import type { Ctx } from '../context';
import { chinaDay } from '../http/clock';
import { Accounts } from '../ledger/accounts';
import type { ApplyOutcome, LedgerTransfer, WalletRow } from '../store/store';
import { issueToOperator } from '../world/world';

/** Every new wallet's simulated bank account starts with this much, in fen (¥50,000). */
export const OPENING_BANK_BALANCE = 5_000_000;
const DEVICE_CERT_DAYS = 365;
const REGISTRATION_FRESHNESS_MS = 10 * 60_000;

export function throwIfRejected(
  outcome: ApplyOutcome,
): asserts outcome is Extract<ApplyOutcome, { ok: true }> {
  if (!outcome.ok) throw new EcnyError(outcome.code, outcome.message);
}

export async function walletView(ctx: Ctx, wallet: WalletRow): Promise<WalletView> {
  const [balance, bankBalance, spentToday] = await Promise.all([
    ctx.store.getBalance(Accounts.wallet(wallet.walletId).id),
    ctx.store.getBalance(Accounts.bankDeposit(wallet.walletId).id),
    ctx.store.getDailyTotal(`pay:${wallet.walletId}`, chinaDay(ctx.now())),
  ]);
  return {
    walletId: wallet.walletId,
    operatorId: wallet.operatorId,
    displayName: wallet.displayName,
    tier: wallet.tier,
    balance: balance ?? 0,
    bankBalance: bankBalance ?? 0,
    spentToday,
    region: wallet.region,
    resident: wallet.resident,
    merchant: wallet.merchant,
    createdAt: wallet.createdAt,
  };
}

export async function requireWallet(ctx: Ctx, walletId: string): Promise<WalletRow> {
  const wallet = await ctx.store.getWallet(walletId);
  if (!wallet) throw new EcnyError('WALLET_NOT_FOUND', `no wallet ${walletId}`);
  return wallet;
}

function certifyDevice(
  ctx: Ctx,
  deviceId: string,
  walletId: string,
  operatorId: string,
  publicKey: string,
  tier: Tier,
) {
  const operator = ctx.world.operators.get(operatorId);
  if (!operator) throw new EcnyError('OPERATOR_NOT_FOUND', `no operator ${operatorId}`);
  const now = ctx.now();
  return issueDeviceCert(
    {
      deviceId,
      walletId,
      operatorId,
      publicKey,
      tier,
      offline: TIER_SPECS[tier].offline,
      validFrom: now - 60_000,
      validUntil: now + DEVICE_CERT_DAYS * 86_400_000,
    },
    operator.signer,
  );
}

export async function openWallet(ctx: Ctx, registration: WalletRegistration) {
  const operator = ctx.world.operators.get(registration.operatorId);
  if (!operator) throw new EcnyError('OPERATOR_NOT_FOUND', `no operator ${registration.operatorId}`);
  if (!verifyObject(REGISTRATION_TYPE, registration, decodeKey(registration.devicePublicKey), ctx.verifier)) {
    throw new EcnyError('BAD_SIGNATURE', 'the registration is not signed by the device key it names');
  }
  const now = ctx.now();
  if (Math.abs(now - registration.createdAt) > REGISTRATION_FRESHNESS_MS) {
    throw new EcnyError('STALE_REQUEST', 'the registration is too old; sign a new one');
  }
  const walletId = randomId('w');
  const deviceId = randomId('d');
  const deviceCert = certifyDevice(
    ctx,
    deviceId,
    walletId,
    operator.operatorId,
    registration.devicePublicKey,
    registration.tier,
  );
  const wallet: WalletRow = {
    walletId,
    operatorId: operator.operatorId,
    displayName: registration.displayName,
    tier: registration.tier,
    phone: registration.phone ?? null,
    region: registration.region ?? null,
    resident: registration.resident ?? false,
    merchant: null,
    createdAt: now,
  };
  await ctx.store.ensureAccounts([Accounts.wallet(walletId), Accounts.bankDeposit(walletId)]);
  await ctx.store.insertWallet(wallet, {
    deviceId,
    walletId,
    publicKey: registration.devicePublicKey,
    cert: deviceCert,
    revokedAt: null,
    revokedReason: null,
    createdAt: now,
  });
  throwIfRejected(
    await ctx.store.applyTransfers([
      {
        id: `bank-open:${walletId}`,
        debit: Accounts.bankSettlement(operator.operatorId).id,
        credit: Accounts.bankDeposit(walletId).id,
        amount: OPENING_BANK_BALANCE,
        kind: 'bank_opening',
      },
    ]),
  );
  return {
    wallet: await walletView(ctx, wallet),
    deviceId,
    deviceCert,
    operatorCert: operator.cert,
    issuerPublicKey: ctx.world.issuerPublicKey,
  };
}

/** The smallest amount an operator draws from the issuer at a time (¥10M). */
const REFILL_FEN = 1_000_000_000;
const pendingRefills = new WeakMap<Ctx, Map<string, Promise<void>>>();

/**
 * Tops up an operator's vault from the issuer against its reserves. Callers
 * that find the vault short at the same time share one refill instead of
 * each drawing their own.
 */
async function refillVault(ctx: Ctx, operatorId: string, atLeast: number): Promise<void> {
  let byOperator = pendingRefills.get(ctx);
  if (!byOperator) {
    byOperator = new Map();
    pendingRefills.set(ctx, byOperator);
  }
  const pending = byOperator.get(operatorId);
  if (pending) return pending;
  const refill = (async () => {
    const amount = Math.max(atLeast, REFILL_FEN);
    throwIfRejected(
      await ctx.store.applyTransfers(issueToOperator(operatorId, amount, sortableId('refill'))),
    );
  })().finally(() => byOperator.delete(operatorId));
  byOperator.set(operatorId, refill);
  return refill;
}

/** Bank deposit -> e-CNY. The operator draws more e-CNY from the issuer when its vault runs short. */
export async function topUp(ctx: Ctx, wallet: WalletRow, requestId: string, amount: number) {
  const op = wallet.operatorId;
  const id = `topup:${wallet.walletId}:${requestId}`;
  const group: LedgerTransfer[] = [
    {
      id,
      debit: Accounts.bankDeposit(wallet.walletId).id,
      credit: Accounts.bankSettlement(op).id,
      amount,
      kind: 'topup_bank',
    },
    {
      id: `${id}:ecny`,
      debit: Accounts.vault(op).id,
      credit: Accounts.wallet(wallet.walletId).id,
      amount,
      kind: 'topup',
      limits: { creditBalanceMax: TIER_SPECS[wallet.tier].online.balanceCap },
    },
  ];
  let outcome = await ctx.store.applyTransfers(group);
  if (!outcome.ok && outcome.code === 'INSUFFICIENT_FUNDS' && outcome.index === 1) {
    await refillVault(ctx, op, amount);
    outcome = await ctx.store.applyTransfers(group);
  }
  if (!outcome.ok && outcome.code === 'INSUFFICIENT_FUNDS' && outcome.index === 0) {
    // The linked bank account is short, not the wallet: said so, not as the wallet's funds.
    throw new EcnyError('BANK_INSUFFICIENT_FUNDS', 'the linked bank account does not hold that much');
  }
  throwIfRejected(outcome);
  if (!outcome.duplicate)
    ctx.events.publish('wallet.topup', { walletId: wallet.walletId, amount }, [wallet.walletId]);
  return walletView(ctx, wallet);
}

/** e-CNY -> bank deposit. */
export async function redeem(ctx: Ctx, wallet: WalletRow, requestId: string, amount: number) {
  const op = wallet.operatorId;
  const id = `redeem:${wallet.walletId}:${requestId}`;
  throwIfRejected(
    await ctx.store.applyTransfers([
      {
        id,
        debit: Accounts.wallet(wallet.walletId).id,
        credit: Accounts.vault(op).id,
        amount,
        kind: 'redeem',
      },
      {
        id: `${id}:bank`,
        debit: Accounts.bankSettlement(op).id,
        credit: Accounts.bankDeposit(wallet.walletId).id,
        amount,
        kind: 'redeem_bank',
      },
    ]),
  );
  return walletView(ctx, wallet);
}

/** What each tier needs as evidence (simulated KYC). */
function checkKycEvidence(request: KycUpgradeRequest): void {
  const need = (ok: unknown, what: string) => {
    if (!ok) throw new EcnyError('KYC_EVIDENCE_MISSING', `tier ${request.tier} needs ${what}`);
  };
  if (request.tier <= 3) need(request.idNumber, 'an identity number (idNumber)');
  if (request.tier <= 2) need(request.bankCard, 'a bank card in the holder’s name (bankCard)');
  if (request.tier === 1) need(request.inPerson, 'an in-person check at the operator (inPerson: true)');
}

export async function changeTier(ctx: Ctx, wallet: WalletRow, deviceId: string, request: KycUpgradeRequest) {
  checkKycEvidence(request);
  const cap = TIER_SPECS[request.tier].online.balanceCap;
  const balance = (await ctx.store.getBalance(Accounts.wallet(wallet.walletId).id)) ?? 0;
  if (cap !== null && balance > cap) {
    throw new EcnyError(
      'LIMIT_BALANCE_CAP',
      `the balance ${balance} fen is above the tier ${request.tier} cap`,
    );
  }
  await ctx.store.updateWallet(wallet.walletId, { tier: request.tier });
  const device = await ctx.store.getDevice(deviceId);
  if (!device) throw new EcnyError('DEVICE_NOT_FOUND', `no device ${deviceId}`);
  const deviceCert: DeviceCert = certifyDevice(
    ctx,
    deviceId,
    wallet.walletId,
    wallet.operatorId,
    device.publicKey,
    request.tier,
  );
  await ctx.store.updateDeviceCert(deviceId, deviceCert);
  return { wallet: await walletView(ctx, { ...wallet, tier: request.tier }), deviceCert };
}

export async function setMerchantProfile(ctx: Ctx, wallet: WalletRow, profile: MerchantProfile) {
  await ctx.store.updateWallet(wallet.walletId, { merchant: profile });
  return walletView(ctx, { ...wallet, merchant: profile });
}

/**
 * Offline money on the server: load (online balance -> issuer-signed root
 * coins on a device), sync (the device's outbox reconciled against the spent
 * set, with verdicts, fraud cases, revocations and a fresh certificate) and
 * deposit (a spend of a coin to the issuer, back to online balance).
 */
import {
  BundleSpendSchema,
  type Coin,
  type CoinRestriction,
  canonicalJson,
  coinAmount,
  coinId,
  coinOwner,
  type DeviceCert,
  type DoubleSpendProof,
  EcnyError,
  extendCoin,
  FenSchema,
  type Issue,
  issueDeviceCert,
  newRootCoinId,
  RequestIdSchema,
  type Spend,
  type SyncUploadItemSchema,
  signIssue,
  TIER_SPECS,
} from '@ecny-sim/wallet-core';
import { z } from 'zod';
import type { Ctx } from '../context';
import { deviceRevoked } from '../http/device-auth';
import { Accounts } from '../ledger/accounts';
import type { DepositRow, FraudCaseRow, OutputCoin, RootCoinRow, SpendRef } from '../store/offline-rows';
import type { DeviceRow, WalletRow } from '../store/store';
import { walletView } from '../wallets/service';
import { fastOutputCoinId, fastSpendDigest } from './hashing';
import { COIN_POLICY, DEFAULT_LOSS_POLICY, defaultDenominations, type LossPolicy } from './policy';
import { reconcilePaths } from './reconcile';
import { restrictedDepositAccounts } from './restricted';
import { verifySignature } from './verify';

export const LoadRequestSchema = z.strictObject({
  requestId: RequestIdSchema,
  amount: FenSchema,
  /** How to cut the amount into coins (fen each, adding up to amount); default: bank-note denominations. */
  denominations: z.array(FenSchema).min(1).max(COIN_POLICY.maxCoinsPerLoad).optional(),
});
export type LoadRequest = z.infer<typeof LoadRequestSchema>;

export const DepositRequestSchema = z.strictObject({
  requestId: RequestIdSchema,
  /** Each coin (with its path) and its spend to the issuer, signed by the depositing device. */
  spends: z.array(BundleSpendSchema).min(1).max(64),
});
export type DepositRequest = z.infer<typeof DepositRequestSchema>;

type UploadItem = z.infer<typeof SyncUploadItemSchema>;

function cert(device: DeviceRow): DeviceCert {
  return device.cert as DeviceCert;
}

// ---------------------------------------------------------------- load

/** A load of restricted campaign money (offline-trial winners) instead of the wallet's own. */
export interface RestrictedLoad {
  campaignId: string;
  restriction: CoinRestriction;
  /** The coins expire at the latest then (the end of the spending window). */
  expiresAt: number;
}

export async function loadToDevice(
  ctx: Ctx,
  wallet: WalletRow,
  device: DeviceRow,
  body: LoadRequest,
  restricted?: RestrictedLoad,
) {
  const deviceCert = cert(device);
  const limits = deviceCert.offline ?? TIER_SPECS[wallet.tier].offline;
  const denominations =
    body.denominations ?? defaultDenominations(body.amount, Math.max(1, limits.perPayment));
  if (denominations.reduce((s, d) => s + d, 0) !== body.amount) {
    throw new EcnyError('LOAD_BAD_DENOMINATIONS', 'the denominations must add up to the amount');
  }
  // The wallet's own money, or its red envelope's.
  const debit = restricted
    ? Accounts.restricted(wallet.walletId, restricted.campaignId).id
    : Accounts.wallet(wallet.walletId).id;
  if (denominations.length > COIN_POLICY.maxCoinsPerLoad) {
    // Too many coins only matters for money the wallet has: a load past its balance says so.
    if (((await ctx.store.getBalance(debit)) ?? 0) < body.amount) {
      throw new EcnyError('INSUFFICIENT_FUNDS', 'not enough money for this load');
    }
    throw new EcnyError(
      'LOAD_TOO_MANY_COINS',
      `a load makes at most ${COIN_POLICY.maxCoinsPerLoad} coins; load less or give larger denominations`,
    );
  }
  const now = ctx.now();
  const op = wallet.operatorId;
  const transferId = `offline-load:${wallet.walletId}:${body.requestId}`;
  const expiresAt = Math.min(now + COIN_POLICY.ttlMs, restricted?.expiresAt ?? Number.POSITIVE_INFINITY);
  let credit = Accounts.offline(op).id;
  if (restricted) {
    const account = Accounts.offlineRestricted(op, restricted.campaignId);
    await ctx.store.ensureAccounts([account]);
    credit = account.id;
  }
  const coins: RootCoinRow[] = denominations.map((amount) => {
    const issue = signIssue(
      {
        coinId: newRootCoinId(),
        amount,
        owner: device.publicKey,
        expiresAt,
        maxHops: COIN_POLICY.maxHops,
        ...(restricted ? { restriction: restricted.restriction } : {}),
      },
      ctx.world.issuer,
    );
    return {
      coinId: issue.coinId,
      operatorId: op,
      walletId: wallet.walletId,
      deviceId: device.deviceId,
      owner: device.publicKey,
      amount,
      expiresAt: issue.expiresAt,
      maxHops: issue.maxHops,
      issueJson: canonicalJson(issue),
      loadRequestId: body.requestId,
      issuedAt: now,
      campaignId: restricted?.campaignId ?? null,
    };
  });
  const outcome = await ctx.store.recordOfflineLoad({
    load: {
      walletId: wallet.walletId,
      requestId: body.requestId,
      deviceId: device.deviceId,
      operatorId: op,
      amount: body.amount,
      transferId,
      createdAt: now,
    },
    coins,
    group: [
      {
        id: transferId,
        debit,
        credit,
        amount: body.amount,
        kind: restricted ? 'offline_restricted_load' : 'offline_load',
        meta: {
          deviceId: device.deviceId,
          coins: coins.length,
          ...(restricted ? { campaignId: restricted.campaignId } : {}),
        },
      },
    ],
    cap: { owner: device.publicKey, max: limits.balanceCap },
  });
  if (!outcome.ok) throw new EcnyError(outcome.code, outcome.message);
  if (
    outcome.duplicate &&
    outcome.coins.some((c) => (c.campaignId ?? null) !== (restricted?.campaignId ?? null))
  ) {
    throw new EcnyError('IDEMPOTENCY_CONFLICT', `load ${body.requestId} was already used for another load`);
  }
  if (!outcome.duplicate) {
    ctx.events.publish('ledger.activity', { kind: 'offline_load', amount: body.amount });
    ctx.events.publish(
      'offline.loaded',
      {
        walletId: wallet.walletId,
        deviceId: device.deviceId,
        amount: body.amount,
        ...(restricted ? { campaignId: restricted.campaignId } : {}),
      },
      [wallet.walletId],
    );
  }
  return {
    requestId: body.requestId,
    amount: outcome.load.amount,
    coins: outcome.coins.map((c) => JSON.parse(c.issueJson) as Issue),
    duplicate: outcome.duplicate,
    wallet: await walletView(ctx, wallet),
  };
}

// ---------------------------------------------------------------- fraud case views

export interface Holder {
  coinId: string;
  owner: string;
  amount: number;
  deviceId: string | null;
  walletId: string | null;
  /** held: still offline; deposited: surrendered to the issuer (compensated to the depositor). */
  status: 'held' | 'deposited';
}

export function caseSummary(row: FraudCaseRow) {
  return {
    caseId: row.caseId,
    coinId: row.coinId,
    rootCoinId: row.rootCoinId,
    operatorId: row.operatorId,
    amount: row.amount,
    culprit: { deviceId: row.culpritDeviceId, walletId: row.culpritWalletId },
    firstHash: row.firstHash,
    secondHash: row.secondHash,
    reportedBy: row.reportedBy,
    recovered: row.recovered,
    recoveryTransferId: row.recoveryTransferId,
    detectedAt: row.detectedAt,
  };
}

/** The current holders of the losing branch: the coins it produced, followed through the spent set. */
async function losingBranch(ctx: Ctx, row: FraudCaseRow): Promise<Holder[]> {
  const holders: Holder[] = [];
  const owners = new Map<string, { deviceId: string; walletId: string }>();
  let frontier: OutputCoin[] = row.losingOutputs;
  for (let depth = 0; frontier.length && depth < 300; depth++) {
    const spent = await ctx.store.getSpends(frontier.map((c) => c.coinId));
    const next: OutputCoin[] = [];
    for (const c of frontier) {
      const s = spent.get(c.coinId);
      if (s) {
        const signer = s.signerDeviceId;
        owners.set(c.owner, { deviceId: signer, walletId: s.signerWalletId });
        if (s.toIssuer > 0) {
          const deposit = await ctx.store.getDepositOfCoin(c.coinId);
          holders.push({
            coinId: c.coinId,
            owner: c.owner,
            amount: c.amount,
            deviceId: deposit?.deviceId ?? signer,
            walletId: deposit?.walletId ?? s.signerWalletId,
            status: 'deposited',
          });
        }
        const outputs = await ctx.store.spendOutputs({ inputCoinId: c.coinId, spendHash: s.spendHash });
        next.push(...outputs.filter((o) => o.owner !== ctx.world.issuerPublicKey));
      } else {
        holders.push({ ...c, deviceId: null, walletId: null, status: 'held' });
      }
    }
    frontier = next;
  }
  for (const h of holders) {
    const who = owners.get(h.owner);
    if (h.deviceId === null && who) Object.assign(h, who);
  }
  return holders;
}

export async function fraudCaseDetail(ctx: Ctx, row: FraudCaseRow) {
  return {
    ...caseSummary(row),
    proof: JSON.parse(row.proofJson) as DoubleSpendProof,
    losingBranch: await losingBranch(ctx, row),
  };
}

// ---------------------------------------------------------------- sync

export type ItemVerdict =
  | { id: string; status: 'accepted' | 'already_known' }
  | { id: string; status: 'double_spend'; caseIds: string[] }
  | { id: string; status: 'invalid'; code: string; message: string; link: number; spend: number };

/** The coins an outbox item carries: each bundle spend extends its input coin to the payee's coin. */
function itemPaths(item: UploadItem): Coin[] {
  return item.bundle.spends.map(({ coin, spend }) =>
    extendCoin(coin as Coin, spend as Spend, 0, item.bundle.payer as DeviceCert),
  );
}

async function renewCertIfDue(ctx: Ctx, device: DeviceRow): Promise<DeviceCert> {
  const current = cert(device);
  const now = ctx.now();
  if (current.validUntil - now > COIN_POLICY.certRenewalMs) return current;
  const operator = ctx.world.operators.get(current.operatorId);
  if (!operator) return current;
  const { sig: _sig, ...body } = current;
  const renewed = issueDeviceCert(
    { ...body, validFrom: now - 60_000, validUntil: now + 365 * 86_400_000 },
    operator.signer,
  );
  await ctx.store.updateDeviceCert(device.deviceId, renewed);
  return renewed;
}

export async function syncDevice(
  ctx: Ctx,
  device: DeviceRow,
  items: readonly UploadItem[],
  policy: LossPolicy = DEFAULT_LOSS_POLICY,
) {
  if (device.revokedAt !== null) throw deviceRevoked(device);
  // Unique paths across the upload (payer and payee items of one payment carry the same paths).
  const paths: Coin[] = [];
  const indexOf = new Map<string, number>();
  const itemPathIndex = items.map((item) =>
    itemPaths(item).map((coin) => {
      const last = coin.links.at(-1)!;
      const key = `${fastSpendDigest(last.spend).toString('base64url')}:${last.output}`;
      let k = indexOf.get(key);
      if (k === undefined) {
        k = paths.length;
        paths.push(coin);
        indexOf.set(key, k);
      }
      return k;
    }),
  );
  const result = await reconcilePaths(ctx, paths, {
    uploader: device.deviceId,
    policy,
    refuseIssuerOutputs: true,
  });
  const verdicts: ItemVerdict[] = items.map((item, i) => {
    const own = itemPathIndex[i]!.map((k) => result.verdicts[k]!);
    const invalid = own.findIndex((v) => v.status === 'invalid');
    if (invalid >= 0) {
      const v = own[invalid] as Extract<(typeof own)[number], { status: 'invalid' }>;
      return {
        id: item.id,
        status: 'invalid',
        code: v.code,
        message: v.message,
        link: v.link,
        spend: invalid,
      };
    }
    const caseIds = [...new Set(own.flatMap((v) => (v.status === 'double_spend' ? v.caseIds : [])))];
    if (caseIds.length) return { id: item.id, status: 'double_spend', caseIds };
    return { id: item.id, status: own.some((v) => v.status === 'accepted') ? 'accepted' : 'already_known' };
  });
  const now = ctx.now();
  for (const opened of result.opened) {
    ctx.events.publish('fraud.detected', {
      caseId: opened.caseId,
      coinId: opened.coinId,
      amount: opened.amount,
      culpritDeviceId: opened.culpritDeviceId,
      culpritWalletId: opened.culpritWalletId,
      recovered: opened.recovered,
      reportedBy: opened.reportedBy,
    });
  }
  const [concerning, revokedDevices, deviceCert] = await Promise.all([
    ctx.store.listFraudCases({ deviceId: device.deviceId, publicKey: device.publicKey, limit: 100 }),
    ctx.store.listRevokedDevices(),
    renewCertIfDue(ctx, device),
  ]);
  const cases = new Map<string, FraudCaseRow>();
  for (const c of [...result.opened, ...concerning]) cases.set(c.caseId, c);
  const tally = { accepted: 0, already_known: 0, double_spend: 0, invalid: 0 };
  for (const v of verdicts) tally[v.status]++;
  ctx.events.publish('offline.synced', { deviceId: device.deviceId, walletId: device.walletId, ...tally }, [
    device.walletId,
  ]);
  return {
    time: now,
    verdicts,
    /** Items the server has recorded (everything but invalid ones): the device may drop them from its outbox. */
    acknowledged: verdicts.filter((v) => v.status !== 'invalid').map((v) => v.id),
    fraudCases: [...cases.values()].map(caseSummary),
    revokedDevices,
    cert: deviceCert,
  };
}

// ---------------------------------------------------------------- deposit

export type DepositResult =
  | {
      coinId: string;
      status: 'deposited' | 'compensated';
      amount: number;
      transferId: string;
      duplicate: boolean;
    }
  | { coinId: string; status: 'refused'; code: string; message: string; caseId?: string; link?: number };

function depositResult(row: DepositRow, duplicate: boolean): DepositResult {
  return {
    coinId: row.coinId,
    status: row.kind === 'compensation' ? 'compensated' : 'deposited',
    amount: row.amount,
    transferId: row.transferId,
    duplicate,
  };
}

async function depositOne(
  ctx: Ctx,
  wallet: WalletRow,
  device: DeviceRow,
  requestId: string,
  coin: Coin,
  spend: Spend,
  policy: LossPolicy,
): Promise<DepositResult> {
  const id = coinId(coin);
  const refuse = (code: string, message: string, extra: { caseId?: string; link?: number } = {}) =>
    ({ coinId: id, status: 'refused', code, message, ...extra }) as DepositResult;
  const issuerKey = ctx.world.issuerPublicKey;
  if (coinOwner(coin) !== device.publicKey)
    return refuse('DEPOSIT_NOT_OWNER', 'the coin is not owned by this device');
  if (spend.inputCoinId !== id)
    return refuse('SPEND_WRONG_INPUT', `the deposit spends ${spend.inputCoinId}, not ${id}`);
  if (spend.requestId !== requestId)
    return refuse('DEPOSIT_WRONG_REQUEST', 'the spend is bound to another request');
  if (spend.outputs[0]!.owner !== issuerKey)
    return refuse('DEPOSIT_NOT_TO_ISSUER', 'output 0 must pay the issuer');
  if (spend.outputs[1] && spend.outputs[1].owner !== device.publicKey) {
    return refuse('DEPOSIT_BAD_CHANGE', 'the change of a deposit goes back to the depositing device');
  }
  const amount = coinAmount(coin);
  if (spend.outputs.reduce((s, o) => s + o.amount, 0) !== amount) {
    return refuse('SPEND_AMOUNT_MISMATCH', `the outputs do not add up to the coin's ${amount} fen`);
  }
  const digest = fastSpendDigest(spend);
  if (!(await verifySignature(ctx, spend.sig, digest, device.publicKey))) {
    return refuse('SPEND_BAD_SIGNATURE', 'the deposit spend is not signed by this device');
  }
  const reconciled = await reconcilePaths(ctx, [coin], { uploader: device.deviceId, policy });
  const verdict = reconciled.verdicts[0]!;
  if (verdict.status === 'invalid') return refuse(verdict.code, verdict.message, { link: verdict.link });
  let root = reconciled.roots[0];
  if (!root) root = (await ctx.store.getRootCoins([coin.issue.coinId])).get(coin.issue.coinId)!;
  // The depositor may not be compensated for a double spend its own wallet committed.
  const pathCoins = [coin.issue.coinId];
  let prev = coin.issue.coinId;
  // the spend that produced the deposited coin (none for a root coin)
  let parent: SpendRef | undefined;
  for (const link of coin.links) {
    const d = fastSpendDigest(link.spend);
    prev = fastOutputCoinId(d, link.output);
    pathCoins.push(prev);
    parent = { inputCoinId: link.spend.inputCoinId, spendHash: d.toString('base64url') };
  }
  const cases = await ctx.store.listFraudCases({ coinIds: pathCoins });
  const ownFraud = cases.some((c) => c.culpritWalletId === wallet.walletId);
  let accounts: { debit: string; credit: string } | undefined;
  if (coin.issue.restriction) {
    try {
      accounts = await restrictedDepositAccounts(ctx, coin.issue.restriction, root, wallet, device);
    } catch (e) {
      if (e instanceof EcnyError) return refuse(e.code, e.message);
      throw e;
    }
  }
  const hash = digest.toString('base64url');
  const deviceCert = cert(device);
  const outputs: OutputCoin[] = spend.outputs.map((o, k) => ({
    coinId: fastOutputCoinId(digest, k),
    owner: o.owner,
    amount: o.amount,
    ...(o.owner === issuerKey ? { toIssuer: true } : {}),
  }));
  const outcome = await ctx.store.recordDeposit({
    spend: {
      inputCoinId: id,
      spendHash: hash,
      spendJson: JSON.stringify(spend),
      rootCoinId: root.coinId,
      operatorId: root.operatorId,
      hop: coin.links.length + 1,
      amount,
      signerDeviceId: device.deviceId,
      signerWalletId: wallet.walletId,
      inputOwner: device.publicKey,
      outputs,
      toIssuer: spend.outputs[0]!.amount,
      proof: () => ({ coinJson: JSON.stringify(coin), culpritJson: JSON.stringify(deviceCert) }),
    },
    ...(parent ? { parent } : {}),
    walletId: wallet.walletId,
    deviceId: device.deviceId,
    requestId,
    uploader: device.deviceId,
    at: ctx.now(),
    policy: { revokeCulprit: policy.revokeCulprit, recoverFromCulprit: policy.recoverFromCulprit },
    refuseCounterfeit: !policy.compensateHonestHolders || ownFraud,
    ...(accounts ? { accounts } : {}),
  });
  if (outcome.status === 'deposited') return depositResult(outcome.deposit, outcome.duplicate);
  if (outcome.status === 'double_spend') {
    if (outcome.opened) {
      ctx.events.publish('fraud.detected', {
        caseId: outcome.opened.caseId,
        coinId: outcome.opened.coinId,
        amount: outcome.opened.amount,
        culpritDeviceId: outcome.opened.culpritDeviceId,
        culpritWalletId: outcome.opened.culpritWalletId,
        recovered: outcome.opened.recovered,
        reportedBy: outcome.opened.reportedBy,
      });
    }
    return refuse('COIN_DOUBLE_SPENT', `coin ${id} was already spent differently`, {
      caseId: outcome.caseId,
    });
  }
  return refuse(outcome.code, outcome.message);
}

export async function depositCoins(
  ctx: Ctx,
  wallet: WalletRow,
  device: DeviceRow,
  body: DepositRequest,
  policy: LossPolicy = DEFAULT_LOSS_POLICY,
) {
  if (device.revokedAt !== null) throw deviceRevoked(device);
  const seen = new Set<string>();
  const results: DepositResult[] = [];
  // One coin after the other: a deposit may open a case that decides the next one.
  for (const entry of body.spends) {
    const coin = entry.coin as Coin;
    const id = coinId(coin);
    if (seen.has(id)) {
      results.push({
        coinId: id,
        status: 'refused',
        code: 'DEPOSIT_DUPLICATE_COIN',
        message: 'the coin appears twice',
      });
      continue;
    }
    seen.add(id);
    results.push(await depositOne(ctx, wallet, device, body.requestId, coin, entry.spend as Spend, policy));
  }
  const fresh = results.filter((r) => r.status !== 'refused' && !r.duplicate);
  // On the public stream: money back online, and apart from it what the operator paid out for
  // double-spent coins (the issuer's fraud totals change with it).
  const sumOf = (status: 'deposited' | 'compensated') =>
    fresh.reduce((sum, r) => sum + (r.status === status ? r.amount : 0), 0);
  const deposited = sumOf('deposited');
  const compensated = sumOf('compensated');
  if (deposited) ctx.events.publish('ledger.activity', { kind: 'offline_deposit', amount: deposited });
  if (compensated) ctx.events.publish('ledger.activity', { kind: 'fraud_compensation', amount: compensated });
  if (fresh.length) {
    ctx.events.publish(
      'offline.deposited',
      {
        walletId: wallet.walletId,
        deviceId: device.deviceId,
        amount: fresh.reduce((s, r) => s + (r.status === 'refused' ? 0 : r.amount), 0),
        coins: fresh.length,
      },
      [wallet.walletId],
    );
  }
  return { requestId: body.requestId, results, wallet: await walletView(ctx, wallet) };
}

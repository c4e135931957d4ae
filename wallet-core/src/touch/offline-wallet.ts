/**
 * The offline side of a device's wallet: its coins (in a WalletStore), its
 * secure element, the trust anchors and revocation list from the last sync.
 * Payer and payee state machines call into it; the server sync reads its
 * outbox. Crash-safe ordering: a payment is written to the outbox before its
 * coins are marked spent, and a received payment before its coins are added.
 */
import type { DeviceCert, TrustAnchors } from '../certs/certs';
import { type Coin, coinId, extendCoin } from '../coins/coin';
import { type Issue, verifyIssueSignature } from '../coins/issue';
import {
  type OutboxItem,
  outboxItemId,
  type ReceivedPaymentItem,
  type SentPaymentItem,
} from '../coins/outbox';
import type { MerchantInfo, RestrictionPolicy } from '../coins/restriction';
import { selectCoins } from '../coins/selection';
import { spendHash } from '../coins/spend';
import type { StoredCoin, WalletStore } from '../coins/wallet-store';
import { randomId } from '../crypto/bytes';
import { nobleVerifier, type Verifier } from '../crypto/keys';
import { EcnyError } from '../errors/index';
import type { Fen } from '../money/fen';
import type { SecureElementLike } from '../secure-element/secure-element';
import { encodeBundle } from './bundle-codec';
import {
  bundleHash,
  type PaymentAck,
  type PaymentBundle,
  type PaymentReject,
  type PaymentRequest,
  payeeInfo,
  verifyPaymentAck,
  verifyPaymentRequest,
} from './messages';
import { verifyPaymentBundle } from './verify-bundle';

export const DEFAULT_REQUEST_TTL_MS = 120_000;

export interface OfflineWalletOptions {
  se: SecureElementLike;
  store: WalletStore;
  trust: TrustAnchors;
  verifier?: Verifier;
  /** Milliseconds since the epoch; defaults to Date.now. */
  clock?: () => number;
  policy?: RestrictionPolicy;
}

export interface OfflineBalances {
  /** Unspent unrestricted coins on the device. */
  offline: Fen;
  /** Unspent restricted (red-envelope) coins. */
  restricted: Fen;
  /** Part of offline + restricted received offline and not yet confirmed by the server. */
  unsynced: Fen;
  /** Paid offline and not yet acknowledged by the payee. */
  unconfirmedOut: Fen;
}

export interface SyncResult {
  time: number;
  /** Outbox items the server has recorded. */
  acknowledged?: string[];
  revokedDevices?: readonly string[];
  /** A renewed certificate for this device. */
  cert?: DeviceCert;
  /** Offline balance the server confirms for the device, if it reports one. */
  balance?: Fen;
}

export class OfflineWallet {
  readonly se: SecureElementLike;
  readonly store: WalletStore;
  readonly trust: TrustAnchors;
  readonly verifier: Verifier;
  readonly clock: () => number;
  readonly policy?: RestrictionPolicy;

  constructor(options: OfflineWalletOptions) {
    this.se = options.se;
    this.store = options.store;
    this.trust = options.trust;
    this.verifier = options.verifier ?? nobleVerifier;
    this.clock = options.clock ?? (() => Date.now());
    this.policy = options.policy;
  }

  get cert(): DeviceCert {
    return this.se.cert;
  }

  async revokedDevices(): Promise<Set<string>> {
    return new Set((await this.store.getMeta<string[]>('revokedDevices')) ?? []);
  }

  async #checkOptions() {
    return {
      trust: this.trust,
      verifier: this.verifier,
      now: this.clock(),
      revokedDevices: await this.revokedDevices(),
    };
  }

  /** Takes issuer-signed root coins owned by this device (after an online load). */
  async load(issues: readonly Issue[]): Promise<StoredCoin[]> {
    const now = this.clock();
    let total = 0;
    for (const issue of issues) {
      if (!verifyIssueSignature(issue, this.trust.issuerPublicKey, this.verifier)) {
        throw new EcnyError('ISSUE_BAD_SIGNATURE', `coin ${issue.coinId} is not signed by the issuer`);
      }
      if (issue.owner !== this.se.publicKey)
        throw new EcnyError('SE_NOT_OWNER', `coin ${issue.coinId} is not for this device`);
      total += issue.amount;
    }
    this.se.checkAdmit(total);
    const stored: StoredCoin[] = [];
    for (const issue of issues) {
      if (await this.store.getCoin(issue.coinId)) continue;
      stored.push(await this.store.putCoin({ issue, links: [] }, 'load', now));
    }
    this.se.admit(stored.reduce((s, c) => s + c.amount, 0));
    return stored;
  }

  async unspentCoins(): Promise<StoredCoin[]> {
    return this.store.listCoins('unspent');
  }

  async balances(): Promise<OfflineBalances> {
    const coins = await this.unspentCoins();
    const sum = (list: StoredCoin[]) => list.reduce((s, c) => s + c.amount, 0);
    const pendingOut = (await this.store.listOutbox()).filter(
      (i): i is SentPaymentItem => i.kind === 'payment-sent' && !i.ack,
    );
    return {
      offline: sum(coins.filter((c) => !c.coin.issue.restriction)),
      restricted: sum(coins.filter((c) => c.coin.issue.restriction)),
      unsynced: sum(coins.filter((c) => !c.synced)),
      unconfirmedOut: pendingOut.reduce((s, i) => s + i.request.amount, 0),
    };
  }

  /** Payee: a signed request for `amount` fen. */
  createRequest(input: {
    amount: Fen;
    merchant?: MerchantInfo;
    requestId?: string;
    ttlMs?: number;
  }): PaymentRequest {
    const now = this.clock();
    return this.se.signMessage('payment-request', {
      requestId: input.requestId ?? randomId('rq'),
      payee: this.se.cert,
      amount: input.amount,
      ...(input.merchant ? { merchant: input.merchant } : {}),
      createdAt: now,
      expiresAt: now + (input.ttlMs ?? DEFAULT_REQUEST_TTL_MS),
    });
  }

  /**
   * Payer: verifies the request, selects coins, has the secure element sign,
   * records, returns the bundle. `attack.reuseSpentCoins` (attack demos) lets
   * coin selection pick coins already spent, `attack.ignoreRestrictions`
   * restricted coins the payee may not take: an honest element refuses both.
   */
  async pay(
    request: PaymentRequest,
    attack: { reuseSpentCoins?: boolean; ignoreRestrictions?: boolean } = {},
  ): Promise<{ bundle: PaymentBundle; bytes: Uint8Array }> {
    const options = await this.#checkOptions();
    verifyPaymentRequest(request, options);
    if (request.payee.publicKey === this.se.publicKey)
      throw new EcnyError('PAY_SELF', 'a device cannot pay itself');
    const payee = payeeInfo(request);
    // An attack demo re-offers spent coins; only a tampered secure element will sign them again.
    const stored = attack.reuseSpentCoins ? await this.store.listCoins() : await this.unspentCoins();
    const parts = selectCoins(
      stored.map((c) => c.coin),
      request.amount,
      { now: options.now, payee, policy: attack.ignoreRestrictions ? () => null : this.policy },
    );
    const spends = this.se.signPayment({ requestId: request.requestId, payee, parts, time: options.now });
    const bundle: PaymentBundle = {
      requestId: request.requestId,
      payer: this.se.cert,
      spends: parts.map((p, i) => ({ coin: p.coin, spend: spends[i]! })),
    };
    const bytes = encodeBundle(bundle);
    const item: SentPaymentItem = {
      id: outboxItemId('payment-sent', request.requestId),
      kind: 'payment-sent',
      requestId: request.requestId,
      request,
      bundle,
      createdAt: options.now,
    };
    // Crash-safe order: the signed payment is in the outbox before its coins are marked spent.
    await this.store.putOutboxItem(item);
    await this.store.recordSeenSpends(
      bundle.spends.map(({ coin, spend }) => [coinId(coin), spendHash(spend)] as const),
    );
    await this.store.markSpent(
      parts.map((p) => coinId(p.coin)),
      request.requestId,
    );
    for (const { coin, spend } of bundle.spends) {
      if (spend.outputs.length < 2) continue;
      const input = stored.find((c) => c.coinId === coinId(coin));
      await this.store.putCoin(
        extendCoin(coin, spend, 1, this.se.cert),
        request.requestId,
        options.now,
        input?.synced,
      );
    }
    return { bundle, bytes };
  }

  /** Payer: records the payee's acknowledgement (after checking it). */
  async confirmAck(ack: PaymentAck): Promise<void> {
    const item = await this.store.getOutboxItem(outboxItemId('payment-sent', ack.requestId));
    if (item?.kind !== 'payment-sent')
      throw new EcnyError('ACK_INVALID', 'no payment for this acknowledgement');
    verifyPaymentAck(ack, item.request, item.bundle, this.verifier);
    await this.store.putOutboxItem({ ...item, ack });
  }

  /** Payer: records a refusal. The coins stay spent (their spends are signed) until sync settles them. */
  async recordReject(reject: PaymentReject): Promise<void> {
    const item = await this.store.getOutboxItem(outboxItemId('payment-sent', reject.requestId));
    if (item?.kind === 'payment-sent') await this.store.putOutboxItem({ ...item, reject });
  }

  /**
   * Payee: verifies a bundle against its own request, rejects coins it has
   * seen spent differently, records the payment and returns the signed ack.
   * Throws a coded EcnyError (the reason of the PaymentReject) otherwise.
   */
  async receive(request: PaymentRequest, bundle: PaymentBundle): Promise<{ ack: PaymentAck; coins: Coin[] }> {
    if (request.payee.publicKey !== this.se.publicKey) {
      throw new EcnyError('BUNDLE_WRONG_REQUEST', 'not a request of this device');
    }
    const itemId = outboxItemId('payment-received', request.requestId);
    if (await this.store.getOutboxItem(itemId)) {
      throw new EcnyError('PAYMENT_DUPLICATE', `payment ${request.requestId} was already received`);
    }
    const options = await this.#checkOptions();
    const verified = verifyPaymentBundle(bundle, request, { ...options, policy: this.policy });
    const seen: Array<readonly [string, string]> = [];
    for (const facts of verified.verified) {
      for (let j = 0; j < facts.inputCoinIds.length; j++) {
        const input = facts.inputCoinIds[j]!;
        const hash = facts.spendHashes[j]!;
        const known = await this.store.seenSpend(input);
        if (known !== undefined && known !== hash) {
          throw new EcnyError('DOUBLE_SPEND_DETECTED', `coin ${input} was already seen spent differently`, {
            coinId: input,
            link: j + 1,
          });
        }
        seen.push([input, hash]);
      }
      if (await this.store.getCoin(facts.coinId)) {
        throw new EcnyError('PAYMENT_DUPLICATE', `coin ${facts.coinId} was already received`);
      }
    }
    this.se.checkAdmit(verified.amount);
    const ack = this.se.signMessage('payment-ack', {
      requestId: request.requestId,
      bundleHash: bundleHash(bundle),
      payeeDeviceId: this.se.cert.deviceId,
      receivedAt: options.now,
    });
    const item: ReceivedPaymentItem = {
      id: itemId,
      kind: 'payment-received',
      requestId: request.requestId,
      request,
      bundle,
      ack,
      createdAt: options.now,
    };
    await this.store.putOutboxItem(item);
    await this.store.recordSeenSpends(seen);
    for (const coin of verified.coins) await this.store.putCoin(coin, request.requestId, options.now, false);
    this.se.admit(verified.amount);
    return { ack, coins: verified.coins };
  }

  /**
   * Completes payments interrupted by a crash: a sent payment in the outbox
   * whose coins are not yet marked spent gets them marked and its change stored.
   * Returns the request ids it completed. Call it when the wallet starts.
   */
  async recover(): Promise<string[]> {
    const completed: string[] = [];
    for (const item of await this.store.listOutbox()) {
      if (item.kind !== 'payment-sent') continue;
      const ids = item.bundle.spends.map(({ coin }) => coinId(coin));
      const coins = await Promise.all(ids.map((id) => this.store.getCoin(id)));
      if (coins.every((c) => !c || c.status === 'spent')) continue;
      await this.store.markSpent(ids, item.requestId);
      for (const { coin, spend } of item.bundle.spends) {
        if (spend.outputs.length < 2) continue;
        const change = extendCoin(coin, spend, 1, item.bundle.payer);
        if (!(await this.store.getCoin(coinId(change)))) {
          const input = coins.find((c) => c?.coinId === coinId(coin));
          await this.store.putCoin(change, item.requestId, item.createdAt, input?.synced);
        }
      }
      completed.push(item.requestId);
    }
    return completed;
  }

  async outbox(): Promise<OutboxItem[]> {
    return this.store.listOutbox();
  }

  /** Applies what the server answered at sync: acknowledged items, revocations, renewed cert, counters. */
  async applySync(result: SyncResult): Promise<void> {
    for (const id of result.acknowledged ?? []) {
      const item = await this.store.getOutboxItem(id);
      if (item?.kind === 'payment-received') {
        await this.store.markSynced(
          item.bundle.spends.map(({ coin, spend }) => coinId(extendCoin(coin, spend, 0, item.bundle.payer))),
        );
      }
    }
    await this.store.acknowledge(result.acknowledged ?? []);
    if (result.revokedDevices) await this.store.setMeta('revokedDevices', [...result.revokedDevices]);
    if (result.cert) this.se.installCert(result.cert);
    this.se.recordSync(result.time, result.balance);
  }
}

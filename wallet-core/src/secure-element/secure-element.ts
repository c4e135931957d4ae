/**
 * The simulated secure element of a device: it holds the device key (a
 * Signer) and a monotonic counter, tracks the offline value it holds and
 * the coins it has spent, and only signs spends that follow the rules: its
 * own coins, each at most once, within hop limit, expiry, coin restrictions
 * and the offline limits of its device certificate. It is the only way a
 * wallet gets a spend signed.
 */
import type { DeviceCert } from '../certs/certs';
import { type Coin, coinAmount, coinId, coinOwner, hopsLeft } from '../coins/coin';
import { defaultRestrictionPolicy, type PayeeInfo, type RestrictionPolicy } from '../coins/restriction';
import type { PaymentPart } from '../coins/selection';
import { SPEND_TYPE, type Spend, type SpendOutput, signSpend } from '../coins/spend';
import { encodeKey, type Signer } from '../crypto/keys';
import { type Signed, signObject } from '../crypto/signed';
import { EcnyError } from '../errors/index';
import type { Fen } from '../money/fen';
import { offlineBalanceBreach, offlinePaymentBreach } from './limits';

export interface SecureElementState {
  /** Last counter value used (0 before the first spend). */
  counter: number;
  /** Offline value the element holds (fen). */
  balance: Fen;
  paymentsSinceSync: number;
  lastSyncAt: number;
  /** Coin ids this element has signed a spend of. */
  spentCoins: string[];
}

export interface PaymentOrder {
  requestId: string;
  payee: PayeeInfo;
  parts: PaymentPart[];
  time: number;
  /**
   * An online deposit: a spend to the issuer, which turns the coins back into
   * online balance. It is not an offline hop or an offline payment, so the hop
   * limit, the expiry and the offline payment limits do not apply (a coin that
   * used its last hop or expired can still be deposited); the element still
   * refuses coins it does not own or has already spent.
   */
  deposit?: boolean;
}

/** Object types the element signs on request besides spends. */
export type SignableType = 'payment-request' | 'payment-ack' | 'registration' | 'request' | 'transfer';

/** What every secure element offers, honest or tampered. */
export interface SecureElementLike {
  readonly tampered: boolean;
  /** base64url device public key. */
  readonly publicKey: string;
  readonly cert: DeviceCert;
  state(): SecureElementState;
  /** Installs a renewed certificate for the same key (after sync). */
  installCert(cert: DeviceCert): void;
  /** Throws LIMIT_OFFLINE_BALANCE if taking `amount` more would exceed the cap. */
  checkAdmit(amount: Fen): void;
  /** Records `amount` fen of coins loaded or received. */
  admit(amount: Fen): void;
  /** Signs one spend per part: output 0 to the payee, output 1 the change back to this device. */
  signPayment(order: PaymentOrder): Spend[];
  signMessage<T extends object>(type: SignableType, body: T): Signed<T>;
  /** Records a completed sync: resets the counters and sets the balance the server confirmed. */
  recordSync(time: number, balance?: Fen): void;
}

export interface SecureElementOptions {
  signer: Signer;
  cert: DeviceCert;
  /** Provisioning time; counts as the last sync. */
  now: number;
  state?: Partial<SecureElementState>;
  policy?: RestrictionPolicy;
}

export class SecureElement implements SecureElementLike {
  readonly tampered: boolean = false;
  readonly publicKey: string;
  protected readonly signer: Signer;
  protected readonly policy: RestrictionPolicy;
  protected current: DeviceCert;
  protected counter: number;
  protected balance: Fen;
  protected paymentsSinceSync: number;
  protected lastSyncAt: number;
  protected readonly spent: Set<string>;

  constructor(options: SecureElementOptions) {
    this.signer = options.signer;
    this.publicKey = encodeKey(options.signer.publicKey);
    if (options.cert.publicKey !== this.publicKey) {
      throw new EcnyError('SE_CERT_MISMATCH', 'the certificate is not for this secure element key');
    }
    this.current = options.cert;
    this.policy = options.policy ?? defaultRestrictionPolicy;
    this.counter = options.state?.counter ?? 0;
    this.balance = options.state?.balance ?? 0;
    this.paymentsSinceSync = options.state?.paymentsSinceSync ?? 0;
    this.lastSyncAt = options.state?.lastSyncAt ?? options.now;
    this.spent = new Set(options.state?.spentCoins ?? []);
  }

  get cert(): DeviceCert {
    return this.current;
  }

  state(): SecureElementState {
    return {
      counter: this.counter,
      balance: this.balance,
      paymentsSinceSync: this.paymentsSinceSync,
      lastSyncAt: this.lastSyncAt,
      spentCoins: [...this.spent],
    };
  }

  installCert(cert: DeviceCert): void {
    if (cert.publicKey !== this.publicKey) {
      throw new EcnyError('SE_CERT_MISMATCH', 'the certificate is not for this secure element key');
    }
    this.current = cert;
  }

  checkAdmit(amount: Fen): void {
    const breach = offlineBalanceBreach(this.current.offline, this.balance + amount);
    if (breach) throw new EcnyError(breach.code, breach.message);
  }

  admit(amount: Fen): void {
    this.checkAdmit(amount);
    this.balance += amount;
  }

  /** Refuses a second spend of a coin; the tampered element skips this. */
  protected checkNotSpent(id: string): void {
    if (this.spent.has(id))
      throw new EcnyError('SE_ALREADY_SPENT', `coin ${id} was already spent by this device`);
  }

  /** Offline limit checks; a tampered element may skip them. */
  protected checkLimits(amount: Fen, time: number): void {
    const breach = offlinePaymentBreach(
      this.current.offline,
      amount,
      { paymentsSinceSync: this.paymentsSinceSync, lastSyncAt: this.lastSyncAt },
      time,
    );
    if (breach) throw new EcnyError(breach.code, breach.message);
  }

  /**
   * Refuses (COIN_RESTRICTED) a restricted coin for a payee its policy does
   * not allow; a tampered element may skip it (reconciliation catches that).
   */
  protected checkRestriction(coin: Coin, payee: PayeeInfo): void {
    const refusal = coin.issue.restriction ? this.policy(coin.issue.restriction, payee) : null;
    if (refusal) throw new EcnyError('COIN_RESTRICTED', refusal);
  }

  signPayment(order: PaymentOrder): Spend[] {
    if (order.parts.length === 0) throw new EcnyError('SE_BAD_PAYMENT', 'a payment spends at least one coin');
    const seen = new Set<string>();
    let amount = 0;
    for (const { coin, pay } of order.parts) {
      const id = coinId(coin);
      if (seen.has(id)) throw new EcnyError('SE_BAD_PAYMENT', `coin ${id} appears twice in one payment`);
      seen.add(id);
      if (coinOwner(coin) !== this.publicKey)
        throw new EcnyError('SE_NOT_OWNER', `coin ${id} is not this device's`);
      if (!Number.isSafeInteger(pay) || pay <= 0 || pay > coinAmount(coin)) {
        throw new EcnyError('SE_BAD_PAYMENT', `cannot pay ${pay} fen from a coin of ${coinAmount(coin)}`);
      }
      this.checkNotSpent(id);
      amount += pay;
      if (order.deposit) continue;
      if (hopsLeft(coin) < 1)
        throw new EcnyError('COIN_HOP_LIMIT', `coin ${id} has no hops left; deposit it online`);
      if (order.time > coin.issue.expiresAt) throw new EcnyError('COIN_EXPIRED', `coin ${id} has expired`);
      this.checkRestriction(coin, order.payee);
    }
    if (!order.deposit) this.checkLimits(amount, order.time);

    const spends = order.parts.map(({ coin, pay }) => {
      const outputs: SpendOutput[] = [{ owner: order.payee.publicKey, amount: pay }];
      const change = coinAmount(coin) - pay;
      if (change > 0) outputs.push({ owner: this.publicKey, amount: change });
      this.counter += 1;
      this.spent.add(coinId(coin));
      return signSpend(
        {
          inputCoinId: coinId(coin),
          outputs,
          requestId: order.requestId,
          counter: this.counter,
          time: order.time,
        },
        this.signer,
      );
    });
    this.balance = Math.max(0, this.balance - amount);
    if (!order.deposit) this.paymentsSinceSync += 1;
    return spends;
  }

  signMessage<T extends object>(type: SignableType, body: T): Signed<T> {
    if ((type as string) === SPEND_TYPE)
      throw new EcnyError('SE_REFUSED', 'spends are signed through signPayment');
    return signObject(type, body, this.signer);
  }

  recordSync(time: number, balance?: Fen): void {
    this.lastSyncAt = time;
    this.paymentsSinceSync = 0;
    if (balance !== undefined) this.balance = balance;
  }
}

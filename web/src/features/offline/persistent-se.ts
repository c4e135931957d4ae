/**
 * The phone's secure element, kept across reloads: an honest SecureElement
 * (or, after "tamper this device", a TamperedSecureElement with the same key
 * and state) whose certificate, state and tamper flag are written to the
 * phone's IndexedDB after every change. The write is started synchronously
 * after the change, before the wallet's next store write, and IndexedDB
 * commits read-write transactions of one store in the order they were
 * created: the element's state is never behind the coins and outbox it
 * signed for.
 */
import {
  type DeviceCert,
  type Fen,
  type PaymentOrder,
  SecureElement,
  type SecureElementLike,
  type SecureElementState,
  type SignableType,
  type Signed,
  type Signer,
  type Spend,
  TamperedSecureElement,
} from '@ecny-sim/wallet-core';

export interface SecureElementRecord {
  cert: DeviceCert;
  state: SecureElementState;
  tampered: boolean;
  savedAt: number;
}

export class PersistentSecureElement implements SecureElementLike {
  #inner: SecureElement;
  readonly #signer: Signer;
  readonly #save: (record: SecureElementRecord) => void;

  constructor(options: {
    signer: Signer;
    cert: DeviceCert;
    state?: SecureElementState;
    tampered?: boolean;
    now: number;
    save: (record: SecureElementRecord) => void;
  }) {
    this.#signer = options.signer;
    this.#save = options.save;
    this.#inner = PersistentSecureElement.#make(
      options.signer,
      options.cert,
      options.state,
      options.tampered ?? false,
      options.now,
    );
  }

  static #make(
    signer: Signer,
    cert: DeviceCert,
    state: SecureElementState | undefined,
    tampered: boolean,
    now: number,
  ): SecureElement {
    const options = { signer, cert, now, ...(state ? { state } : {}) };
    return tampered ? new TamperedSecureElement(options) : new SecureElement(options);
  }

  get tampered(): boolean {
    return this.#inner.tampered;
  }

  get publicKey(): string {
    return this.#inner.publicKey;
  }

  get cert(): DeviceCert {
    return this.#inner.cert;
  }

  state(): SecureElementState {
    return this.#inner.state();
  }

  /** Writes the current certificate, state and tamper flag. */
  persist(): void {
    this.#save({ cert: this.cert, state: this.state(), tampered: this.tampered, savedAt: Date.now() });
  }

  /** Attack demos: swaps in a TamperedSecureElement with the same key and state (or back to an honest one). */
  setTampered(on: boolean, now: number): void {
    if (on === this.tampered) return;
    this.#inner = PersistentSecureElement.#make(this.#signer, this.cert, this.state(), on, now);
    this.persist();
  }

  /**
   * Takes back the spends of a deposit the issuer definitely refused (a 4xx answer: it recorded
   * nothing, and the signed body is dropped): the coins count as unspent and their amount as held
   * again. The counter stays where it is, so a later spend of these coins gets a new one.
   */
  releaseRefusedDeposit(coinIds: readonly string[], amount: Fen): void {
    const state = this.state();
    const released = new Set(coinIds);
    const next: SecureElementState = {
      ...state,
      balance: state.balance + amount,
      spentCoins: state.spentCoins.filter((id) => !released.has(id)),
    };
    this.#inner = PersistentSecureElement.#make(this.#signer, this.cert, next, this.tampered, Date.now());
    this.persist();
  }

  installCert(cert: DeviceCert): void {
    this.#inner.installCert(cert);
    this.persist();
  }

  checkAdmit(amount: Fen): void {
    this.#inner.checkAdmit(amount);
  }

  admit(amount: Fen): void {
    this.#inner.admit(amount);
    this.persist();
  }

  signPayment(order: PaymentOrder): Spend[] {
    const spends = this.#inner.signPayment(order);
    this.persist();
    return spends;
  }

  signMessage<T extends object>(type: SignableType, body: T): Signed<T> {
    return this.#inner.signMessage(type, body);
  }

  recordSync(time: number, balance?: Fen): void {
    this.#inner.recordSync(time, balance);
    this.persist();
  }
}

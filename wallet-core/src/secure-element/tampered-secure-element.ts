/**
 * A tampered secure element, for attack simulations only: it can be cloned
 * (the clone has the same key, counter and memory) and it signs a second
 * spend of a coin it already spent. Optionally it also ignores the offline
 * limits and coin restrictions (red-envelope coins paid to a payee the
 * restriction does not allow). Everything it signs is cryptographically
 * valid; only the payee's checks and the server's reconciliation catch it.
 */
import type { Coin } from '../coins/coin';
import type { PayeeInfo } from '../coins/restriction';
import type { Fen } from '../money/fen';
import { SecureElement, type SecureElementOptions } from './secure-element';

export interface TamperedSecureElementOptions extends SecureElementOptions {
  /** Also skip the offline limit checks (default false: only double spends). */
  ignoreLimits?: boolean;
  /** Also sign restricted coins to payees their restriction refuses (default false). */
  ignoreRestrictions?: boolean;
}

export class TamperedSecureElement extends SecureElement {
  override readonly tampered: boolean = true;
  readonly ignoreLimits: boolean;
  readonly ignoreRestrictions: boolean;
  readonly #options: TamperedSecureElementOptions;

  constructor(options: TamperedSecureElementOptions) {
    super(options);
    this.#options = options;
    this.ignoreLimits = options.ignoreLimits ?? false;
    this.ignoreRestrictions = options.ignoreRestrictions ?? false;
  }

  protected override checkNotSpent(_id: string): void {}

  protected override checkLimits(amount: Fen, time: number): void {
    if (!this.ignoreLimits) super.checkLimits(amount, time);
  }

  protected override checkRestriction(coin: Coin, payee: PayeeInfo): void {
    if (!this.ignoreRestrictions) super.checkRestriction(coin, payee);
  }

  /** A copy with the same key, certificate and state: both copies can spend the same coins. */
  clone(): TamperedSecureElement {
    return new TamperedSecureElement({ ...this.#options, cert: this.cert, state: this.state() });
  }
}

/**
 * A tampered secure element, for attack simulations only: it can be cloned
 * (the clone has the same key, counter and memory) and it signs a second
 * spend of a coin it already spent. Optionally it also ignores the offline
 * limits. Everything it signs is cryptographically valid; only the server's
 * reconciliation catches it.
 */
import type { Fen } from '../money/fen';
import { SecureElement, type SecureElementOptions } from './secure-element';

export interface TamperedSecureElementOptions extends SecureElementOptions {
  /** Also skip the offline limit checks (default false: only double spends). */
  ignoreLimits?: boolean;
}

export class TamperedSecureElement extends SecureElement {
  override readonly tampered: boolean = true;
  readonly ignoreLimits: boolean;
  readonly #options: TamperedSecureElementOptions;

  constructor(options: TamperedSecureElementOptions) {
    super(options);
    this.#options = options;
    this.ignoreLimits = options.ignoreLimits ?? false;
  }

  protected override checkNotSpent(_id: string): void {}

  protected override checkLimits(amount: Fen, time: number): void {
    if (!this.ignoreLimits) super.checkLimits(amount, time);
  }

  /** A copy with the same key, certificate and state: both copies can spend the same coins. */
  clone(): TamperedSecureElement {
    return new TamperedSecureElement({ ...this.#options, cert: this.cert, state: this.state() });
  }
}

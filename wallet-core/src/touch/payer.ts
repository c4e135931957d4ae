/**
 * Payer side of a touch, as a small state machine:
 *   awaiting-request --request ok, confirmed--> awaiting-ack --ack--> completed
 *                    --declined / invalid----> declined | failed (a reject is sent back)
 *   awaiting-ack     --reject--> rejected
 */
import { EcnyError, isEcnyError } from '../errors/index';
import type { PaymentAck, PaymentBundle, PaymentReject, PaymentRequest } from './messages';
import type { OfflineWallet } from './offline-wallet';
import type { TouchMessage, Transport } from './transport';

export type PayerState =
  | 'awaiting-request'
  | 'awaiting-ack'
  | 'completed'
  | 'rejected'
  | 'declined'
  | 'failed';

export interface PayerOptions {
  /** Asks the user to confirm the request (amount, payee); defaults to yes. */
  confirm?: (request: PaymentRequest) => boolean | Promise<boolean>;
  /** Attack demos: let a tampered element spend coins again. */
  reuseSpentCoins?: boolean;
  /** Attack demos: offer restricted coins to a payee their restriction refuses (only a tampered element signs). */
  ignoreRestrictions?: boolean;
}

export class PayerSession {
  state: PayerState = 'awaiting-request';
  request?: PaymentRequest;
  bundle?: PaymentBundle;
  bundleBytes?: Uint8Array;
  ack?: PaymentAck;
  reject?: PaymentReject;
  error?: EcnyError;

  constructor(
    readonly wallet: OfflineWallet,
    readonly options: PayerOptions = {},
  ) {}

  get done(): boolean {
    return this.state !== 'awaiting-request' && this.state !== 'awaiting-ack';
  }

  /** Handles one incoming message; returns the reply to send, if any. */
  async handle(message: TouchMessage): Promise<TouchMessage | null> {
    if (this.state === 'awaiting-request' && message.type === 'payment-request') {
      return this.#onRequest(message.request);
    }
    if (this.state === 'awaiting-ack' && message.type === 'payment-ack') {
      try {
        await this.wallet.confirmAck(message.ack);
        this.ack = message.ack;
        this.state = 'completed';
      } catch (e) {
        this.#fail(e);
      }
      return null;
    }
    if (this.state === 'awaiting-ack' && message.type === 'payment-reject') {
      this.reject = message.reject;
      await this.wallet.recordReject(message.reject);
      this.state = 'rejected';
      return null;
    }
    this.#fail(new EcnyError('TOUCH_UNEXPECTED', `unexpected ${message.type} while ${this.state}`));
    return null;
  }

  async #onRequest(request: PaymentRequest): Promise<TouchMessage> {
    this.request = request;
    const confirmed = await (this.options.confirm?.(request) ?? true);
    if (!confirmed) {
      this.state = 'declined';
      return this.#rejectMessage(request.requestId, 'PAYER_DECLINED', 'the payer declined');
    }
    try {
      const { bundle, bytes } = await this.wallet.pay(request, {
        reuseSpentCoins: this.options.reuseSpentCoins,
        ignoreRestrictions: this.options.ignoreRestrictions,
      });
      this.bundle = bundle;
      this.bundleBytes = bytes;
      this.state = 'awaiting-ack';
      return { type: 'payment-bundle', bundle: bytes };
    } catch (e) {
      // The payer keeps the whole error; the payee is told the code and a plain reason, never the
      // payer's figures (what its coins cover, say).
      const err = this.#fail(e);
      return this.#rejectMessage(request.requestId, err.code, reasonForPayee(err.code));
    }
  }

  #rejectMessage(requestId: string, code: string, message: string): TouchMessage {
    return { type: 'payment-reject', reject: { requestId, code, message } };
  }

  #fail(e: unknown): EcnyError {
    const err = isEcnyError(e) ? e : new EcnyError('TOUCH_FAILED', String(e));
    this.error = err;
    this.state = 'failed';
    return err;
  }
}

/** Runs the payer side over a transport until the exchange ends. */
export async function runPayer(
  session: PayerSession,
  transport: Transport,
  timeoutMs?: number,
): Promise<PayerSession> {
  while (!session.done) {
    let message: TouchMessage;
    try {
      message = await transport.receive(timeoutMs);
    } catch (e) {
      session.state = 'failed';
      session.error = isEcnyError(e) ? e : new EcnyError('TOUCH_FAILED', String(e));
      break;
    }
    const reply = await session.handle(message);
    if (reply) transport.send(reply);
  }
  return session;
}

/** What a payee is told of a payer's failure: a reason without the payer's own figures. */
function reasonForPayee(code: string): string {
  return code === 'INSUFFICIENT_OFFLINE_FUNDS'
    ? "the payer's offline coins do not cover this amount"
    : 'the payer could not make this payment';
}

/**
 * Payee side of a touch, as a small state machine:
 *   idle --start()--> awaiting-bundle --bundle verified--> completed (ack sent)
 *                                     --bundle refused---> rejected  (reject sent)
 *                                     --payer reject-----> cancelled
 */

import type { Coin } from '../coins/coin';
import type { MerchantInfo } from '../coins/restriction';
import { EcnyError, isEcnyError } from '../errors/index';
import type { Fen } from '../money/fen';
import { decodeBundle } from './bundle-codec';
import type { PaymentAck, PaymentBundle, PaymentReject, PaymentRequest } from './messages';
import type { OfflineWallet } from './offline-wallet';
import type { TouchMessage, Transport } from './transport';

export type PayeeState = 'idle' | 'awaiting-bundle' | 'completed' | 'rejected' | 'cancelled' | 'failed';

export interface PayeeOptions {
  amount: Fen;
  merchant?: MerchantInfo;
  requestId?: string;
  ttlMs?: number;
}

export class PayeeSession {
  state: PayeeState = 'idle';
  request?: PaymentRequest;
  bundle?: PaymentBundle;
  ack?: PaymentAck;
  coins?: Coin[];
  /** The reject this payee sent, or the payer's reject. */
  reject?: PaymentReject;
  error?: EcnyError;

  constructor(
    readonly wallet: OfflineWallet,
    readonly options: PayeeOptions,
  ) {}

  get done(): boolean {
    return this.state !== 'idle' && this.state !== 'awaiting-bundle';
  }

  /** Creates and returns the signed request to send to the payer. */
  start(): TouchMessage {
    if (this.state !== 'idle') throw new EcnyError('TOUCH_UNEXPECTED', 'the payee session already started');
    this.request = this.wallet.createRequest(this.options);
    this.state = 'awaiting-bundle';
    return { type: 'payment-request', request: this.request };
  }

  async handle(message: TouchMessage): Promise<TouchMessage | null> {
    const request = this.request;
    if (this.state !== 'awaiting-bundle' || !request) {
      this.error = new EcnyError('TOUCH_UNEXPECTED', `unexpected ${message.type} while ${this.state}`);
      this.state = 'failed';
      return null;
    }
    if (message.type === 'payment-reject') {
      this.reject = message.reject;
      this.state = 'cancelled';
      return null;
    }
    if (message.type !== 'payment-bundle') {
      this.error = new EcnyError('TOUCH_UNEXPECTED', `unexpected ${message.type} while awaiting the bundle`);
      this.state = 'failed';
      return null;
    }
    try {
      const bundle = decodeBundle(message.bundle);
      this.bundle = bundle;
      const { ack, coins } = await this.wallet.receive(request, bundle);
      this.ack = ack;
      this.coins = coins;
      this.state = 'completed';
      return { type: 'payment-ack', ack };
    } catch (e) {
      const err = isEcnyError(e) ? e : new EcnyError('TOUCH_FAILED', String(e));
      this.error = err;
      this.reject = { requestId: request.requestId, code: err.code, message: err.message };
      this.state = 'rejected';
      return { type: 'payment-reject', reject: this.reject };
    }
  }
}

/** Runs the payee side over a transport: sends the request, answers the bundle. */
export async function runPayee(
  session: PayeeSession,
  transport: Transport,
  timeoutMs?: number,
): Promise<PayeeSession> {
  transport.send(session.start());
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

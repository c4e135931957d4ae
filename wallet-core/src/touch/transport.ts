/**
 * The link between two phones during a touch. A Transport moves TouchMessages
 * (structured-clonable plain data; bundles travel in their binary form) in
 * order; `receive` waits for the next one. The in-memory pair serves phones on
 * one page and tests.
 */
import { EcnyError } from '../errors/index';
import type { PaymentAck, PaymentReject, PaymentRequest } from './messages';

export type TouchMessage =
  | { type: 'payment-request'; request: PaymentRequest }
  | { type: 'payment-bundle'; bundle: Uint8Array }
  | { type: 'payment-ack'; ack: PaymentAck }
  | { type: 'payment-reject'; reject: PaymentReject };

export interface Transport {
  send(message: TouchMessage): void;
  /** The next message; rejects with TOUCH_TIMEOUT after `timeoutMs` or TOUCH_CLOSED once closed. */
  receive(timeoutMs?: number): Promise<TouchMessage>;
  close(): void;
}

export const DEFAULT_TOUCH_TIMEOUT_MS = 10_000;

/** Queue of incoming messages with waiting receivers; the building block of transports. */
export class MessageInbox {
  readonly #queue: TouchMessage[] = [];
  readonly #waiting: Array<{ resolve: (m: TouchMessage) => void; reject: (e: Error) => void }> = [];
  #closed = false;

  push(message: TouchMessage): void {
    if (this.#closed) return;
    const waiter = this.#waiting.shift();
    if (waiter) waiter.resolve(message);
    else this.#queue.push(message);
  }

  next(timeoutMs = DEFAULT_TOUCH_TIMEOUT_MS): Promise<TouchMessage> {
    const queued = this.#queue.shift();
    if (queued) return Promise.resolve(queued);
    if (this.#closed) return Promise.reject(new EcnyError('TOUCH_CLOSED', 'the touch link is closed'));
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve: (m: TouchMessage) => {
          clearTimeout(timer);
          resolve(m);
        },
        reject: (e: Error) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      const timer = setTimeout(() => {
        const i = this.#waiting.indexOf(waiter);
        if (i >= 0) this.#waiting.splice(i, 1);
        reject(new EcnyError('TOUCH_TIMEOUT', `no message within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiting.push(waiter);
    });
  }

  close(): void {
    this.#closed = true;
    for (const w of this.#waiting.splice(0))
      w.reject(new EcnyError('TOUCH_CLOSED', 'the touch link is closed'));
  }
}

class MemoryTransport implements Transport {
  readonly inbox = new MessageInbox();
  peer: MemoryTransport | null = null;

  send(message: TouchMessage): void {
    if (!this.peer) throw new EcnyError('TOUCH_CLOSED', 'the touch link is closed');
    const copy = structuredClone(message);
    const peer = this.peer;
    queueMicrotask(() => peer.inbox.push(copy));
  }

  receive(timeoutMs?: number): Promise<TouchMessage> {
    return this.inbox.next(timeoutMs);
  }

  close(): void {
    const peer = this.peer;
    this.peer = null;
    this.inbox.close();
    if (peer) peer.close();
  }
}

/** Two connected in-memory transports (messages are structured-cloned, as on a real link). */
export function createMemoryTransportPair(): [Transport, Transport] {
  const a = new MemoryTransport();
  const b = new MemoryTransport();
  a.peer = b;
  b.peer = a;
  return [a, b];
}

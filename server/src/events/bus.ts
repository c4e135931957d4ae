/**
 * Live events (payments received, ledger activity, later fraud and campaign
 * progress). Publishers name the wallets an event concerns; subscribers get
 * public events and those of the wallet they follow.
 */
import { EventEmitter } from 'node:events';

export interface LiveEvent {
  type: string;
  /** Wallets this event concerns; absent = a public event. */
  walletIds?: string[];
  data: Record<string, unknown>;
  at: number;
  id: number;
}

export class EventBus {
  readonly #emitter = new EventEmitter();
  #nextId = 1;

  constructor() {
    this.#emitter.setMaxListeners(0);
  }

  /** Whether anyone listens: publishers with costly payloads may skip building them. */
  get listened(): boolean {
    return this.#emitter.listenerCount('event') > 0;
  }

  publish(type: string, data: Record<string, unknown>, walletIds?: string[]): void {
    const event: LiveEvent = {
      type,
      data,
      at: Date.now(),
      id: this.#nextId++,
      ...(walletIds ? { walletIds } : {}),
    };
    this.#emitter.emit('event', event);
  }

  subscribe(listener: (event: LiveEvent) => void): () => void {
    this.#emitter.on('event', listener);
    return () => this.#emitter.off('event', listener);
  }
}

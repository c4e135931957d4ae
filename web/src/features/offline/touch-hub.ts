/**
 * Touches between phones. On one page (the demo page) the TouchHub connects
 * two phones' offline wallets with an in-memory transport pair; between
 * browser tabs, a lobby BroadcastChannel finds the other tab and the touch
 * itself runs over a BroadcastChannelTransport of its own. TouchTiming
 * measures from the payer's confirm to both screens showing the result.
 */
import {
  BroadcastChannelTransport,
  createMemoryTransportPair,
  EcnyError,
  randomId,
  type Transport,
} from '@ecny-sim/wallet-core';
import { createContext } from 'react';

export type TouchPeer = { kind: 'phone'; phone: number } | { kind: 'tab'; phone: number };

/** Measures confirm -> every party's screen updated; tells listeners the elapsed milliseconds. */
export class TouchTiming {
  start: number | null = null;
  elapsed: number | null = null;
  readonly #marked = new Set<number>();
  readonly #listeners = new Set<(ms: number) => void>();

  constructor(readonly parties: readonly number[]) {}

  confirmed(): void {
    this.start = performance.now();
  }

  /** A party's screen shows the result (call after the render that shows it). */
  mark(phone: number): void {
    if (this.start === null || this.elapsed !== null) return;
    this.#marked.add(phone);
    if (this.parties.every((p) => this.#marked.has(p))) {
      this.elapsed = performance.now() - this.start;
      for (const listener of this.#listeners) listener(this.elapsed);
    }
  }

  onDone(listener: (ms: number) => void): () => void {
    if (this.elapsed !== null) listener(this.elapsed);
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/** What a phone offers the hub while its offline wallet is ready. */
export interface TouchEndpoint {
  /** Another phone on the page asks this one to pay over `link`. */
  incoming(link: Transport, peer: TouchPeer, timing: TouchTiming): void;
  /** Dropped onto / dragged by another phone: this phone is the payer or the payee of the next touch. */
  paired(role: 'payer' | 'payee', peer: TouchPeer): void;
}

export class TouchHub {
  readonly #endpoints = new Map<number, TouchEndpoint>();
  readonly #listeners = new Set<() => void>();
  #snapshot: number[] = [];

  register(phone: number, endpoint: TouchEndpoint): () => void {
    this.#endpoints.set(phone, endpoint);
    this.#changed();
    return () => {
      if (this.#endpoints.get(phone) === endpoint) {
        this.#endpoints.delete(phone);
        this.#changed();
      }
    };
  }

  /** Phones ready to touch, sorted (a stable snapshot for useSyncExternalStore). */
  phones = (): number[] => this.#snapshot;

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  #changed(): void {
    this.#snapshot = [...this.#endpoints.keys()].sort((a, b) => a - b);
    for (const listener of this.#listeners) listener();
  }

  /** Payee `payee` asks payer `payer`: returns the payee's end of a fresh in-memory link. */
  connect(payee: number, payer: number): { link: Transport; timing: TouchTiming } {
    const endpoint = this.#endpoints.get(payer);
    if (!endpoint || payer === payee)
      throw new EcnyError('TOUCH_UNAVAILABLE', `phone ${payer} cannot be touched now`);
    const [payerLink, payeeLink] = createMemoryTransportPair();
    const timing = new TouchTiming([payer, payee]);
    endpoint.incoming(payerLink, { kind: 'phone', phone: payee }, timing);
    return { link: payeeLink, timing };
  }

  /** Drag and drop: `payer` was dropped onto `payee`. */
  pair(payer: number, payee: number): boolean {
    const a = this.#endpoints.get(payer);
    const b = this.#endpoints.get(payee);
    if (!a || !b || payer === payee) return false;
    a.paired('payer', { kind: 'phone', phone: payee });
    b.paired('payee', { kind: 'phone', phone: payer });
    return true;
  }
}

/** Present on the demo page (phones side by side); absent on a phone shown alone. */
export const TouchHubContext = createContext<TouchHub | null>(null);

// ---------------------------------------------------------------- between tabs

export const TAB_LOBBY = 'ecny-touch-lobby';

type LobbyMessage =
  | { type: 'invite'; sessionId: string; from: string; phone: number; amount: number }
  | { type: 'accept'; sessionId: string; from: string; phone: number };

/** Identifies this tab in lobby messages. */
export const TAB_ID = randomId('tab');

export function broadcastAvailable(): boolean {
  return typeof globalThis.BroadcastChannel === 'function';
}

function channelName(sessionId: string): string {
  return `ecny-touch/${sessionId}`;
}

/**
 * Payee side: invites the other tabs and resolves with the touch link once a
 * tab accepted (so the payment request is not sent before anyone listens).
 */
export function inviteTab(
  phone: number,
  amount: number,
  timeoutMs: number,
): Promise<{ link: Transport; peer: TouchPeer }> {
  const sessionId = randomId('tt');
  const link = new BroadcastChannelTransport(channelName(sessionId), `payee:${TAB_ID}`);
  const lobby = new BroadcastChannel(TAB_LOBBY);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      lobby.close();
      link.close();
      reject(new EcnyError('TOUCH_TIMEOUT', 'no other tab answered; open another phone in a second tab'));
    }, timeoutMs);
    lobby.onmessage = (event: MessageEvent<LobbyMessage>) => {
      const m = event.data;
      if (m?.type !== 'accept' || m.sessionId !== sessionId || m.from === TAB_ID) return;
      clearTimeout(timer);
      lobby.close();
      resolve({ link, peer: { kind: 'tab', phone: m.phone } });
    };
    lobby.postMessage({ type: 'invite', sessionId, from: TAB_ID, phone, amount } satisfies LobbyMessage);
  });
}

/**
 * Payer side: listens for invitations from other tabs. `onInvite` gets the
 * link (already open, so nothing sent after the accept is lost).
 */
export function listenForTabs(
  phone: number,
  onInvite: (link: Transport, peer: TouchPeer) => void,
): () => void {
  if (!broadcastAvailable()) return () => {};
  const lobby = new BroadcastChannel(TAB_LOBBY);
  lobby.onmessage = (event: MessageEvent<LobbyMessage>) => {
    const m = event.data;
    if (m?.type !== 'invite' || m.from === TAB_ID || m.phone === phone) return;
    const link = new BroadcastChannelTransport(channelName(m.sessionId), `payer:${TAB_ID}`);
    onInvite(link, { kind: 'tab', phone: m.phone });
    lobby.postMessage({ type: 'accept', sessionId: m.sessionId, from: TAB_ID, phone } satisfies LobbyMessage);
  };
  return () => lobby.close();
}

/** Whether this page shows one phone alone (`/phone/<n>`): such a page answers touches from other tabs. */
export function isStandalonePhonePage(): boolean {
  return /^\/phone\/\d{1,2}\/?$/.test(window.location.pathname);
}

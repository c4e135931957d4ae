/**
 * Tickets for a wallet's own event stream. A browser's EventSource cannot
 * sign its request, so a device asks for a ticket with a signed call and
 * opens the stream with it in the query. A ticket is a random token, bound
 * to one wallet and its device, that opens streams (and their reconnects)
 * until it expires; it is kept in memory only, so a restarted server asks
 * its wallets for new ones.
 */
import { randomBytes } from 'node:crypto';

/** How long a ticket opens streams: long enough for EventSource's reconnects after a hiccup. */
export const STREAM_TICKET_TTL_MS = 10 * 60_000;
const MAX_TICKETS = 100_000;

interface Ticket {
  walletId: string;
  deviceId: string;
  expiresAt: number;
}

export class StreamTickets {
  readonly #tickets = new Map<string, Ticket>();

  issue(walletId: string, deviceId: string, now: number): { ticket: string; expiresAt: number } {
    this.#prune(now);
    const ticket = randomBytes(32).toString('base64url');
    const expiresAt = now + STREAM_TICKET_TTL_MS;
    this.#tickets.set(ticket, { walletId, deviceId, expiresAt });
    return { ticket, expiresAt };
  }

  /** The device a live ticket for this wallet was issued to, or null. */
  deviceFor(ticket: string, walletId: string, now: number): string | null {
    const t = this.#tickets.get(ticket);
    if (!t || t.walletId !== walletId) return null;
    if (t.expiresAt <= now) {
      this.#tickets.delete(ticket);
      return null;
    }
    return t.deviceId;
  }

  /** Drops expired tickets; at the cap, the oldest go first (a Map keeps insertion order). */
  #prune(now: number): void {
    for (const [key, t] of this.#tickets) {
      if (t.expiresAt > now && this.#tickets.size < MAX_TICKETS) break;
      this.#tickets.delete(key);
    }
  }
}

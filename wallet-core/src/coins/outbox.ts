/**
 * Outbox items: everything a device signed or received offline, kept until
 * the server acknowledges it at sync. They are the sync upload items: the
 * server walks the paths of every bundle against its spent set. Item ids are
 * deterministic (kind + requestId), so re-uploads are idempotent.
 */
import type { PaymentAck, PaymentBundle, PaymentReject, PaymentRequest } from '../touch/messages';

export type OutboxKind = 'payment-sent' | 'payment-received';

export interface SentPaymentItem {
  id: string;
  kind: 'payment-sent';
  requestId: string;
  request: PaymentRequest;
  bundle: PaymentBundle;
  /** Set once the payee acknowledged; absent while unconfirmed. */
  ack?: PaymentAck;
  reject?: PaymentReject;
  createdAt: number;
}

export interface ReceivedPaymentItem {
  id: string;
  kind: 'payment-received';
  requestId: string;
  request: PaymentRequest;
  bundle: PaymentBundle;
  ack: PaymentAck;
  createdAt: number;
}

export type OutboxItem = SentPaymentItem | ReceivedPaymentItem;

export function outboxItemId(kind: OutboxKind, requestId: string): string {
  return `${kind === 'payment-sent' ? 'sent' : 'recv'}:${requestId}`;
}

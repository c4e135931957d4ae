/** The live list of ledger activity (payments, issuance), newest first, capped to the last few. */
import { useCallback, useRef, useState } from 'react';
import { Money } from '../../components/Money';
import { type MessageKey, useI18n } from '../../lib/i18n';

const MAX_ITEMS = 20;

export interface ActivityItem {
  id: number;
  kind: string;
  amount: number | null;
  ledgerSeq: number | null;
  at: number;
}

export function useActivityFeed(): { items: ActivityItem[]; add(data: unknown): void } {
  const [items, setItems] = useState<ActivityItem[]>([]);
  const nextId = useRef(0);
  const add = useCallback((data: unknown) => {
    const d = (data ?? {}) as Record<string, unknown>;
    const item: ActivityItem = {
      id: ++nextId.current,
      kind: typeof d.kind === 'string' ? d.kind : 'activity',
      amount: typeof d.amount === 'number' ? d.amount : null,
      ledgerSeq: typeof d.ledgerSeq === 'number' ? d.ledgerSeq : null,
      at: typeof d.at === 'number' ? d.at : Date.now(),
    };
    setItems((list) => [item, ...list].slice(0, MAX_ITEMS));
  }, []);
  return { items, add };
}

/** What each kind of ledger activity is called; a kind not listed reads as a ledger movement, never raw. */
const KIND_LABELS: Record<string, MessageKey> = {
  payment: 'issuer.kind.payment',
  issue: 'issuer.kind.issue',
  qr_charge: 'issuer.kind.qr_charge',
  lucky_fund: 'issuer.kind.lucky_fund',
  lucky_grab: 'issuer.kind.lucky_grab',
  lucky_refund: 'issuer.kind.lucky_refund',
  campaign_fund: 'issuer.kind.campaign_fund',
  campaign_reclaim: 'issuer.kind.campaign_reclaim',
  offline_load: 'issuer.kind.offline_load',
  offline_deposit: 'issuer.kind.offline_deposit',
  fraud_compensation: 'issuer.kind.fraud_compensation',
};

export function ActivityFeed({ items }: { items: ActivityItem[] }) {
  const { t } = useI18n();
  if (items.length === 0) return <p className="muted small">{t('issuer.noActivity')}</p>;
  return (
    <ul className="activity" data-testid="activity-feed">
      {items.map((item) => (
        <li key={item.id} className="activity-item" data-testid="activity-item">
          <span className="activity-time">{new Date(item.at).toTimeString().slice(0, 8)}</span>
          <span className="activity-kind" title={item.kind}>
            {t(KIND_LABELS[item.kind] ?? 'issuer.kind.other')}
          </span>
          {item.amount !== null && <Money fen={item.amount} />}
          {item.ledgerSeq !== null && <span className="muted">#{item.ledgerSeq}</span>}
        </li>
      ))}
    </ul>
  );
}

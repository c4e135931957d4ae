/**
 * History: the wallet's ledger entries, newest first, each payment's issuer receipt verified in
 * the browser; the coins of one offline deposit are one row (history-rows.ts).
 */
import { formatFen } from '@ecny-sim/wallet-core';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { Money } from '../../../components/Money';
import { type MessageKey, type Translate, useI18n } from '../../../lib/i18n';
import { useOffline } from '../../offline/offline-context';
import { displayNameOf, useDirectory } from '../api/directory';
import { type CheckedEntry, useHistory } from '../api/history';
import { usePhone } from '../phone-context';
import { historyRows, useRequestsBySpend } from './history-rows';

/** Ledger kinds that are not a payment between two wallets, by what they mean for this wallet. */
const KIND_LABELS: Record<string, MessageKey | { in: MessageKey; out: MessageKey }> = {
  topup: 'history.topup',
  redeem: 'history.redeem',
  offline_load: 'history.kind.offline_load',
  offline_restricted_load: 'history.kind.offline_restricted_load',
  offline_deposit: 'history.kind.offline_deposit',
  offline_restricted_reclaim: 'history.kind.offline_restricted_reclaim',
  fraud_compensation: 'history.kind.fraud_compensation',
  fraud_recovery: 'history.kind.fraud_recovery',
  lucky_fund: 'history.kind.lucky_fund',
  lucky_grab: 'history.kind.lucky_grab',
  lucky_refund: 'history.kind.lucky_refund',
  campaign_claim: 'history.kind.campaign_claim',
  campaign_reclaim: 'history.kind.campaign_reclaim',
  campaign_spend: { in: 'history.kind.campaign_spend_in', out: 'history.kind.campaign_spend_out' },
};

/** The entry's title: the other wallet's name for a payment, else what the movement was (never a raw kind). */
function describeEntry(t: Translate, { entry }: CheckedEntry, name: string): string {
  if (
    entry.counterparty &&
    (entry.kind === 'payment' || entry.kind === 'qr_charge' || !KIND_LABELS[entry.kind])
  )
    return t(entry.direction === 'in' ? 'history.in' : 'history.out', { name });
  const label = KIND_LABELS[entry.kind];
  if (typeof label === 'string') return t(label, { name });
  if (label) return t(label[entry.direction], { name });
  return t(entry.direction === 'in' ? 'history.otherIn' : 'history.otherOut');
}

export function HistoryScreen() {
  const { t, lang } = useI18n();
  const { session, issuer } = usePhone();
  const { offline } = useOffline();
  const { wallets } = useDirectory(session.ledgerVersion);
  const { entries, error, reload } = useHistory(
    session.client,
    session.wallet?.walletId,
    issuer?.issuerPublicKey,
    session.ledgerVersion,
  );
  const requestsBySpend = useRequestsBySpend(offline.wallet, session.ledgerVersion);
  const rows = entries && historyRows(entries, requestsBySpend);
  const time = new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });

  return (
    <div className="screen">
      <h2 className="screen-title">{t('history.title')}</h2>
      <ErrorNotice error={error} onRetry={reload} />
      {entries?.length === 0 && <p className="muted center">{t('history.empty')}</p>}
      <ul className="history">
        {rows?.map((row) => {
          const { checked } = row;
          const { entry } = checked;
          const references = row.parts.map((p) => p.entry.transferId).join('\n');
          return (
            <li
              key={row.key}
              className="history-entry"
              data-testid="history-entry"
              data-parts={row.parts.length}
            >
              <div className="history-main">
                <span className="history-what" data-testid="history-what" title={entry.kind}>
                  {describeEntry(t, checked, displayNameOf(wallets, entry.counterparty))}
                </span>
                <Money fen={row.amount} signed={entry.direction} testId="history-amount" />
              </div>
              <div className="history-sub">
                {/* The ledger's references are for support staff: on hover, not in the row. */}
                <span title={references}>{time.format(entry.at)}</span>
                {row.compensation > 0 && row.compensation < row.amount && (
                  <span data-testid="history-compensation">
                    {t('history.ofWhichCompensation', { amount: formatFen(row.compensation) })}
                  </span>
                )}
                {entry.memo && <span className="history-memo">“{entry.memo}”</span>}
                {checked.receipt === 'verified' && (
                  <span className="verified" data-testid="receipt-verified" title={entry.transferId}>
                    ✓ {t('receipt.verified')}
                  </span>
                )}
                {checked.receipt === 'invalid' && (
                  <span className="invalid" data-testid="receipt-invalid" title={entry.transferId}>
                    ✗ {t('receipt.invalid')}
                  </span>
                )}
              </div>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

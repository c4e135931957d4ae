/** History: the wallet's ledger entries, newest first, each payment's issuer receipt verified in the browser. */
import { ErrorNotice } from '../../../components/ErrorNotice';
import { Money } from '../../../components/Money';
import { ShortId } from '../../../components/ShortId';
import { type Translate, useI18n } from '../../../lib/i18n';
import { displayNameOf, useDirectory } from '../api/directory';
import { type CheckedEntry, useHistory } from '../api/history';
import { usePhone } from '../phone-context';

function describeEntry(t: Translate, { entry }: CheckedEntry, name: string): string {
  if (entry.kind === 'topup') return t('history.topup');
  if (entry.kind === 'redeem') return t('history.redeem');
  if (entry.counterparty) return t(entry.direction === 'in' ? 'history.in' : 'history.out', { name });
  return t('history.other', { kind: entry.kind });
}

export function HistoryScreen() {
  const { t, lang } = useI18n();
  const { session, issuer } = usePhone();
  const { wallets } = useDirectory(session.ledgerVersion);
  const { entries, error, reload } = useHistory(
    session.client,
    session.wallet?.walletId,
    issuer?.issuerPublicKey,
    session.ledgerVersion,
  );
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
        {entries?.map((checked) => {
          const { entry } = checked;
          return (
            <li
              key={`${entry.ledgerSeq}:${entry.transferId}`}
              className="history-entry"
              data-testid="history-entry"
            >
              <div className="history-main">
                <span className="history-what">
                  {describeEntry(t, checked, displayNameOf(wallets, entry.counterparty))}
                </span>
                <Money fen={entry.amount} signed={entry.direction} testId="history-amount" />
              </div>
              <div className="history-sub">
                <span>{time.format(entry.at)}</span>
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
                {checked.receipt === 'none' && <ShortId id={entry.transferId} />}
              </div>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

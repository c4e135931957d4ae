/** The wallet's e-CNY balance, holder, category and id (copyable, to be paid by another phone). */
import { useState } from 'react';
import { Money } from '../../../components/Money';
import { useI18n } from '../../../lib/i18n';
import { operatorName } from '../api/info';
import { usePhone } from '../phone-context';

export function BalanceCard() {
  const { t } = useI18n();
  const { session, issuer } = usePhone();
  const [copied, setCopied] = useState(false);
  const wallet = session.wallet;
  if (!wallet) return null;

  const copy = () => {
    navigator.clipboard?.writeText(wallet.walletId).then(
      () => {
        setCopied(true);
        setTimeout(() => setCopied(false), 1500);
      },
      () => {},
    );
  };

  return (
    <div className="balance-card">
      <div className="balance-holder">
        <strong>{wallet.merchant?.name ?? wallet.displayName}</strong>
        <span className="badge">{t('home.tier', { tier: wallet.tier })}</span>
      </div>
      <div className="balance-label">{t('home.balance')}</div>
      <Money fen={wallet.balance} className="balance-amount" testId="balance" />
      <div className="balance-meta">
        <span>{operatorName(issuer, wallet.operatorId)}</span>
        <span>
          {t('home.bank')} <Money fen={wallet.bankBalance} testId="bank-balance" />
        </span>
      </div>
      <div className="wallet-id-row">
        <code className="wallet-id" data-testid="wallet-id" title={wallet.walletId}>
          {wallet.walletId}
        </code>
        <button type="button" className="link-button light" onClick={copy}>
          {copied ? t('home.copied') : t('home.copy')}
        </button>
      </div>
    </div>
  );
}

/**
 * Home: campaign (red-envelope) money, shown apart from the wallet's own
 * balance, with the time left to spend it and the merchants that take it.
 */
import { Money } from '../../components/Money';
import { useI18n } from '../../lib/i18n';
import { useDirectory } from '../wallet/api/directory';
import { MerchantRuleList } from './MerchantRuleList';
import { formatCountdown, useNow } from './time';
import { useRestrictedBalances } from './use-restricted';
import './red-envelopes.css';

export function RestrictedBalanceCard() {
  const { t } = useI18n();
  const { balances } = useRestrictedBalances();
  const { wallets: directory } = useDirectory();
  const now = useNow();
  const shown = (balances ?? []).filter((b) => b.amount > 0 || now < b.expiresAt);
  if (shown.length === 0) return null;
  const total = shown.reduce((sum, b) => sum + (now < b.expiresAt ? b.amount : 0), 0);
  return (
    <div className="re-restricted-card" data-testid="restricted-card">
      <div className="re-restricted-head">
        <span>🧧 {t('re.restricted.title')}</span>
        <Money fen={total} className="re-restricted-total" testId="restricted-balance" />
      </div>
      <p className="re-restricted-note">{t('re.restricted.note')}</p>
      {shown.map((b) => {
        const expired = now >= b.expiresAt;
        const notYet = b.spendableFrom !== undefined && now < b.spendableFrom;
        return (
          <div key={b.campaignId} className="re-restricted-item" data-campaign-id={b.campaignId}>
            <div className="re-restricted-row">
              <strong>{b.name}</strong>
              <Money fen={b.amount} testId="restricted-item-amount" />
            </div>
            <div
              className={expired ? 're-expiry expired' : 're-expiry'}
              data-testid="restricted-expiry"
              data-expires-at={b.expiresAt}
            >
              {expired
                ? t('re.restricted.expired')
                : notYet
                  ? t('re.restricted.startsIn', { time: formatCountdown(b.spendableFrom! - now) })
                  : t('re.restricted.expiresIn', { time: formatCountdown(b.expiresAt - now) })}
            </div>
            <div className="re-restricted-where">{t('re.restricted.where')}</div>
            <MerchantRuleList rule={b.merchantRule} directory={directory} testId="restricted-merchants" />
          </div>
        );
      })}
    </div>
  );
}

/** Home: the balance card, shortcuts to the other screens, and top up from the linked bank account. */
import { useI18n } from '../../../lib/i18n';
import { OfflineCard } from '../../offline/OfflineCard';
import { useOffline } from '../../offline/offline-context';
import { RestrictedBalanceCard } from '../../red-envelopes/RestrictedBalanceCard';
import { usePhone } from '../phone-context';
import { BalanceCard } from './BalanceCard';
import { TopUpForm } from './TopUpForm';

export function HomeScreen() {
  const { t } = useI18n();
  const { navigate, session } = usePhone();
  const { touch } = useOffline();
  const isMerchant = !!session.wallet?.merchant;
  return (
    <div className="screen">
      {/* A revoked device: its balance here would be stale and the server refuses it; its coins stay visible. */}
      {!session.revoked && (
        <>
          <BalanceCard />
          <RestrictedBalanceCard />
        </>
      )}
      {!session.revoked && (
        <div className="home-actions">
          <button type="button" className="home-action" onClick={() => navigate('pay')}>
            <span className="home-action-icon">¥</span>
            {t('tab.pay')}
          </button>
          <button
            type="button"
            className="home-action"
            onClick={() => navigate('scan')}
            data-testid="home-scan"
          >
            <span className="home-action-icon">◎</span>
            {t('tab.scan')}
          </button>
          <button
            type="button"
            className="home-action"
            onClick={() => navigate('paycode')}
            data-testid="home-paycode"
          >
            <span className="home-action-icon">▦</span>
            {t('tab.paycode')}
          </button>
          {isMerchant && (
            <>
              <button
                type="button"
                className="home-action"
                onClick={() => navigate('receive')}
                data-testid="home-receive"
              >
                <span className="home-action-icon">▣</span>
                {t('tab.receive')}
              </button>
              <button
                type="button"
                className="home-action"
                onClick={() => navigate('charge')}
                data-testid="home-charge"
              >
                <span className="home-action-icon">◈</span>
                {t('tab.charge')}
              </button>
            </>
          )}
          <button
            type="button"
            className="home-action"
            onClick={() => {
              touch.start();
              navigate('touch');
            }}
            data-testid="touch-start"
          >
            <span className="home-action-icon">⇄</span>
            {t('touch.start')}
          </button>
          <button
            type="button"
            className="home-action"
            onClick={() => navigate('campaigns')}
            data-testid="home-campaigns"
          >
            <span className="home-action-icon">🧧</span>
            {t('tab.campaigns')}
          </button>
          <button
            type="button"
            className="home-action"
            onClick={() => navigate('lucky')}
            data-testid="home-lucky"
          >
            <span className="home-action-icon">✉</span>
            {t('tab.lucky')}
          </button>
          <button type="button" className="home-action" onClick={() => navigate('history')}>
            <span className="home-action-icon">≡</span>
            {t('tab.history')}
          </button>
        </div>
      )}
      <OfflineCard />
      {!session.revoked && <TopUpForm />}
    </div>
  );
}

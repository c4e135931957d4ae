/** Home: the balance card, shortcuts to the other screens, and top up from the linked bank account. */
import { useI18n } from '../../../lib/i18n';
import { usePhone } from '../phone-context';
import { BalanceCard } from './BalanceCard';
import { TopUpForm } from './TopUpForm';

export function HomeScreen() {
  const { t } = useI18n();
  const { navigate } = usePhone();
  return (
    <div className="screen">
      <BalanceCard />
      <div className="home-actions">
        <button type="button" className="home-action" onClick={() => navigate('pay')}>
          <span className="home-action-icon">¥</span>
          {t('tab.pay')}
        </button>
        <button type="button" className="home-action" onClick={() => navigate('history')}>
          <span className="home-action-icon">≡</span>
          {t('tab.history')}
        </button>
      </div>
      <TopUpForm />
    </div>
  );
}

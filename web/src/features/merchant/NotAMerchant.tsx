/** Shown on a merchant screen when this phone's wallet has no merchant profile. */
import { useI18n } from '../../lib/i18n';

export function NotAMerchant() {
  const { t } = useI18n();
  return (
    <div className="card" data-testid="not-merchant">
      <p className="muted">{t('receive.notMerchant')}</p>
    </div>
  );
}

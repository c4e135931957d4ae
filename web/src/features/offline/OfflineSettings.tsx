/** Settings of the offline wallet: airplane mode, the attack-demo "tamper this device" switch, storage. */
import { useI18n } from '../../lib/i18n';
import { usePhone } from '../wallet/phone-context';
import { useOffline } from './offline-context';

export function OfflineSettings() {
  const { t } = useI18n();
  const { session } = usePhone();
  const { offline } = useOffline();
  return (
    <div className="card offline-settings">
      <label className="switch">
        <input
          type="checkbox"
          checked={session.airplane}
          onChange={(e) => void session.setAirplane(e.target.checked)}
          data-testid="settings-airplane"
        />
        {t('settings.airplane')}
      </label>
      <p className="muted small">{t('settings.airplaneHint')}</p>
      <label className="switch danger">
        <input
          type="checkbox"
          checked={offline.tampered}
          disabled={offline.status !== 'ready'}
          onChange={(e) => offline.setTampered(e.target.checked)}
          data-testid="tamper-toggle"
        />
        {t('settings.tamper')}
      </label>
      <p className="muted small">{t('settings.tamperHint')}</p>
      {offline.storage && (
        <p className="muted small">{t('settings.offlineStorage', { db: offline.storage })}</p>
      )}
    </div>
  );
}

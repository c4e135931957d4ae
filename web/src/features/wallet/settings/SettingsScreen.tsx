/**
 * Settings: who this phone is (wallet, device, operator, category, where the
 * key lives) and removing the wallet. Airplane mode and the "tamper this
 * device" switch for attack demos belong here too.
 */
import { useI18n } from '../../../lib/i18n';
import { OfflineSettings } from '../../offline/OfflineSettings';
import { operatorName } from '../api/info';
import { ForgetWallet } from '../ForgetWallet';
import { usePhone } from '../phone-context';

export function SettingsScreen() {
  const { t } = useI18n();
  const { session, issuer } = usePhone();
  const { wallet, device } = session;
  if (!wallet || !device) return null;
  const tier = issuer?.tiers.find((x) => x.tier === wallet.tier);

  return (
    <div className="screen">
      <h2 className="screen-title">{t('settings.title')}</h2>
      <dl className="settings-list">
        <dt>{t('settings.wallet')}</dt>
        <dd>
          <code className="mono">{wallet.walletId}</code>
        </dd>
        <dt>{t('settings.device')}</dt>
        <dd>
          <code className="mono">{device.deviceId}</code>
        </dd>
        <dt>{t('settings.operator')}</dt>
        <dd>{operatorName(issuer, wallet.operatorId)}</dd>
        <dt>{t('settings.tier')}</dt>
        <dd>
          {t('home.tier', { tier: wallet.tier })}
          {tier && <span className="muted"> · {tier.kyc}</span>}
        </dd>
      </dl>
      <OfflineSettings />
      <p className="muted small">
        {t(device.source === 'demo' ? 'settings.source.demo' : 'settings.source.created')}
        <br />
        {t('settings.storage', { db: session.keyStore.kv.dbName })}
      </p>
      <ForgetWallet session={session} testId="forget-wallet" />
    </div>
  );
}

/**
 * "Remove wallet from this phone", asked twice: removing deletes the device key kept on this
 * phone, which for a wallet opened here cannot be had back.
 */
import { useState } from 'react';
import { useI18n } from '../../lib/i18n';
import type { PhoneSession } from './use-phone-session';

export function ForgetWallet({
  session,
  testId,
  className = 'button secondary wide wrap',
}: {
  session: PhoneSession;
  testId: string;
  className?: string;
}) {
  const { t } = useI18n();
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" className={className} onClick={() => setAsking(true)} data-testid={testId}>
        {t('settings.forget')}
      </button>
    );
  }
  return (
    <div className="forget-confirm" role="alertdialog" data-testid={`${testId}-ask`}>
      <p className="small">
        {t(
          session.device?.source !== 'demo'
            ? 'settings.forgetCreated'
            : session.revoked
              ? 'settings.forgetDemoRevoked'
              : 'settings.forgetDemo',
        )}
      </p>
      <div className="row">
        <button
          type="button"
          className="button primary wrap"
          onClick={() => void session.forget()}
          data-testid={`${testId}-confirm`}
        >
          {t('settings.forgetConfirm')}
        </button>
        <button type="button" className="button secondary wrap" onClick={() => setAsking(false)}>
          {t('touch.cancel')}
        </button>
      </div>
    </div>
  );
}

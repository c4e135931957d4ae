/**
 * The state of a phone whose device the issuer revoked: what happened, why
 * (the fraud cases naming this device as culprit, from the public list), and
 * what to do. Shown above the few screens that still work without the
 * server (offline coins, touch, settings).
 */
import { formatFen } from '@ecny-sim/wallet-core';
import { useEffect, useState } from 'react';
import { createApiClient } from '../../lib/api';
import { useI18n } from '../../lib/i18n';
import type { FraudCaseSummary } from '../offline/api-types';
import { ForgetWallet } from './ForgetWallet';
import { usePhone } from './phone-context';

/** Fraud cases whose culprit is `deviceId`; null while unknown (not asked yet, or the list failed). */
function useCasesAgainst(deviceId: string | undefined, airplane: boolean): FraudCaseSummary[] | null {
  const [cases, setCases] = useState<FraudCaseSummary[] | null>(null);
  useEffect(() => {
    if (!deviceId || airplane) return;
    let live = true;
    createApiClient()
      .fraudCases(1_000)
      .then(
        ({ cases: all }) => live && setCases(all.filter((c) => c.culprit.deviceId === deviceId)),
        () => {},
      );
    return () => {
      live = false;
    };
  }, [deviceId, airplane]);
  return cases;
}

export function RevokedDevice() {
  const { t } = useI18n();
  const { session } = usePhone();
  const cases = useCasesAgainst(session.device?.deviceId, session.airplane);
  if (!session.revoked) return null;
  const total = (cases ?? []).reduce((s, c) => s + c.amount, 0);
  return (
    <div className="card revoked-card" role="alert" data-testid="revoked-state">
      <h3>{t('revoked.title')}</h3>
      <p className="small" data-testid="revoked-why" title={session.revoked.message || undefined}>
        {cases && cases.length > 0
          ? t(cases.length === 1 ? 'revoked.whyFraudOne' : 'revoked.whyFraud', {
              n: cases.length,
              amount: formatFen(total),
            })
          : t('revoked.whyUnknown')}
      </p>
      <p className="small">{t('revoked.effect')}</p>
      <p className="small">{t('revoked.todo')}</p>
      <ForgetWallet session={session} testId="revoked-forget" className="button wide wrap" />
    </div>
  );
}

/**
 * The state of a phone whose device the issuer revoked: what happened, when
 * and why (the server's answer to the device's own call), the double spends
 * the public fraud cases hold against this device, and what to do. Shown
 * above the few screens that still work without the server (offline coins,
 * touch, settings).
 */
import { type DeviceRevokedDetails, formatFen } from '@ecny-sim/wallet-core';
import { useEffect, useState } from 'react';
import { shortId } from '../../components/ShortId';
import { createApiClient } from '../../lib/api';
import { type Lang, type Translate, useI18n } from '../../lib/i18n';
import type { FraudCaseSummary } from '../offline/api-types';
import { ForgetWallet } from './ForgetWallet';
import { usePhone } from './phone-context';

/** The double spends held against this device, as its user made them. */
interface CasesAgainst {
  cases: FraudCaseSummary[];
  /**
   * Payments that spent coins already spent: a payment of several coins paid twice opens a case per
   * coin, all naming that payment's request as their second spend. Null when a case's proof could
   * not be read (the cases then count as coins).
   */
  payments: number | null;
}

/** Fraud cases whose culprit is `deviceId`, grouped into payments; null while unknown. */
function useCasesAgainst(deviceId: string | undefined, airplane: boolean): CasesAgainst | null {
  const [against, setAgainst] = useState<CasesAgainst | null>(null);
  useEffect(() => {
    if (!deviceId || airplane) return;
    let live = true;
    const api = createApiClient();
    (async () => {
      const { cases: all } = await api.fraudCases(1_000);
      const cases = all.filter((c) => c.culprit.deviceId === deviceId);
      const requests = await Promise.all(
        cases.map((c) =>
          api.fraudCase(c.caseId).then(
            ({ case: detail }) => detail.proof.second.requestId,
            () => null,
          ),
        ),
      );
      const payments = requests.includes(null) ? null : new Set(requests).size;
      if (live) setAgainst({ cases, payments });
    })().catch(() => {});
    return () => {
      live = false;
    };
  }, [deviceId, airplane]);
  return against;
}

const DOUBLE_SPEND_REASON = /^double spend \(fraud case (\S+)\)$/;

/** The reason recorded at revocation, in the UI's language when the app knows it. */
function reasonText(t: Translate, reason: string): string {
  const doubleSpend = DOUBLE_SPEND_REASON.exec(reason);
  return doubleSpend ? t('revoked.reason.doubleSpend', { caseId: shortId(doubleSpend[1]!) }) : reason;
}

function formatDate(lang: Lang, at: number): string {
  return new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).format(at);
}

function WhenAndWhy({ details }: { details: DeviceRevokedDetails }) {
  const { t, lang } = useI18n();
  const date = formatDate(lang, details.revokedAt);
  return (
    <p
      className="small"
      data-testid="revoked-when"
      data-revoked-at={details.revokedAt}
      title={details.reason ?? undefined}
    >
      {details.reason
        ? t('revoked.whenWhy', { date, reason: reasonText(t, details.reason) })
        : t('revoked.when', { date })}
    </p>
  );
}

function why(t: Translate, against: CasesAgainst | null): string {
  if (!against || against.cases.length === 0) return t('revoked.whyUnknown');
  const amount = formatFen(against.cases.reduce((s, c) => s + c.amount, 0));
  if (against.payments === null) {
    const coins = new Set(against.cases.map((c) => c.coinId)).size;
    return t(coins === 1 ? 'revoked.whyFraudCoin' : 'revoked.whyFraudCoins', { n: coins, amount });
  }
  return t(against.payments === 1 ? 'revoked.whyFraudOne' : 'revoked.whyFraud', {
    n: against.payments,
    amount,
  });
}

export function RevokedDevice() {
  const { t } = useI18n();
  const { session } = usePhone();
  // Asked once the device is known to be revoked: the cases that revoked it exist by then.
  const against = useCasesAgainst(session.revoked ? session.device?.deviceId : undefined, session.airplane);
  if (!session.revoked) return null;
  const { details } = session.revoked;
  return (
    <div className="card revoked-card" role="alert" data-testid="revoked-state">
      <h3>{t('revoked.title')}</h3>
      {details && <WhenAndWhy details={details} />}
      <p
        className="small"
        data-testid="revoked-why"
        data-cases={against?.cases.length ?? ''}
        data-payments={against?.payments ?? ''}
        title={against?.cases.map((c) => c.caseId).join('\n') || session.revoked.message || undefined}
      >
        {why(t, against)}
      </p>
      <p className="small">{t('revoked.effect')}</p>
      <p className="small">{t('revoked.todo')}</p>
      <ForgetWallet session={session} testId="revoked-forget" className="button wide wrap" />
    </div>
  );
}

/**
 * Fraud cases in the issuer console: each double spend reconciliation found,
 * and on click its proof (the two conflicting spends signed by the same
 * device key), the culprit device and wallet, the amount and the holders of
 * the losing branch. The proof is checked here in the browser with
 * verifyDoubleSpendProof and the issuer's public key only. Devices, keys and
 * wallets are named where the page knows them (parties.tsx).
 */
import { formatFen, nobleVerifier, verifyDoubleSpendProof } from '@ecny-sim/wallet-core';
import { useEffect, useState } from 'react';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { Money } from '../../../components/Money';
import { describeError, type ErrorInfo } from '../../../lib/errors';
import { useI18n } from '../../../lib/i18n';
import type { FraudCaseDetail, FraudCaseSummary } from '../../offline/api-types';
import { trustAnchors } from '../../offline/use-offline-wallet';
import { fetchIssuerInfo } from '../../wallet/api/info';
import { type NameParty, Party, usePartyNames } from './parties';
import { fetchFraudCase } from './use-fraud-cases';
import './fraud.css';

export function FraudCases({
  cases,
  error,
  version,
}: {
  cases: FraudCaseSummary[];
  error: ErrorInfo | null;
  /** Changes whenever the list was read again: an open case is read again with it. */
  version: number;
}) {
  const { t } = useI18n();
  const [open, setOpen] = useState<string | null>(null);
  const nameOf = usePartyNames(cases.length);
  return (
    <section className="fraud-cases" data-testid="fraud-cases">
      <h3>
        {t('fraud.title')} <span className="badge">{cases.length}</span>
      </h3>
      <ErrorNotice error={error} />
      {cases.length === 0 && <p className="muted small">{t('fraud.none')}</p>}
      <ul className="fraud-list">
        {cases.map((c) => (
          <li key={c.caseId}>
            <button
              type="button"
              className={open === c.caseId ? 'fraud-case open' : 'fraud-case'}
              onClick={() => setOpen(open === c.caseId ? null : c.caseId)}
              data-testid="fraud-case"
              data-case={c.caseId}
            >
              <Money fen={c.amount} />
              <span className="muted small">
                {t('fraud.culprit')} <Party id={c.culprit.deviceId} name={nameOf(c.culprit)} />
              </span>
              <span className="muted small">{new Date(c.detectedAt).toTimeString().slice(0, 8)}</span>
            </button>
            {open === c.caseId && <FraudDetail caseId={c.caseId} nameOf={nameOf} version={version} />}
          </li>
        ))}
      </ul>
    </section>
  );
}

type Check = { ok: true } | { ok: false; code: string; message: string };

function FraudDetail({ caseId, nameOf, version }: { caseId: string; nameOf: NameParty; version: number }) {
  const { t } = useI18n();
  const [detail, setDetail] = useState<FraudCaseDetail | null>(null);
  const [check, setCheck] = useState<Check | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);

  useEffect(() => {
    let live = true;
    void version; // read again whenever the list was (a holder may have deposited since)
    (async () => {
      const [found, issuer] = await Promise.all([fetchFraudCase(caseId), fetchIssuerInfo()]);
      if (!live) return;
      setDetail(found);
      try {
        verifyDoubleSpendProof(found.proof, {
          trust: trustAnchors(issuer),
          verifier: nobleVerifier,
          now: Date.now(),
        });
        setCheck({ ok: true });
      } catch (e) {
        const info = describeError(e);
        setCheck({ ok: false, code: info.code, message: info.message });
      }
    })().catch((e: unknown) => live && setError(describeError(e)));
    return () => {
      live = false;
    };
  }, [caseId, version]);

  if (error) return <ErrorNotice error={error} />;
  if (!detail) return <p className="muted small">…</p>;
  const { proof } = detail;
  return (
    <div className="fraud-detail" data-testid="fraud-detail">
      <dl>
        <dt>{t('fraud.amount')}</dt>
        <dd data-testid="fraud-amount">{formatFen(detail.amount)}</dd>
        <dt>{t('fraud.culprit')}</dt>
        <dd>
          {t('fraud.device')}{' '}
          <Party
            id={detail.culprit.deviceId}
            name={nameOf({ deviceId: detail.culprit.deviceId })}
            testId="fraud-culprit-device"
          />
          <br />
          {t('fraud.wallet')}{' '}
          <Party
            id={detail.culprit.walletId}
            name={nameOf({ walletId: detail.culprit.walletId })}
            testId="fraud-culprit-wallet"
          />
        </dd>
        <dt>{t('fraud.coin')}</dt>
        <dd>
          {/* In full, wrapping anywhere: the panel is narrow and the id has few break points. */}
          <code className="mono small fraud-coin" data-testid="fraud-coin">
            {detail.coinId}
          </code>
        </dd>
        <dt>{t('fraud.recovered')}</dt>
        <dd>{formatFen(detail.recovered)}</dd>
      </dl>
      {(['first', 'second'] as const).map((which) => {
        const spend = proof[which];
        const payee = spend.outputs[0]?.owner;
        return (
          <div key={which} className="fraud-spend" data-testid={`fraud-spend-${which}`}>
            <strong>{t(which === 'first' ? 'fraud.first' : 'fraud.second')}</strong>
            <div className="small">
              {t('fraud.payee')}{' '}
              {payee && (
                <Party id={payee} name={nameOf({ publicKey: payee })} testId={`fraud-payee-${which}`} />
              )}{' '}
              {formatFen(spend.outputs[0]?.amount ?? 0)} · #{spend.counter} ·{' '}
              {new Date(spend.time).toTimeString().slice(0, 8)}
            </div>
            <div className="small">
              {t('fraud.signature')}{' '}
              <code className="mono sig" data-testid={`fraud-sig-${which}`}>
                {spend.sig}
              </code>
            </div>
          </div>
        );
      })}
      {detail.losingBranch.length > 0 && (
        <div className="small">
          <strong>{t('fraud.holders')}</strong>
          <ul>
            {detail.losingBranch.map((h) => (
              <li key={h.coinId} data-testid="fraud-holder">
                {formatFen(h.amount)} ·{' '}
                <Party
                  id={h.deviceId ?? h.owner}
                  name={nameOf({ deviceId: h.deviceId, walletId: h.walletId, publicKey: h.owner })}
                />{' '}
                · {t(h.status === 'held' ? 'fraud.holder.held' : 'fraud.holder.deposited')}
              </li>
            ))}
          </ul>
        </div>
      )}
      <p className="proof-check">
        {t('fraud.proof')}:{' '}
        <strong
          className={check?.ok ? 'audit-ok' : 'audit-broken'}
          data-testid="proof-verified"
          title={check && !check.ok ? `${check.code}: ${check.message}` : undefined}
        >
          {check === null ? '…' : check.ok ? t('fraud.verified') : `${t('fraud.invalid')} (${check.code})`}
        </strong>
      </p>
    </div>
  );
}

/**
 * Home's offline part: offline coins and what is pending apart from the
 * online balance, "Load to device", sync (automatic on reconnect, or now)
 * with the server's verdict per uploaded item, and deposit back to online.
 */
import { formatFen } from '@ecny-sim/wallet-core';
import { type FormEvent, useState } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Money } from '../../components/Money';
import { parseAmount } from '../../lib/amount';
import { describeError, type ErrorInfo, isRefusedUnread } from '../../lib/errors';
import { type MessageKey, useI18n } from '../../lib/i18n';
import { usePhone } from '../wallet/phone-context';
import type { DepositResult } from './api-types';
import { useOffline } from './offline-context';
import type { FraudRole, SyncReport } from './use-offline-wallet';
import './offline.css';

export function OfflineCard() {
  const { t } = useI18n();
  const { session } = usePhone();
  const { offline } = useOffline();
  const { balances } = offline;

  if (offline.status === 'needs-network' || offline.status === 'starting' || offline.status === 'failed') {
    // A revoked device cannot start its offline wallet from the server, and has no coins on this
    // phone to show: the revoked state above says all there is.
    if (session.revoked) return null;
    return (
      <div className="card offline-card" data-testid="offline-card">
        <h3>{t('offline.title')}</h3>
        <p className="muted small" data-testid="offline-status">
          {offline.status === 'needs-network' ? t('offline.needsNetwork') : t('offline.starting')}
        </p>
        <ErrorNotice error={offline.error} />
      </div>
    );
  }

  const pending = balances?.unsynced ?? 0;
  return (
    <div className="card offline-card" data-testid="offline-card">
      <div className="offline-head">
        <h3>{t('offline.title')}</h3>
        {offline.tampered && (
          <span className="badge danger" data-testid="tampered-badge">
            {t('offline.tampered')}
          </span>
        )}
      </div>
      {/* Once the phone shows its revoked state (which says why), the card does not repeat it. */}
      {offline.revoked && !session.revoked && (
        <p className="error-line" data-testid="device-revoked">
          {t('offline.revoked')}
        </p>
      )}
      <dl className="offline-balances">
        <div>
          <dt>{t('offline.balance')}</dt>
          <dd>
            <Money fen={balances?.offline ?? 0} testId="offline-balance" />
          </dd>
        </div>
        <div>
          <dt>{t('offline.pending')}</dt>
          <dd>
            <Money fen={pending} testId="pending-balance" />
          </dd>
        </div>
        <div>
          <dt>{t('offline.paidUnsynced')}</dt>
          <dd>
            <Money fen={offline.paidUnsynced} testId="paid-unsynced" />
          </dd>
        </div>
      </dl>
      <p className="muted small">
        <span data-testid="outbox-count" data-count={offline.outboxCount}>
          {t('offline.outbox', { n: offline.outboxCount })}
        </span>
        {session.airplane && <> · {t('offline.airplaneHint')}</>}
      </p>
      {/* A revoked device cannot load coins (the server refuses it); a sync still says it is refused. */}
      {!session.revoked && <LoadForm />}
      <SyncPanel />
      <DepositButton />
    </div>
  );
}

function LoadForm() {
  const { t } = useI18n();
  const { session } = usePhone();
  const { offline } = useOffline();
  const [amount, setAmount] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [done, setDone] = useState<number | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setDone(null);
    setBusy(true);
    try {
      const fen = parseAmount(amount);
      await offline.load(fen);
      setDone(fen);
      setAmount('');
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} className="offline-load">
      <div className="row">
        <input
          className="input"
          inputMode="decimal"
          placeholder={t('offline.loadAmount')}
          aria-label={t('offline.loadAmount')}
          value={amount}
          onChange={(e) => setAmount(e.target.value)}
          data-testid="load-amount"
        />
        <button
          type="submit"
          className="button"
          disabled={busy || !amount || session.airplane || !!session.revoked}
          data-testid="load-submit"
        >
          {t('offline.load')}
        </button>
      </div>
      {done !== null && (
        <p className="success" data-testid="load-done">
          {t('offline.loaded', { amount: formatFen(done) })}
        </p>
      )}
      <ErrorNotice error={error} />
    </form>
  );
}

function SyncPanel() {
  const { t } = useI18n();
  const { session } = usePhone();
  const { offline } = useOffline();
  const report = offline.lastSync;
  return (
    <div className="offline-sync">
      <button
        type="button"
        className="button secondary small"
        disabled={offline.syncing || session.airplane}
        onClick={() => void offline.sync()}
        data-testid="sync-now"
      >
        {offline.syncing ? t('offline.syncing') : t('offline.sync')}
      </button>
      {report && !report.error && (
        <div data-testid="sync-report" data-at={report.at}>
          <p className="muted small">
            {t(report.uploaded === 1 ? 'offline.syncedOne' : 'offline.synced', {
              time: new Date(report.at).toTimeString().slice(0, 8),
              n: report.uploaded,
            })}
          </p>
          <ul className="verdicts" data-testid="sync-verdicts">
            {report.verdicts.length === 0 && <li className="muted small">{t('offline.noVerdicts')}</li>}
            {report.verdicts.map((v) => {
              const [kind, requestId] = v.id.split(':');
              return (
                <li
                  key={v.id}
                  className={`verdict verdict-${v.status}`}
                  data-testid="sync-verdict"
                  data-status={v.status}
                  data-item={v.id}
                >
                  {/* The payment's request id is for support staff: on hover, not in the row. */}
                  <span title={requestId}>{t(kind === 'sent' ? 'verdict.sent' : 'verdict.recv')}</span>
                  <strong>{t(`verdict.${v.status}` as MessageKey)}</strong>
                  {v.status === 'invalid' && <code className="small">{v.code}</code>}
                </li>
              );
            })}
          </ul>
          {report.fraudCases.length > 0 && (
            <ul className="fraud-notes" data-testid="sync-fraud">
              {fraudNotices(report).map((n) => (
                <li
                  key={`${n.role}:${n.culpritDeviceId}`}
                  className={n.role === 'culprit' ? 'error-line small' : 'notice-line small'}
                  data-testid="sync-fraud-case"
                  data-role={n.role}
                  data-cases={n.caseIds.length}
                  title={n.caseIds.join('\n')}
                >
                  {t(`offline.fraud.${n.role}`, { amount: formatFen(n.amount) })}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {report?.error && (
        <div data-testid="sync-error" data-code={report.error.code} data-at={report.at}>
          {session.revoked && report.error.code === 'DEVICE_REVOKED' ? (
            // The revoked state above says why; here only that this sync was refused.
            <p className="muted small">
              {t('offline.syncRefused', { time: new Date(report.at).toTimeString().slice(0, 8) })}
            </p>
          ) : (
            <ErrorNotice error={report.error} />
          )}
        </div>
      )}
    </div>
  );
}

interface FraudNotice {
  role: FraudRole;
  culpritDeviceId: string;
  amount: number;
  caseIds: string[];
}

/**
 * One notice per double spend as this device sees it: a payment of several coins paid twice opens
 * one case per coin, which would otherwise read as the same sentence once per coin. Cases of one
 * culprit in which this device plays the same part are one notice, with their amounts summed.
 */
function fraudNotices(report: SyncReport): FraudNotice[] {
  const notices = new Map<string, FraudNotice>();
  for (const c of report.fraudCases) {
    const role = report.fraudRoles[c.caseId] ?? 'involved';
    const key = `${role}:${c.culprit.deviceId}`;
    const notice = notices.get(key);
    if (notice) {
      notice.amount += c.amount;
      notice.caseIds.push(c.caseId);
    } else {
      notices.set(key, { role, culpritDeviceId: c.culprit.deviceId, amount: c.amount, caseIds: [c.caseId] });
    }
  }
  return [...notices.values()];
}

function DepositButton() {
  const { t } = useI18n();
  const { session } = usePhone();
  const { offline } = useOffline();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [results, setResults] = useState<DepositResult[] | null>(null);
  const [kept, setKept] = useState(false);
  const deposit = async () => {
    setBusy(true);
    setError(null);
    setResults(null);
    setKept(false);
    try {
      setResults(await offline.deposit());
    } catch (e) {
      setError(describeError(e));
      setKept(isRefusedUnread(e));
    } finally {
      setBusy(false);
    }
  };
  const deposited = (results ?? []).reduce((s, r) => s + (r.status === 'refused' ? 0 : r.amount), 0);
  const refused = (results ?? []).filter((r) => r.status === 'refused');
  return (
    <div className="offline-deposit">
      <button
        type="button"
        className="button secondary small"
        disabled={
          busy ||
          session.airplane ||
          !!session.revoked ||
          !offline.balances ||
          offline.balances.offline + offline.balances.restricted === 0
        }
        onClick={() => void deposit()}
        data-testid="deposit-submit"
      >
        {t('offline.deposit')}
      </button>
      {results && (
        <p className="small" data-testid="deposit-result" data-amount={deposited}>
          {t('offline.deposited', { amount: formatFen(deposited) })}
          {refused.length > 0 &&
            ` · ${t('offline.refused', {
              n: refused.length,
              codes: [...new Set(refused.map((r) => (r.status === 'refused' ? r.code : '')))].join(', '),
            })}`}
        </p>
      )}
      {kept && (
        <p className="error-line small" data-testid="deposit-kept">
          {t('offline.depositKept')}
        </p>
      )}
      <ErrorNotice error={error} />
    </div>
  );
}

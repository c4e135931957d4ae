/**
 * The touch screen of a phone: as payee, pick the payer (another phone on the
 * page or another tab) and ask an amount; as payer, confirm (a tampered
 * phone may replay its last coins); then the result on both phones, with
 * the time from the payer's confirm to both screens updated.
 */
import { formatFen } from '@ecny-sim/wallet-core';
import { type FormEvent, useEffect, useState } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Money } from '../../components/Money';
import { parseAmount } from '../../lib/amount';
import { errorText } from '../../lib/error-messages';
import { describeError, type ErrorInfo } from '../../lib/errors';
import { useI18n } from '../../lib/i18n';
import { usePhone } from '../wallet/phone-context';
import { useOffline } from './offline-context';
import type { TouchPeer } from './touch-hub';
import './offline.css';

export function TouchScreen() {
  const { t } = useI18n();
  const { session } = usePhone();
  const { offline, touch } = useOffline();
  const { view } = touch;
  const peerName = (peer: TouchPeer | null) =>
    peer === null || (peer.kind === 'tab' && peer.phone === 0)
      ? t('touch.tab')
      : `${t('touch.phone', { n: peer.phone })}${peer.kind === 'tab' ? ' (tab)' : ''}`;

  // Tell the timing this phone's screen shows the result (after the render that shows it).
  useEffect(() => {
    if (view.step === 'done' && view.timing) view.timing.mark(session.phone);
  }, [view, session.phone]);

  return (
    <div className="screen touch-screen" data-testid="touch-screen" data-step={view.step}>
      <h2 className="screen-title">{t('touch.title')}</h2>
      <div className="touch-balance muted small">
        {t('offline.balance')} <Money fen={offline.balances?.offline ?? 0} testId="touch-offline-balance" />
      </div>
      {offline.status !== 'ready' && <p className="muted">{t('offline.needsNetwork')}</p>}

      {view.step === 'idle' && offline.status === 'ready' && (
        <>
          <button type="button" className="button wide" onClick={touch.start} data-testid="touch-start">
            {t('touch.start')}
          </button>
          <p className="muted small">{t('touch.dragHint')}</p>
        </>
      )}

      {view.step === 'pick' && (
        <div className="touch-pick">
          <h3>{t('touch.pick')}</h3>
          {touch.phones.length === 0 && <p className="muted small">{t('touch.noPhones')}</p>}
          {touch.phones.map((n) => (
            <button
              key={n}
              type="button"
              className="button secondary wide"
              onClick={() => touch.choose({ kind: 'phone', phone: n })}
              data-testid={`touch-with-${n}`}
            >
              {t('touch.phone', { n })}
            </button>
          ))}
          {touch.canUseTabs && (
            <button
              type="button"
              className="button secondary wide"
              onClick={() => touch.choose('tab')}
              data-testid="touch-tab"
            >
              {t('touch.tab')}
            </button>
          )}
          <button type="button" className="link-button" onClick={touch.reset}>
            {t('touch.cancel')}
          </button>
        </div>
      )}

      {view.step === 'amount' && <AmountForm peer={peerName(view.peer)} />}

      {view.step === 'inviting' && <p data-testid="touch-waiting">{t('touch.inviting')}</p>}

      {view.step === 'awaiting-payer' && (
        <p data-testid="touch-waiting">
          {t('touch.awaitingPayer', { peer: peerName(view.peer), amount: formatFen(view.amount) })}
        </p>
      )}

      {view.step === 'awaiting-request' && (
        <p data-testid="touch-waiting">{t('touch.awaitingRequest', { peer: peerName(view.peer) })}</p>
      )}

      {view.step === 'confirm' && (
        <ConfirmPayment peer={peerName(view.peer)} amount={view.request.amount} tampered={offline.tampered} />
      )}

      {view.step === 'working' && <p className="muted">{t('touch.working')}</p>}

      {view.step === 'done' && (
        <div className={view.ok ? 'card success-card' : 'card'}>
          <p
            className={view.ok ? 'success' : 'error-line'}
            data-testid="touch-result"
            data-status={view.ok ? 'ok' : 'failed'}
            data-code={view.code ?? ''}
          >
            {view.ok
              ? t(view.role === 'payer' ? 'touch.paid' : 'touch.received', { amount: formatFen(view.amount) })
              : `${t('touch.failed')}: ${errorText(t, { code: view.code ?? 'ERROR', message: view.message ?? '' })}`}
          </p>
          {!view.ok && view.code && (
            <p className="muted small">
              <code className="error-code" title={view.message}>
                {view.code}
              </code>
            </p>
          )}
          <p className="muted small">{t('touch.with', { peer: peerName(view.peer) })}</p>
          {view.elapsedMs !== undefined && (
            <p className="small" data-testid="touch-time" data-ms={Math.round(view.elapsedMs)}>
              {t(view.timing && view.timing.parties.length > 1 ? 'touch.time' : 'touch.timeOne', {
                ms: Math.round(view.elapsedMs),
              })}
            </p>
          )}
          <button
            type="button"
            className="button secondary wide"
            onClick={touch.reset}
            data-testid="touch-done"
          >
            {t('touch.again')}
          </button>
        </div>
      )}
    </div>
  );
}

function AmountForm({ peer }: { peer: string }) {
  const { t } = useI18n();
  const { touch } = useOffline();
  const [amount, setAmount] = useState('');
  const [error, setError] = useState<ErrorInfo | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    try {
      touch.request(parseAmount(amount));
    } catch (e) {
      setError(describeError(e));
    }
  };
  return (
    <form className="card" onSubmit={submit}>
      <p className="muted small">{t('touch.with', { peer })}</p>
      <div className="row">
        <input
          className="input"
          inputMode="decimal"
          placeholder={t('touch.amount')}
          aria-label={t('touch.amount')}
          value={amount}
          onChange={(e) => setAmount(e.target.value)}
          data-testid="touch-amount"
        />
        <button type="submit" className="button" disabled={!amount} data-testid="touch-request">
          {t('touch.request')}
        </button>
      </div>
      <ErrorNotice error={error} />
      <button type="button" className="link-button" onClick={touch.reset}>
        {t('touch.cancel')}
      </button>
    </form>
  );
}

function ConfirmPayment({ peer, amount, tampered }: { peer: string; amount: number; tampered: boolean }) {
  const { t } = useI18n();
  const { touch } = useOffline();
  const [replay, setReplay] = useState(false);
  return (
    <div className="card touch-confirm">
      <p>{t('touch.asks', { peer })}</p>
      <Money fen={amount} className="touch-amount" testId="touch-request-amount" />
      {tampered && (
        <label className="switch danger">
          <input
            type="checkbox"
            checked={replay}
            onChange={(e) => setReplay(e.target.checked)}
            data-testid="touch-replay"
          />
          {t('touch.replay')}
        </label>
      )}
      <div className="row">
        <button
          type="button"
          className="button"
          onClick={() => touch.confirm(tampered && replay)}
          data-testid="touch-confirm"
        >
          {t('touch.confirm')}
        </button>
        <button
          type="button"
          className="button secondary"
          onClick={touch.decline}
          data-testid="touch-decline"
        >
          {t('touch.decline')}
        </button>
      </div>
    </div>
  );
}

/**
 * One lucky-money envelope in the group chat. Its state comes from the
 * server (GET /v1/lucky/:id, polled while the envelope is open and re-read
 * when this wallet's ledger moves); a grab is POST /v1/lucky/:id/grab.
 */
import { type DirectoryEntry, isEcnyError } from '@ecny-sim/wallet-core';
import { useCallback, useEffect, useState } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Money } from '../../components/Money';
import { createApiClient } from '../../lib/api';
import { describeError, type ErrorInfo } from '../../lib/errors';
import { useI18n } from '../../lib/i18n';
import { usePolled } from '../red-envelopes/api/campaigns';
import { displayNameOf } from '../wallet/api/directory';
import { usePhone } from '../wallet/phone-context';
import { dropFromGroup, type GroupMessage } from './group-store';

const POLL_MS = 1500;

export function EnvelopeBubble({
  message,
  directory,
}: {
  message: GroupMessage;
  directory: DirectoryEntry[] | null;
}) {
  const { t } = useI18n();
  const { session } = usePhone();
  const walletId = session.wallet?.walletId;
  const load = useCallback(
    async () => (await createApiClient().luckyMoney(message.envelopeId)).envelope,
    [message.envelopeId],
  );
  const [open, setOpen] = useState(true);
  const {
    value: envelope,
    error: loadError,
    reload,
  } = usePolled(load, open ? POLL_MS : 0, session.ledgerVersion);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [got, setGot] = useState<number | null>(null);

  useEffect(() => {
    if (envelope) setOpen(envelope.status === 'open');
  }, [envelope]);
  useEffect(() => {
    if (loadError?.code === 'LUCKY_NOT_FOUND') dropFromGroup(message.envelopeId);
  }, [loadError, message.envelopeId]);

  const mine = message.from === walletId;
  const grabs = envelope?.grabs ?? [];
  const myGrab = grabs.find((g) => g.walletId === walletId);
  const grabbedSum = grabs.reduce((s, g) => s + g.amount, 0);

  const grab = async () => {
    if (!session.client) return;
    setBusy(true);
    setError(null);
    try {
      const answer = await session.client.grabLuckyMoney(message.envelopeId);
      setGot(answer.amount);
      session.walletChanged();
      reload();
    } catch (e) {
      if (isEcnyError(e) && e.code === 'LUCKY_ALREADY_GRABBED') reload();
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div
      className={mine ? 'lucky-message mine' : 'lucky-message'}
      data-testid="lucky-message"
      data-envelope-id={message.envelopeId}
      data-status={envelope?.status ?? 'loading'}
    >
      <div className="lucky-sender">{mine ? t('lucky.you') : message.fromName}</div>
      <div className="lucky-bubble">
        <div className="lucky-bubble-top">
          <span className="lucky-bubble-icon" aria-hidden="true">
            🧧
          </span>
          <div>
            <div className="lucky-bubble-memo">{message.memo ?? t('lucky.defaultMemo')}</div>
            {envelope && (
              <div className="lucky-bubble-sub">
                {t(envelope.mode === 'equal' ? 'lucky.mode.equal' : 'lucky.mode.random')} ·{' '}
                <Money fen={envelope.total} testId="lucky-envelope-total" /> ·{' '}
                <span data-testid="lucky-shares-left" data-left={envelope.sharesLeft}>
                  {t('lucky.left', { left: envelope.sharesLeft, shares: envelope.shares })}
                </span>
              </div>
            )}
          </div>
        </div>
        {envelope && !myGrab && got === null && envelope.status === 'open' && (
          <button
            type="button"
            className="lucky-grab"
            onClick={() => void grab()}
            disabled={busy}
            data-testid="lucky-grab"
          >
            {busy ? '…' : t('lucky.grab')}
          </button>
        )}
        {(got !== null || myGrab) && (
          <div className="lucky-got" data-testid="lucky-got">
            {t('lucky.got')} <Money fen={got ?? myGrab!.amount} testId="lucky-grab-amount" />
          </div>
        )}
        {envelope && envelope.status !== 'open' && !myGrab && got === null && (
          <div className="lucky-closed">{t(`lucky.status.${envelope.status}`)}</div>
        )}
      </div>
      {envelope && grabs.length > 0 && (
        <ul className="lucky-grabs" data-testid="lucky-grabs" data-sum={grabbedSum}>
          {grabs.map((g) => {
            const best = envelope.best === g.walletId;
            return (
              <li
                key={g.walletId}
                className={best ? 'lucky-grab-row best' : 'lucky-grab-row'}
                data-testid="lucky-grab-row"
                data-wallet-id={g.walletId}
                data-amount={g.amount}
                data-best={best ? 'true' : 'false'}
              >
                <span>{g.walletId === walletId ? t('lucky.you') : displayNameOf(directory, g.walletId)}</span>
                <span>
                  {best && (
                    <span className="lucky-best" data-testid="lucky-best">
                      👑 {t('lucky.best')}
                    </span>
                  )}{' '}
                  <Money fen={g.amount} />
                </span>
              </li>
            );
          })}
          <li className="lucky-grab-total muted small">
            {t('lucky.taken', { sum: '' })}
            <Money fen={grabbedSum} testId="lucky-grabbed-sum" /> / <Money fen={envelope.total} /> ·{' '}
            {t('lucky.remaining')} <Money fen={envelope.remaining} testId="lucky-remaining" />
          </li>
        </ul>
      )}
      <ErrorNotice error={error} />
      {loadError && loadError.code !== 'LUCKY_NOT_FOUND' && <ErrorNotice error={loadError} />}
    </div>
  );
}

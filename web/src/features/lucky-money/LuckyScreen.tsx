/**
 * Group lucky money (拼手气红包) in a chat-like view: the demo phones form a
 * group; anyone sends an envelope of N shares (random "double mean" or
 * equal), every phone sees it in the group and can grab one share, and the
 * envelope shows who got what, with the best luck marked once all shares are
 * taken. How the group learns of an envelope: see group-store.ts.
 */
import { formatFen, parseYuan, randomId, validateLuckyMoney } from '@ecny-sim/wallet-core';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice';
import { parseAmount } from '../../lib/amount';
import { describeError, type ErrorInfo } from '../../lib/errors';
import { useI18n } from '../../lib/i18n';
import { type DemoWallet, fetchDemoWallets } from '../wallet/api/demo-wallets';
import { displayNameOf, useDirectory } from '../wallet/api/directory';
import { usePhone } from '../wallet/phone-context';
import { EnvelopeBubble } from './EnvelopeBubble';
import { DEMO_GROUP_ID, postToGroup, useGroupMessages } from './group-store';
import './lucky-money.css';

export function LuckyScreen() {
  const { t } = useI18n();
  const messages = useGroupMessages(DEMO_GROUP_ID);
  const { wallets: directory } = useDirectory();
  const [members, setMembers] = useState<DemoWallet[]>([]);
  const bottom = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let live = true;
    fetchDemoWallets().then(
      (w) => live && setMembers(w),
      () => {},
    );
    return () => {
      live = false;
    };
  }, []);

  useEffect(() => {
    if (messages.length > 0) bottom.current?.scrollIntoView?.({ block: 'nearest' });
  }, [messages.length]);

  return (
    <div className="screen lucky-screen" data-testid="lucky-screen">
      <header className="lucky-header">
        <strong>🧧 {t('lucky.group')}</strong>
        <span className="muted small" data-testid="lucky-members">
          {members.length > 0
            ? members.map((m) => m.name).join(' · ')
            : t('lucky.members', { n: messages.length })}
        </span>
      </header>
      <div className="lucky-chat" data-testid="lucky-chat">
        {messages.length === 0 && <p className="muted center small">{t('lucky.empty')}</p>}
        {messages.map((m) => (
          <EnvelopeBubble key={m.envelopeId} message={m} directory={directory} />
        ))}
        <div ref={bottom} />
      </div>
      <SendForm fromName={(id) => displayNameOf(directory, id)} />
    </div>
  );
}

function SendForm({ fromName }: { fromName(walletId: string): string }) {
  const { t } = useI18n();
  const { session } = usePhone();
  const [total, setTotal] = useState('');
  const [shares, setShares] = useState('3');
  const [mode, setMode] = useState<'random' | 'equal'>('random');
  const [memo, setMemo] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const wallet = session.wallet;
  // An error answers the last attempt: once the form is edited it no longer applies.
  const edited = (change: () => void) => {
    setError(null);
    change();
  };

  const send = async (event: FormEvent) => {
    event.preventDefault();
    if (!session.client || !wallet) return;
    setError(null);
    setBusy(true);
    try {
      const body = {
        requestId: randomId('lm'),
        groupId: DEMO_GROUP_ID,
        total: parseAmount(total),
        shares: Number(shares),
        mode,
        ...(memo.trim() ? { memo: memo.trim() } : {}),
      };
      validateLuckyMoney(body);
      const { envelope } = await session.client.createLuckyMoney(body);
      postToGroup({
        envelopeId: envelope.envelopeId,
        groupId: envelope.groupId,
        from: envelope.from,
        fromName: wallet.merchant?.name ?? wallet.displayName ?? fromName(envelope.from),
        memo: envelope.memo,
        at: envelope.createdAt,
      });
      setTotal('');
      setMemo('');
      session.walletChanged();
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="lucky-send card" onSubmit={send} data-testid="lucky-form">
      <div className="row">
        <label className="field">
          <span>{t('lucky.total')}</span>
          <input
            className="input"
            inputMode="decimal"
            placeholder="0.00"
            value={total}
            onChange={(e) => edited(() => setTotal(e.target.value))}
            data-testid="lucky-total"
          />
        </label>
        <label className="field lucky-shares-field">
          <span>{t('lucky.shares')}</span>
          <input
            className="input"
            type="number"
            min={1}
            max={1000}
            value={shares}
            onChange={(e) => edited(() => setShares(e.target.value))}
            data-testid="lucky-shares"
          />
        </label>
      </div>
      <div className="row">
        <label className="field">
          <span>{t('lucky.mode')}</span>
          <select
            className="input"
            value={mode}
            onChange={(e) => edited(() => setMode(e.target.value === 'equal' ? 'equal' : 'random'))}
            data-testid="lucky-mode"
          >
            <option value="random">{t('lucky.mode.random')}</option>
            <option value="equal">{t('lucky.mode.equal')}</option>
          </select>
        </label>
        <label className="field">
          <span>{t('lucky.memo')}</span>
          <input
            className="input"
            maxLength={60}
            placeholder={t('lucky.memoPlaceholder')}
            value={memo}
            onChange={(e) => edited(() => setMemo(e.target.value))}
            data-testid="lucky-memo"
          />
        </label>
      </div>
      {total && Number(shares) > 0 && (
        <p className="muted small">
          {mode === 'equal'
            ? t('lucky.hint.equal', { each: safeEach(total, Number(shares)) })
            : t('lucky.hint.random')}
        </p>
      )}
      <button
        type="submit"
        className="button primary wide"
        disabled={busy || !total || !shares}
        data-testid="lucky-send"
      >
        {busy ? t('lucky.sending') : t('lucky.send')}
      </button>
      <ErrorNotice error={error} />
    </form>
  );
}

function safeEach(total: string, shares: number): string {
  try {
    return formatFen(Math.ceil(parseYuan(total) / shares));
  } catch {
    return '—';
  }
}

/**
 * First run of a phone: open a new wallet (key generated here, category and
 * operator from /v1/info) or adopt one of the server's demo wallets.
 */
import { TIER_SPECS, type Tier } from '@ecny-sim/wallet-core';
import { type FormEvent, useEffect, useState } from 'react';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { describeError, type ErrorInfo } from '../../../lib/errors';
import { useI18n } from '../../../lib/i18n';
import { type DemoWallet, fetchDemoWallets } from '../api/demo-wallets';
import { usePhone } from '../phone-context';

export function Onboarding() {
  const { t } = useI18n();
  const { session, issuer } = usePhone();
  const [name, setName] = useState('');
  const [tier, setTier] = useState<Tier>(4);
  const [operatorId, setOperatorId] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [demos, setDemos] = useState<DemoWallet[] | null>(null);

  useEffect(() => {
    let live = true;
    fetchDemoWallets().then(
      (list) => live && setDemos(list),
      (e: unknown) => live && setError(describeError(e)),
    );
    return () => {
      live = false;
    };
  }, []);

  const operators = issuer?.info.operators ?? [];
  const tiers = issuer?.tiers ?? Object.values(TIER_SPECS);
  const chosenOperator = operatorId || operators[0]?.operatorId || '';

  const run = async (action: () => Promise<void>) => {
    setError(null);
    setBusy(true);
    try {
      await action();
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  const create = (event: FormEvent) => {
    event.preventDefault();
    void run(() => session.create({ operatorId: chosenOperator, tier, displayName: name.trim() }));
  };

  return (
    <div className="screen">
      <h2 className="screen-title">{t('onboard.title')}</h2>
      <form className="card" onSubmit={create} data-testid="create-wallet">
        <h3>{t('onboard.create')}</h3>
        <label className="field">
          <span>{t('onboard.name')}</span>
          <input
            className="input"
            value={name}
            maxLength={60}
            onChange={(e) => setName(e.target.value)}
            data-testid="create-name"
          />
        </label>
        <label className="field">
          <span>{t('onboard.tier')}</span>
          <select
            className="input"
            value={tier}
            onChange={(e) => setTier(Number(e.target.value) as Tier)}
            data-testid="create-tier"
          >
            {tiers.map((spec) => (
              <option key={spec.tier} value={spec.tier}>
                {spec.name} — {spec.kyc}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('onboard.operator')}</span>
          <select
            className="input"
            value={chosenOperator}
            onChange={(e) => setOperatorId(e.target.value)}
            data-testid="create-operator"
          >
            {operators.map((o) => (
              <option key={o.operatorId} value={o.operatorId}>
                {o.name}
              </option>
            ))}
          </select>
        </label>
        <button
          type="submit"
          className="button primary wide"
          disabled={busy || !name.trim() || !chosenOperator}
          data-testid="create-submit"
        >
          {t('onboard.submit')}
        </button>
      </form>
      <div className="card">
        <h3>{t('onboard.demo')}</h3>
        {demos?.length === 0 && <p className="muted">{t('onboard.noDemo')}</p>}
        <ul className="demo-list">
          {demos?.map((demo) => (
            <li key={demo.walletId}>
              <span>
                {demo.role === 'merchant' ? '🏪 ' : ''}
                {demo.name}
              </span>
              <button
                type="button"
                className="button small"
                disabled={busy}
                onClick={() => void run(() => session.adopt(demo))}
                data-testid="use-demo"
              >
                {t('onboard.useDemo')}
              </button>
            </li>
          ))}
        </ul>
      </div>
      <ErrorNotice error={error} />
    </div>
  );
}

/**
 * The issuer creates a red-envelope campaign: budget, one face value × count
 * or several face values (as Chengdu drew), registration window, who may
 * register (region / residents), where the money works (merchants by name,
 * region or MCC), the spending window and the offline-trial quota. Windows
 * are given in seconds from now so a demo can run them in real time.
 */
import {
  CreateCampaignRequestSchema,
  type DirectoryEntry,
  EcnyError,
  formatFen,
  randomId,
} from '@ecny-sim/wallet-core';
import { type FormEvent, useState } from 'react';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { parseAmount } from '../../../lib/amount';
import { describeError, type ErrorInfo } from '../../../lib/errors';
import { useI18n } from '../../../lib/i18n';
import type { CampaignView, CreateCampaignInput } from '../../red-envelopes/api/types';
import { adminClient } from './admin-client';

const list = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** "200x1, 50×3" -> [{amount: 20000, count: 1}, {amount: 5000, count: 3}] */
export function parsePrizes(text: string): { amount: number; count: number }[] {
  return list(text).map((part) => {
    const m = /^([\d.]+)\s*[x×*]\s*(\d+)$/i.exec(part);
    if (!m) throw new EcnyError('BAD_PRIZES', `“${part}”: write face values like 200x1, 50x3`);
    return { amount: parseAmount(m[1]!), count: Number(m[2]) };
  });
}

export function CreateCampaignForm({
  directory,
  onCreated,
}: {
  directory: DirectoryEntry[] | null;
  onCreated(campaign: CampaignView): void;
}) {
  const { t } = useI18n();
  const [name, setName] = useState('Luohu digital RMB red envelopes');
  const [prizeMode, setPrizeMode] = useState<'single' | 'several'>('single');
  const [amount, setAmount] = useState('200');
  const [count, setCount] = useState('2');
  const [prizes, setPrizes] = useState('200x1, 50x2');
  const [budget, setBudget] = useState('');
  const [opensIn, setOpensIn] = useState('0');
  const [regSeconds, setRegSeconds] = useState('60');
  const [spendSeconds, setSpendSeconds] = useState(String(7 * 24 * 3600));
  const [eligRegions, setEligRegions] = useState('Shenzhen');
  const [residents, setResidents] = useState(true);
  const [merchantIds, setMerchantIds] = useState<string[]>([]);
  const [merchantRegions, setMerchantRegions] = useState('');
  const [mccs, setMccs] = useState('');
  const [quota, setQuota] = useState('0');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const merchants = (directory ?? []).filter((w) => w.merchant);

  let prizeTotal: number | null = null;
  try {
    const p =
      prizeMode === 'single' ? [{ amount: parseAmount(amount), count: Number(count) }] : parsePrizes(prizes);
    prizeTotal = p.reduce((s, x) => s + x.amount * x.count, 0);
  } catch {
    prizeTotal = null;
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const admin = await adminClient();
      if (!admin) throw new EcnyError('NO_ADMIN_TOKEN', t('cc.noToken'));
      const now = Date.now();
      const opensAt = now + Math.round(Number(opensIn) * 1000);
      const closesAt = opensAt + Math.round(Number(regSeconds) * 1000);
      const several = prizeMode === 'several' ? parsePrizes(prizes) : null;
      const single = { amount: parseAmount(amount), count: Number(count) };
      const prizeList = several ? { prizes: several } : single;
      const total = (several ?? [single]).reduce((s, p) => s + p.amount * p.count, 0);
      const merchantRule = {
        ...(merchantIds.length ? { walletIds: merchantIds } : {}),
        ...(list(merchantRegions).length ? { regions: list(merchantRegions) } : {}),
        ...(list(mccs).length ? { mccs: list(mccs) } : {}),
      };
      const body: CreateCampaignInput = {
        requestId: randomId('cmp'),
        name: name.trim(),
        budget: budget.trim() ? parseAmount(budget) : total,
        ...prizeList,
        registrationOpensAt: opensAt,
        registrationClosesAt: closesAt,
        eligibility: {
          ...(list(eligRegions).length ? { regions: list(eligRegions) } : {}),
          ...(residents ? { residentsOnly: true } : {}),
        },
        merchantRule,
        spendFrom: closesAt,
        spendUntil: closesAt + Math.round(Number(spendSeconds) * 1000),
        offlineTrialQuota: Number(quota) || 0,
      };
      const checked = CreateCampaignRequestSchema.safeParse(body);
      if (!checked.success) {
        const issue = checked.error.issues[0];
        throw new EcnyError('VALIDATION', `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
      }
      const { campaign } = await admin.createCampaign(body);
      onCreated(campaign);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  const toggleMerchant = (walletId: string, on: boolean) =>
    setMerchantIds((ids) => (on ? [...new Set([...ids, walletId])] : ids.filter((id) => id !== walletId)));

  return (
    <form className="cc-form" onSubmit={submit} data-testid="console-campaign-create">
      <label className="cc-field wide">
        <span>{t('cc.name')}</span>
        <input
          className="input"
          value={name}
          onChange={(e) => setName(e.target.value)}
          data-testid="cc-name"
        />
      </label>
      <fieldset className="cc-group">
        <legend>{t('cc.prizes')}</legend>
        <select
          className="input"
          value={prizeMode}
          onChange={(e) => setPrizeMode(e.target.value === 'several' ? 'several' : 'single')}
          data-testid="cc-prize-mode"
        >
          <option value="single">{t('cc.prizes.single')}</option>
          <option value="several">{t('cc.prizes.several')}</option>
        </select>
        {prizeMode === 'single' ? (
          <div className="cc-row">
            <label className="cc-field">
              <span>{t('cc.amount')}</span>
              <input
                className="input"
                inputMode="decimal"
                value={amount}
                onChange={(e) => setAmount(e.target.value)}
                data-testid="cc-amount"
              />
            </label>
            <label className="cc-field">
              <span>{t('cc.count')}</span>
              <input
                className="input"
                type="number"
                min={1}
                value={count}
                onChange={(e) => setCount(e.target.value)}
                data-testid="cc-count"
              />
            </label>
          </div>
        ) : (
          <label className="cc-field wide">
            <span>{t('cc.faceValues')}</span>
            <input
              className="input"
              value={prizes}
              onChange={(e) => setPrizes(e.target.value)}
              data-testid="cc-prizes"
            />
          </label>
        )}
        <label className="cc-field">
          <span>{t('cc.budget')}</span>
          <input
            className="input"
            inputMode="decimal"
            placeholder={prizeTotal === null ? '' : formatFen(prizeTotal).replace('¥', '')}
            value={budget}
            onChange={(e) => setBudget(e.target.value)}
            data-testid="cc-budget"
          />
        </label>
      </fieldset>
      <fieldset className="cc-group">
        <legend>{t('cc.registration')}</legend>
        <div className="cc-row">
          <label className="cc-field">
            <span>{t('cc.opensIn')}</span>
            <input
              className="input"
              type="number"
              min={0}
              value={opensIn}
              onChange={(e) => setOpensIn(e.target.value)}
              data-testid="cc-reg-opens"
            />
          </label>
          <label className="cc-field">
            <span>{t('cc.regSeconds')}</span>
            <input
              className="input"
              type="number"
              min={1}
              value={regSeconds}
              onChange={(e) => setRegSeconds(e.target.value)}
              data-testid="cc-reg-seconds"
            />
          </label>
        </div>
        <div className="cc-row">
          <label className="cc-field">
            <span>{t('cc.eligRegions')}</span>
            <input
              className="input"
              value={eligRegions}
              onChange={(e) => setEligRegions(e.target.value)}
              data-testid="cc-elig-regions"
            />
          </label>
          <label className="cc-check">
            <input
              type="checkbox"
              checked={residents}
              onChange={(e) => setResidents(e.target.checked)}
              data-testid="cc-residents"
            />
            {t('cc.residents')}
          </label>
        </div>
        <label className="cc-field">
          <span>{t('cc.offlineQuota')}</span>
          <input
            className="input"
            type="number"
            min={0}
            value={quota}
            onChange={(e) => setQuota(e.target.value)}
            data-testid="cc-offline-quota"
          />
        </label>
      </fieldset>
      <fieldset className="cc-group">
        <legend>{t('cc.merchants')}</legend>
        <div className="cc-merchants">
          {merchants.map((m) => (
            <label key={m.walletId} className="cc-check">
              <input
                type="checkbox"
                checked={merchantIds.includes(m.walletId)}
                onChange={(e) => toggleMerchant(m.walletId, e.target.checked)}
                data-testid={`cc-merchant-${m.walletId}`}
                data-merchant-name={m.merchant?.name}
              />
              {m.merchant?.name}{' '}
              <span className="muted small">
                ({m.merchant?.region} · {m.merchant?.mcc})
              </span>
            </label>
          ))}
        </div>
        <div className="cc-row">
          <label className="cc-field">
            <span>{t('cc.merchantRegions')}</span>
            <input
              className="input"
              placeholder="Luohu"
              value={merchantRegions}
              onChange={(e) => setMerchantRegions(e.target.value)}
              data-testid="cc-merchant-regions"
            />
          </label>
          <label className="cc-field">
            <span>{t('cc.mccs')}</span>
            <input
              className="input"
              placeholder="5812, 5411"
              value={mccs}
              onChange={(e) => setMccs(e.target.value)}
              data-testid="cc-merchant-mccs"
            />
          </label>
        </div>
        <p className="muted small">{t('cc.merchantHint')}</p>
      </fieldset>
      <fieldset className="cc-group">
        <legend>{t('cc.spending')}</legend>
        <label className="cc-field">
          <span>{t('cc.spendSeconds')}</span>
          <input
            className="input"
            type="number"
            min={1}
            value={spendSeconds}
            onChange={(e) => setSpendSeconds(e.target.value)}
            data-testid="cc-spend-seconds"
          />
        </label>
      </fieldset>
      <button type="submit" className="button primary wide" disabled={busy} data-testid="cc-submit">
        {busy ? t('cc.creating') : t('cc.create')}
        {prizeTotal !== null ? ` · ${formatFen(prizeTotal)}` : ''}
      </button>
      <ErrorNotice error={error} />
    </form>
  );
}

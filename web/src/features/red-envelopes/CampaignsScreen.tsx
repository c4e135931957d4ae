/**
 * Red-envelope campaigns on a phone: the open campaigns, and for one
 * campaign its terms, registration, the published draw with an in-browser
 * verification, and the envelope a winner opens.
 */
import { formatFen } from '@ecny-sim/wallet-core';
import { useCallback, useEffect, useState } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice';
import { describeError, type ErrorInfo } from '../../lib/errors';
import { type MessageKey, useI18n } from '../../lib/i18n';
import { useDirectory } from '../wallet/api/directory';
import { usePhone } from '../wallet/phone-context';
import {
  CAMPAIGN_POLL_MS,
  fetchCampaign,
  fetchCampaigns,
  type LocalRegistration,
  loadLocalRegistration,
  saveLocalRegistration,
  usePolled,
} from './api/campaigns';
import type { CampaignView } from './api/types';
import { DrawResult } from './DrawResult';
import { MerchantRuleList } from './MerchantRuleList';
import { explanationKey, RefusalExplanation } from './refusals';
import { formatCountdown, formatTime, useNow } from './time';
import './red-envelopes.css';

const PHASE_LABEL: Record<CampaignView['phase'], MessageKey> = {
  upcoming: 're.phase.upcoming',
  registering: 're.phase.registering',
  closed: 're.phase.closed',
  drawn: 're.phase.drawn',
  ended: 're.phase.ended',
};

export function prizeSummary(c: Pick<CampaignView, 'prizes'>): string {
  return c.prizes.map((p) => `${formatFen(p.amount)} × ${p.count}`).join(' + ');
}

export function CampaignsScreen() {
  const [selected, setSelected] = useState<string | null>(null);
  if (selected) return <CampaignDetail campaignId={selected} onBack={() => setSelected(null)} />;
  return <CampaignList onSelect={setSelected} />;
}

function CampaignList({ onSelect }: { onSelect(campaignId: string): void }) {
  const { t } = useI18n();
  const { value: campaigns, error } = usePolled(fetchCampaigns, CAMPAIGN_POLL_MS * 2);
  return (
    <div className="screen">
      <h2 className="screen-title">🧧 {t('re.title')}</h2>
      <p className="muted small">{t('re.intro')}</p>
      <ErrorNotice error={error} />
      {campaigns && campaigns.length === 0 && <p className="muted center">{t('re.none')}</p>}
      <ul className="re-list" data-testid="campaign-list">
        {(campaigns ?? []).map((c) => (
          <li key={c.campaignId}>
            <button
              type="button"
              className="re-item"
              onClick={() => onSelect(c.campaignId)}
              data-testid="campaign-item"
              data-campaign-id={c.campaignId}
              data-phase={c.phase}
            >
              <span className="re-item-icon" aria-hidden="true">
                🧧
              </span>
              <span className="re-item-main">
                <strong>{c.name}</strong>
                <span className="muted small">{prizeSummary(c)}</span>
              </span>
              <span className={`re-phase ${c.phase}`}>{t(PHASE_LABEL[c.phase])}</span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

function CampaignDetail({ campaignId, onBack }: { campaignId: string; onBack(): void }) {
  const { t } = useI18n();
  const { session } = usePhone();
  const now = useNow();
  const { wallets: directory } = useDirectory();
  const load = useCallback(() => fetchCampaign(campaignId), [campaignId]);
  const { value: campaign, error: loadError, reload } = usePolled(load, CAMPAIGN_POLL_MS);
  const [local, setLocal] = useState<LocalRegistration | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);

  useEffect(() => {
    let live = true;
    loadLocalRegistration(session.keyStore, campaignId).then(
      (found) => live && setLocal(found ?? null),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [session.keyStore, campaignId]);

  if (!campaign) {
    return (
      <div className="screen">
        <BackButton onBack={onBack} />
        <ErrorNotice error={loadError} />
      </div>
    );
  }

  const register = async () => {
    if (!session.client) return;
    setBusy(true);
    setError(null);
    try {
      const { registration } = await session.client.registerForCampaign(campaignId);
      const saved = { campaignId, registeredAt: registration.registeredAt, commitment: campaign.commitment };
      await saveLocalRegistration(session.keyStore, saved);
      setLocal(saved);
      reload();
    } catch (e) {
      const info = describeError(e);
      if (info.code === 'ALREADY_REGISTERED') {
        const saved = { campaignId, registeredAt: Date.now(), commitment: campaign.commitment };
        await saveLocalRegistration(session.keyStore, saved);
        setLocal(saved);
      }
      setError(info);
    } finally {
      setBusy(false);
    }
  };

  const registering = campaign.phase === 'registering';
  const eligibility = campaign.eligibility;

  return (
    <div className="screen" data-testid="campaign-detail" data-campaign-id={campaignId}>
      <BackButton onBack={onBack} />
      <div className="re-hero">
        <div className="re-hero-name">{campaign.name}</div>
        <div className="re-hero-prize">{prizeSummary(campaign)}</div>
        <span
          className={`re-phase ${campaign.phase}`}
          data-testid="campaign-phase"
          data-phase={campaign.phase}
        >
          {t(PHASE_LABEL[campaign.phase])}
        </span>
      </div>
      {campaign.description && <p className="muted small">{campaign.description}</p>}
      <dl className="re-terms">
        <dt>{t('re.terms.registration')}</dt>
        <dd>
          {formatTime(campaign.registrationOpensAt)} → {formatTime(campaign.registrationClosesAt)}
          {registering && (
            <span className="re-countdown" data-testid="campaign-closes-in">
              {' '}
              · {t('re.terms.closesIn', { time: formatCountdown(campaign.registrationClosesAt - now) })}
            </span>
          )}
        </dd>
        <dt>{t('re.terms.eligibility')}</dt>
        <dd>
          {eligibility.regions?.length
            ? t('re.terms.regions', { regions: eligibility.regions.join(', ') })
            : ''}
          {eligibility.residentsOnly ? ` ${t('re.terms.residents')}` : ''}
          {!eligibility.regions?.length && !eligibility.residentsOnly ? t('re.terms.anyone') : ''}
        </dd>
        <dt>{t('re.terms.spending')}</dt>
        <dd>
          {formatTime(campaign.spendFrom)} → {formatTime(campaign.spendUntil)}
        </dd>
        <dt>{t('re.terms.registrants')}</dt>
        <dd data-testid="campaign-registrants">{campaign.registrations}</dd>
        <dt>{t('re.terms.commitment')}</dt>
        <dd>
          <code className="re-hash" data-testid="campaign-commitment">
            {campaign.commitment}
          </code>
        </dd>
      </dl>
      <div className="re-where">
        <div className="muted small">{t('re.restricted.where')}</div>
        <MerchantRuleList rule={campaign.merchantRule} directory={directory} />
      </div>
      {local ? (
        <p className="re-registered" data-testid="campaign-registered">
          ✓ {t('re.registered', { at: formatTime(local.registeredAt) })}
        </p>
      ) : (
        <button
          type="button"
          className="button primary wide"
          onClick={() => void register()}
          disabled={busy || !registering}
          data-testid="campaign-register"
        >
          {registering ? t('re.register') : t(PHASE_LABEL[campaign.phase])}
        </button>
      )}
      <RefusalExplanation error={error} testId="campaign-refusal" />
      {error && !explanationKey(error.code) && <ErrorNotice error={error} />}
      {campaign.drawn && <DrawResult campaign={campaign} local={local} />}
    </div>
  );
}

function BackButton({ onBack }: { onBack(): void }) {
  const { t } = useI18n();
  return (
    <button type="button" className="link-button re-back" onClick={onBack} data-testid="campaign-back">
      ‹ {t('re.back')}
    </button>
  );
}

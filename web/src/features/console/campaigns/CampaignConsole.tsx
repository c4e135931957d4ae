/**
 * Campaigns in the issuer console: create one, and for each campaign the
 * live funnel (registrants -> winners -> claimed -> spent -> reclaimed), the
 * draw and reclaim actions and a timeline. Figures come from
 * GET /v1/campaigns/:id/stats, re-read on every campaign.progress event
 * (handed over by the issuer panel's stream, progress-bus.ts) and on a timer.
 */
import { useEffect, useState } from 'react';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { useI18n } from '../../../lib/i18n';
import { fetchCampaigns, usePolled } from '../../red-envelopes/api/campaigns';
import { useDirectory } from '../../wallet/api/directory';
import { adminClient } from './admin-client';
import { CampaignCard } from './CampaignCard';
import { CreateCampaignForm } from './CreateCampaignForm';
import { onCampaignProgress } from './progress-bus';
import './campaigns.css';

export function CampaignConsole() {
  const { t } = useI18n();
  const [version, setVersion] = useState(0);
  const { value: campaigns, error } = usePolled(fetchCampaigns, 10_000, version);
  const { wallets: directory } = useDirectory();
  const [creating, setCreating] = useState(false);
  const [canAct, setCanAct] = useState<boolean | null>(null);

  useEffect(() => {
    let live = true;
    adminClient().then((c) => live && setCanAct(c !== null));
    return () => {
      live = false;
    };
  }, []);
  useEffect(
    () =>
      onCampaignProgress((event) => {
        if (event.kind === 'created' || event.kind === 'drawn') setVersion((v) => v + 1);
      }),
    [],
  );

  return (
    <section className="cc" data-testid="console-campaigns">
      <header className="cc-header">
        <h3>🧧 {t('cc.title')}</h3>
        {canAct && (
          <button
            type="button"
            className="button small"
            onClick={() => setCreating((c) => !c)}
            data-testid="console-campaign-new"
          >
            {creating ? t('cc.cancel') : t('cc.new')}
          </button>
        )}
      </header>
      {canAct === false && <p className="muted small">{t('cc.noToken')}</p>}
      {creating && (
        <CreateCampaignForm
          directory={directory}
          onCreated={() => {
            setCreating(false);
            setVersion((v) => v + 1);
          }}
        />
      )}
      <ErrorNotice error={error} />
      {campaigns && campaigns.length === 0 && !creating && <p className="muted small">{t('cc.none')}</p>}
      {(campaigns ?? []).slice(0, 6).map((c) => (
        <CampaignCard key={c.campaignId} initial={c} canAct={canAct === true} />
      ))}
    </section>
  );
}

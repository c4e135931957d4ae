/**
 * The issuer console on the demo page: circulation figures, the ledger audit
 * and a live feed of ledger activity from the public event stream. Fraud
 * cases and campaigns will join it.
 */
import { ErrorNotice } from '../../components/ErrorNotice';
import { Money } from '../../components/Money';
import { eventsUrl } from '../../lib/api';
import { useI18n } from '../../lib/i18n';
import { useEventSource } from '../../lib/use-event-source';
import { ActivityFeed, useActivityFeed } from './ActivityFeed';
import { useConsoleData } from './api/use-console-data';
import { CampaignConsole } from './campaigns/CampaignConsole';
import { publishCampaignProgress } from './campaigns/progress-bus';
import { FraudCases } from './fraud/FraudCases';
import { FraudLosses } from './fraud/FraudLosses';
import { movesFraudCases, useFraudCases } from './fraud/use-fraud-cases';
import './console.css';

export function IssuerPanel() {
  const { t } = useI18n();
  const { stats, audit, error, refreshSoon } = useConsoleData();
  const feed = useActivityFeed();
  const fraud = useFraudCases();
  const stream = useEventSource(eventsUrl(), {
    // Public: a double spend found at sync or deposit (the fraud cases list and the audit move).
    'fraud.detected': () => {
      fraud.refreshSoon();
      refreshSoon();
    },
    'ledger.activity': (data) => {
      feed.add(data);
      refreshSoon();
      if (movesFraudCases(data)) fraud.refreshSoon();
    },
    'campaign.progress': publishCampaignProgress,
  });

  return (
    <aside className="issuer-panel" data-testid="issuer-panel">
      <header className="issuer-header">
        <h2>{t('issuer.title')}</h2>
        <a className="button secondary small" href="/console" data-testid="open-console">
          {t('console.open')} →
        </a>
        <span className={stream === 'open' ? 'signal live' : 'signal'} title={stream}>
          ●
        </span>
      </header>
      <dl className="figures">
        <Figure label={t('issuer.issued')} fen={stats?.issued} testId="stat-issued" />
        <Figure label={t('issuer.online')} fen={stats?.online} testId="stat-online" />
        <Figure label={t('issuer.vaults')} fen={stats?.operatorVaults} testId="stat-vaults" />
        <Figure label={t('issuer.offline')} fen={stats?.offlineOutstanding} testId="stat-offline" />
        <div className="figure">
          <dt>{t('issuer.wallets')}</dt>
          <dd data-testid="stat-wallets">{stats?.wallets ?? '—'}</dd>
        </div>
      </dl>
      <div className="audit">
        <span>{t('issuer.audit')}</span>
        {audit && (
          <strong
            className={audit.ok ? 'audit-ok' : 'audit-broken'}
            data-testid="audit-status"
            title={audit.breaks.map((b) => `${b.code}: ${b.message}`).join('\n')}
          >
            {audit.ok ? t('issuer.auditOk') : `${t('issuer.auditBroken')} (${audit.breaks.length})`}
          </strong>
        )}
        {audit && (
          <span className="muted small">
            {t('issuer.auditScope', { transfers: audit.transfers, accounts: audit.accounts })}
          </span>
        )}
      </div>
      <ErrorNotice error={error} />
      <FraudLosses stats={stats} />
      <FraudCases cases={fraud.cases} error={fraud.error} version={fraud.version} />
      <CampaignConsole />
      <h3>{t('issuer.activity')}</h3>
      <ActivityFeed items={feed.items} />
    </aside>
  );
}

function Figure({ label, fen, testId }: { label: string; fen: number | undefined; testId: string }) {
  return (
    <div className="figure">
      <dt>{label}</dt>
      <dd>{fen === undefined ? '—' : <Money fen={fen} testId={testId} />}</dd>
    </div>
  );
}

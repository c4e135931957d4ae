/**
 * The full-page issuer console at /console: the live dashboard, fraud cases
 * (with their proofs checked in this browser), campaigns (funnel and
 * timeline) and "Open a report" for a scenario simulator report. The page
 * opens one public event stream and hands its events to every part, so it
 * adds no connection of its own per section (browsers allow ~6 per host).
 */
import { useActivityFeed } from '../features/console/ActivityFeed';
import { CampaignConsole } from '../features/console/campaigns/CampaignConsole';
import { publishCampaignProgress } from '../features/console/campaigns/progress-bus';
import { Dashboard } from '../features/console/dashboard/Dashboard';
import { useDashboard } from '../features/console/dashboard/use-dashboard';
import { FraudCases } from '../features/console/fraud/FraudCases';
import { movesFraudCases, useFraudCases } from '../features/console/fraud/use-fraud-cases';
import { ReportViewer } from '../features/console/reports/ReportViewer';
import { eventsUrl } from '../lib/api';
import { useI18n } from '../lib/i18n';
import { useEventSource } from '../lib/use-event-source';
import '../features/console/console.css';
import '../features/console/dashboard/console-page.css';

export function ConsolePage() {
  const { t } = useI18n();
  const dashboard = useDashboard();
  const fraud = useFraudCases();
  const feed = useActivityFeed();
  const stream = useEventSource(eventsUrl(), {
    'ledger.activity': (data) => {
      feed.add(data);
      dashboard.onActivity(data);
      if (movesFraudCases(data)) fraud.refreshSoon();
    },
    // Public: a double spend found at sync or deposit (cases, losses and the audit move).
    'fraud.detected': () => {
      fraud.refreshSoon();
      dashboard.refreshSoon();
    },
    'campaign.progress': (data) => {
      publishCampaignProgress(data);
      dashboard.refreshSoon();
    },
  });

  return (
    <div className="console-page" data-testid="console-page">
      <nav className="console-nav">
        <a href="#dashboard">{t('console.nav.dashboard')}</a>
        <a href="#fraud">{t('console.nav.fraud')}</a>
        <a href="#campaigns">{t('console.nav.campaigns')}</a>
        <a href="#report">{t('console.nav.report')}</a>
        <span className="console-nav-spacer" />
        <span
          className={stream === 'open' ? 'signal live' : 'signal'}
          data-testid="console-stream"
          title={stream}
        >
          ● {t(`console.stream.${stream}`)}
        </span>
        <a href="/" data-testid="console-back">
          ← {t('console.back')}
        </a>
      </nav>
      {/* `issuer-panel` lends the console's dark card style to the components shared with the demo page. */}
      <section id="dashboard" className="issuer-panel console-card">
        <Dashboard data={dashboard} fraudCases={fraud.cases} activity={feed.items} />
      </section>
      <div className="console-columns">
        <section id="fraud" className="issuer-panel console-card">
          <FraudCases cases={fraud.cases} error={fraud.error} version={fraud.version} />
        </section>
        <section id="campaigns" className="issuer-panel console-card">
          <CampaignConsole />
        </section>
      </div>
      <section id="report" className="issuer-panel console-card" data-testid="console-report">
        <ReportViewer />
      </section>
    </div>
  );
}

/**
 * The dashboard of the full-page issuer console: circulation and where it
 * sits (online, offline outstanding, restricted, pools, vaults), double-spend
 * recoveries and compensations, transactions per minute and the audit, live; a stacked area of the
 * money split over time and a line of transactions per minute.
 */
import { useState } from 'react';
import {
  Area,
  AreaChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { Money } from '../../../components/Money';
import { type MessageKey, useI18n } from '../../../lib/i18n';
import type { FraudCaseSummary } from '../../offline/api-types';
import { ActivityFeed, type ActivityItem } from '../ActivityFeed';
import { FraudLosses } from '../fraud/FraudLosses';
import { AXIS, COLORS, GRID, TOOLTIP_STYLE, yuanTick, yuanValue } from './chart-style';
import { type Dashboard as DashboardData, STATS_POLL_MS } from './use-dashboard';
import './dashboard.css';

const MONEY_SERIES: { key: keyof typeof COLORS; label: MessageKey }[] = [
  { key: 'online', label: 'dash.series.online' },
  { key: 'offline', label: 'dash.series.offline' },
  { key: 'restricted', label: 'dash.series.restricted' },
  { key: 'pools', label: 'dash.series.pools' },
  { key: 'vaults', label: 'dash.series.vaults' },
];

export function Dashboard({
  data,
  fraudCases,
  activity,
}: {
  data: DashboardData;
  fraudCases: FraudCaseSummary[];
  activity: ActivityItem[];
}) {
  const { t } = useI18n();
  const { stats, audit } = data;
  // Operator vaults hold most of the money issued and would flatten the rest: hidden until clicked.
  const [hidden, setHidden] = useState<ReadonlySet<string>>(() => new Set(['vaults']));
  const toggle = (key: string) =>
    setHidden((set) => {
      const next = new Set(set);
      if (!next.delete(key)) next.add(key);
      return next;
    });
  return (
    <section className="dashboard" data-testid="console-dashboard">
      <h2>{t('dash.title')}</h2>
      <div className="dash-tiles">
        <Tile label={t('dash.issued')} fen={stats?.issued} testId="dash-issued" wide />
        <Tile label={t('dash.online')} fen={stats?.online} testId="dash-online" />
        <Tile label={t('dash.offline')} fen={stats?.offlineOutstanding} testId="dash-offline" />
        <Tile label={t('dash.restricted')} fen={stats?.restricted} testId="dash-restricted" />
        <Tile label={t('dash.pools')} hint={t('dash.poolsHint')} fen={stats?.pools} testId="dash-pools" />
        <Tile label={t('dash.vaults')} fen={stats?.operatorVaults} testId="dash-vaults" />
        <div className="dash-tile">
          <span className="dash-label" title={t('dash.tpmHint')}>
            {t('dash.tpm')}
          </span>
          <strong className="dash-value" data-testid="dash-tpm">
            {data.tpm}
          </strong>
        </div>
        <div className="dash-tile">
          <span className="dash-label">{t('dash.fraud')}</span>
          <strong className="dash-value" data-testid="dash-fraud">
            {fraudCases.length}
          </strong>
        </div>
        <div className="dash-tile">
          <span className="dash-label">{t('dash.wallets')}</span>
          <strong className="dash-value" data-testid="dash-wallets">
            {stats?.wallets ?? '—'}
          </strong>
        </div>
        <div className="dash-tile">
          <span className="dash-label">{t('dash.audit')}</span>
          {audit ? (
            <strong
              className={audit.ok ? 'dash-value audit-ok' : 'dash-value audit-broken'}
              data-testid="dash-audit"
              title={audit.breaks.map((b) => `${b.code}: ${b.message}`).join('\n')}
            >
              {audit.ok ? t('issuer.auditOk') : `${t('issuer.auditBroken')} (${audit.breaks.length})`}
            </strong>
          ) : (
            <strong className="dash-value">—</strong>
          )}
        </div>
      </div>
      <FraudLosses stats={stats} className="dash-losses" />
      <ErrorNotice error={data.error} />
      <div className="dash-charts">
        <figure className="dash-chart" data-testid="dash-chart-money">
          <figcaption>{t('dash.moneyChart')}</figcaption>
          <ResponsiveContainer width="100%" height={240}>
            <AreaChart data={data.samples} margin={{ top: 8, right: 12, bottom: 0, left: 8 }}>
              <CartesianGrid stroke={GRID} strokeDasharray="3 3" />
              <XAxis dataKey="label" tick={AXIS} stroke={AXIS.stroke} minTickGap={40} />
              <YAxis tick={AXIS} stroke={AXIS.stroke} tickFormatter={yuanTick} width={64} />
              <Tooltip {...TOOLTIP_STYLE} formatter={yuanValue} />
              <Legend
                wrapperStyle={{ fontSize: 12, cursor: 'pointer' }}
                onClick={(entry) => typeof entry.dataKey === 'string' && toggle(entry.dataKey)}
              />
              {MONEY_SERIES.map((s) => (
                <Area
                  key={s.key}
                  type="stepAfter"
                  dataKey={s.key}
                  name={t(s.label)}
                  stackId="money"
                  hide={hidden.has(s.key)}
                  stroke={COLORS[s.key]}
                  fill={COLORS[s.key]}
                  fillOpacity={0.55}
                  isAnimationActive={false}
                />
              ))}
            </AreaChart>
          </ResponsiveContainer>
          <p className="muted small">
            {t('dash.sampling', { seconds: STATS_POLL_MS / 1000 })} · {t('dash.legendHint')}
          </p>
        </figure>
        <figure className="dash-chart" data-testid="dash-chart-tpm">
          <figcaption>{t('dash.tpmChart')}</figcaption>
          <ResponsiveContainer width="100%" height={240}>
            <LineChart data={data.tpmSeries} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
              <CartesianGrid stroke={GRID} strokeDasharray="3 3" />
              <XAxis dataKey="label" tick={AXIS} stroke={AXIS.stroke} minTickGap={24} />
              <YAxis tick={AXIS} stroke={AXIS.stroke} allowDecimals={false} width={40} />
              <Tooltip {...TOOLTIP_STYLE} />
              <Line
                type="monotone"
                dataKey="count"
                name={t('dash.series.tpm')}
                stroke={COLORS.tpm}
                strokeWidth={2}
                dot={false}
                isAnimationActive={false}
              />
            </LineChart>
          </ResponsiveContainer>
        </figure>
        <div className="dash-activity">
          <h3>{t('issuer.activity')}</h3>
          <ActivityFeed items={activity} />
        </div>
      </div>
    </section>
  );
}

function Tile({
  label,
  hint,
  fen,
  testId,
  wide,
}: {
  label: string;
  hint?: string;
  fen: number | undefined;
  testId: string;
  wide?: boolean;
}) {
  return (
    <div className={wide ? 'dash-tile wide' : 'dash-tile'}>
      <span className="dash-label" title={hint}>
        {label}
      </span>
      <strong className="dash-value">{fen === undefined ? '—' : <Money fen={fen} testId={testId} />}</strong>
    </div>
  );
}

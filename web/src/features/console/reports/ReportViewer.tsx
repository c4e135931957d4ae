/**
 * "Open a report": load a scenario report JSON (file picker or drag and
 * drop), validate it (report-schema.ts), recompute its hash in the browser
 * and show its figures with two charts: where the money sat after the run
 * and the campaign funnel. Nothing is sent anywhere: the file stays local.
 */
import { formatFen } from '@ecny-sim/wallet-core';
import { type DragEvent, useCallback, useId, useState } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  LabelList,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { Money } from '../../../components/Money';
import { useI18n } from '../../../lib/i18n';
import { AXIS, COLORS, GRID, TOOLTIP_STYLE, yuanTick, yuanTicks, yuanValue } from '../dashboard/chart-style';
import { computeReportHash } from './report-hash';
import { parseReport, type ScenarioReport } from './report-schema';
import './reports.css';

type Loaded =
  | { kind: 'report'; fileName: string; report: ScenarioReport; recomputed: string }
  | { kind: 'error'; fileName: string; problems: string[] };

/** Larger than any report the simulator writes (a few KB), small enough to refuse a wrong file quickly. */
const MAX_BYTES = 5 * 1024 * 1024;

export async function readReportFile(file: File): Promise<Loaded> {
  if (file.size > MAX_BYTES) {
    return { kind: 'error', fileName: file.name, problems: [`the file is ${file.size} bytes, too large`] };
  }
  const parsed = parseReport(await file.text());
  if (!parsed.ok) return { kind: 'error', fileName: file.name, problems: parsed.problems };
  return {
    kind: 'report',
    fileName: file.name,
    report: parsed.report,
    recomputed: computeReportHash(parsed.raw),
  };
}

export function ReportViewer() {
  const { t } = useI18n();
  const inputId = useId();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [dragging, setDragging] = useState(false);

  const open = useCallback(async (file: File | undefined) => {
    if (!file) return;
    try {
      setLoaded(await readReportFile(file));
    } catch (e) {
      setLoaded({ kind: 'error', fileName: file.name, problems: [(e as Error).message] });
    }
  }, []);

  const onDrop = (event: DragEvent<HTMLElement>) => {
    event.preventDefault();
    setDragging(false);
    void open(event.dataTransfer.files[0]);
  };

  return (
    <section className="report-viewer">
      <h2>{t('report.title')}</h2>
      <p className="muted small">{t('report.intro')}</p>
      <label
        htmlFor={inputId}
        className={dragging ? 'report-drop dragging' : 'report-drop'}
        data-testid="report-drop"
        onDragOver={(event) => {
          event.preventDefault();
          event.dataTransfer.dropEffect = 'copy';
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <span className="button small">{t('report.choose')}</span>
        <span className="muted small">{t('report.drop')}</span>
        <input
          id={inputId}
          type="file"
          accept=".json,application/json"
          className="report-input"
          data-testid="report-upload"
          onChange={(event) => {
            void open(event.target.files?.[0]);
            // Choosing the same file again (after fixing it) must load it again.
            event.target.value = '';
          }}
        />
      </label>
      {loaded?.kind === 'error' && (
        <div className="report-error" role="alert" data-testid="report-error">
          <strong>
            {t('report.invalid')}: <code>{loaded.fileName}</code>
          </strong>
          <ul>
            {loaded.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      )}
      {loaded?.kind === 'report' && (
        <ReportView report={loaded.report} recomputed={loaded.recomputed} fileName={loaded.fileName} />
      )}
    </section>
  );
}

const int = (n: number) => n.toLocaleString('en-US');

function ReportView({
  report,
  recomputed,
  fileName,
}: {
  report: ScenarioReport;
  recomputed: string;
  fileName: string;
}) {
  const { t } = useI18n();
  const { money, doubleSpends: ds, campaign: c } = report;
  const na = <span className="muted">{t('report.notApplicable')}</span>;
  const hashOk = recomputed === report.reportHash;

  // The report's `losses` is compensations minus recoveries: below zero, it is money recovered from
  // culprits still held for honest holders who have not deposited, not a negative loss.
  const held = money.losses < 0;
  const lossLabel = t(held ? 'losses.held' : 'losses.net');
  const lossFen = Math.abs(money.losses);
  const moneyBars = [
    { name: t('report.online'), fen: money.online, color: COLORS.online },
    { name: t('report.offline'), fen: money.offlineOutstanding, color: COLORS.offline },
    { name: t('report.restricted'), fen: money.restricted, color: COLORS.restricted },
    { name: t('report.reclaimed'), fen: money.reclaimed, color: COLORS.reclaimed },
    { name: lossLabel, fen: lossFen, color: held ? COLORS.reclaimed : COLORS.losses },
  ];
  const moneyAxis = yuanTicks(moneyBars.map((b) => b.fen));
  const funnel = c
    ? [
        { name: t('report.registrants'), count: c.registrants },
        { name: t('report.winners'), count: c.winners },
        { name: t('report.claimed'), count: c.claimed },
        { name: t('report.payments'), count: c.payments },
        { name: t('report.merchants'), count: c.merchants },
      ]
    : [];

  return (
    <div className="report-view" data-testid="report-view" data-file={fileName}>
      <dl className="report-head">
        <div>
          <dt>{t('report.scenario')}</dt>
          <dd data-testid="report-scenario">{report.scenario}</dd>
        </div>
        <div>
          <dt>{t('report.seed')}</dt>
          <dd data-testid="report-seed">{report.seed}</dd>
        </div>
        <div>
          <dt>{t('report.scale')}</dt>
          <dd data-testid="report-scale">{report.scale}</dd>
        </div>
        <div>
          <dt>{t('report.elapsed')}</dt>
          <dd>{(report.elapsedMs / 1000).toFixed(1)} s</dd>
        </div>
        <div>
          <dt>{t('report.audit')}</dt>
          <dd
            data-testid="report-audit"
            data-ok={String(report.audit.ok)}
            className={report.audit.ok ? 'audit-ok' : 'audit-broken'}
            title={report.audit.breaks.map((b) => `${b.code}: ${b.message}`).join('\n')}
          >
            {report.audit.ok
              ? t('report.auditOk')
              : t('report.auditBroken', { count: report.audit.breaks.length })}
          </dd>
        </div>
        <div>
          <dt>{t('report.throughput')}</dt>
          <dd data-testid="report-throughput">
            {report.throughput.paymentsPerSecond === null ? na : int(report.throughput.paymentsPerSecond)}
          </dd>
        </div>
      </dl>

      <div className="report-body">
        <div className="report-block" data-testid="report-money">
          <h3>{t('report.money')}</h3>
          <table className="report-table">
            <tbody>
              <MoneyRow label={t('report.issued')} fen={money.issued} testId="report-money-issued" />
              <MoneyRow label={t('report.online')} fen={money.online} testId="report-money-online" />
              <MoneyRow
                label={t('report.offline')}
                fen={money.offlineOutstanding}
                testId="report-money-offline"
              />
              <MoneyRow
                label={t('report.restricted')}
                fen={money.restricted}
                testId="report-money-restricted"
              />
              <MoneyRow label={t('report.reclaimed')} fen={money.reclaimed} testId="report-money-reclaimed" />
              <MoneyRow label={lossLabel} fen={lossFen} testId="report-money-losses" />
            </tbody>
          </table>
        </div>

        <div className="report-block" data-testid="report-doublespends">
          <h3>{t('report.doubleSpends')}</h3>
          {ds ? (
            <>
              <table className="report-table">
                <tbody>
                  <CountRow label={t('report.injected')} value={ds.injected} testId="report-ds-injected" />
                  <CountRow label={t('report.detected')} value={ds.detected} testId="report-ds-detected" />
                  <CountRow
                    label={t('report.falsePositives')}
                    value={ds.falsePositives}
                    testId="report-ds-false-positives"
                  />
                </tbody>
              </table>
              <p
                className={
                  ds.detected >= ds.injected && ds.falsePositives === 0
                    ? 'audit-ok small'
                    : 'audit-broken small'
                }
              >
                {ds.detected >= ds.injected
                  ? t('report.allDetected')
                  : t('report.undetected', { count: ds.injected - ds.detected })}
              </p>
            </>
          ) : (
            na
          )}
        </div>

        <div className="report-block" data-testid="report-campaign">
          <h3>{t('report.campaign')}</h3>
          {c ? (
            <table className="report-table">
              <tbody>
                <CountRow
                  label={t('report.registrants')}
                  value={c.registrants}
                  testId="report-c-registrants"
                />
                <CountRow label={t('report.winners')} value={c.winners} testId="report-c-winners" />
                <CountRow label={t('report.claimed')} value={c.claimed} testId="report-c-claimed" />
                <CountRow label={t('report.payments')} value={c.payments} testId="report-c-payments" />
                <MoneyRow label={t('report.spent')} fen={c.spentFen} testId="report-c-spent" />
                <MoneyRow label={t('report.reclaimedFen')} fen={c.reclaimedFen} testId="report-c-reclaimed" />
                <CountRow label={t('report.merchants')} value={c.merchants} testId="report-c-merchants" />
              </tbody>
            </table>
          ) : (
            na
          )}
        </div>
      </div>

      <div className="report-charts">
        <figure className="dash-chart" data-testid="report-chart-money">
          <figcaption>{t('report.moneyChart')}</figcaption>
          <ResponsiveContainer width="100%" height={220}>
            <BarChart data={moneyBars} layout="vertical" margin={{ top: 4, right: 72, bottom: 0, left: 8 }}>
              <CartesianGrid stroke={GRID} strokeDasharray="3 3" horizontal={false} />
              <XAxis
                type="number"
                tick={AXIS}
                stroke={AXIS.stroke}
                tickFormatter={yuanTick}
                domain={moneyAxis.domain}
                ticks={moneyAxis.ticks}
              />
              <YAxis type="category" dataKey="name" tick={AXIS} stroke={AXIS.stroke} width={130} />
              <Tooltip {...TOOLTIP_STYLE} formatter={yuanValue} cursor={{ fill: '#ffffff10' }} />
              <Bar dataKey="fen" isAnimationActive={false}>
                {moneyBars.map((b) => (
                  <Cell key={b.name} fill={b.color} />
                ))}
                <LabelList
                  dataKey="fen"
                  position="right"
                  fill="#e8e8ed"
                  fontSize={11}
                  formatter={(v: unknown) => (typeof v === 'number' ? formatFen(v) : '')}
                />
              </Bar>
            </BarChart>
          </ResponsiveContainer>
        </figure>
        {c && (
          <figure className="dash-chart" data-testid="report-chart-funnel">
            <figcaption>{t('report.funnelChart')}</figcaption>
            <ResponsiveContainer width="100%" height={220}>
              <BarChart data={funnel} layout="vertical" margin={{ top: 4, right: 72, bottom: 0, left: 8 }}>
                <CartesianGrid stroke={GRID} strokeDasharray="3 3" horizontal={false} />
                <XAxis type="number" tick={AXIS} stroke={AXIS.stroke} allowDecimals={false} />
                <YAxis type="category" dataKey="name" tick={AXIS} stroke={AXIS.stroke} width={130} />
                <Tooltip {...TOOLTIP_STYLE} cursor={{ fill: '#ffffff10' }} />
                <Bar dataKey="count" fill={COLORS.restricted} isAnimationActive={false}>
                  <LabelList
                    dataKey="count"
                    position="right"
                    fill="#e8e8ed"
                    fontSize={11}
                    formatter={(v: unknown) => (typeof v === 'number' ? int(v) : '')}
                  />
                </Bar>
              </BarChart>
            </ResponsiveContainer>
          </figure>
        )}
      </div>

      <p className="report-hash-line">
        {t('report.hash')}{' '}
        <code className="mono" data-testid="report-hash">
          {report.reportHash}
        </code>{' '}
        <strong
          className={hashOk ? 'audit-ok small' : 'audit-broken small'}
          data-testid="report-hash-check"
          data-ok={String(hashOk)}
        >
          {hashOk ? `✓ ${t('report.hashOk')}` : `✗ ${t('report.hashBad', { hash: recomputed })}`}
        </strong>
      </p>
      {report.notes && report.notes.length > 0 && (
        <details className="report-notes">
          <summary>{t('report.notes')}</summary>
          <ul>
            {report.notes.map((n) => (
              <li key={n} className="small">
                {n}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

function MoneyRow({ label, fen, testId }: { label: string; fen: number; testId: string }) {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td>
        <Money fen={fen} testId={testId} />
      </td>
    </tr>
  );
}

function CountRow({ label, value, testId }: { label: string; value: number; testId: string }) {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td data-testid={testId}>{int(value)}</td>
    </tr>
  );
}

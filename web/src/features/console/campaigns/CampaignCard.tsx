/** One campaign in the console: live funnel, draw / reclaim, timeline and the latest progress events. */
import { formatFen } from '@ecny-sim/wallet-core';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { Money } from '../../../components/Money';
import { createApiClient } from '../../../lib/api';
import { describeError, type ErrorInfo } from '../../../lib/errors';
import { type MessageKey, useI18n } from '../../../lib/i18n';
import { fetchCampaign, usePolled } from '../../red-envelopes/api/campaigns';
import type { CampaignStats, CampaignView } from '../../red-envelopes/api/types';
import { formatTime, useNow } from '../../red-envelopes/time';
import { adminClient } from './admin-client';
import { type CampaignProgress, onCampaignProgress } from './progress-bus';

const STATS_POLL_MS = 3000;
let eventSeq = 0;

interface Loaded {
  campaign: CampaignView;
  stats: CampaignStats;
}

export function CampaignCard({ initial, canAct }: { initial: CampaignView; canAct: boolean }) {
  const { t } = useI18n();
  const id = initial.campaignId;
  const [version, setVersion] = useState(0);
  const load = useCallback(async (): Promise<Loaded> => {
    const [campaign, stats] = await Promise.all([fetchCampaign(id), createApiClient().campaignStats(id)]);
    return { campaign, stats };
  }, [id]);
  const { value, error: loadError } = usePolled(load, STATS_POLL_MS, version);
  const [events, setEvents] = useState<CampaignProgress[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [note, setNote] = useState<string | null>(null);
  /** The reclaim date this console's own reclaim answered, until the polled view carries it. */
  const [reclaimedHere, setReclaimedHere] = useState<number | null>(null);
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(
    () =>
      onCampaignProgress((event) => {
        if (event.campaignId !== id) return;
        setEvents((list) => [{ ...event, at: event.at ?? Date.now(), seq: ++eventSeq }, ...list].slice(0, 8));
        clearTimeout(pending.current);
        pending.current = setTimeout(() => setVersion((v) => v + 1), 150);
      }),
    [id],
  );
  useEffect(() => () => clearTimeout(pending.current), []);

  const campaign = value?.campaign ?? initial;
  const stats = value?.stats ?? null;
  const phase = stats?.phase ?? campaign.phase;
  // Reclaim takes everything left at once (later deposits of the campaign's coins are refused), so
  // once the campaign is dated reclaimed (even with nothing left to take back), there is nothing
  // more to do.
  const reclaimedAt = campaign.reclaimedAt ?? reclaimedHere;
  const reclaimed = reclaimedAt !== null;
  // What the reclaim took, said again after a reload: the wallets it reached are in its own answer
  // only, the amount in the figures.
  const shownNote =
    note ??
    (reclaimed && stats
      ? stats.reclaimed > 0
        ? t('cc.reclaimedAmount', { amount: formatFen(stats.reclaimed) })
        : t('cc.reclaimedNothing')
      : null);

  const act = async (what: 'draw' | 'reclaim') => {
    setBusy(true);
    setError(null);
    setNote(null);
    try {
      const admin = await adminClient();
      if (!admin) throw new Error(t('cc.noToken'));
      if (what === 'draw') {
        const d = await admin.drawCampaign(id);
        setNote(
          d.winners.length === 1
            ? t('cc.drawnOne', { registrations: d.registrations })
            : t('cc.drawn', { winners: d.winners.length, registrations: d.registrations }),
        );
      } else {
        const r = await admin.reclaimCampaign(id);
        setReclaimedHere(r.reclaimedAt ?? Date.now());
        setNote(
          r.reclaimedNow > 0
            ? t(r.wallets === 1 ? 'cc.reclaimedNoteOne' : 'cc.reclaimedNote', {
                amount: formatFen(r.reclaimedNow),
                wallets: r.wallets,
              })
            : t('cc.reclaimedNothing'),
        );
      }
      setVersion((v) => v + 1);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <article className="cc-card" data-testid="console-campaign" data-campaign-id={id} data-phase={phase}>
      <header className="cc-card-head">
        <strong>{campaign.name}</strong>
        <span className={`cc-phase ${phase}`} data-testid="console-campaign-phase">
          {t(`re.phase.${phase}` as MessageKey)}
        </span>
      </header>
      <div className="muted small">
        {campaign.prizes.map((p) => `${formatFen(p.amount)} × ${p.count}`).join(' + ')} ·{' '}
        {t('cc.budgetOf', { amount: formatFen(campaign.budget) })}
      </div>
      <Funnel stats={stats} />
      {canAct && (
        <div className="cc-actions">
          <button
            type="button"
            className="button small primary"
            onClick={() => void act('draw')}
            disabled={busy || phase !== 'closed'}
            data-testid="console-draw"
          >
            {t('cc.draw')}
          </button>
          <button
            type="button"
            className="button small secondary"
            onClick={() => void act('reclaim')}
            disabled={busy || phase !== 'ended' || reclaimed}
            data-testid="console-reclaim"
            data-done={reclaimed ? 'true' : 'false'}
            title={reclaimedAt !== null ? formatTime(reclaimedAt) : undefined}
          >
            {reclaimed ? `${t('cc.reclaimedDone')} ✓` : t('cc.reclaim')}
          </button>
        </div>
      )}
      {shownNote && (
        <p className="success" data-testid="console-campaign-note">
          {shownNote}
        </p>
      )}
      <ErrorNotice error={error ?? loadError} />
      <Timeline campaign={campaign} reclaimedAt={reclaimedAt} />
      {events.length > 0 && (
        <ul className="cc-events" data-testid="campaign-events">
          {events.map((e) => (
            <li key={String(e.seq)}>
              <span className="muted">{formatTime(Number(e.at))}</span> {e.kind}
              {typeof e.amount === 'number' ? ` ${formatFen(e.amount)}` : ''}
            </li>
          ))}
        </ul>
      )}
    </article>
  );
}

function Funnel({ stats }: { stats: CampaignStats | null }) {
  const { t } = useI18n();
  const s = stats;
  const base = Math.max(1, s?.registrants ?? 0);
  const money = Math.max(1, s?.awarded ?? 0);
  const steps: { key: string; label: MessageKey; value: number; share: number; amount?: number }[] = s
    ? [
        {
          key: 'registrants',
          label: 'cc.funnel.registrants',
          value: s.registrants,
          share: s.registrants / base,
        },
        {
          key: 'winners',
          label: 'cc.funnel.winners',
          value: s.winners,
          share: s.winners / base,
          amount: s.awarded,
        },
        {
          key: 'claimed',
          label: 'cc.funnel.claimed',
          value: s.claimed,
          share: s.claimed / base,
          amount: s.claimedAmount,
        },
        {
          key: 'spent',
          label: 'cc.funnel.spent',
          value: s.payments,
          share: s.spent / money,
          amount: s.spent,
        },
        {
          key: 'reclaimed',
          label: 'cc.funnel.reclaimed',
          value: s.reclaimed,
          share: s.reclaimed / Math.max(1, s.budget),
          amount: s.reclaimed,
        },
      ]
    : [];
  return (
    <ol className="cc-funnel" data-testid="campaign-funnel">
      {steps.map((step) => (
        <li
          key={step.key}
          className="cc-funnel-step"
          data-testid={`funnel-${step.key}`}
          data-value={step.key === 'reclaimed' ? step.amount : step.value}
          data-amount={step.amount ?? ''}
        >
          <span className="cc-funnel-label">{t(step.label)}</span>
          <span className="cc-funnel-bar">
            <span style={{ width: `${Math.min(100, Math.round(step.share * 100))}%` }} />
          </span>
          <span className="cc-funnel-value">
            {step.key === 'reclaimed' ? (
              <Money fen={step.amount ?? 0} />
            ) : (
              <>
                {step.key === 'spent' ? t('cc.payments', { n: step.value }) : step.value}
                {step.amount !== undefined && (
                  <>
                    {' · '}
                    <Money fen={step.amount} />
                  </>
                )}
              </>
            )}
          </span>
        </li>
      ))}
      {s && s.merchantsReached > 0 && (
        <li className="muted small">
          {s.merchantsReached === 1
            ? t('cc.merchantsReachedOne')
            : t('cc.merchantsReached', { n: s.merchantsReached })}
        </li>
      )}
    </ol>
  );
}

function Timeline({ campaign, reclaimedAt }: { campaign: CampaignView; reclaimedAt: number | null }) {
  const { t } = useI18n();
  const now = useNow(1000);
  // Created, drawn and reclaimed are dated once they happened; the rest are scheduled times.
  const points: { key: string; label: MessageKey; at: number | null; happened?: boolean }[] = [
    { key: 'created', label: 'cc.tl.created', at: campaign.createdAt, happened: true },
    { key: 'opens', label: 'cc.tl.opens', at: campaign.registrationOpensAt },
    { key: 'closes', label: 'cc.tl.closes', at: campaign.registrationClosesAt },
    { key: 'drawn', label: 'cc.tl.drawn', at: campaign.drawnAt, happened: true },
    { key: 'spendFrom', label: 'cc.tl.spendFrom', at: campaign.spendFrom },
    { key: 'spendUntil', label: 'cc.tl.spendUntil', at: campaign.spendUntil },
    { key: 'reclaimed', label: 'cc.tl.reclaimed', at: reclaimedAt, happened: true },
  ];
  // In the order things happened (the draw may come after spending opened): a point not reached
  // yet sits where it is expected (the draw after registration closes), the reclaim last.
  const expected = (p: (typeof points)[number]) =>
    p.at !== null ? p.at : p.key === 'drawn' ? campaign.registrationClosesAt : Number.POSITIVE_INFINITY;
  // To the second shown, not the millisecond: points of one second keep the campaign's own order
  // above (the sort is stable). The data has no sequence of its own, and registration opening "now"
  // is stamped by the form a moment before the server stamps the creation, yet happened with it.
  const second = (p: (typeof points)[number]) => {
    const at = expected(p);
    return Number.isFinite(at) ? Math.floor(at / 1000) : at;
  };
  points.sort((a, b) => {
    const [x, y] = [second(a), second(b)];
    return x === y ? 0 : x < y ? -1 : 1;
  });
  return (
    <ol className="cc-timeline" data-testid="campaign-timeline">
      {points.map((p) => {
        const done = p.at !== null && (p.happened === true || p.at <= now);
        return (
          <li
            key={p.key}
            className={done ? 'done' : 'todo'}
            data-point={p.key}
            data-done={done ? 'true' : 'false'}
          >
            <span className="cc-dot" aria-hidden="true" />
            <span>{t(p.label)}</span>
            <span className="muted">{p.at !== null ? formatTime(p.at) : '—'}</span>
          </li>
        );
      })}
    </ol>
  );
}

/**
 * Where the money of double spends stands for the operators (GET /v1/stats):
 * recovered from culprits at detection (up to the whole double-spent coin,
 * the losing branch's worst case), compensated to honest holders as they
 * deposit, and what is left: held against claims still open while
 * recoveries exceed compensations, a net loss once compensations exceed
 * recoveries.
 */
import { Money } from '../../../components/Money';
import { useI18n } from '../../../lib/i18n';
import type { CirculationStats } from '../api/stats';

export interface FraudLossSplit {
  recovered: number;
  compensated: number;
  /** Recovered and not yet paid out: held for holders who have not deposited yet. */
  held: number;
  /** Paid out beyond what was recovered: the operators' loss. */
  loss: number;
}

export function fraudLossSplit(stats: Pick<CirculationStats, 'fraudRecovered' | 'fraudCompensated'>) {
  const left = stats.fraudRecovered - stats.fraudCompensated;
  return {
    recovered: stats.fraudRecovered,
    compensated: stats.fraudCompensated,
    held: Math.max(0, left),
    loss: Math.max(0, -left),
  } satisfies FraudLossSplit;
}

export function FraudLosses({
  stats,
  className,
}: {
  stats: CirculationStats | null | undefined;
  className?: string;
}) {
  const { t } = useI18n();
  if (!stats) return null;
  const split = fraudLossSplit(stats);
  const holding = split.held > 0;
  return (
    <div className={`fraud-losses ${className ?? ''}`} data-testid="fraud-losses">
      <dl>
        <div>
          <dt>{t('losses.recovered')}</dt>
          <dd>
            <Money fen={split.recovered} testId="losses-recovered" />
          </dd>
        </div>
        <div>
          <dt>{t('losses.compensated')}</dt>
          <dd>
            <Money fen={split.compensated} testId="losses-compensated" />
          </dd>
        </div>
        <div data-testid="losses-left" data-kind={holding ? 'held' : 'loss'}>
          <dt>{t(holding ? 'losses.held' : 'losses.net')}</dt>
          <dd>
            <Money fen={holding ? split.held : split.loss} testId="losses-left-amount" />
          </dd>
        </div>
      </dl>
      <p className="muted small" data-testid="losses-explain">
        {t(holding ? 'losses.heldExplain' : split.loss > 0 ? 'losses.netExplain' : 'losses.evenExplain')}
      </p>
    </div>
  );
}

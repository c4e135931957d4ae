/**
 * Where the money of double spends stands for the operators: recovered from
 * culprits at detection (up to the whole double-spent coin, the losing
 * branch's worst case), compensated to honest holders as they deposit, and
 * what is left: held against claims still open while recoveries exceed
 * compensations, a net loss once compensations exceed recoveries. The loss
 * accounts' balance (GET /v1/stats `losses`) is recoveries minus
 * compensations; recoveries are the cases' own; compensations follow.
 */
import { Money } from '../../../components/Money';
import { useI18n } from '../../../lib/i18n';
import type { FraudCaseSummary } from '../../offline/api-types';

export interface FraudLossSplit {
  recovered: number;
  compensated: number;
  /** Recovered and not yet paid out: held for holders who have not deposited yet. */
  held: number;
  /** Paid out beyond what was recovered: the operators' loss. */
  loss: number;
}

/** `lossBalance`: the loss accounts' balance (recoveries minus compensations). */
export function fraudLossSplit(lossBalance: number, cases: readonly Pick<FraudCaseSummary, 'recovered'>[]) {
  const recovered = cases.reduce((s, c) => s + c.recovered, 0);
  const compensated = Math.max(0, recovered - lossBalance);
  const left = recovered - compensated;
  return {
    recovered,
    compensated,
    held: Math.max(0, left),
    loss: Math.max(0, -left),
  } satisfies FraudLossSplit;
}

export function FraudLosses({
  lossBalance,
  cases,
  className,
}: {
  lossBalance: number | undefined;
  cases: readonly FraudCaseSummary[];
  className?: string;
}) {
  const { t } = useI18n();
  if (lossBalance === undefined) return null;
  const split = fraudLossSplit(lossBalance, cases);
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

/** An amount of fen as "¥1,234.56", optionally signed for history lines. */
import { formatFen } from '@ecny-sim/wallet-core';

export function Money({
  fen,
  signed,
  className,
  testId,
}: {
  fen: number;
  signed?: 'in' | 'out';
  className?: string;
  testId?: string;
}) {
  const sign = signed === 'in' ? '+' : signed === 'out' ? '-' : '';
  return (
    <span
      className={['money', signed ? `money-${signed}` : '', className ?? ''].join(' ').trim()}
      data-testid={testId}
    >
      {sign}
      {formatFen(fen)}
    </span>
  );
}

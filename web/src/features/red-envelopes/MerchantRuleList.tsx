/** Where campaign money works: merchants by name, region or category code. */
import type { DirectoryEntry } from '@ecny-sim/wallet-core';
import { useI18n } from '../../lib/i18n';
import type { MerchantRule } from './api/types';

export function MerchantRuleList({
  rule,
  directory,
  testId,
}: {
  rule: MerchantRule;
  directory: DirectoryEntry[] | null;
  testId?: string;
}) {
  const { t } = useI18n();
  const ids = rule.walletIds ?? [];
  const regions = rule.regions ?? [];
  const mccs = rule.mccs ?? [];
  const nameOf = (id: string) => {
    const entry = directory?.find((w) => w.walletId === id);
    return entry?.merchant?.name ?? entry?.displayName ?? id;
  };
  const items: string[] = ids.map(nameOf);
  if (regions.length > 0 || mccs.length > 0) {
    const where = regions.length > 0 ? t('re.rule.regions', { regions: regions.join(', ') }) : '';
    const what = mccs.length > 0 ? t('re.rule.mccs', { mccs: mccs.join(', ') }) : '';
    items.push([where, what].filter(Boolean).join(' · '));
  }
  if (items.length === 0) items.push(t('re.rule.any'));
  return (
    <ul className="re-merchants" data-testid={testId}>
      {items.map((item) => (
        <li key={item}>🏪 {item}</li>
      ))}
    </ul>
  );
}

/**
 * The published draw of a campaign: the revealed seed, the commitment it
 * must open, the digest of the public registration list and the winners.
 * "Verify" recomputes everything in this browser (api/verify.ts). A winner
 * opens the envelope here.
 */
import { useCallback, useState } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Money } from '../../components/Money';
import { describeError, type ErrorInfo } from '../../lib/errors';
import { useI18n } from '../../lib/i18n';
import { usePhone } from '../wallet/phone-context';
import { fetchDraw, type LocalRegistration, usePolled } from './api/campaigns';
import type { CampaignView } from './api/types';
import { type BrowserVerification, verifyDrawInBrowser } from './api/verify';
import { RedEnvelope } from './RedEnvelope';
import { explanationKey, RefusalExplanation } from './refusals';
import { useRestrictedBalances } from './use-restricted';

export function DrawResult({ campaign, local }: { campaign: CampaignView; local: LocalRegistration | null }) {
  const { t } = useI18n();
  const { session } = usePhone();
  const walletId = session.wallet?.walletId;
  const load = useCallback(() => fetchDraw(campaign.campaignId), [campaign.campaignId]);
  const { value: draw, error: drawError } = usePolled(load, 0);
  const { balances } = useRestrictedBalances();
  const [verification, setVerification] = useState<BrowserVerification | null>(null);
  const [verifying, setVerifying] = useState(false);
  const [verifyError, setVerifyError] = useState<ErrorInfo | null>(null);
  const [claimed, setClaimed] = useState<number | null>(null);
  const [claiming, setClaiming] = useState(false);
  const [claimError, setClaimError] = useState<ErrorInfo | null>(null);

  if (!draw) return <ErrorNotice error={drawError} />;
  const mine = draw.winners.find((w) => w.walletId === walletId);
  const alreadyClaimed = balances?.some((b) => b.campaignId === campaign.campaignId) ?? false;

  const verify = async () => {
    setVerifying(true);
    setVerifyError(null);
    try {
      setVerification(await verifyDrawInBrowser(campaign, draw, local?.commitment));
    } catch (e) {
      setVerifyError(describeError(e));
    } finally {
      setVerifying(false);
    }
  };

  const open = async () => {
    if (!session.client) return;
    setClaiming(true);
    setClaimError(null);
    try {
      const answer = await session.client.claimCampaignPrize(campaign.campaignId);
      setClaimed(answer.amount);
      session.walletChanged();
    } catch (e) {
      setClaimError(describeError(e));
    } finally {
      setClaiming(false);
    }
  };

  return (
    <section className="re-draw" data-testid="draw-result">
      <h3>{t('re.draw.title')}</h3>
      <dl className="re-terms">
        <dt>{t('re.draw.seed')}</dt>
        <dd>
          <code className="re-hash" data-testid="draw-seed">
            {draw.seed}
          </code>
        </dd>
        <dt>{t('re.terms.commitment')}</dt>
        <dd>
          <code className="re-hash" data-testid="draw-commitment">
            {draw.commitment}
          </code>
        </dd>
        <dt>{t('re.draw.listDigest')}</dt>
        <dd>
          <code className="re-hash" data-testid="draw-list-digest">
            {draw.listDigest}
          </code>
        </dd>
        <dt>{t('re.draw.counts')}</dt>
        <dd data-testid="draw-counts">
          {t('re.draw.countsValue', { registrations: draw.registrations, winners: draw.winners.length })}
        </dd>
      </dl>
      <p
        className={mine ? 're-outcome won' : 're-outcome'}
        data-testid="draw-outcome"
        data-won={mine ? 'true' : 'false'}
      >
        {mine
          ? t('re.draw.won', { rank: mine.rank })
          : local
            ? t('re.draw.lost')
            : t('re.draw.notRegistered')}
      </p>
      <button
        type="button"
        className="button secondary wide"
        onClick={() => void verify()}
        disabled={verifying}
        data-testid="draw-verify"
      >
        {verifying ? t('re.draw.verifying') : t('re.draw.verify')}
      </button>
      {verification && (
        <div
          className={verification.ok ? 're-verified ok' : 're-verified bad'}
          data-testid="draw-verified"
          data-ok={verification.ok ? 'true' : 'false'}
        >
          <strong>{verification.ok ? `✓ ${t('re.draw.verified')}` : `✗ ${t('re.draw.mismatch')}`}</strong>
          <ul>
            <li>
              {verification.commitmentOk ? '✓' : '✗'} {t('re.draw.checkCommitment')}
            </li>
            {verification.rememberedCommitmentOk !== null && (
              <li>
                {verification.rememberedCommitmentOk ? '✓' : '✗'} {t('re.draw.checkRemembered')}
              </li>
            )}
            <li>
              {verification.listDigest === draw.listDigest ? '✓' : '✗'}{' '}
              {t('re.draw.checkList', { n: verification.registrations })}
            </li>
            <li>
              {verification.mismatches.length === 0 ? '✓' : '✗'}{' '}
              {t('re.draw.checkWinners', { n: verification.winners, ms: verification.ms })}
            </li>
          </ul>
          {verification.mismatches.length > 0 && (
            <ul className="re-mismatches" data-testid="draw-mismatches">
              {verification.mismatches.slice(0, 8).map((m, i) => (
                <li key={`${m.code}-${m.rank ?? i}`}>
                  <code>{m.code}</code>
                  {m.rank !== undefined ? ` #${m.rank}` : ''}
                  {m.expected !== undefined ? ` ${t('re.draw.expected')} ${m.expected}` : ''}
                  {m.actual !== undefined ? ` ${t('re.draw.actual')} ${m.actual}` : ''}
                  {m.message ? ` ${m.message}` : ''}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <ErrorNotice error={verifyError} />
      {mine && balances !== null && (
        <>
          <RedEnvelope
            title={campaign.name}
            amount={claimed ?? (alreadyClaimed ? mine.amount : null)}
            alreadyOpen={alreadyClaimed && claimed === null}
            busy={claiming}
            onOpen={() => void open()}
          />
          {(claimed !== null || alreadyClaimed) && (
            <p className="muted small center" data-testid="envelope-note">
              {t('re.envelope.note')} <Money fen={mine.amount} />
            </p>
          )}
        </>
      )}
      <RefusalExplanation error={claimError} testId="claim-refusal" />
      {claimError && !explanationKey(claimError.code) && <ErrorNotice error={claimError} />}
    </section>
  );
}

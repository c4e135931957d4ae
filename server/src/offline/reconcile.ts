/**
 * Reconciliation: walks coin paths link by link against the spent set.
 *
 * For each uploaded path (a coin with its Issue and every spend from the root):
 * 1. fast path: when the spend of the path's last link is already recorded
 *    with the same hash and is not on a losing branch, the whole path is known
 *    (each coin id commits to the spend before it, and paths are recorded
 *    whole), so nothing is verified again: `already_known`;
 * 2. the root must be a coin the issuer issued and recorded (`UNKNOWN_COIN`);
 * 3. the path is verified (checkPath; links already in the spent set with
 *    the same hash skip their certificate and signature checks); a
 *    restricted (red-envelope) coin's new spends must pay payees its
 *    restriction admits (restricted.ts, COIN_RESTRICTED);
 * 4. the store walks the path in one transaction (a chunk of paths per
 *    transaction, in upload order, each recorded as soon as it is verified
 *    while the next chunk is still being verified): unknown spends are
 *    recorded, known ones skipped, and a different spend of a recorded coin
 *    is a double spend: the fraud case is opened (or found: one per coin and
 *    losing spend), the culprit revoked and recovered from, atomically.
 *    First seen wins; the links after a conflict are recorded as a losing
 *    (counterfeit) branch so that its own double spends are caught too.
 */
import { type Coin, type DeviceCert, EcnyError, type Spend } from '@ecny-sim/wallet-core';
import type { Ctx } from '../context';
import type {
  FraudCaseRow,
  LinkOutcome,
  OutputCoin,
  RootCoinRow,
  SpendCandidate,
} from '../store/offline-rows';
import { fastSpendDigest } from './hashing';
import type { LossPolicy } from './policy';
import { restrictedPathRefusal } from './restricted';
import { checkPath, type PathFacts } from './verify';

/** Paths per spent-set transaction (recording overlaps the verification of the next chunk). */
const RECORD_CHUNK = 64;

export type PathVerdict =
  | { status: 'accepted' | 'already_known'; counterfeit: boolean }
  | { status: 'double_spend'; caseIds: string[]; counterfeit: true }
  | { status: 'invalid'; code: string; message: string; link: number };

export interface ReconcileResult {
  verdicts: PathVerdict[];
  /** Fraud cases opened by this call. */
  opened: FraudCaseRow[];
  /** Verified facts of each path (absent for invalid and fast-path ones). */
  facts: (PathFacts | undefined)[];
  roots: (RootCoinRow | undefined)[];
  /** Spends checked per path (for the benchmark): fresh = newly recorded. */
  counts: { known: number; fresh: number; conflicts: number };
}

export interface ReconcileOptions {
  uploader: string;
  policy: LossPolicy;
  /** Refuse unknown spends that pay the issuer key (deposits come through /deposit). */
  refuseIssuerOutputs?: boolean;
}

function issuerOutput(ctx: Ctx, spend: Spend): boolean {
  return spend.outputs.some((o) => o.owner === ctx.world.issuerPublicKey);
}

/** The spent-set candidates of a verified path. */
export function candidatesOf(ctx: Ctx, coin: Coin, facts: PathFacts, root: RootCoinRow): SpendCandidate[] {
  const issuer = ctx.world.issuerPublicKey;
  return coin.links.map((link, index) => {
    const f = facts.links[index]!;
    const signer: DeviceCert = link.signer;
    const outputs: OutputCoin[] = [];
    let toIssuer = 0;
    for (let k = 0; k < link.spend.outputs.length; k++) {
      const o = link.spend.outputs[k]!;
      const output: OutputCoin = { coinId: f.outputIds[k]!, owner: o.owner, amount: o.amount };
      if (o.owner === issuer) {
        output.toIssuer = true;
        toIssuer += o.amount;
      }
      outputs.push(output);
    }
    return {
      inputCoinId: f.inputCoinId,
      spendHash: f.spendHash,
      spendJson: JSON.stringify(link.spend),
      rootCoinId: root.coinId,
      operatorId: root.operatorId,
      hop: index + 1,
      amount: f.amount,
      signerDeviceId: signer.deviceId,
      signerWalletId: signer.walletId,
      inputOwner: signer.publicKey,
      outputs,
      toIssuer,
      proof: () => ({
        coinJson: JSON.stringify({ issue: coin.issue, links: coin.links.slice(0, index) }),
        culpritJson: JSON.stringify(signer),
      }),
    };
  });
}

function verdictOf(outcomes: LinkOutcome[]): PathVerdict {
  const caseIds = outcomes.flatMap((o) => (o.status === 'conflict' ? [o.caseId] : []));
  if (caseIds.length) return { status: 'double_spend', caseIds, counterfeit: true };
  const last = outcomes.at(-1);
  const counterfeit = last ? last.status !== 'conflict' && last.counterfeit : false;
  return {
    status: outcomes.some((o) => o.status === 'new') ? 'accepted' : 'already_known',
    counterfeit,
  };
}

export async function reconcilePaths(
  ctx: Ctx,
  coins: readonly Coin[],
  options: ReconcileOptions,
): Promise<ReconcileResult> {
  const n = coins.length;
  const verdicts: (PathVerdict | undefined)[] = new Array(n);
  const facts: (PathFacts | undefined)[] = new Array(n);
  const roots: (RootCoinRow | undefined)[] = new Array(n);
  const counts = { known: 0, fresh: 0, conflicts: 0 };

  // 1. fast path on the last link
  const lastInputs = coins.map((c) => c.links.at(-1)?.spend.inputCoinId ?? '');
  const spentRows = await ctx.store.getSpendHashes(lastInputs.filter(Boolean));
  const slow: number[] = [];
  coins.forEach((coin, i) => {
    const last = coin.links.at(-1);
    const row = last ? spentRows.get(last.spend.inputCoinId) : undefined;
    if (last && row && !row.counterfeit && row.hash === fastSpendDigest(last.spend).toString('base64url')) {
      verdicts[i] = { status: 'already_known', counterfeit: false };
      counts.known += coin.links.length;
    } else slow.push(i);
  });
  if (slow.length === 0) return { verdicts: verdicts as PathVerdict[], opened: [], facts, roots, counts };

  // 2. roots, and the spent-set rows of the other links (the last ones were read above)
  const rootRows = await ctx.store.getRootCoins(slow.map((i) => coins[i]!.issue.coinId));
  const earlier = slow.flatMap((i) => coins[i]!.links.slice(0, -1).map((l) => l.spend.inputCoinId));
  for (const [id, row] of await ctx.store.getSpendHashes(earlier)) spentRows.set(id, row);
  const knownHashes = new Set<string>();
  for (const r of spentRows.values()) knownHashes.add(r.hash);
  const isKnownSpend = (hash: string) => knownHashes.has(hash);

  // 3. verification, all paths at once (signatures on the verification workers)
  const check = async (i: number): Promise<boolean> => {
    const coin = coins[i]!;
    const root = rootRows.get(coin.issue.coinId);
    if (!root) {
      verdicts[i] = {
        status: 'invalid',
        code: 'UNKNOWN_COIN',
        message: `coin ${coin.issue.coinId} was not issued by this issuer`,
        link: 0,
      };
      return false;
    }
    const checked = await checkPath(ctx, coin, root, isKnownSpend);
    if (!checked.ok) {
      verdicts[i] = {
        status: 'invalid',
        code: checked.error.code,
        message: checked.error.message,
        link: Number(checked.error.details?.link ?? 0),
      };
      return false;
    }
    const restricted = await restrictedPathRefusal(ctx, coin, checked.facts.links, isKnownSpend);
    if (restricted) {
      verdicts[i] = { status: 'invalid', ...restricted };
      return false;
    }
    if (options.refuseIssuerOutputs) {
      const bad = coin.links.findIndex(
        (l, k) => issuerOutput(ctx, l.spend) && !isKnownSpend(checked.facts.links[k]!.spendHash),
      );
      if (bad >= 0) {
        verdicts[i] = {
          status: 'invalid',
          code: 'SPEND_TO_ISSUER',
          message: 'a spend to the issuer is a deposit; send it to /deposit',
          link: bad + 1,
        };
        return false;
      }
    }
    facts[i] = checked.facts;
    roots[i] = root;
    return true;
  };
  // Every check starts now; each settles on its own so none is left rejected unobserved.
  const checks = slow.map((i) =>
    check(i).then(
      (ok) => ({ ok, error: undefined }),
      (error: unknown) => ({ ok: false, error }),
    ),
  );

  // 4. the spent set, in upload order, a chunk per transaction: each chunk is recorded as soon as
  // its paths are verified, while the verification workers go on with the next ones.
  const opened: FraudCaseRow[] = [];
  for (let start = 0; start < slow.length; start += RECORD_CHUNK) {
    const settled = await Promise.all(checks.slice(start, start + RECORD_CHUNK));
    const failed = settled.find((s) => s.error !== undefined);
    if (failed) throw failed.error;
    const toRecord = slow.slice(start, start + RECORD_CHUNK).filter((_, k) => settled[k]!.ok);
    if (toRecord.length === 0) continue;
    const outcome = await ctx.store.recordSpends({
      paths: toRecord.map((i) => candidatesOf(ctx, coins[i]!, facts[i]!, roots[i]!)),
      uploader: options.uploader,
      at: ctx.now(),
      policy: {
        revokeCulprit: options.policy.revokeCulprit,
        recoverFromCulprit: options.policy.recoverFromCulprit,
      },
    });
    opened.push(...outcome.opened);
    toRecord.forEach((i, k) => {
      const links = outcome.paths[k]!;
      for (const l of links) {
        if (l.status === 'new') counts.fresh++;
        else if (l.status === 'known') counts.known++;
        else counts.conflicts++;
      }
      verdicts[i] = verdictOf(links);
    });
  }
  for (const v of verdicts) if (!v) throw new EcnyError('INTERNAL', 'a path was left without a verdict');
  return { verdicts: verdicts as PathVerdict[], opened, facts, roots, counts };
}

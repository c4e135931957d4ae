/** Shared pieces of the benchmarks: result rows, timing, formatting. */
import { readFileSync } from 'node:fs';
import { Accounts, type LedgerTransfer, type Store } from '@ecny-sim/server';

/**
 * The Node flags `npm start` runs the server with (scripts/node-flags.json): the benchmarks run
 * the server's code with them too, in their child servers and in their own process.
 */
export const SERVER_NODE_FLAGS: string[] = JSON.parse(
  readFileSync(new URL('../scripts/node-flags.json', import.meta.url), 'utf8'),
);

export interface Row {
  /** Entry, e.g. "crypto" or "http". */
  bench: string;
  /** What was measured. */
  name: string;
  /** Main figure. */
  value: number;
  unit: string;
  /** Extra figures (latency, ratios, targets). */
  extra?: Record<string, number | string | boolean>;
}

/** Runs `f` repeatedly for about `ms` and returns operations per second. */
export function opsPerSecond(f: () => void, ms = 700): number {
  for (let i = 0; i < 50; i++) f(); // warm up
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 20; i++) f();
    n += 20;
    now = performance.now();
  }
  return (n * 1000) / (now - start);
}

export const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function printRows(rows: Row[]): void {
  const lines = rows.map((r) => [
    r.bench,
    r.name,
    `${fmt(r.value, r.value < 100 ? 2 : 0)} ${r.unit}`,
    Object.entries(r.extra ?? {})
      .map(([k, v]) => `${k}=${typeof v === 'number' ? fmt(v, Number.isInteger(v) ? 0 : 2) : v}`)
      .join('  '),
  ]);
  const header = ['bench', 'measure', 'value', 'details'];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const l of lines) console.log(line(l));
}

/**
 * CPU time (user + system, ms) so far of the process or thread whose /proc `stat` file this is,
 * and its name; null where the file cannot be read (not Linux, or it has ended).
 */
export function procCpu(statPath: string): { name: string; ms: number } | null {
  try {
    const stat = readFileSync(statPath, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
      ms: (Number(fields[11]) + Number(fields[12])) * 10, // utime + stime in ticks of 10 ms (USER_HZ = 100)
    };
  } catch {
    return null;
  }
}

/**
 * Opens the issuance and an operator's vault and `amount` fen in each of `wallets` (wallet
 * accounts), issued to the vault first: the starting ledger of the store benchmarks.
 */
export async function fundWallets(
  store: Store,
  wallets: ReturnType<typeof Accounts.wallet>[],
  amount: number,
): Promise<void> {
  await store.ensureAccounts([Accounts.issuance(), Accounts.vault('op_bench'), ...wallets]);
  await store.applyMany([
    [
      {
        id: 'issue',
        debit: 'issuance',
        credit: 'vault:op_bench',
        amount: wallets.length * amount,
        kind: 'issue',
      },
    ],
    ...wallets.map((w, i): LedgerTransfer[] => [
      { id: `fund-${i}`, debit: 'vault:op_bench', credit: w.id, amount, kind: 'topup' },
    ]),
  ]);
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore, Accounts } from '@ecny-sim/server';
for (const [label, pragmas] of [['default', [] as string[]], ['cache 64MB', ['cache_size = -65536']], ['cache 64MB + NORMAL', ['cache_size = -65536', 'synchronous = NORMAL']]] as const) {
  const dir = mkdtempSync(join(tmpdir(), 'probe-'));
  const store = new SqliteStore({ path: join(dir, 'x.sqlite') });
  for (const p of pragmas) store.db.pragma(p);
  const w = Array.from({ length: 1000 }, (_, i) => Accounts.wallet(`w_${i}`));
  await store.ensureAccounts([Accounts.issuance(), ...w]);
  await store.applyMany(w.map((a, i) => [{ id: `f${i}`, debit: 'issuance', credit: a.id, amount: 1e9, kind: 'x' }]));
  let n = 0;
  const g = () => { const i = n++; return [{ id: `t${i}`, debit: w[i % 1000]!.id, credit: w[(i * 31 + 1) % 1000]!.id, amount: 1, kind: 'p', meta: { transfer: { transferId: `tx_${i}`, sig: 'x'.repeat(86), memo: 'y'.repeat(20) } } }]; };
  let t0 = performance.now();
  for (let k = 0; k < 20; k++) await store.applyMany(Array.from({ length: 1000 }, g));
  const many = Math.round(20000 * 1000 / (performance.now() - t0));
  t0 = performance.now();
  for (let k = 0; k < 400; k++) await Promise.all(Array.from({ length: 50 }, () => store.applyTransfers(g())));
  const conc = Math.round(20000 * 1000 / (performance.now() - t0));
  console.log(label, 'applyMany/s', many, 'applyTransfers x50/s', conc);
  await store.close(); rmSync(dir, { recursive: true, force: true });
}

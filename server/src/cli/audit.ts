/** `npm run audit`: runs the ledger audit on the data folder's database and exits non-zero on any break. */
import { existsSync } from 'node:fs';
import { formatFen } from '@ecny-sim/wallet-core';
import { configFromEnv } from '../config';
import { runAudit } from '../ledger/audit';
import { SqliteStore } from '../store/sqlite';

const config = configFromEnv();
if (!existsSync(config.dbPath)) {
  process.stderr.write(
    `no database at ${config.dbPath}; start the server once (npm start) or set DATA_DIR\n`,
  );
  process.exit(2);
}
const store = new SqliteStore({ path: config.dbPath });
const report = await runAudit(store);
await store.close();
if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
else {
  process.stdout.write(
    `audit ${report.ok ? 'OK' : 'FAILED'}: ${report.accounts} accounts, ${report.transfers} transfers\n`,
  );
  process.stdout.write(`issued ${formatFen(report.issued)}\n`);
  for (const [kind, fen] of Object.entries(report.byKind))
    process.stdout.write(`  ${kind.padEnd(12)} ${formatFen(fen)}\n`);
  for (const b of report.breaks) process.stdout.write(`BREAK ${b.code}: ${b.message}\n`);
}
process.exit(report.ok ? 0 : 1);

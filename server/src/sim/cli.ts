/**
 * `npm run sim -- <scenario> [--seed N] [--scale F] [--out report.json]
 *                [--server URL [--admin-token T]] [--db file]`
 *
 * Runs a seeded scenario in-process against the real ledger and
 * reconciliation code (SQLite in memory, or a new file with --db), or
 * drives a running server over HTTP with --server (admin token from
 * --admin-token or ADMIN_TOKEN). Prints the report as a table, writes it as
 * JSON with --out, and exits non-zero when the audit fails, a double spend
 * went undetected or an honest party was accused.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { terminalProgress } from './progress';
import { formatReport, reportFailed } from './report';
import { type RunOptions, runScenario, SCENARIOS } from './run';

const USAGE = `usage: npm run sim -- <scenario> [--seed N] [--scale F] [--out report.json] [--server URL] [--admin-token T] [--db file]
scenarios:
${Object.values(SCENARIOS)
  .map((s) => `  ${s.name.padEnd(14)} ${s.summary}`)
  .join('\n')}`;

function parseArgs(argv: string[]): { name: string; out?: string; options: RunOptions } {
  const options: RunOptions = {};
  let name: string | undefined;
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--seed') {
      options.seed = Number(value());
      if (!Number.isSafeInteger(options.seed)) throw new Error('--seed takes an integer');
    } else if (a === '--scale') options.scale = Number(value());
    else if (a === '--out') out = value();
    else if (a === '--server') options.server = value();
    else if (a === '--admin-token') options.adminToken = value();
    else if (a === '--db') options.dbPath = value();
    else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else if (!name) name = a;
    else throw new Error(`unexpected argument ${a}`);
  }
  if (!name) throw new Error('which scenario?');
  if (!SCENARIOS[name]) throw new Error(`unknown scenario ${name}`);
  if (options.server && options.dbPath) throw new Error('--db is for in-process runs, not with --server');
  return { name, ...(out ? { out } : {}), options };
}

let args: ReturnType<typeof parseArgs>;
try {
  args = parseArgs(process.argv.slice(2));
} catch (e) {
  console.error(`${(e as Error).message}\n${USAGE}`);
  process.exit(2);
}

const progress = terminalProgress();
try {
  const report = await runScenario(args.name, { ...args.options, progress });
  progress.done();
  console.log(formatReport(report));
  if (args.out) {
    const path = resolve(args.out);
    writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`report written to ${path}`);
  }
  const failed = reportFailed(report);
  if (failed.length) {
    console.error(`FAILED: ${failed.join('; ')}`);
    process.exit(1);
  }
  process.exit(0);
} catch (e) {
  progress.done();
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
}

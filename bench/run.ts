/**
 * `npm run bench`: every benchmark entry in one run, so that ratios compare
 * figures taken on the same machine at the same time.
 *   --json          print one JSON object instead of the table
 *   --only <names>  run some entries, comma-separated: crypto,http,batch,ledger,offline,stores,campaign,sim
 *   --full          pilot scale for campaign (1,913,847 registrations) and sim (full-scale scenarios)
 *   --seconds <n>   seconds of load per HTTP endpoint (default 4)
 * `stores` compares SQLite and PostgreSQL when DATABASE_URL is set (SQLite alone otherwise).
 */

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { benchCampaign } from './campaign';
import { printRows, type Row, SERVER_NODE_FLAGS } from './common';
import { benchCrypto } from './crypto';
import { benchHttp } from './http';
import { benchIdOrder, benchLedger } from './ledger';
import { benchOffline } from './offline';
import { benchSim } from './sim';
import { benchStores } from './stores';

// In-process entries run the server's code: with the server's Node flags, as `npm start` runs it.
if (!SERVER_NODE_FLAGS.every((flag) => process.execArgv.includes(flag))) {
  const self = fileURLToPath(import.meta.url);
  const run = spawnSync(
    process.execPath,
    [...SERVER_NODE_FLAGS, '--import', 'tsx', self, ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  process.exit(run.status ?? 1);
}

const ENTRIES = ['crypto', 'http', 'batch', 'ledger', 'offline', 'stores', 'campaign', 'sim'] as const;
type Entry = (typeof ENTRIES)[number];

function parseArgs(argv: string[]) {
  let json = false;
  let full = false;
  let only: Entry[] | undefined;
  let seconds = 4;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') json = true;
    else if (a === '--full') full = true;
    else if (a === '--only') {
      const names = (argv[++i] ?? '').split(',');
      for (const name of names) {
        if (!ENTRIES.includes(name as Entry)) throw new Error(`--only takes some of ${ENTRIES.join(', ')}`);
      }
      only = names as Entry[];
    } else if (a === '--seconds') seconds = Number(argv[++i]);
    else throw new Error(`unknown argument ${a}`);
  }
  return { json, full, only, seconds };
}

const { json, full, only, seconds } = parseArgs(process.argv.slice(2));
const log = (msg: string) => {
  if (!json) process.stderr.write(`${msg}\n`);
};
const started = performance.now();
const rows: Row[] = [];
const wants = (e: Entry) => !only || only.includes(e);

if (wants('crypto')) {
  log('crypto: Ed25519 noble vs node:crypto vs libsodium ...');
  rows.push(...(await benchCrypto()));
}
if (wants('http') || wants('batch')) {
  log('http: Express baselines, online transfers and the batch endpoint (servers in child processes) ...');
  const which =
    only && !(only.includes('http') && only.includes('batch'))
      ? only.includes('http')
        ? 'http'
        : 'batch'
      : undefined;
  rows.push(...(await benchHttp({ seconds }, which)));
}
if (wants('ledger')) {
  log('ledger: store throughput on a file database ...');
  rows.push(...(await benchLedger()));
  rows.push(...(await benchIdOrder()));
}
if (wants('offline')) {
  log('offline: path verification, reconciliation of 100,000 spends, bundle sizes ...');
  rows.push(...(await benchOffline()));
}
if (wants('stores')) {
  log(
    `stores: SQLite${process.env.DATABASE_URL ? ' and PostgreSQL side by side' : ' (set DATABASE_URL to add PostgreSQL)'} ...`,
  );
  rows.push(...(await benchStores({ databaseUrl: process.env.DATABASE_URL })));
}
if (wants('campaign')) {
  log(
    `campaign: registrations, draw and crediting${full ? ' at Shenzhen scale' : ' at 1/10 scale (--full for 1,913,847)'} ...`,
  );
  const figures = await benchCampaign(full ? {} : { registrations: 191_385, winners: 5_000 });
  rows.push(...figures.rows);
}
if (wants('sim')) {
  log(`sim: scenarios${full ? ' at full scale' : ' at 5% scale (--full for full scale)'} ...`);
  rows.push(...(await benchSim({ full })));
}

const meta = {
  node: process.version,
  platform: `${process.platform}/${process.arch}`,
  cpus: (await import('node:os')).cpus().length,
  seconds: Math.round((performance.now() - started) / 100) / 10,
};
if (json) console.log(JSON.stringify({ ...meta, rows }));
else {
  printRows(rows);
  console.log(`\n${meta.node} ${meta.platform}, ${meta.cpus} cpus, ${meta.seconds} s`);
}

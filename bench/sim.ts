/**
 * Scenario simulator at pilot scale, in-process (SQLite in memory):
 * suzhou-2020 and shenzhen-2020 at full scale (target: each under 120 s on
 * the 2-core machine) and double-spend with 10,000 devices, 1% tampered
 * (target: every injected double spend detected, no false positive).
 * Without --full it runs at scale 0.05 (double-spend: 1,000 devices).
 *
 * Run alone with `npx tsx bench/sim.ts [--full | --scale F] [--seed N] [--only shenzhen-2020,double-spend]`; `benchSim()`
 * returns rows for bench/run.ts.
 */
import { pathToFileURL } from 'node:url';
import { runScenario } from '../server/src/sim/run';
import { printRows, type Row } from './common';

export interface SimBenchOptions {
  full?: boolean;
  /** Any scale in (0, 1] instead of 0.05 or --full's 1 (for profiling). */
  scale?: number;
  /** Run only these scenarios. */
  only?: string[];
  seed?: number;
  log?: (line: string) => void;
}

const TARGET_MS = 120_000;

export async function benchSim(options: SimBenchOptions = {}): Promise<Row[]> {
  const scale = options.scale ?? (options.full ? 1 : 0.05);
  const seed = options.seed ?? 1;
  const log = options.log ?? (() => {});
  const rows: Row[] = [];
  for (const name of ['suzhou-2020', 'shenzhen-2020', 'double-spend'] as const) {
    if (options.only && !options.only.includes(name)) continue;
    log(`sim: ${name} at scale ${scale} ...`);
    const cpu = process.cpuUsage();
    const r = await runScenario(name, { seed, scale });
    const used = process.cpuUsage(cpu);
    const extra: Record<string, number | string | boolean> = {
      scale,
      cpuMs: Math.round((used.user + used.system) / 1000),
      auditOk: r.audit.ok,
      paymentsPerSecond: r.throughput.paymentsPerSecond ?? 0,
      hash: r.reportHash.slice(0, 16),
    };
    if (r.campaign) {
      extra.registrants = r.campaign.registrants;
      extra.winners = r.campaign.winners;
      extra.payments = r.campaign.payments;
    }
    if (name === 'double-spend') {
      const ds = r.doubleSpends!;
      extra.devices = Math.max(20, Math.round(10_000 * scale));
      extra.injected = ds.injected;
      extra.detected = ds.detected;
      extra.falsePositives = ds.falsePositives;
      extra.met = ds.detected === ds.injected && ds.falsePositives === 0 && r.audit.ok;
    } else {
      extra.target = TARGET_MS;
      extra.met = r.elapsedMs < TARGET_MS && r.audit.ok;
    }
    rows.push({ bench: 'sim', name: `${name} scale ${scale}`, value: r.elapsedMs, unit: 'ms', extra });
  }
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const seedAt = args.indexOf('--seed');
  const onlyAt = args.indexOf('--only');
  const scaleAt = args.indexOf('--scale');
  const rows = await benchSim({
    full: args.includes('--full'),
    ...(scaleAt >= 0 ? { scale: Number(args[scaleAt + 1]) } : {}),
    ...(seedAt >= 0 ? { seed: Number(args[seedAt + 1]) } : {}),
    ...(onlyAt >= 0 ? { only: args[onlyAt + 1]!.split(',') } : {}),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  printRows(rows);
}

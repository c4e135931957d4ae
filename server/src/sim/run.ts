/**
 * Runs one scenario on a driver and builds the report: the audit and the
 * money figures from the ledger afterwards, the scenario's own figures,
 * the timings, and the hash of everything but the timings.
 */
import { HttpDriver } from './http-driver';
import { LocalDriver } from './local-driver';
import { type Progress, silentProgress } from './progress';
import { finishReport, moneyFromAudit, type ScenarioReport } from './report';
import { Rng } from './rng';
import { DAY, type Scenario } from './scenario';
import { doubleSpend } from './scenarios/double-spend';
import { luckyMoney } from './scenarios/lucky-money';
import { shenzhen2020 } from './scenarios/shenzhen-2020';
import { suzhou2020 } from './scenarios/suzhou-2020';

export const SCENARIOS: Record<string, Scenario> = {
  'shenzhen-2020': shenzhen2020,
  'suzhou-2020': suzhou2020,
  'double-spend': doubleSpend,
  'lucky-money': luckyMoney,
};

export interface RunOptions {
  seed?: number;
  scale?: number;
  /** Drive a running server over HTTP instead of running in-process. */
  server?: string;
  adminToken?: string;
  /** SQLite file for an in-process run (default: in memory). */
  dbPath?: string;
  progress?: Progress;
}

/**
 * Simulated time starts at the next midnight in China (UTC+8) after now: the
 * day boundaries (daily limits) fall at the same simulated moments in every
 * run, and the server's operator certificates (dated from the real clock)
 * are valid.
 */
export function simulationStart(realNow = Date.now()): number {
  const offset = 8 * 3_600_000;
  return Math.ceil((realNow + offset) / DAY) * DAY - offset;
}

export async function runScenario(name: string, options: RunOptions = {}): Promise<ScenarioReport> {
  const scenario = SCENARIOS[name];
  if (!scenario) throw new Error(`unknown scenario ${name}; one of ${Object.keys(SCENARIOS).join(', ')}`);
  const seed = options.seed ?? 1;
  const scale = options.scale ?? 1;
  if (!(scale > 0 && scale <= 1)) throw new Error('--scale must be in (0, 1]');
  const started = performance.now();
  const driver = options.server
    ? await HttpDriver.create({ baseUrl: options.server, adminToken: options.adminToken })
    : await LocalDriver.create({
        seed,
        start: simulationStart(),
        ...(options.dbPath ? { dbPath: options.dbPath } : {}),
      });
  try {
    const notes: string[] = [];
    if (driver.kind === 'http') {
      notes.push(
        'driven over HTTP against a running server: ids come from the server, time is real (short windows), and the money figures are those of the whole server ledger',
      );
    }
    const outcome = await scenario.run({
      driver,
      rng: new Rng(seed),
      seed,
      scale,
      progress: options.progress ?? silentProgress,
      notes,
    });
    const audit = await driver.audit();
    const body = {
      scenario: name,
      seed,
      scale,
      audit: {
        ok: audit.ok,
        breaks: audit.breaks.slice(0, 100).map((b) => ({
          code: b.code,
          message: b.message,
          ...(b.account ? { account: b.account } : {}),
        })),
      },
      money: moneyFromAudit(audit, outcome.reclaimed),
      doubleSpends: outcome.doubleSpends,
      campaign: outcome.campaign,
      notes,
    };
    return finishReport(body, {
      elapsedMs: performance.now() - started,
      paymentsPerSecond: outcome.paymentMs > 0 ? (outcome.payments * 1000) / outcome.paymentMs : null,
    });
  } finally {
    await driver.close();
  }
}

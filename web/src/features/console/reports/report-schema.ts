/**
 * The scenario report as written by `npm run sim -- <scenario> --out report.json`
 * (server/src/sim/report.ts), validated before the console shows it. Figures
 * that do not apply to a scenario are null. Unknown extra fields are kept
 * (passthrough) so the report hash can still be recomputed over the whole file.
 */
import { z } from 'zod';

const fen = z.number().int();
const count = z.number().int().nonnegative();

export const ReportSchema = z
  .object({
    scenario: z.string().min(1),
    seed: z.number().int(),
    scale: z.number().positive(),
    elapsedMs: z.number().nonnegative(),
    audit: z.object({
      ok: z.boolean(),
      breaks: z.array(
        z.looseObject({ code: z.string(), message: z.string(), account: z.string().optional() }),
      ),
    }),
    money: z.object({
      issued: fen,
      online: fen,
      offlineOutstanding: fen,
      restricted: fen,
      reclaimed: fen,
      losses: fen,
    }),
    doubleSpends: z.object({ injected: count, detected: count, falsePositives: count }).nullable(),
    campaign: z
      .object({
        registrants: count,
        winners: count,
        claimed: count,
        payments: count,
        spentFen: fen,
        reclaimedFen: fen,
        merchants: count,
      })
      .nullable(),
    throughput: z.object({ paymentsPerSecond: z.number().nonnegative().nullable() }),
    notes: z.array(z.string()).optional(),
    reportHash: z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in hex'),
  })
  .loose();

export type ScenarioReport = z.infer<typeof ReportSchema>;

/** One readable line per problem: `money.issued: expected number, received string`. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.slice(0, 8).map((issue) => {
    const path = issue.path.length ? issue.path.map(String).join('.') : '(the file)';
    return `${path}: ${issue.message}`;
  });
}

export type ParsedReport =
  | { ok: true; report: ScenarioReport; raw: Record<string, unknown> }
  | { ok: false; problems: string[] };

/** Parses the text of a report file: JSON first, then the schema. */
export function parseReport(text: string): ParsedReport {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, problems: [`not JSON: ${(e as Error).message}`] };
  }
  const result = ReportSchema.safeParse(raw);
  if (!result.success) return { ok: false, problems: describeIssues(result.error) };
  return { ok: true, report: result.data, raw: raw as Record<string, unknown> };
}

/** GET /v1/audit (public): the ledger audit, anyone may check that every fen is accounted for. */
import { type AuditReport, AuditReportSchema } from '@ecny-sim/wallet-core';
import { createApiClient } from '../../../lib/api';

export async function fetchAudit(): Promise<AuditReport> {
  return AuditReportSchema.parse(await createApiClient().request('GET', '/audit'));
}

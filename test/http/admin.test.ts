/** Admin routes over HTTP: issuance refusals speak of the caller's request, not of ledger keys. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server';
import { codeOf, expectAuditClean, raw } from './_helpers';

describe('admin issuance', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  const issue = (body: Record<string, unknown>) =>
    raw(s, 'POST', '/v1/admin/issue', {
      headers: { authorization: `Bearer ${s.ctx.adminToken}` },
      body: JSON.stringify(body),
    });

  it('a request id reused for another amount is a conflict naming that request id; nothing is issued', async () => {
    const first = await issue({ operatorId: 'op_icbc', amount: 5_000, requestId: 'issue-req-0001' });
    expect(first.status).toBe(200);
    const retry = await issue({ operatorId: 'op_icbc', amount: 5_000, requestId: 'issue-req-0001' });
    expect(retry.status).toBe(200);
    const digest = await s.ctx.store.ledgerDigest();
    const other = await issue({ operatorId: 'op_icbc', amount: 6_000, requestId: 'issue-req-0001' });
    expect([other.status, codeOf(other)]).toEqual([409, 'IDEMPOTENCY_CONFLICT']);
    const message = (other.json as { error: { message: string } }).error.message;
    expect(message).toContain('request id issue-req-0001');
    expect(message).not.toContain('issue:op_icbc');
    expect(await s.ctx.store.ledgerDigest()).toBe(digest);
    await expectAuditClean(s);
  });
});

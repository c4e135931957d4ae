/**
 * Recomputes a scenario report's `reportHash` in the browser: SHA-256 (hex)
 * of the canonical JSON of the report without its timing fields (`elapsedMs`,
 * `throughput`) and without the hash itself, as server/src/sim/report.ts does.
 * The canonical form is RFC 8785 style (keys sorted by code units, no
 * whitespace, numbers as ECMAScript prints them); wallet-core's canonicalJson
 * refuses floats, and a report's `scale` is one, hence this small copy.
 */
import { bytesToHex, sha256, utf8ToBytes } from '@ecny-sim/wallet-core';

export function canonicalReportJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalReportJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalReportJson(v)}`).join(',')}}`;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('non-finite number in report');
  return JSON.stringify(value);
}

export function computeReportHash(raw: Record<string, unknown>): string {
  const { elapsedMs: _e, throughput: _t, reportHash: _h, ...body } = raw;
  return bytesToHex(sha256(utf8ToBytes(canonicalReportJson(body))));
}

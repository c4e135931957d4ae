/**
 * `npm run verify-draw -- <campaignId> [--server URL] [--json]`: fetches a
 * campaign's public data (terms, commitment, registration list, revealed
 * seed, winners), recomputes the draw locally and exits non-zero on any
 * difference. The server defaults to $ECNY_SERVER or http://127.0.0.1:8080.
 */
import { verifyRemoteDraw } from '../campaigns/verify-remote';

const args = process.argv.slice(2);
let server = process.env.ECNY_SERVER ?? 'http://127.0.0.1:8080';
let json = false;
let campaignId: string | undefined;
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (a === '--server') server = args[++i] ?? server;
  else if (a.startsWith('--server=')) server = a.slice('--server='.length);
  else if (a === '--json') json = true;
  else if (!a.startsWith('-')) campaignId = a;
}
if (!campaignId) {
  process.stderr.write('usage: npm run verify-draw -- <campaignId> [--server URL] [--json]\n');
  process.exit(2);
}

try {
  const t0 = performance.now();
  const r = await verifyRemoteDraw(server, campaignId);
  const ms = (performance.now() - t0).toFixed(0);
  if (json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  else {
    process.stdout.write(
      `draw of ${r.campaignId} ${r.ok ? 'VERIFIED' : 'DOES NOT VERIFY'}: ${r.winners} winners from ${r.registrations} registrations (${ms} ms)\n`,
    );
    process.stdout.write(`commitment ${r.commitment}\nlistDigest ${r.listDigest}\n`);
    for (const m of r.mismatches.slice(0, 20)) {
      process.stdout.write(
        `MISMATCH ${m.code}${m.rank ? ` rank ${m.rank}` : ''}: expected ${String(m.expected ?? '-')}, got ${String(m.actual ?? '-')}${m.message ? ` (${m.message})` : ''}\n`,
      );
    }
    if (r.mismatches.length > 20) process.stdout.write(`... ${r.mismatches.length - 20} more\n`);
  }
  process.exit(r.ok ? 0 : 1);
} catch (e) {
  process.stderr.write(`verify-draw: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(2);
}

/**
 * Times the Shenzhen-sized draw: 1,913,847 registrations -> 50,000 winners
 * of ¥200, on one core. Run with `npx tsx bench/lottery.ts`.
 * Prints the time for presorted input (the server's usual case: ids read in
 * index order), for shuffled input (includes the canonical sort) and for
 * verifyDraw.
 */
import {
  commitSeed,
  drawWinners,
  newDrawSeed,
  sortRegistrations,
  verifyDraw,
} from '../wallet-core/src/index';

const N = Number(process.argv[2] ?? 1_913_847);
const K = Number(process.argv[3] ?? 50_000);

function time<T>(label: string, f: () => T): T {
  const t0 = performance.now();
  const out = f();
  console.log(`${label.padEnd(44)} ${(performance.now() - t0).toFixed(0).padStart(6)} ms`);
  return out;
}

// Ids like the server's: "w_" + 22 base64url characters (16 random bytes), built as flat strings.
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const ids = time(`generate ${N.toLocaleString('en')} wallet ids`, () => {
  const out: string[] = new Array(N);
  const codes = new Array<number>(24);
  codes[0] = 0x77;
  codes[1] = 0x5f;
  const raw = new Uint8Array(22 * 2048);
  for (let i = 0; i < N; i++) {
    if (i % 2048 === 0) globalThis.crypto.getRandomValues(raw);
    const o = (i % 2048) * 22;
    for (let c = 0; c < 22; c++) codes[c + 2] = ALPHABET.charCodeAt(raw[o + c]! & 63);
    out[i] = String.fromCharCode(...codes);
  }
  return out;
});
const seed = newDrawSeed();
const commitment = commitSeed(seed);
const prizes = [{ amount: 20_000, count: K }];

const sorted = time('sortRegistrations (canonical order)', () => sortRegistrations(ids));
const a = time(`drawWinners, presorted (${K.toLocaleString('en')} winners)`, () =>
  drawWinners({ seed, registrations: sorted, prizes }),
);
const b = time('drawWinners, shuffled input (sorts first)', () =>
  drawWinners({ seed, registrations: ids, prizes }),
);
const same =
  a.winners.every((w, i) => w.walletId === b.winners[i]!.walletId) && a.listDigest === b.listDigest;
const v = time('verifyDraw, presorted', () =>
  verifyDraw({ seed, commitment, registrations: sorted, winners: a.winners, prizes }),
);
console.log(
  `winners ${a.winners.length}, listDigest ${a.listDigest}, same result: ${same}, verify ok: ${v.ok}`,
);

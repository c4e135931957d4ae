/**
 * Verifiable lottery for red-envelope campaigns (PROTOCOL.md section 9).
 *
 * 1. At creation the campaign draws a 32-byte seed and publishes only
 *    commitment = base64url(SHA-256("ecny-sim/v1/draw-seed" || 0x00 || seed)).
 * 2. Registration closes; the registration list is the set of wallet ids,
 *    sorted by UTF-16 code units (= byte order, ids are printable ASCII).
 * 3. listDigest = SHA-256("ecny-sim/v1/draw-list" || 0x00 || id_1 || 0x0A || ... || id_n || 0x0A).
 * 4. The seed is revealed; a counter-mode SHA-256 keystream keyed by
 *    "ecny-sim/v1/draw-stream" || 0x00 || seed || listDigest drives a partial
 *    Fisher-Yates shuffle of the sorted list: for i = 0 .. k-1,
 *    j = i + uniform(n - i), swap positions i and j; position i is the winner
 *    of rank i + 1. Prizes are handed out in list order along the ranks.
 *
 * Only k random values are needed (about k/8 SHA-256 blocks), so 1.9M
 * registrations and 50,000 winners take well under two seconds.
 */
import { fromBase64Url, randomBytes, toBase64Url } from '../crypto/bytes';
import { domainTag, sha256 } from '../crypto/hash';
import { EcnyError } from '../errors/index';
import { assertFen, type Fen } from '../money/fen';
import { Sha256Stream } from './stream';

export const DRAW_SEED_BYTES = 32;
export const SEED_TAG = 'draw-seed';
export const LIST_TAG = 'draw-list';
export const STREAM_TAG = 'draw-stream';
/** Longest wallet id the draw accepts (ids are 1..255 printable ASCII characters, 0x21..0x7E). */
export const MAX_REGISTRATION_ID_LENGTH = 255;

export type DrawSeed = Uint8Array | string;

export interface Prize {
  amount: Fen;
  count: number;
}

export interface DrawWinner {
  walletId: string;
  amount: Fen;
  /** 1-based position in the draw order. */
  rank: number;
}

export interface DrawInput {
  seed: DrawSeed;
  registrations: readonly string[];
  prizes: readonly Prize[];
}

export interface DrawResult {
  winners: DrawWinner[];
  /** base64url SHA-256 of the canonical (sorted) registration list. */
  listDigest: string;
  /** Number of registrations drawn from. */
  registrations: number;
  /** Prizes left over when there were fewer registrations than prizes. */
  unawarded: number;
}

export type DrawMismatchCode =
  | 'INVALID_INPUT'
  | 'COMMITMENT'
  | 'LIST_DIGEST'
  | 'COUNT'
  | 'RANK'
  | 'WINNER'
  | 'AMOUNT';

export interface DrawMismatch {
  code: DrawMismatchCode;
  rank?: number;
  expected?: string | number;
  actual?: string | number;
  message?: string;
}

export interface VerifyDrawInput {
  seed: DrawSeed;
  commitment: string;
  registrations: readonly string[];
  winners: readonly DrawWinner[];
  /** The campaign's prize list. Without it the amounts are only checked against each other's run-lengths. */
  prizes?: readonly Prize[];
  /** The published list digest, if any: checked too. */
  listDigest?: string;
}

/** A fresh random draw seed (32 bytes from the platform CSPRNG). */
export function newDrawSeed(): Uint8Array {
  return randomBytes(DRAW_SEED_BYTES);
}

/** Seed bytes from bytes or base64url text; throws LOTTERY_BAD_SEED unless exactly 32 bytes. */
export function seedBytes(seed: DrawSeed): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = typeof seed === 'string' ? fromBase64Url(seed) : seed;
  } catch {
    throw new EcnyError('LOTTERY_BAD_SEED', 'the draw seed is not base64url text');
  }
  if (!(bytes instanceof Uint8Array) || bytes.length !== DRAW_SEED_BYTES) {
    throw new EcnyError('LOTTERY_BAD_SEED', `the draw seed must be ${DRAW_SEED_BYTES} bytes`);
  }
  return bytes;
}

/** commitment = base64url(SHA-256("ecny-sim/v1/draw-seed" || 0x00 || seed)). */
export function commitSeed(seed: DrawSeed): string {
  const bytes = seedBytes(seed);
  const tag = domainTag(SEED_TAG);
  const pre = new Uint8Array(tag.length + bytes.length);
  pre.set(tag, 0);
  pre.set(bytes, tag.length);
  return toBase64Url(sha256(pre));
}

/** True when `seed` is the preimage of `commitment`; false for any malformed input. */
export function verifySeedCommitment(seed: DrawSeed, commitment: string): boolean {
  try {
    return commitSeed(seed) === commitment;
  } catch {
    return false;
  }
}

/** Ids encoded per step of the streaming digest (small enough to stay in cache). */
const IDS_PER_CHUNK = 4096;

function badId(index: number, why: string): EcnyError {
  return new EcnyError('LOTTERY_BAD_REGISTRATION', `registration ${index}: ${why}`, { index });
}

/**
 * Streams the canonical list encoding (each id followed by 0x0A) into
 * SHA-256, validating every id on the way. Ids are encoded 4,096 at a time
 * (a native join and UTF-8 encode), then checked byte by byte. Returns null
 * at the first pair out of order when `stopWhenUnsorted`; otherwise throws
 * LOTTERY_UNSORTED / LOTTERY_DUPLICATE_REGISTRATION.
 */
function digestList(ids: readonly string[], stopWhenUnsorted: boolean): Uint8Array | null {
  const n = ids.length;
  for (let i = 0; i < n; i++) if (typeof ids[i] !== 'string') throw badId(i, 'not a string');
  const h = sha256.create();
  h.update(domainTag(LIST_TAG));
  const encoder = new TextEncoder();
  let buf = new Uint8Array(IDS_PER_CHUNK * 64);
  // The previous id's bytes, kept across chunks.
  const prev = new Uint8Array(MAX_REGISTRATION_ID_LENGTH);
  let prevLen = -1;
  let index = 0;
  for (let from = 0; from < n; from += IDS_PER_CHUNK) {
    const to = Math.min(from + IDS_PER_CHUNK, n);
    const text = `${ids.slice(from, to).join('\n')}\n`;
    if (text.length * 3 > buf.length) buf = new Uint8Array(text.length * 3);
    const written = encoder.encodeInto(text, buf).written;
    let start = 0;
    let prevStart = -1;
    for (let p = 0; p < written; p++) {
      const b = buf[p]!;
      if (b !== 0x0a) {
        if (b < 0x21 || b > 0x7e) throw badId(index, 'only printable ASCII (0x21..0x7E) is allowed');
        continue;
      }
      const len = p - start;
      if (len === 0 || len > MAX_REGISTRATION_ID_LENGTH) {
        throw badId(index, `length must be 1..${MAX_REGISTRATION_ID_LENGTH}`);
      }
      if (prevLen >= 0) {
        // Byte-wise comparison with the previous id (= UTF-16 code unit order for ASCII).
        // The previous id is in this chunk at prevStart, or (for a chunk's first id) in `prev`.
        const a = prevStart < 0 ? prev : buf;
        const o = Math.max(prevStart, 0);
        const m = Math.min(prevLen, len);
        let c = 0;
        while (c < m && a[o + c] === buf[start + c]) c++;
        const order = c < m ? a[o + c]! - buf[start + c]! : prevLen - len;
        if (order >= 0) {
          if (stopWhenUnsorted) return null;
          if (order === 0) {
            throw new EcnyError(
              'LOTTERY_DUPLICATE_REGISTRATION',
              `wallet ${ids[index]} is registered twice`,
              {
                walletId: ids[index],
              },
            );
          }
          throw new EcnyError('LOTTERY_UNSORTED', `registrations must be sorted: ${index - 1} > ${index}`, {
            index,
          });
        }
      }
      prevStart = start;
      prevLen = len;
      start = p + 1;
      index++;
    }
    if (index !== to) throw badId(index, 'an id contains a line break');
    if (prevLen >= 0 && prevStart >= 0) prev.set(buf.subarray(prevStart, prevStart + prevLen));
    h.update(buf.subarray(0, written));
  }
  return h.digest();
}

/**
 * base64url SHA-256 of a sorted registration list:
 * SHA-256("ecny-sim/v1/draw-list" || 0x00 || id_1 || 0x0A || ... || id_n || 0x0A).
 * Throws LOTTERY_UNSORTED, LOTTERY_DUPLICATE_REGISTRATION or LOTTERY_BAD_REGISTRATION.
 */
export function registrationDigest(sortedWalletIds: readonly string[]): string {
  return toBase64Url(digestList(sortedWalletIds, false)!);
}

const RADIX = 96; // printable ASCII 0x21..0x7E maps to digits 1..94, end of id to 0

/**
 * Sorts wallet ids by UTF-16 code units (the canonical order) without
 * comparing strings for most pairs: each id gets a numeric key made of the
 * characters that follow the list's common prefix plus its index, the keys
 * are sorted as a Float64Array, and only runs of ids that share the key
 * characters are sorted by string comparison. Same result as
 * `[...ids].sort()` for printable-ASCII ids, several times faster.
 */
export function sortRegistrations(ids: readonly string[]): string[] {
  const n = ids.length;
  if (n < 64) return [...ids].sort();
  const first = ids[0]!;
  let lcp = first.length;
  for (let i = 1; i < n && lcp > 0; i++) {
    const s = ids[i]!;
    const m = Math.min(lcp, s.length);
    let c = 0;
    while (c < m && s.charCodeAt(c) === first.charCodeAt(c)) c++;
    lcp = c;
  }
  const indexBits = Math.ceil(Math.log2(n));
  const digits = Math.floor((53 - indexBits) / Math.log2(RADIX));
  if (digits < 1) return [...ids].sort();
  const scale = 2 ** indexBits;
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = ids[i];
    if (typeof s !== 'string') throw badId(i, 'not a string');
    let k = 0;
    for (let d = 0; d < digits; d++) {
      let digit = 0;
      if (lcp + d < s.length) {
        const code = s.charCodeAt(lcp + d);
        if (code < 0x21 || code > 0x7e) throw badId(i, 'only printable ASCII (0x21..0x7E) is allowed');
        digit = code - 0x20;
      }
      k = k * RADIX + digit;
    }
    keys[i] = k * scale + i;
  }
  keys.sort();
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) out[i] = ids[keys[i]! % scale]!;
  // Ids whose key characters are equal are still in index order: sort each such run.
  let start = 0;
  while (start < n) {
    const prefix = Math.floor(keys[start]! / scale);
    let end = start + 1;
    while (end < n && Math.floor(keys[end]! / scale) === prefix) end++;
    if (end - start > 1) {
      const run = out.slice(start, end).sort();
      for (let i = 0; i < run.length; i++) out[start + i] = run[i]!;
    }
    start = end;
  }
  return out;
}

/** Total number of prizes; throws LOTTERY_BAD_PRIZES for an empty or malformed list. */
export function prizeCount(prizes: readonly Prize[]): number {
  if (!Array.isArray(prizes) || prizes.length === 0) {
    throw new EcnyError('LOTTERY_BAD_PRIZES', 'the draw needs at least one prize');
  }
  let total = 0;
  for (const [i, p] of prizes.entries()) {
    try {
      assertFen(p?.amount, `prizes[${i}].amount`);
    } catch (e) {
      throw new EcnyError('LOTTERY_BAD_PRIZES', (e as Error).message, { index: i });
    }
    if (!Number.isSafeInteger(p.count) || p.count < 1) {
      throw new EcnyError('LOTTERY_BAD_PRIZES', `prizes[${i}].count must be a positive integer`, {
        index: i,
      });
    }
    total += p.count;
  }
  if (!Number.isSafeInteger(total)) throw new EcnyError('LOTTERY_BAD_PRIZES', 'too many prizes');
  return total;
}

/** Sorted list and its digest, sorting only when the input is not already in canonical order. */
function canonicalList(registrations: readonly string[]): { sorted: readonly string[]; digest: Uint8Array } {
  if (!Array.isArray(registrations))
    throw new EcnyError('LOTTERY_BAD_REGISTRATION', 'registrations must be a list');
  const fast = digestList(registrations, true);
  if (fast) return { sorted: registrations, digest: fast };
  const sorted = sortRegistrations(registrations);
  return { sorted, digest: digestList(sorted, false)! };
}

/** Key of the draw keystream: "ecny-sim/v1/draw-stream" || 0x00 || seed || listDigest. */
export function drawStreamKey(seed: DrawSeed, listDigest: Uint8Array): Uint8Array {
  const tag = domainTag(STREAM_TAG);
  const s = seedBytes(seed);
  const key = new Uint8Array(tag.length + s.length + listDigest.length);
  key.set(tag, 0);
  key.set(s, tag.length);
  key.set(listDigest, tag.length + s.length);
  return key;
}

/**
 * Draws the winners. `registrations` may be in any order (they are put in
 * canonical order first); duplicates are refused. Winner of rank r (1-based)
 * gets the prize at position r-1 of the expanded prize list. With fewer
 * registrations than prizes everyone wins and the rest is `unawarded`.
 */
export function drawWinners(input: DrawInput): DrawResult {
  const total = prizeCount(input.prizes);
  const seed = seedBytes(input.seed);
  const { sorted, digest } = canonicalList(input.registrations);
  const n = sorted.length;
  const k = Math.min(total, n);
  const stream = new Sha256Stream(drawStreamKey(seed, digest));
  // Partial Fisher-Yates over positions 0..n-1; `moved` holds only the positions that differ from identity.
  const moved = new Map<number, number>();
  const winners: DrawWinner[] = new Array(k);
  let prize = 0;
  let leftInPrize = input.prizes[0]!.count;
  for (let i = 0; i < k; i++) {
    const j = i + stream.uniform(n - i);
    const atI = moved.get(i) ?? i;
    const atJ = moved.get(j) ?? j;
    moved.set(j, atI);
    moved.delete(i);
    if (leftInPrize === 0) {
      prize++;
      leftInPrize = input.prizes[prize]!.count;
    }
    leftInPrize--;
    winners[i] = { walletId: sorted[atJ]!, amount: input.prizes[prize]!.amount, rank: i + 1 };
  }
  return { winners, listDigest: toBase64Url(digest), registrations: n, unawarded: total - k };
}

/** Run-length prize list of a winner list in rank order (used when the prizes are not given). */
function prizesOf(winners: readonly DrawWinner[]): Prize[] {
  const out: Prize[] = [];
  for (const w of winners) {
    const last = out[out.length - 1];
    if (last && last.amount === w.amount) last.count++;
    else out.push({ amount: w.amount, count: 1 });
  }
  return out;
}

/**
 * Recomputes a published draw and lists every difference. `ok` is true only
 * when the seed opens the commitment and the winners (ids, ranks, amounts)
 * are exactly the recomputed ones.
 */
export function verifyDraw(input: VerifyDrawInput): { ok: boolean; mismatches: DrawMismatch[] } {
  const mismatches: DrawMismatch[] = [];
  try {
    if (!verifySeedCommitment(input.seed, input.commitment)) {
      mismatches.push({ code: 'COMMITMENT', message: 'the seed does not open the commitment' });
    }
    const given = [...input.winners];
    const prizes = input.prizes ?? prizesOf(given);
    const expected =
      prizes.length === 0
        ? { winners: [], listDigest: registrationDigest(sortRegistrations(input.registrations)) }
        : drawWinners({ seed: input.seed, registrations: input.registrations, prizes });
    if (input.listDigest !== undefined && input.listDigest !== expected.listDigest) {
      mismatches.push({ code: 'LIST_DIGEST', expected: expected.listDigest, actual: input.listDigest });
    }
    if (given.length !== expected.winners.length) {
      mismatches.push({ code: 'COUNT', expected: expected.winners.length, actual: given.length });
    }
    const m = Math.min(given.length, expected.winners.length);
    for (let i = 0; i < m; i++) {
      const g = given[i]!;
      const e = expected.winners[i]!;
      if (g.rank !== e.rank)
        mismatches.push({ code: 'RANK', rank: e.rank, expected: e.rank, actual: g.rank });
      if (g.walletId !== e.walletId) {
        mismatches.push({ code: 'WINNER', rank: e.rank, expected: e.walletId, actual: g.walletId });
      }
      if (g.amount !== e.amount)
        mismatches.push({ code: 'AMOUNT', rank: e.rank, expected: e.amount, actual: g.amount });
    }
  } catch (e) {
    mismatches.push({ code: 'INVALID_INPUT', message: e instanceof Error ? e.message : String(e) });
  }
  return { ok: mismatches.length === 0, mismatches };
}

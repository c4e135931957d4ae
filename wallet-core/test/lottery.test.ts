import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url } from '../src/crypto/bytes';
import { sha256 } from '../src/crypto/hash';
import {
  commitSeed,
  drawWinners,
  registrationDigest,
  Sha256Stream,
  seedBytes,
  sortRegistrations,
  verifyDraw,
  verifySeedCommitment,
} from '../src/red-envelopes/index';

const SEED = new Uint8Array(32).map((_, i) => i);
const REGS = ['w_alice', 'w_bob', 'w_carol', 'w_dave', 'w_erin', 'w_frank', 'w_grace', 'w_heidi'];
const PRIZES = [
  { amount: 20_000, count: 2 },
  { amount: 5_000, count: 3 },
];

const ids = (n: number, salt = '') =>
  Array.from({ length: n }, (_, i) => `w_${salt}${i.toString(36).padStart(5, '0')}`);
const seedOf = (k: number) => new Uint8Array(32).fill(k);
const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return 'no error';
};

/** A straightforward reference: hashes built from scratch, full-array Fisher-Yates. */
function referenceDraw(seed: Uint8Array, registrations: string[], k: number): string[] {
  const enc = new TextEncoder();
  const sorted = [...registrations].sort();
  const list = sha256(enc.encode(`ecny-sim/v1/draw-list\0${sorted.map((r) => `${r}\n`).join('')}`));
  const key = [...enc.encode('ecny-sim/v1/draw-stream\0'), ...seed, ...list];
  let counter = 0;
  const words: number[] = [];
  const next = () => {
    if (words.length === 0) {
      const block = sha256(new Uint8Array([...key, 0, 0, 0, 0, 0, 0, 0, counter++]));
      for (let i = 0; i < 32; i += 4) words.push(new DataView(block.buffer).getUint32(i));
    }
    return words.shift()!;
  };
  const a = [...sorted];
  for (let i = 0; i < Math.min(k, a.length); i++) {
    const m = a.length - i;
    const limit = 2 ** 32 - (2 ** 32 % m);
    let w = next();
    while (w >= limit) w = next();
    const j = i + (w % m);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a.slice(0, Math.min(k, a.length));
}

describe('seed commitment', () => {
  it('matches the PROTOCOL.md vector and opens only with its seed', () => {
    const c = commitSeed(SEED);
    expect(c).toBe('GO5bKs_0CZpdnzbAshyvSfuyCZsii9LNWomALYQnYE4');
    expect(commitSeed('AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8')).toBe(c);
    expect(verifySeedCommitment(SEED, c)).toBe(true);
    const other = SEED.slice();
    other[31] ^= 1;
    expect(verifySeedCommitment(other, c)).toBe(false);
    expect(verifySeedCommitment('not a seed!', c)).toBe(false);
  });

  it('refuses seeds that are not 32 bytes', () => {
    expect(code(() => commitSeed(new Uint8Array(31)))).toBe('LOTTERY_BAD_SEED');
    expect(code(() => seedBytes('AAAA'))).toBe('LOTTERY_BAD_SEED');
    expect(code(() => seedBytes('*'.repeat(43)))).toBe('LOTTERY_BAD_SEED');
  });
});

describe('registration digest', () => {
  it('matches the vector and is the hash of the newline-terminated sorted list', () => {
    expect(registrationDigest(REGS)).toBe('i8eBL9p1HA1mt8zhUnX_0hbQEWH70cUSTsxMzg_SJSE');
    expect(registrationDigest([])).toBe(
      toBase64Url(sha256(new TextEncoder().encode('ecny-sim/v1/draw-list\0'))),
    );
  });

  it('streams long lists across chunks exactly like one big hash', () => {
    const list = ids(10_000).sort();
    const whole = sha256(
      new TextEncoder().encode(`ecny-sim/v1/draw-list\0${list.map((r) => `${r}\n`).join('')}`),
    );
    expect(registrationDigest(list)).toBe(toBase64Url(whole));
  });

  it('refuses unsorted, duplicate and malformed lists', () => {
    expect(code(() => registrationDigest(['w_b', 'w_a']))).toBe('LOTTERY_UNSORTED');
    expect(code(() => registrationDigest(['w_a', 'w_a']))).toBe('LOTTERY_DUPLICATE_REGISTRATION');
    const many = ids(5000).sort();
    many[4500] = many[4499]!; // duplicate inside a later chunk
    expect(code(() => registrationDigest(many))).toBe('LOTTERY_DUPLICATE_REGISTRATION');
    const crossChunk = ids(5000).sort();
    crossChunk[4096] = crossChunk[4095]!; // duplicate across the chunk boundary
    expect(code(() => registrationDigest(crossChunk))).toBe('LOTTERY_DUPLICATE_REGISTRATION');
    expect(code(() => registrationDigest(['w a']))).toBe('LOTTERY_BAD_REGISTRATION');
    expect(code(() => registrationDigest(['w_\u00e9']))).toBe('LOTTERY_BAD_REGISTRATION');
    expect(code(() => registrationDigest(['w_a\nw_b']))).toBe('LOTTERY_BAD_REGISTRATION');
    expect(code(() => registrationDigest(['']))).toBe('LOTTERY_BAD_REGISTRATION');
    expect(code(() => registrationDigest(['x'.repeat(256)]))).toBe('LOTTERY_BAD_REGISTRATION');
    expect(code(() => registrationDigest([1 as unknown as string]))).toBe('LOTTERY_BAD_REGISTRATION');
  });
});

describe('sortRegistrations', () => {
  it('gives the code-unit order of Array.prototype.sort', () => {
    const idChar = fc.constantFrom(...'abcAB09_-~!z'.split(''));
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: idChar, minLength: 1, maxLength: 8 }), { maxLength: 400 }),
        (list) => {
          expect(sortRegistrations(list)).toEqual([...list].sort());
        },
      ),
    );
    const big = ids(3000, 'p').concat(ids(3000, 'q'), ['w_', 'w_p', 'w_q0']).reverse();
    expect(sortRegistrations(big)).toEqual([...big].sort());
  });
});

describe('drawWinners', () => {
  it('reproduces the PROTOCOL.md test vector', () => {
    const r = drawWinners({ seed: SEED, registrations: [...REGS].reverse(), prizes: PRIZES });
    expect(r.listDigest).toBe('i8eBL9p1HA1mt8zhUnX_0hbQEWH70cUSTsxMzg_SJSE');
    expect(r.winners).toEqual([
      { walletId: 'w_dave', amount: 20_000, rank: 1 },
      { walletId: 'w_erin', amount: 20_000, rank: 2 },
      { walletId: 'w_grace', amount: 5_000, rank: 3 },
      { walletId: 'w_bob', amount: 5_000, rank: 4 },
      { walletId: 'w_frank', amount: 5_000, rank: 5 },
    ]);
    expect(r.registrations).toBe(8);
    expect(r.unawarded).toBe(0);
    const block0 = new Sha256Stream(
      new Uint8Array([
        ...new TextEncoder().encode('ecny-sim/v1/draw-stream\0'),
        ...SEED,
        ...fromBase64Url(r.listDigest),
      ]),
    );
    expect(block0.nextWord()).toBe(3027622355);
  });

  it('agrees with a from-scratch reference implementation', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uniqueArray(fc.stringMatching(/^w_[a-z0-9]{1,6}$/), { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 1, max: 320 }),
        (seed, regs, k) => {
          const r = drawWinners({ seed, registrations: regs, prizes: [{ amount: 100, count: k }] });
          expect(r.winners.map((w) => w.walletId)).toEqual(referenceDraw(seed, regs, k));
          expect(r.unawarded).toBe(Math.max(0, k - regs.length));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('is deterministic and independent of the input order', () => {
    const regs = ids(2000);
    const prizes = [{ amount: 20_000, count: 100 }];
    const a = drawWinners({ seed: seedOf(7), registrations: regs, prizes });
    const b = drawWinners({ seed: seedOf(7), registrations: [...regs].reverse(), prizes });
    expect(b).toEqual(a);
    expect(new Set(a.winners.map((w) => w.walletId)).size).toBe(100);
    expect(a.winners.every((w) => regs.includes(w.walletId))).toBe(true);
  });

  it('changes when the seed or a single registration changes', () => {
    const regs = ids(2000);
    const prizes = [{ amount: 20_000, count: 50 }];
    const base = drawWinners({ seed: seedOf(1), registrations: regs, prizes });
    const reseeded = drawWinners({ seed: seedOf(2), registrations: regs, prizes });
    expect(reseeded.listDigest).toBe(base.listDigest);
    expect(reseeded.winners).not.toEqual(base.winners);
    const changed = [...regs];
    changed[1234] = 'w_zzzzzz';
    const other = drawWinners({ seed: seedOf(1), registrations: changed, prizes });
    expect(other.listDigest).not.toBe(base.listDigest);
    expect(other.winners.map((w) => w.walletId)).not.toEqual(base.winners.map((w) => w.walletId));
    const dropped = drawWinners({ seed: seedOf(1), registrations: regs.slice(1), prizes });
    expect(dropped.winners.map((w) => w.walletId)).not.toEqual(base.winners.map((w) => w.walletId));
  });

  it('hands out several face values in list order along the ranks', () => {
    const r = drawWinners({
      seed: seedOf(3),
      registrations: ids(500),
      prizes: [
        { amount: 88_800, count: 1 },
        { amount: 8_800, count: 10 },
        { amount: 1_000, count: 100 },
      ],
    });
    expect(r.winners).toHaveLength(111);
    expect(r.winners.map((w) => w.rank)).toEqual(Array.from({ length: 111 }, (_, i) => i + 1));
    expect(r.winners[0]!.amount).toBe(88_800);
    expect(r.winners.slice(1, 11).every((w) => w.amount === 8_800)).toBe(true);
    expect(r.winners.slice(11).every((w) => w.amount === 1_000)).toBe(true);
  });

  it('gives everyone a prize when there are fewer registrations than prizes', () => {
    const r = drawWinners({ seed: seedOf(4), registrations: ids(5), prizes: [{ amount: 100, count: 8 }] });
    expect(r.winners.map((w) => w.walletId).sort()).toEqual(ids(5));
    expect(r.unawarded).toBe(3);
    const none = drawWinners({ seed: seedOf(4), registrations: [], prizes: [{ amount: 100, count: 8 }] });
    expect(none.winners).toEqual([]);
    expect(none.unawarded).toBe(8);
  });

  it('is unbiased: every registrant wins about equally often', () => {
    const regs = ids(10);
    const wins = new Array(10).fill(0);
    const firsts = new Array(10).fill(0);
    const runs = 3000;
    for (let s = 0; s < runs; s++) {
      const seed = new Uint8Array(32);
      new DataView(seed.buffer).setUint32(0, s);
      const r = drawWinners({ seed, registrations: regs, prizes: [{ amount: 1, count: 3 }] });
      for (const w of r.winners) wins[regs.indexOf(w.walletId)]++;
      firsts[regs.indexOf(r.winners[0]!.walletId)]++;
    }
    // Expected 900 wins (sd ~25) and 300 first places (sd ~16) each.
    for (const w of wins) expect(Math.abs(w - 900)).toBeLessThan(125);
    for (const f of firsts) expect(Math.abs(f - 300)).toBeLessThan(80);
  });

  it('refuses bad prizes and duplicate registrations', () => {
    const draw =
      (prizes: { amount: number; count: number }[], registrations = ids(10)) =>
      () =>
        drawWinners({ seed: SEED, registrations, prizes });
    expect(code(draw([]))).toBe('LOTTERY_BAD_PRIZES');
    expect(code(draw([{ amount: 0, count: 1 }]))).toBe('LOTTERY_BAD_PRIZES');
    expect(code(draw([{ amount: 1.5, count: 1 }]))).toBe('LOTTERY_BAD_PRIZES');
    expect(code(draw([{ amount: 100, count: 0 }]))).toBe('LOTTERY_BAD_PRIZES');
    expect(code(draw([{ amount: 100, count: 1 }], ['w_b', 'w_a', 'w_b']))).toBe(
      'LOTTERY_DUPLICATE_REGISTRATION',
    );
  });
});

describe('verifyDraw', () => {
  const regs = ids(1000);
  const seed = seedOf(9);
  const commitment = commitSeed(seed);
  const prizes = [
    { amount: 20_000, count: 5 },
    { amount: 1_000, count: 20 },
  ];
  const drawn = drawWinners({ seed, registrations: regs, prizes });

  it('accepts the genuine draw', () => {
    expect(verifyDraw({ seed, commitment, registrations: regs, winners: drawn.winners, prizes })).toEqual({
      ok: true,
      mismatches: [],
    });
    expect(
      verifyDraw({
        seed,
        commitment,
        registrations: [...regs].reverse(),
        winners: drawn.winners,
        listDigest: drawn.listDigest,
      }).ok,
    ).toBe(true);
  });

  it('detects a swapped-in winner', () => {
    const loser = regs.find((r) => !drawn.winners.some((w) => w.walletId === r))!;
    const tampered = drawn.winners.map((w) => (w.rank === 7 ? { ...w, walletId: loser } : w));
    const v = verifyDraw({ seed, commitment, registrations: regs, winners: tampered, prizes });
    expect(v.ok).toBe(false);
    expect(v.mismatches).toEqual([
      { code: 'WINNER', rank: 7, expected: drawn.winners[6]!.walletId, actual: loser },
    ]);
  });

  it('detects reordered, missing, extra and re-priced winners', () => {
    const w = drawn.winners;
    const swapped = [{ ...w[1]!, rank: 1 }, { ...w[0]!, rank: 2 }, ...w.slice(2)];
    expect(
      verifyDraw({ seed, commitment, registrations: regs, winners: swapped, prizes }).mismatches.map(
        (m) => m.code,
      ),
    ).toEqual(['WINNER', 'WINNER']);
    const short = verifyDraw({ seed, commitment, registrations: regs, winners: w.slice(0, -1), prizes });
    expect(short.mismatches).toEqual([{ code: 'COUNT', expected: 25, actual: 24 }]);
    const extra = [...w, { walletId: 'w_extra', amount: 1_000, rank: 26 }];
    expect(verifyDraw({ seed, commitment, registrations: regs, winners: extra, prizes }).ok).toBe(false);
    const repriced = w.map((x) => (x.rank === 6 ? { ...x, amount: 20_000 } : x));
    expect(
      verifyDraw({ seed, commitment, registrations: regs, winners: repriced, prizes }).mismatches,
    ).toEqual([{ code: 'AMOUNT', rank: 6, expected: 1_000, actual: 20_000 }]);
    const reranked = w.map((x) => (x.rank === 3 ? { ...x, rank: 30 } : x));
    expect(
      verifyDraw({ seed, commitment, registrations: regs, winners: reranked, prizes }).mismatches[0]!.code,
    ).toBe('RANK');
  });

  it('detects a wrong seed, a doctored list and a wrong digest', () => {
    const wrongSeed = verifyDraw({
      seed: seedOf(10),
      commitment,
      registrations: regs,
      winners: drawn.winners,
      prizes,
    });
    expect(wrongSeed.ok).toBe(false);
    expect(wrongSeed.mismatches[0]!.code).toBe('COMMITMENT');
    const doctored = [...regs.slice(1), 'w_sneaky'];
    expect(verifyDraw({ seed, commitment, registrations: doctored, winners: drawn.winners, prizes }).ok).toBe(
      false,
    );
    const badDigest = verifyDraw({
      seed,
      commitment,
      registrations: regs,
      winners: drawn.winners,
      prizes,
      listDigest: registrationDigest(['w_x']),
    });
    expect(badDigest.mismatches.map((m) => m.code)).toEqual(['LIST_DIGEST']);
    const invalid = verifyDraw({
      seed,
      commitment,
      registrations: ['w_a', 'w_a'],
      winners: drawn.winners,
      prizes,
    });
    expect(invalid.ok).toBe(false);
    expect(invalid.mismatches.at(-1)!.code).toBe('INVALID_INPUT');
  });
});

import { describe, expect, it } from 'vitest';
import {
  type Coin,
  coinAmount,
  coinId,
  type DeviceCert,
  EcnyError,
  encodeKey,
  extendCoin,
  issueDeviceCert,
  NobleSigner,
  nobleVerifier,
  OfflineSandbox,
  outputCoinId,
  type PathCheckOptions,
  SANDBOX_EPOCH,
  type SandboxDevice,
  SPEND_TYPE,
  type Spend,
  signIssue,
  signObject,
  signSpend,
  spendHash,
  verifyPath,
} from '../src/index';

const sb = new OfflineSandbox();
const alice = sb.device('alice');
const bob = sb.device('bob');
const carol = sb.device('carol');
const dave = sb.device('dave');
const T = SANDBOX_EPOCH;

function pay(
  coin: Coin,
  from: SandboxDevice,
  to: SandboxDevice,
  amount: number,
  time: number,
  counter = 1,
): Coin {
  const change = coinAmount(coin) - amount;
  const outputs = [{ owner: to.publicKey, amount }];
  if (change > 0) outputs.push({ owner: from.publicKey, amount: change });
  const spend = signSpend(
    { inputCoinId: coinId(coin), outputs, requestId: `rq_${from.name}_${counter}`, counter, time },
    from.signer,
  );
  return extendCoin(coin, spend, 0, from.cert);
}

/** alice (root, 10000 fen) -> bob 9000 -> carol 8000 -> dave 7000. */
function chain(maxHops = 8, expiresAt = T + 86_400_000): Coin {
  const root: Coin = { issue: sb.issue({ owner: alice, amount: 10_000, maxHops, expiresAt }), links: [] };
  return pay(
    pay(pay(root, alice, bob, 9_000, T + 1_000), bob, carol, 8_000, T + 2_000),
    carol,
    dave,
    7_000,
    T + 3_000,
  );
}

const options: PathCheckOptions = { trust: sb.trust, verifier: nobleVerifier, now: T + 10_000 };

function failure(coin: Coin, opts: Partial<PathCheckOptions> = {}): { code: string; link: unknown } {
  try {
    verifyPath(coin, { ...options, ...opts });
  } catch (e) {
    expect(e).toBeInstanceOf(EcnyError);
    const err = e as EcnyError;
    return { code: err.code, link: err.details?.link };
  }
  throw new Error('path verified but should not');
}

const clone = <T>(v: T): T => structuredClone(v);
function resign(
  coin: Coin,
  i: number,
  signer: SandboxDevice,
  edit: (body: Omit<Spend, 'sig'>) => void,
): Coin {
  const c = clone(coin);
  const { sig: _sig, ...body } = c.links[i - 1]!.spend;
  edit(body);
  c.links[i - 1]!.spend = signSpend(body, signer.signer);
  return c;
}

describe('verifyPath: a valid path', () => {
  it('returns the coin id, amount, owner, hops and link hashes', () => {
    const coin = chain();
    const facts = verifyPath(coin, options);
    expect(facts.coinId).toBe(coinId(coin));
    expect(facts.coinId).toBe(outputCoinId(coin.links[2]!.spend, 0));
    expect(facts.amount).toBe(7_000);
    expect(facts.owner).toBe(dave.publicKey);
    expect(facts.hops).toBe(3);
    expect(facts.inputCoinIds[0]).toBe(coin.issue.coinId);
    expect(facts.spendHashes).toEqual(coin.links.map((l) => spendHash(l.spend)));
  });

  it('accepts a root coin and a path exactly at the hop limit', () => {
    expect(verifyPath({ issue: chain().issue, links: [] }, options).hops).toBe(0);
    expect(verifyPath(chain(3), options).hops).toBe(3);
  });

  it('derives distinct output ids per output index', () => {
    const spend = chain().links[0]!.spend;
    expect(outputCoinId(spend, 0)).not.toBe(outputCoinId(spend, 1));
    expect(outputCoinId(spend, 0)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe('verifyPath: known spends (server spent set)', () => {
  it('skips signature and certificate checks of known links only', () => {
    const coin = chain();
    const known = new Set(coin.links.slice(0, 2).map((l) => spendHash(l.spend)));
    let calls = 0;
    const counting = {
      verify: (s: Uint8Array, m: Uint8Array, k: Uint8Array) => {
        calls++;
        return nobleVerifier.verify(s, m, k);
      },
    };
    verifyPath(coin, { ...options, verifier: counting, isKnownSpend: (h) => known.has(h) });
    // issue + link 3 (its spend and the certificate chain: operator cert + device cert).
    expect(calls).toBe(4);
    const badLast = clone(coin);
    badLast.links[2]!.spend.sig = coin.links[0]!.spend.sig;
    expect(failure(badLast, { isKnownSpend: (h) => known.has(h) })).toEqual({
      code: 'SPEND_BAD_SIGNATURE',
      link: 3,
    });
    const badKnown = resign(coin, 2, bob, (b) => (b.outputs[1]!.amount += 1));
    expect(failure(badKnown, { isKnownSpend: () => true })).toEqual({
      code: 'SPEND_AMOUNT_MISMATCH',
      link: 2,
    });
  });
});

describe('verifyPath: the issue (link 0)', () => {
  const fields: Array<[string, (c: Coin) => void, string]> = [
    ['coinId (malformed)', (c) => (c.issue.coinId = 'not-a-coin-id'), 'ISSUE_MALFORMED'],
    [
      'coinId (other coin)',
      (c) => (c.issue.coinId = sb.issue({ owner: alice, amount: 1 }).coinId),
      'ISSUE_BAD_SIGNATURE',
    ],
    ['amount', (c) => (c.issue.amount = 10_001), 'ISSUE_BAD_SIGNATURE'],
    ['amount (zero)', (c) => (c.issue.amount = 0), 'ISSUE_MALFORMED'],
    ['owner', (c) => (c.issue.owner = bob.publicKey), 'ISSUE_BAD_SIGNATURE'],
    ['expiresAt', (c) => (c.issue.expiresAt += 1), 'ISSUE_BAD_SIGNATURE'],
    ['maxHops', (c) => (c.issue.maxHops = 9), 'ISSUE_BAD_SIGNATURE'],
    ['maxHops (zero)', (c) => (c.issue.maxHops = 0), 'ISSUE_MALFORMED'],
    ['restriction', (c) => (c.issue.restriction = { campaignId: 'shenzhen-2020' }), 'ISSUE_BAD_SIGNATURE'],
    ['sig', (c) => (c.issue.sig = chain().links[0]!.spend.sig), 'ISSUE_BAD_SIGNATURE'],
  ];
  for (const [field, tamper, code] of fields) {
    it(`tampered ${field} gives ${code} at link 0`, () => {
      const coin = clone(chain());
      tamper(coin);
      expect(failure(coin)).toEqual({ code, link: 0 });
    });
  }

  it('an issue signed by an operator instead of the issuer gives ISSUE_BAD_SIGNATURE', () => {
    const coin = clone(chain());
    const { sig: _s, ...body } = coin.issue;
    coin.issue = signIssue(body, sb.operator);
    expect(failure(coin)).toEqual({ code: 'ISSUE_BAD_SIGNATURE', link: 0 });
  });

  it('an expired coin gives COIN_EXPIRED at link 0', () => {
    const coin = chain(8, T + 5_000);
    expect(failure(coin, { now: T + 5_001 })).toEqual({ code: 'COIN_EXPIRED', link: 0 });
    expect(verifyPath(coin, { ...options, now: T + 5_001, allowExpired: true }).amount).toBe(7_000);
  });
});

describe('verifyPath: spends (links 1..n)', () => {
  for (const i of [1, 2, 3]) {
    it(`unsigned edits of link ${i} give SPEND_BAD_SIGNATURE or SPEND_WRONG_INPUT at link ${i}`, () => {
      const edits: Array<[(s: Spend) => void, string]> = [
        [(s) => (s.outputs[0]!.amount -= 1), 'SPEND_BAD_SIGNATURE'],
        [(s) => (s.outputs[0]!.owner = alice.publicKey), 'SPEND_BAD_SIGNATURE'],
        [(s) => (s.requestId = 'rq_another-request'), 'SPEND_BAD_SIGNATURE'],
        [(s) => (s.counter += 1), 'SPEND_BAD_SIGNATURE'],
        [(s) => (s.time += 1), 'SPEND_BAD_SIGNATURE'],
        [(s) => (s.sig = chain().issue.sig), 'SPEND_BAD_SIGNATURE'],
        [(s) => (s.sig = 'x'), 'SPEND_BAD_SIGNATURE'],
        [(s) => (s.inputCoinId = sb.issue({ owner: alice, amount: 1 }).coinId), 'SPEND_WRONG_INPUT'],
      ];
      for (const [edit, code] of edits) {
        const coin = clone(chain());
        edit(coin.links[i - 1]!.spend);
        expect(failure(coin)).toEqual({ code, link: i });
      }
    });
  }

  it('a link following another output of the previous spend gives SPEND_WRONG_INPUT at the next link', () => {
    const coin = clone(chain());
    coin.links[0]!.output = 1;
    expect(failure(coin)).toEqual({ code: 'SPEND_WRONG_INPUT', link: 2 });
  });

  it('a link whose signer certificate is not the owner gives SPEND_WRONG_SIGNER', () => {
    const coin = clone(chain());
    coin.links[1]!.signer = carol.cert;
    expect(failure(coin)).toEqual({ code: 'SPEND_WRONG_SIGNER', link: 2 });
  });

  it('a spend signed by a key that does not own the input gives SPEND_WRONG_SIGNER / SPEND_BAD_SIGNATURE', () => {
    // Carol signs Bob's spend and presents her own certificate: she is not the owner.
    const stolen = resign(chain(), 2, carol, () => {});
    stolen.links[1]!.signer = carol.cert;
    expect(failure(stolen)).toEqual({ code: 'SPEND_WRONG_SIGNER', link: 2 });
    // Carol signs Bob's spend but presents Bob's certificate: the signature fails.
    expect(failure(resign(chain(), 2, carol, () => {}))).toEqual({ code: 'SPEND_BAD_SIGNATURE', link: 2 });
  });

  it('outputs that do not add up to the input give SPEND_AMOUNT_MISMATCH even when signed', () => {
    const more = resign(chain(), 2, bob, (b) => (b.outputs[1]!.amount += 1));
    expect(failure(more)).toEqual({ code: 'SPEND_AMOUNT_MISMATCH', link: 2 });
    const less = resign(chain(), 1, alice, (b) => (b.outputs = [b.outputs[0]!]));
    expect(failure(less)).toEqual({ code: 'SPEND_AMOUNT_MISMATCH', link: 1 });
  });

  it('malformed spends give SPEND_MALFORMED', () => {
    const three = clone(chain());
    const { sig: _s, ...body } = three.links[1]!.spend;
    body.outputs = [...body.outputs, { owner: alice.publicKey, amount: 1 }];
    body.outputs[0]!.amount -= 1;
    three.links[1]!.spend = signObject(SPEND_TYPE, body, bob.signer);
    expect(failure(three)).toEqual({ code: 'SPEND_MALFORMED', link: 2 });
    const zero = resign(chain(), 3, carol, (b) => (b.outputs[1]!.amount = 0));
    expect(failure(zero)).toEqual({ code: 'SPEND_MALFORMED', link: 3 });
    const fraction = clone(chain());
    fraction.links[0]!.spend.outputs[0]!.amount = 8_999.5;
    expect(failure(fraction)).toEqual({ code: 'SPEND_MALFORMED', link: 1 });
    const badOwner = resign(chain(), 1, alice, (b) => (b.outputs[1]!.owner = 'not-a-key'));
    expect(failure(badOwner)).toEqual({ code: 'SPEND_MALFORMED', link: 1 });
    const index = clone(chain());
    index.links[2]!.output = 2;
    expect(failure(index)).toEqual({ code: 'SPEND_MALFORMED', link: 3 });
  });

  it('more links than maxHops gives PATH_HOP_LIMIT at the first link over', () => {
    expect(failure(chain(2))).toEqual({ code: 'PATH_HOP_LIMIT', link: 3 });
    expect(failure(chain(1))).toEqual({ code: 'PATH_HOP_LIMIT', link: 2 });
  });

  it('a spend made after the coin expired gives COIN_EXPIRED at that link', () => {
    const coin = chain(8, T + 2_500);
    expect(failure(coin, { now: T + 2_000 })).toEqual({ code: 'COIN_EXPIRED', link: 3 });
  });
});

describe('verifyPath: device certificates of the signers', () => {
  it('a revoked signer gives CERT_REVOKED at its link', () => {
    expect(failure(chain(), { revokedDevices: new Set([bob.cert.deviceId]) })).toEqual({
      code: 'CERT_REVOKED',
      link: 2,
    });
    expect(failure(chain(), { revokedDevices: new Set([carol.cert.deviceId]) })).toEqual({
      code: 'CERT_REVOKED',
      link: 3,
    });
  });

  it('a tampered certificate gives CERT_BAD_SIGNATURE', () => {
    for (const edit of [
      (c: DeviceCert) => (c.walletId = 'w_someone-else'),
      (c: DeviceCert) => (c.offline.perPayment *= 10),
      (c: DeviceCert) => (c.tier = 1),
      (c: DeviceCert) => (c.validUntil += 1),
    ]) {
      const coin = clone(chain());
      edit(coin.links[0]!.signer);
      expect(failure(coin)).toEqual({ code: 'CERT_BAD_SIGNATURE', link: 1 });
    }
  });

  function rogueCert(device: SandboxDevice, edit: Partial<DeviceCert>, signer = sb.operator): DeviceCert {
    const { sig: _s, ...body } = device.cert;
    return issueDeviceCert({ ...body, ...edit }, signer);
  }

  it('a certificate from a stranger key gives CERT_BAD_SIGNATURE', () => {
    const coin = clone(chain());
    coin.links[1]!.signer = rogueCert(bob, {}, new NobleSigner(sb.secret('rogue')));
    expect(failure(coin)).toEqual({ code: 'CERT_BAD_SIGNATURE', link: 2 });
  });

  it('a certificate of an unknown operator gives CERT_UNKNOWN_OPERATOR', () => {
    const coin = clone(chain());
    coin.links[1]!.signer = rogueCert(bob, { operatorId: 'op_rogue' });
    expect(failure(coin)).toEqual({ code: 'CERT_UNKNOWN_OPERATOR', link: 2 });
  });

  it('a certificate expired (or not yet valid) at the spend time gives CERT_EXPIRED / CERT_NOT_YET_VALID', () => {
    const expired = clone(chain());
    expired.links[2]!.signer = rogueCert(carol, { validUntil: T + 2_999 });
    expect(failure(expired)).toEqual({ code: 'CERT_EXPIRED', link: 3 });
    const early = clone(chain());
    early.links[0]!.signer = rogueCert(alice, { validFrom: T + 1_001 });
    expect(failure(early)).toEqual({ code: 'CERT_NOT_YET_VALID', link: 1 });
  });

  it('a certificate for another key of the same device gives SPEND_WRONG_SIGNER', () => {
    const coin = clone(chain());
    coin.links[0]!.signer = rogueCert(alice, { publicKey: encodeKey(bob.signer.publicKey) });
    expect(failure(coin)).toEqual({ code: 'SPEND_WRONG_SIGNER', link: 1 });
  });
});

import { describe, expect, it } from 'vitest';
import {
  bundleHash,
  bundleSize,
  bytesToHex,
  canonicalJson,
  decodeBundle,
  EcnyError,
  encodeBundle,
  extendCoin,
  hexToBytes,
  ISSUE_TYPE,
  nobleVerifier,
  OfflineSandbox,
  objectHashB64,
  outputCoinId,
  type PaymentBundle,
  PaymentBundleSchema,
  sha256,
  spendHash,
  toBase64Url,
  verifyPath,
} from '../src/index';

const sb = new OfflineSandbox(); // seed "ecny-sim": secret of <label> = SHA-256("ecny-sim/<label>")

/** PROTOCOL.md §7.7: the 1-hop bundle of the sandbox, byte for byte. */
const HOP1_HEX =
  '011572715f73616e64626f782d686f702d62756e646c650118645f715734566c3677514d636b4f47784c72472d4b5a784118775f515566466f684e746e6a4b4647766d4c4a6444743867076f705f696362632140bd1409c5baba986f7bbe7e606f15a37e41bd6724f5ac373fca88e9db356402c09a0ca0c21e1e80f5248098fcd5bc3180a8dabcb232c3c6ad31235660b529f85346e352397d1d55aeff26635c2d7abdefbfc5c75fc74b71935f9de2be0a88ff879f6404fd71b863252f3944110831f15de12d052e0801d967f26d8bc4f8a0dc67e3d58d2f7e538dcc7cec2818f7bbe88582f027540f9aa08d060180e090d3c6310800e182092b185aa6d849b0ac2c589873b83d9464b6f98ddcc7561d18e6acd55634ce2256ca5dcce0c2edb891da666a5986555d64c988d98307e55828d27ddc7d00000200ef854342e46c16929e65ca26a5f51b714c4721fd401e5e1693e556fdd1afc5b0b8850601e80701e0a499ffbc31aabfea3ff21eeff8274e6365f881d343e42107b0f54d3d460f45e1efccb71ea160aac4523f00b4b81ab7a36ca2e626d1e75d25286996186c651ecb5e1b6faf0e';

/** Encoded size in bytes (and canonical JSON size) of a single-coin payment whose spend is hop n. */
const SIZES: Array<[hops: number, binary: number, json: number]> = [
  [1, 422, 1156],
  [2, 706, 1991],
  [3, 990, 2827],
  [4, 1274, 3663],
  [5, 1558, 4499],
  [6, 1842, 5335],
  [7, 2126, 6171],
  [8, 2410, 7007],
];

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(EcnyError);
    return (e as EcnyError).code;
  }
  return 'NO_ERROR';
}

describe('bundle size', () => {
  for (const [hops, binary, json] of SIZES) {
    it(`a ${hops}-hop single-coin payment encodes to ${binary} bytes (JSON: ${json})`, () => {
      const bundle = sb.hopBundle(hops);
      expect(bundleSize(bundle)).toBe(binary);
      expect(canonicalJson(bundle).length).toBe(json);
      expect(bundle.spends[0]!.coin.links).toHaveLength(hops - 1);
    });
  }

  it('a 4-hop single-coin payment fits in 2,000 bytes', () => {
    expect(bundleSize(sb.hopBundle(4))).toBeLessThan(2_000);
  });

  it('each further hop costs one certificate and one link (284 bytes here)', () => {
    const steps = SIZES.slice(1).map(([, b], i) => b - SIZES[i]![1]);
    expect(new Set(steps)).toEqual(new Set([284]));
  });
});

describe('bundle encoding', () => {
  it('round-trips 1..8 hops exactly; decoded paths still verify', () => {
    for (let hops = 1; hops <= 8; hops++) {
      const bundle = sb.hopBundle(hops);
      const bytes = encodeBundle(bundle);
      const decoded = decodeBundle(bytes);
      expect(decoded).toEqual(bundle);
      expect(bundleHash(decoded)).toBe(bundleHash(bundle));
      const { coin, spend } = decoded.spends[0]!;
      const facts = verifyPath(extendCoin(coin, spend, 0, decoded.payer), {
        trust: sb.trust,
        verifier: nobleVerifier,
        now: sb.now,
      });
      expect(facts.hops).toBe(hops);
      expect(PaymentBundleSchema.safeParse(decoded).success).toBe(true);
    }
  });

  it('dedupes certificates: a payer spending its own change carries its certificate once', async () => {
    const sb2 = new OfflineSandbox({ seed: 'dedupe' });
    const alice = sb2.wallet('alice');
    await alice.load([sb2.issue({ owner: sb2.device('alice'), amount: 10_000 })]);
    await alice.pay(sb2.wallet('bob').createRequest({ amount: 4_000 }));
    const { bundle, bytes } = await alice.pay(sb2.wallet('carol').createRequest({ amount: 6_000 }));
    expect(bundle.spends[0]!.coin.links[0]!.signer).toEqual(bundle.payer);
    const text = new TextDecoder('latin1').decode(bytes);
    expect(text.split(bundle.payer.deviceId)).toHaveLength(2);
    // Owners known from the table are one-byte references: only bob's and carol's keys are raw.
    const header = 1 + 26; // version, requestId "rq_" + 22 characters
    const certs = 1 + 177; // one certificate: ids 25 + 25 + 8, key 32, tier 1, limits 3 + 3 + 1 + 3, validity 6 + 6, sig 64
    const issue = 32 + 2 + 1 + 6 + 1 + 1 + 64; // coinId, amount, owner ref to cert 1, expiresAt, maxHops, no restriction, sig
    const link = 1 + 1 + (1 + 33 + 2 + 1 + 2) + 26 + 1 + 6 + 64; // signer, output, [bob raw, alice ref], requestId, counter, time, sig
    const payment = 1 + 33 + 2 + 1 + 6 + 64; // [carol raw], counter, time, sig
    expect(bytes.length).toBe(header + certs + 1 + issue + 1 + link + payment);
  });

  it('refuses what it cannot carry exactly', () => {
    const bundle = sb.hopBundle(2);
    const extra = structuredClone(bundle) as PaymentBundle & { note?: string };
    extra.note = 'hello';
    expect(code(() => encodeBundle(extra))).toBe('BAD_ENCODING');
    const rebound = structuredClone(bundle);
    rebound.spends[0]!.spend.requestId = 'rq_other-request';
    expect(code(() => encodeBundle(rebound))).toBe('BAD_ENCODING');
    const wrongInput = structuredClone(bundle);
    wrongInput.spends[0]!.spend.inputCoinId = wrongInput.spends[0]!.coin.issue.coinId;
    expect(code(() => encodeBundle(wrongInput))).toBe('BAD_ENCODING');
    const nonCanonicalKey = structuredClone(bundle);
    nonCanonicalKey.payer.publicKey = `${nonCanonicalKey.payer.publicKey.slice(0, 42)}R`;
    expect(code(() => encodeBundle(nonCanonicalKey))).toBe('BAD_ENCODING');
  });

  it('decodes only the canonical encoding', () => {
    const bytes = encodeBundle(sb.hopBundle(1));
    const with_ = (edit: (b: Uint8Array) => Uint8Array) => code(() => decodeBundle(edit(bytes.slice())));
    expect(with_((b) => b)).toBe('NO_ERROR');
    expect(with_((b) => new Uint8Array([2, ...b.slice(1)]))).toBe('BAD_ENCODING'); // version
    expect(with_((b) => b.slice(0, -1))).toBe('BAD_ENCODING'); // truncated
    expect(with_((b) => new Uint8Array([...b, 0]))).toBe('BAD_ENCODING'); // trailing byte
    expect(with_(() => new Uint8Array([]))).toBe('BAD_ENCODING');
    // An overlong varint for the request id length (0x95 0x00 instead of 0x15).
    expect(with_((b) => new Uint8Array([1, 0x95, 0x00, ...b.slice(2)]))).toBe('BAD_ENCODING');
  });
});

describe('protocol vectors (PROTOCOL.md §7.7)', () => {
  const bundle = sb.hopBundle(1);
  const { coin, spend } = bundle.spends[0]!;
  const { sig: _sig, ...issueBody } = coin.issue;

  it('keys and the issue', () => {
    expect(toBase64Url(sb.issuer.publicKey)).toBe('-Wljx-YovZk0UAEiSf_KBHrUQVhh9Bbr1djkA7fzkyo');
    expect(canonicalJson(issueBody)).toBe(
      '{"amount":100000,"coinId":"2WfybYvE-KDcZ-PVjS9-U43MfOwoGPe76IWC8CdUD5o","expiresAt":1702592000000,"maxHops":8,"owner":"IUC9FAnFurqYb3u-fmBvFaN-Qb1nJPWsNz_KiOnbNWQ"}',
    );
    expect(objectHashB64(ISSUE_TYPE, issueBody)).toBe('jP9dXIoz5n8oDkshZDFx75YN2iEwzhreB82A8csJD1Y');
    expect(coin.issue.sig).toBe(
      '4YIJKxhapthJsKwsWJhzuD2UZLb5jdzHVh0Y5qzVVjTOIlbKXczgwu24kdpmalmGVV1kyYjZgwflWCjSfdx9AA',
    );
  });

  it('the spend, its hash and its output coin ids', () => {
    expect(spend.sig).toBe(
      'qr_qP_Ie7_gnTmNl-IHTQ-QhB7D1TT1GD0Xh78y3HqFgqsRSPwC0uBq3o2yi5ibR510lKGmWGGxlHsteG2-vDg',
    );
    expect(spendHash(spend)).toBe('BWBFwykiZRrSNDVTHatS0tdqc6t2LtVeiy3-S3kzSlw');
    expect(outputCoinId(spend, 0)).toBe('Mxj7clU4eruPXG3maRcMmYqeMPNThnNy9jI3bNCHAmo');
    expect(outputCoinId(spend, 1)).toBe('kLd51QPPb9LPTQAPtvD7iobstgxQXHGHwuxO0-zy6BQ');
  });

  it('the 1-hop bundle bytes and hash', () => {
    const bytes = encodeBundle(bundle);
    expect(bytesToHex(bytes)).toBe(HOP1_HEX);
    expect(decodeBundle(hexToBytes(HOP1_HEX))).toEqual(bundle);
    expect(bundleHash(bundle)).toBe('LzRI1et_bFhr6TNLNcH8uJv4GtBGZJJWhGWQyvgzp68');
  });

  it('SHA-256 of the 2- and 4-hop encodings', () => {
    expect(toBase64Url(sha256(encodeBundle(sb.hopBundle(2))))).toBe(
      'Nwf-viOvLAuOVKFGYoWiTB7LJr0q8yf36ZDOaCaVHNY',
    );
    expect(toBase64Url(sha256(encodeBundle(sb.hopBundle(4))))).toBe(
      '6FF22Wjqnbt8mdN3kDDPvU0rlpzYQWV9qHADwaO5Oh8',
    );
  });
});

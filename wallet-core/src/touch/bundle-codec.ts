/**
 * Compact deterministic binary encoding of a PaymentBundle (PROTOCOL.md §7.6).
 * It carries exactly the JSON objects (every signature still verifies over
 * the JCS of the decoded bodies) but drops what can be recomputed: input coin
 * ids are derived from the path, keys and signatures are raw bytes, integers
 * are varints, device certificates sit once in a table and owner keys that
 * belong to a certificate of the table are one-byte references.
 *
 *   bundle  = 0x01 requestId:str nCerts:v cert*  nSpends:v entry*
 *   cert    = deviceId:str walletId:str operatorId:str publicKey:32 tier:u8
 *             perPayment:v balanceCap:v maxPaymentsSinceSync:v maxSecondsSinceSync:v
 *             validFrom:v validUntil:v sig:64
 *   entry   = issue nLinks:v link* payment
 *   issue   = coinId:32 amount:v owner:keyref expiresAt:v maxHops:v
 *             (0x00 | 0x01 restrictionJcs:str) sig:64
 *   link    = signer:v output:u8 outputs requestId:str counter:v time:v sig:64
 *   payment = outputs counter:v time:v sig:64
 *   outputs = n:u8 (owner:keyref amount:v)*n
 *   keyref  = 0x00 key:32 | k:v (k >= 1: public key of cert k-1)
 *
 * Certificate 0 is the payer; the others follow in order of first use by a
 * link. Decoding re-encodes and refuses anything not byte-identical, so each
 * bundle has exactly one encoding.
 */
import type { DeviceCert } from '../certs/certs';
import { ByteReader, ByteWriter } from '../coins/binary';
import { type Coin, coinId, type PathLink } from '../coins/coin';
import type { Issue } from '../coins/issue';
import type { CoinRestriction } from '../coins/restriction';
import { outputCoinId, type Spend, type SpendOutput } from '../coins/spend';
import { equalBytes, fromBase64Url, toBase64Url } from '../crypto/bytes';
import { canonicalJson } from '../crypto/canonical';
import { EcnyError } from '../errors/index';
import { isTier } from '../money/tiers';
import type { BundleSpend, PaymentBundle } from './messages';

export const BUNDLE_ENCODING_VERSION = 1;

function bad(message: string): EcnyError {
  return new EcnyError('BAD_ENCODING', message);
}

function raw(text: string, length: number, what: string): Uint8Array {
  const bytes = fromBase64Url(text);
  if (bytes.length !== length) throw bad(`${what} must be ${length} bytes`);
  return bytes;
}

class CertTable {
  readonly certs: DeviceCert[] = [];
  readonly #index = new Map<string, number>();

  add(cert: DeviceCert): void {
    const key = canonicalJson(cert);
    if (!this.#index.has(key)) {
      this.#index.set(key, this.certs.length);
      this.certs.push(cert);
    }
  }

  indexOf(cert: DeviceCert): number {
    const i = this.#index.get(canonicalJson(cert));
    if (i === undefined) throw bad('certificate missing from the table');
    return i;
  }

  keyRef(owner: string): number {
    const i = this.certs.findIndex((c) => c.publicKey === owner);
    return i < 0 ? 0 : i + 1;
  }
}

function writeCert(w: ByteWriter, c: DeviceCert): void {
  w.string(c.deviceId).string(c.walletId).string(c.operatorId);
  w.fixed(raw(c.publicKey, 32, 'publicKey'), 32).byte(c.tier);
  w.varint(c.offline.perPayment).varint(c.offline.balanceCap);
  w.varint(c.offline.maxPaymentsSinceSync).varint(c.offline.maxSecondsSinceSync);
  w.varint(c.validFrom)
    .varint(c.validUntil)
    .fixed(raw(c.sig, 64, 'sig'), 64);
}

function readCert(r: ByteReader): DeviceCert {
  const deviceId = r.string(80);
  const walletId = r.string(80);
  const operatorId = r.string(80);
  const publicKey = toBase64Url(r.fixed(32));
  const tier = r.byte();
  if (!isTier(tier)) throw bad(`tier ${tier}`);
  const offline = {
    perPayment: r.varint(),
    balanceCap: r.varint(),
    maxPaymentsSinceSync: r.varint(),
    maxSecondsSinceSync: r.varint(),
  };
  const validFrom = r.varint();
  const validUntil = r.varint();
  const sig = toBase64Url(r.fixed(64));
  return { deviceId, walletId, operatorId, publicKey, tier, offline, validFrom, validUntil, sig };
}

function writeKeyRef(w: ByteWriter, table: CertTable, owner: string): void {
  const ref = table.keyRef(owner);
  w.varint(ref);
  if (ref === 0) w.fixed(raw(owner, 32, 'owner'), 32);
}

function readKeyRef(r: ByteReader, certs: DeviceCert[]): string {
  const ref = r.varint();
  if (ref === 0) return toBase64Url(r.fixed(32));
  const cert = certs[ref - 1];
  if (!cert) throw bad(`key reference ${ref} outside the certificate table`);
  return cert.publicKey;
}

function writeOutputs(w: ByteWriter, table: CertTable, outputs: SpendOutput[]): void {
  w.byte(outputs.length);
  for (const o of outputs) {
    writeKeyRef(w, table, o.owner);
    w.varint(o.amount);
  }
}

function readOutputs(r: ByteReader, certs: DeviceCert[]): SpendOutput[] {
  const n = r.byte();
  if (n < 1 || n > 2) throw bad(`${n} outputs`);
  const outputs: SpendOutput[] = [];
  for (let i = 0; i < n; i++) outputs.push({ owner: readKeyRef(r, certs), amount: r.varint() });
  return outputs;
}

function writeIssue(w: ByteWriter, table: CertTable, issue: Issue): void {
  w.fixed(raw(issue.coinId, 32, 'coinId'), 32).varint(issue.amount);
  writeKeyRef(w, table, issue.owner);
  w.varint(issue.expiresAt).varint(issue.maxHops);
  if (issue.restriction === undefined) w.byte(0);
  else w.byte(1).string(canonicalJson(issue.restriction));
  w.fixed(raw(issue.sig, 64, 'sig'), 64);
}

function readIssue(r: ByteReader, certs: DeviceCert[]): Issue {
  const coinIdText = toBase64Url(r.fixed(32));
  const amount = r.varint();
  const owner = readKeyRef(r, certs);
  const expiresAt = r.varint();
  const maxHops = r.varint();
  const flag = r.byte();
  let restriction: CoinRestriction | undefined;
  if (flag === 1) {
    try {
      restriction = JSON.parse(r.string()) as CoinRestriction;
    } catch (e) {
      if (e instanceof EcnyError) throw e;
      throw bad('restriction is not JSON');
    }
  } else if (flag !== 0) throw bad(`restriction flag ${flag}`);
  const sig = toBase64Url(r.fixed(64));
  return {
    coinId: coinIdText,
    amount,
    owner,
    expiresAt,
    maxHops,
    ...(restriction ? { restriction } : {}),
    sig,
  };
}

function writeEntry(w: ByteWriter, table: CertTable, bundle: PaymentBundle, entry: BundleSpend): void {
  const { coin, spend } = entry;
  writeIssue(w, table, coin.issue);
  w.varint(coin.links.length);
  let input = coin.issue.coinId;
  for (const link of coin.links) {
    if (link.spend.inputCoinId !== input) throw bad('a link does not spend the previous coin of its path');
    w.varint(table.indexOf(link.signer)).byte(link.output);
    writeOutputs(w, table, link.spend.outputs);
    w.string(link.spend.requestId).varint(link.spend.counter).varint(link.spend.time);
    w.fixed(raw(link.spend.sig, 64, 'sig'), 64);
    input = outputCoinId(link.spend, link.output);
  }
  if (spend.inputCoinId !== input) throw bad('a spend does not consume the coin it carries');
  if (spend.requestId !== bundle.requestId) throw bad('a spend is bound to another request');
  writeOutputs(w, table, spend.outputs);
  w.varint(spend.counter)
    .varint(spend.time)
    .fixed(raw(spend.sig, 64, 'sig'), 64);
}

function readEntry(r: ByteReader, certs: DeviceCert[], requestId: string): BundleSpend {
  const issue = readIssue(r, certs);
  const nLinks = r.varint();
  if (nLinks > 255) throw bad(`${nLinks} links`);
  const links: PathLink[] = [];
  let input = issue.coinId;
  for (let i = 0; i < nLinks; i++) {
    const signer = certs[r.varint()];
    if (!signer) throw bad('link signer outside the certificate table');
    const output = r.byte();
    const outputs = readOutputs(r, certs);
    if (output >= outputs.length) throw bad(`output ${output} of ${outputs.length}`);
    const spend: Spend = {
      inputCoinId: input,
      outputs,
      requestId: r.string(80),
      counter: r.varint(),
      time: r.varint(),
      sig: toBase64Url(r.fixed(64)),
    };
    links.push({ spend, output, signer });
    input = outputCoinId(spend, output);
  }
  const coin: Coin = { issue, links };
  const outputs = readOutputs(r, certs);
  const spend: Spend = {
    inputCoinId: coinId(coin),
    outputs,
    requestId,
    counter: r.varint(),
    time: r.varint(),
    sig: toBase64Url(r.fixed(64)),
  };
  return { coin, spend };
}

function writeBundle(bundle: PaymentBundle): Uint8Array {
  const table = new CertTable();
  table.add(bundle.payer);
  for (const { coin } of bundle.spends) for (const link of coin.links) table.add(link.signer);
  const w = new ByteWriter().byte(BUNDLE_ENCODING_VERSION).string(bundle.requestId);
  w.varint(table.certs.length);
  for (const cert of table.certs) writeCert(w, cert);
  w.varint(bundle.spends.length);
  for (const entry of bundle.spends) writeEntry(w, table, bundle, entry);
  return w.finish();
}

function readBundle(bytes: Uint8Array): PaymentBundle {
  const r = new ByteReader(bytes);
  const version = r.byte();
  if (version !== BUNDLE_ENCODING_VERSION) throw bad(`bundle encoding version ${version} is not supported`);
  const requestId = r.string(80);
  const nCerts = r.varint();
  if (nCerts < 1 || nCerts > 256) throw bad(`${nCerts} certificates`);
  const certs: DeviceCert[] = [];
  for (let i = 0; i < nCerts; i++) certs.push(readCert(r));
  const nSpends = r.varint();
  if (nSpends > 64) throw bad(`${nSpends} spends`);
  const spends: BundleSpend[] = [];
  for (let i = 0; i < nSpends; i++) spends.push(readEntry(r, certs, requestId));
  if (!r.done) throw bad('trailing bytes after the bundle');
  return { requestId, payer: certs[0]!, spends };
}

/** The binary form of a bundle. Throws BAD_ENCODING for bundles it cannot carry exactly. */
export function encodeBundle(bundle: PaymentBundle): Uint8Array {
  const bytes = writeBundle(bundle);
  if (canonicalJson(readBundle(bytes)) !== canonicalJson(bundle)) {
    throw bad('the bundle carries fields the binary form cannot represent');
  }
  return bytes;
}

/** Parses the binary form; throws BAD_ENCODING on anything but the one canonical encoding. */
export function decodeBundle(bytes: Uint8Array): PaymentBundle {
  const bundle = readBundle(bytes);
  if (!equalBytes(writeBundle(bundle), bytes)) throw bad('not the canonical encoding of a bundle');
  return bundle;
}

export function bundleSize(bundle: PaymentBundle): number {
  return encodeBundle(bundle).length;
}

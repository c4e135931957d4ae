/**
 * Fuzzing with fast-check: generated requests for every endpoint the OpenAPI
 * document lists at run time (so endpoints added later are fuzzed too), plus
 * unknown routes and methods. Bodies: malformed JSON, wrong types, missing and
 * extra fields (`__proto__`, `constructor`), huge strings, negative /
 * fractional / NaN / overflowing amounts, odd unicode and invalid UTF-8,
 * oversize bodies, odd content types and encodings; signed, unsigned and
 * badly signed. Never a 5xx; every refusal is the error envelope; the ledger
 * is unchanged and the audit holds.
 *
 * A request that a real device or the admin signs for the wallet it owns is
 * only ever sent with a body the documented schema refuses (a mutation that
 * is invalid by construction), so nothing may succeed; embedded signed
 * objects (transfers, registrations) are stale or broken by any change.
 * FUZZ_RUNS (default 10,240 requests) and FUZZ_SEED tune a run.
 */
import type { Agent } from 'node:http';
import { randomId, type Signer, signObject, toBase64Url } from '@ecny-sim/wallet-core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authHeaders,
  expectAuditClean,
  flipBit,
  isErrorEnvelope,
  keepAliveAgent,
  makeTransfer,
  type RawResponse,
  recordFigures,
  type Server,
  send,
  startServer,
  type Wallet,
} from './_support';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Schema = Record<string, unknown>;

const RUNS = Number(process.env.FUZZ_RUNS ?? 10_240);
const SEED = Number(process.env.FUZZ_SEED ?? 20_240_607);
const PARALLEL = 32;

interface Op {
  method: string;
  template: string;
  auth: 'device' | 'admin' | 'none';
  schema: Schema | undefined;
}

interface Plan {
  family: string;
  method: string;
  path: string;
  body?: string | Buffer;
  headers: Record<string, string>;
  /** Signed by the wallet's own device (or the admin) or otherwise able to act: must still be refused. */
  mustFail: boolean;
  /** Device-sign at send time (nonce and timestamp fresh), for this signer. */
  sign?: { deviceId: string; signer: Signer; how: 'good' | 'flipped' | 'otherKey' | 'stale' | 'replayed' };
  label: string;
}

// ---------- JSON schema helpers (for whatever /v1/openapi.json documents) ----------

function resolveRef(s: Schema, root: Schema): Schema {
  let cur = s;
  for (let i = 0; i < 10 && typeof cur.$ref === 'string'; i++) {
    const parts = (cur.$ref as string).replace(/^#\//, '').split('/');
    let node: unknown = root;
    for (const p of parts) node = (node as Record<string, unknown>)?.[p];
    cur = (node as Schema) ?? {};
  }
  return cur;
}

function sample(s0: Schema | undefined, root: Schema, depth = 0): Json {
  if (!s0 || depth > 6) return null;
  const s = resolveRef(s0, root);
  if ('const' in s) return s.const as Json;
  if (Array.isArray(s.enum)) return s.enum[0] as Json;
  const alts = (s.anyOf ?? s.oneOf ?? s.allOf) as Schema[] | undefined;
  if (alts?.length) return sample(alts.find((a) => a.type !== 'null') ?? alts[0], root, depth + 1);
  const type = Array.isArray(s.type) ? (s.type as string[]).find((t) => t !== 'null') : (s.type as string);
  switch (type) {
    case 'object': {
      const out: Record<string, Json> = {};
      const props = (s.properties ?? {}) as Record<string, Schema>;
      for (const k of Object.keys(props)) out[k] = sample(props[k], root, depth + 1);
      return out;
    }
    case 'array':
      return Array.from({ length: Math.max(1, Number(s.minItems ?? 1)) }, () =>
        sample(s.items as Schema, root, depth + 1),
      );
    case 'string': {
      const min = Number(s.minLength ?? 1);
      if (s.minLength === 43) return 'A'.repeat(43);
      if (s.minLength === 86) return 'A'.repeat(86);
      return `x_${'a'.repeat(Math.max(6, min))}`.slice(0, Number(s.maxLength ?? 200));
    }
    case 'integer':
    case 'number':
      return typeof s.minimum === 'number'
        ? s.minimum
        : typeof s.exclusiveMinimum === 'number'
          ? s.exclusiveMinimum + 1
          : 1;
    case 'boolean':
      return false;
    default:
      return {};
  }
}

/** The JSON types a schema admits, the literal values it is limited to, or null when it admits anything. */
function admits(s0: Schema, root: Schema): { types: Set<string>; values?: Json[] } | null {
  const s = resolveRef(s0, root);
  if ('const' in s) return { types: new Set([jsonType(s.const as Json)]), values: [s.const as Json] };
  if (Array.isArray(s.enum))
    return { types: new Set(s.enum.map((v) => jsonType(v as Json))), values: s.enum as Json[] };
  const alts = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
  if (alts) {
    const parts = alts.map((a) => admits(a, root));
    if (parts.some((p) => p === null)) return null;
    const types = new Set(parts.flatMap((p) => [...p!.types]));
    const values = parts.every((p) => p!.values) ? parts.flatMap((p) => p!.values!) : undefined;
    return values ? { types, values } : { types };
  }
  if (s.type === undefined) return null;
  return { types: new Set(Array.isArray(s.type) ? (s.type as string[]) : [s.type as string]) };
}

function jsonType(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeAllowed(v: Json, types: Set<string>): boolean {
  const t = jsonType(v);
  if (t === 'integer') return types.has('integer') || types.has('number');
  return types.has(t);
}

/** A raw JSON literal spliced into the text (NaN, 1e400, ...). */
class Raw {
  constructor(readonly text: string) {}
}

/** Values every schema with these constraints refuses (empty when none is certain). */
function invalidValues(s0: Schema, root: Schema): (Json | Raw)[] {
  const s = resolveRef(s0, root);
  const a = admits(s, root);
  if (!a) return [];
  const pool: Json[] = ['text', '', 1, -1, 0.5, true, null, [], [1], {}, { a: 1 }];
  const out: (Json | Raw)[] = pool.filter((v) => !typeAllowed(v, a.types));
  if (a.values) {
    const strangers: Json[] = [0, 5, 2.5, -1, '2', 'zz', `${String(a.values[0])}\u200b`, null];
    out.push(...strangers.filter((v) => !a.values!.some((x) => JSON.stringify(x) === JSON.stringify(v))));
    return out;
  }
  const numeric = [...a.types].every((t) => t === 'integer' || t === 'number');
  if (numeric) {
    out.push(
      new Raw('1e400'),
      new Raw('-1e400'),
      new Raw('NaN'),
      new Raw('Infinity'),
      new Raw('0x10'),
      new Raw('+1'),
      new Raw('01'),
    );
    if (typeof s.minimum === 'number') out.push(s.minimum - 1, -(2 ** 53) - 2);
    if (typeof s.exclusiveMinimum === 'number') out.push(s.exclusiveMinimum, s.exclusiveMinimum - 0.5, -0);
    if (typeof s.maximum === 'number') out.push(s.maximum * 2 + 2, new Raw('123456789012345678901234567890'));
    if (typeof s.exclusiveMaximum === 'number') out.push(s.exclusiveMaximum);
    if (!a.types.has('number')) out.push(1.5, 0.1 + 0.2, 7.25);
  }
  if (a.types.size === 1 && a.types.has('string')) {
    if (typeof s.maxLength === 'number') {
      out.push('x'.repeat(s.maxLength + 1), '𝄞'.repeat(s.maxLength + 1), 'ü'.repeat(s.maxLength + 7));
    }
    if (typeof s.minLength === 'number' && s.minLength > 0) out.push('', 'y'.repeat(s.minLength - 1));
  }
  return out;
}

interface Location {
  /** Keys from the root to the value. */
  path: (string | number)[];
  schema: Schema;
  parentSchema?: Schema;
}

/** Every place in `value` the schema describes (objects' properties, arrays' first items), depth-bounded. */
function locations(
  value: Json,
  s0: Schema,
  root: Schema,
  path: (string | number)[] = [],
  depth = 0,
): Location[] {
  const s = resolveRef(s0, root);
  const here: Location[] = [{ path, schema: s }];
  if (depth > 3) return here;
  if (value && typeof value === 'object' && !Array.isArray(value) && s.properties) {
    for (const [k, ps] of Object.entries(s.properties as Record<string, Schema>)) {
      if (k in value) here.push(...locations(value[k]!, ps, root, [...path, k], depth + 1));
    }
  } else if (Array.isArray(value) && value.length && s.items && typeof s.items === 'object') {
    here.push(...locations(value[0]!, s.items as Schema, root, [...path, 0], depth + 1));
  }
  return here;
}

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

function getAt(v: Json, path: (string | number)[]): Json {
  let cur: Json = v;
  for (const p of path) cur = (cur as Record<string | number, Json>)[p] as Json;
  return cur;
}

/** JSON text of `v` with Raw literals and raw extra keys spliced in. */
function toText(
  v: unknown,
  extraKeys: { at: (string | number)[]; key: string; value: Json | Raw }[] = [],
): string {
  const raws: string[] = [];
  const mark = (r: Raw) => {
    raws.push(r.text);
    return `@@RAW${raws.length - 1}@@`;
  };
  const copy = JSON.parse(JSON.stringify(v, (_k, x) => (x instanceof Raw ? mark(x) : x))) as Json;
  for (const [i, e] of extraKeys.entries()) {
    const target = getAt(copy, e.at);
    if (target && typeof target === 'object' && !Array.isArray(target)) {
      target[`@@KEY${i}@@`] = e.value instanceof Raw ? mark(e.value) : (e.value as Json);
    }
  }
  let text = JSON.stringify(copy);
  text = text.replace(/"@@KEY(\d+)@@"/g, (_m, i) => JSON.stringify(extraKeys[Number(i)]!.key));
  text = text.replace(/"@@RAW(\d+)@@"/g, (_m, i) => raws[Number(i)]!);
  return text;
}

// ---------- arbitraries ----------

const oddStrings = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(
    '\u0000',
    '\ud800',
    '\udfff\ud800',
    '\u202eevil',
    '\u200b',
    '\ufeff',
    '\u2028\u2029',
    '𝕒𝕞𝕠𝕦𝕟𝕥',
    'ＡＢＣ',
    'e\u0301\u0301\u0301',
    '🧧💴',
    '../../etc/passwd',
    '<script>alert(1)</script>',
    "' OR 1=1 --",
    '%00',
    '$' + '{jndi:ldap://x}',
    '__proto__',
  ),
  fc
    .oneof(fc.integer({ min: 1, max: 2_000 }), fc.integer({ min: 60_000, max: 70_000 }))
    .map((n) => 'x'.repeat(n)),
);

const anyJson: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json> },
  { weight: 2, arbitrary: oddStrings },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.constantFrom(
        0,
        -0,
        -1,
        0.5,
        2 ** 53,
        2 ** 53 + 2,
        -(2 ** 63),
        1e21,
        Number.MAX_VALUE,
        Number.MIN_VALUE,
      ),
    ),
  },
);

const rawNumbers = fc.constantFrom(
  'NaN',
  'Infinity',
  '-Infinity',
  '1e400',
  '-1e400',
  '0x1F',
  '1_000',
  '01',
  '.5',
  '5.',
  '-',
  '1e',
  '9'.repeat(400),
);
const extraKeyNames = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'isAdmin',
  'amount ',
  '',
  'Amount',
  '𝕒𝕞𝕠𝕦𝕟𝕥',
  '\u0000',
  'hasOwnProperty',
);

const contentTypes = fc.constantFrom(
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/xml',
  'application/vnd.api+json',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/json; charset=koi8-r',
  'application/json;;;',
  'application/jsonp',
  '*/*',
  'application/octet-stream',
);

interface BodyMutation {
  text: string | Buffer;
  contentType?: string | null;
  headers?: Record<string, string>;
  label: string;
}

/** Mutations that the documented schema refuses by construction. */
function invalidMutations(base: Json, schema: Schema, root: Schema): fc.Arbitrary<BodyMutation>[] {
  const locs = locations(base, schema, root);
  const out: fc.Arbitrary<BodyMutation>[] = [];
  const requiredDrops = locs.flatMap((l) =>
    ((l.schema.required as string[] | undefined) ?? []).map((k) => ({ at: l.path, key: k })),
  );
  if (requiredDrops.length) {
    out.push(
      fc.constantFrom(...requiredDrops).map(({ at, key }) => {
        const v = clone(base);
        delete (getAt(v, at) as Record<string, Json>)[key];
        return { text: toText(v), label: `drop ${[...at, key].join('.')}` };
      }),
    );
  }
  const retypes = locs
    .filter((l) => l.path.length > 0)
    .flatMap((l) => invalidValues(l.schema, root).map((bad) => ({ at: l.path, bad })));
  if (retypes.length) {
    out.push(
      fc.constantFrom(...retypes).map(({ at, bad }) => {
        const v = clone(base) as Record<string | number, unknown>;
        const parent = getAt(v as Json, at.slice(0, -1)) as Record<string | number, unknown>;
        parent[at[at.length - 1]!] = bad;
        return {
          text: toText(v),
          label: `set ${at.join('.')} = ${bad instanceof Raw ? bad.text : JSON.stringify(bad)?.slice(0, 40)}`,
        };
      }),
    );
  }
  const closed = locs.filter((l) => l.schema.additionalProperties === false && isObject(getAt(base, l.path)));
  if (closed.length) {
    out.push(
      fc.tuple(fc.constantFrom(...closed), extraKeyNames, anyJson).map(([l, key, value]) => {
        const props = (l.schema.properties ?? {}) as Record<string, unknown>;
        const k = key in props ? `${key}_x` : key;
        return {
          text: toText(base, [{ at: l.path, key: k, value }]),
          label: `extra key ${JSON.stringify(k)}`,
        };
      }),
    );
  }
  const intPaths = locs
    .filter(
      (l) =>
        l.path.length > 0 &&
        !admits(l.schema, root)?.types.has('string') &&
        admits(l.schema, root)?.types.has('integer'),
    )
    .map((l) => l.path);
  if (intPaths.length) {
    out.push(
      fc.tuple(fc.constantFrom(...intPaths), rawNumbers).map(([at, lit]) => {
        const v = clone(base) as Record<string | number, unknown>;
        const parent = getAt(v as Json, at.slice(0, -1)) as Record<string | number, unknown>;
        parent[at[at.length - 1]!] = new Raw(lit);
        return { text: toText(v), label: `raw number ${lit.slice(0, 20)}` };
      }),
    );
  }
  if (resolveRef(schema, root).type === 'object') {
    out.push(
      fc
        .constantFrom('[]', '"text"', '123', 'null', 'true', '[{}]', '{}')
        .map((text) => ({ text, label: `body ${text}` })),
      // any proper prefix of an object's text is not JSON
      fc.integer({ min: 0, max: 10_000 }).map((n) => {
        const t = toText(base);
        return { text: t.slice(0, n % t.length), label: 'truncated' };
      }),
      fc
        .constantFrom(
          "{'a': 1}",
          '{"a":1,}',
          '{"a":1}}',
          '{"a" 1}',
          '{a:1}',
          '/* c */ {}',
          '{"a":"\\x41"}',
          '{"a":"\\u12"}',
        )
        .map((text) => ({
          text,
          label: `malformed ${text}`,
        })),
      fc.tuple(contentTypes, fc.boolean()).map(([ct, asJson]) => ({
        text: asJson ? toText(base) : 'a=1&b=2',
        contentType: ct,
        label: `content-type ${ct}`,
      })),
      fc.constant({ text: toText(base), contentType: null, label: 'no content-type' }),
      fc.constantFrom('gzip', 'deflate', 'br', 'compress', 'x-zip').map((enc) => ({
        text: toText(base),
        headers: { 'content-encoding': enc },
        label: `content-encoding ${enc}`,
      })),
      fc.integer({ min: 65 * 1024, max: 120 * 1024 }).map((n) => ({
        text: toText(base, [{ at: [], key: 'pad', value: 'x'.repeat(n) }]),
        label: `oversize ${n}`,
      })),
    );
  }
  return out;
}

function isObject(v: unknown): v is Record<string, Json> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** Any mutation at all (for requests that cannot act: unsigned, badly signed, stale embedded signatures). */
function anyMutations(base: Json, schema: Schema, root: Schema): fc.Arbitrary<BodyMutation>[] {
  const locs = locations(base, schema, root).filter((l) => l.path.length > 0);
  const out = invalidMutations(base, schema, root);
  if (locs.length) {
    out.push(
      fc.tuple(fc.constantFrom(...locs.map((l) => l.path)), anyJson).map(([at, value]) => {
        const v = clone(base) as Record<string | number, unknown>;
        (getAt(v as Json, at.slice(0, -1)) as Record<string | number, unknown>)[at[at.length - 1]!] = value;
        return { text: toText(v), label: `any ${at.join('.')}` };
      }),
    );
  }
  out.push(
    anyJson.map((v) => ({ text: JSON.stringify(v) ?? 'null', label: 'any json body' })),
    fc.uint8Array({ maxLength: 200 }).map((b) => ({ text: Buffer.from(b), label: 'random bytes' })),
    fc
      .constantFrom(
        Buffer.from([0xc3, 0x28]),
        Buffer.from([0xff, 0xfe]),
        Buffer.from([0xed, 0xa0, 0x80]),
        Buffer.from([0xf4, 0x90, 0x80, 0x80]),
      )
      .map((bad) => {
        const t = toText(base, [{ at: [], key: 'note', value: '@@BAD@@' }]);
        const [a, b] = t.split('@@BAD@@');
        return { text: Buffer.concat([Buffer.from(a!), bad, Buffer.from(b ?? '')]), label: 'invalid utf-8' };
      }),
    fc.constant({ text: `\ufeff${toText(base)}`, label: 'BOM' }),
    fc
      .integer({ min: 100, max: 20_000 })
      .map((n) => ({ text: `${'['.repeat(n)}${']'.repeat(n)}`, label: `nested ${n}` })),
    fc
      .integer({ min: 100, max: 6_000 })
      .map((n) => ({ text: `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`, label: `nested objects ${n}` })),
    fc.constant({ text: toText(base).replace(/^\{/, '{"amount":1,"amount":-5,'), label: 'duplicate keys' }),
  );
  return out;
}

// ---------- the test ----------

describe('fuzzing every endpoint', () => {
  let s: Server;
  let agent: Agent;
  let alice: Wallet;
  let bob: Wallet;
  let carol: Wallet;
  let ops: Op[];
  let root: Schema;
  let digest: string;
  const families = new Map<string, number>();
  const statuses = new Map<number, number>();
  const codes = new Map<string, number>();
  let sent = 0;

  beforeAll(async () => {
    s = await startServer();
    agent = keepAliveAgent(PARALLEL);
    alice = await s.openWallet({ tier: 2, topUp: 100_000 });
    bob = await s.openWallet({ tier: 2, topUp: 1_000 });
    carol = await s.openWallet({ tier: 2 });
    await carol.client.setMerchantProfile(carol.walletId, {
      name: 'Fuzz Noodles',
      city: 'Shenzhen',
      mcc: '5812',
      region: '440300',
    });
    const doc = (await s.client.request<Schema>('GET', '/openapi.json')) as {
      paths: Record<string, Record<string, Schema>>;
    };
    root = doc as unknown as Schema;
    ops = [];
    for (const [template, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const security = JSON.stringify(op.security ?? []);
        const schema = (op.requestBody as { content?: Record<string, { schema?: Schema }> } | undefined)
          ?.content?.['application/json']?.schema;
        ops.push({
          method: method.toUpperCase(),
          template,
          auth: security.includes('deviceSignature')
            ? 'device'
            : security.includes('adminToken')
              ? 'admin'
              : 'none',
          schema,
        });
      }
    }
    digest = await s.ctx.store.ledgerDigest();
  });
  afterAll(async () => {
    agent.destroy();
    await s.close();
  });

  /** The fixed parts every generated request builds on: stale or broken signed objects. */
  function baseBody(op: Op): Json {
    const stale = Date.now() - 3_600_000;
    const transfer = () => makeTransfer(alice, bob.walletId, 100, { createdAt: stale }) as unknown as Json;
    if (op.template === '/v1/transfers') return transfer();
    if (op.template === '/v1/transfers/batch') return { transfers: [transfer(), transfer(), transfer()] };
    if (op.template === '/v1/wallets') {
      return signObject(
        'registration',
        {
          operatorId: 'op_icbc',
          tier: 3,
          displayName: 'Fuzz',
          devicePublicKey: toBase64Url(alice.signer.publicKey),
          createdAt: stale,
        },
        alice.signer,
      ) as unknown as Json;
    }
    const b = sample(op.schema, root);
    if (isObject(b)) {
      // embedded transfers are stale-signed; known fields get real-looking values
      for (const [k, v] of Object.entries(b)) {
        if (k === 'transfer' && isObject(v))
          b[k] = makeTransfer(alice, carol.walletId, 100, { createdAt: stale }) as unknown as Json;
      }
    }
    return b;
  }

  const fillPath = (template: string, walletId: string, deviceId: string, other: string) =>
    template
      .replace('{walletId}', walletId)
      .replace('{deviceId}', deviceId)
      .replace(/\{[^}]+\}/g, other);

  const oddSegments = fc.constantFrom(
    'w_nobody',
    '..',
    '%2e%2e%2f%2e%2e',
    '%00',
    '%',
    '%E0%A4%A',
    '%F0%9F%A7%A7',
    'a'.repeat(3_000),
    '__proto__',
    'constructor',
    ';',
    '%20',
    '~',
  );

  /** The generator of one request for one operation. */
  function planFor(op: Op): fc.Arbitrary<Plan> {
    const base = baseBody(op);
    const schema = op.schema ?? { type: 'object' };
    const family = `${op.method} ${op.template}`;
    const hasBody = op.method !== 'GET' && op.schema !== undefined;
    const safeEmbedded =
      op.auth === 'none' &&
      ['/v1/transfers', '/v1/transfers/batch', '/v1/wallets', '/v1/qr/pay'].includes(op.template);
    const strict = hasBody ? fc.oneof(...invalidMutations(base, schema, root)) : fc.constant(undefined);
    const loose = hasBody ? fc.oneof(...anyMutations(base, schema, root)) : fc.constant(undefined);
    const query =
      op.method === 'GET'
        ? fc.option(
            fc.constantFrom(
              '?limit=-1',
              '?limit=abc',
              '?limit=1e309',
              '?limit[]=1',
              '?limit=5&limit=6',
              '?__proto__[x]=1',
              '?limit=%',
              `?wallet=${'z'.repeat(500)}`,
              '?limit=0x10',
              '?limit=501',
            ),
            { nil: '' },
          )
        : fc.constant('');

    // who asks, for which wallet
    // a documented POST/PUT without a body schema cannot be given a body that is certainly refused
    const bodyless = !hasBody && op.method !== 'GET';
    const who = bodyless
      ? fc.constantFrom(op.auth === 'admin' ? 'noToken' : 'unsigned', 'flipped', 'stale')
      : op.auth === 'device'
        ? fc.constantFrom(
            'own',
            'own',
            'own',
            'unsigned',
            'flipped',
            'otherKey',
            'stale',
            'replayed',
            'otherWallet',
            'oddPath',
          )
        : op.auth === 'admin'
          ? fc.constantFrom('admin', 'admin', 'noToken', 'badToken')
          : fc.constantFrom('public', 'public', 'oddPath');

    return who.chain((w) => {
      // a signed request for a path that names no wallet or device acts for the signer's own wallet
      const ownsPath = !/\{(walletId|deviceId)\}/.test(op.template);
      const canAct =
        w === 'own' ||
        w === 'admin' ||
        (op.auth === 'device' && ownsPath && (w === 'otherWallet' || w === 'oddPath')) ||
        (op.auth === 'none' && !safeEmbedded);
      const bodyArb = canAct ? strict : loose;
      return fc.tuple(bodyArb, query, oddSegments).map(([m, q, odd]): Plan => {
        const walletId = w === 'otherWallet' ? bob.walletId : w === 'oddPath' ? odd : alice.walletId;
        const deviceId = w === 'otherWallet' ? bob.deviceId : w === 'oddPath' ? odd : alice.deviceId;
        const path = fillPath(op.template, walletId, deviceId, w === 'oddPath' ? odd : 'b_fuzzbill01') + q;
        const headers: Record<string, string> = {};
        if (m && m.contentType !== null) headers['content-type'] = m.contentType ?? 'application/json';
        if (m?.headers) Object.assign(headers, m.headers);
        if (w === 'admin') headers.authorization = `Bearer ${s.ctx.adminToken}`;
        if (w === 'badToken') headers.authorization = `Bearer ${s.ctx.adminToken.slice(0, -2)}zz`;
        const plan: Plan = {
          family,
          method: op.method,
          path,
          headers,
          mustFail: canAct && hasBody,
          label: `${w}: ${m?.label ?? 'no body'}${q}`,
          ...(m ? { body: m.text } : {}),
        };
        if (op.auth === 'device' && w !== 'unsigned') {
          const how =
            w === 'own' || w === 'otherWallet' || w === 'oddPath'
              ? 'good'
              : (w as 'flipped' | 'otherKey' | 'stale' | 'replayed');
          plan.sign = { deviceId: alice.deviceId, signer: alice.signer, how };
        }
        return plan;
      });
    });
  }

  /** Transfers that are well-formed and well-signed yet break a business rule. */
  function businessInvalid(): fc.Arbitrary<Plan> {
    return fc
      .constantFrom(
        'insufficient',
        'same-wallet',
        'unknown-payee',
        'over-limit',
        'other-wallet',
        'future',
        'unknown-device',
      )
      .map((kind): Plan => {
        const t =
          kind === 'insufficient'
            ? makeTransfer(alice, bob.walletId, 4_000_000)
            : kind === 'same-wallet'
              ? makeTransfer(alice, alice.walletId, 10)
              : kind === 'unknown-payee'
                ? makeTransfer(alice, randomId('w'), 10)
                : kind === 'over-limit'
                  ? makeTransfer(alice, bob.walletId, 5_000_001)
                  : kind === 'other-wallet'
                    ? makeTransfer(alice, carol.walletId, 10, { from: bob.walletId })
                    : kind === 'future'
                      ? makeTransfer(alice, bob.walletId, 10, { createdAt: Date.now() + 3_600_000 })
                      : makeTransfer(alice, bob.walletId, 10, { deviceId: randomId('d') });
        return {
          family: 'POST /v1/transfers (business rules)',
          method: 'POST',
          path: '/v1/transfers',
          body: JSON.stringify(t),
          headers: { 'content-type': 'application/json' },
          mustFail: true,
          label: kind,
        };
      });
  }

  function unknownRoutes(): fc.Arbitrary<Plan> {
    return fc
      .tuple(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
        fc.constantFrom(
          '/v1/',
          '/v1/nope',
          '/v1/wallets/x/y/z',
          '/v1/admin',
          '/v1/admin/issue',
          '/v1/transfers',
          '/v2/transfers',
          '/v1//transfers',
          '/v1/openapi.json/..',
          '/v1/%ZZ',
        ),
        fc.option(anyJson, { nil: undefined }),
      )
      .map(
        ([method, path, body]): Plan => ({
          family: 'unknown routes and methods',
          method,
          path,
          headers:
            body === undefined ? {} : ({ 'content-type': 'application/json' } as Record<string, string>),
          ...(body === undefined || method === 'GET' ? {} : { body: JSON.stringify(body) ?? 'null' }),
          mustFail: false,
          label: 'route',
        }),
      );
  }

  async function fire(p: Plan): Promise<RawResponse> {
    const headers = { ...p.headers };
    if (p.sign) {
      const bodyText = p.body === undefined ? '' : Buffer.isBuffer(p.body) ? p.body.toString('utf8') : p.body;
      const { how } = p.sign;
      const h = authHeaders(p.sign, p.method, p.path, bodyText, {
        ...(how === 'otherKey' ? { signer: carol.signer } : {}),
        ...(how === 'stale' ? { timestamp: Date.now() - 10 * 60_000 } : {}),
        ...(how === 'replayed' ? { nonce: 'fuzz-replayed-nonce-01' } : {}),
      });
      if (how === 'flipped') h['x-ecny-signature'] = flipBit(h['x-ecny-signature']!, 20, 2);
      Object.assign(headers, h);
    }
    sent++;
    return send(agent, s.port, p.method, p.path, {
      headers,
      ...(p.body === undefined ? {} : { body: p.body }),
    });
  }

  it(`sends ${RUNS.toLocaleString('en')} generated requests: never a 5xx, always the envelope, the ledger unchanged`, async () => {
    // the replayed nonce is spent once up front, so every later use is a replay
    await fire({
      family: 'setup',
      method: 'GET',
      path: `/v1/wallets/${alice.walletId}`,
      headers: {},
      mustFail: false,
      label: 'spend nonce',
      sign: { deviceId: alice.deviceId, signer: alice.signer, how: 'replayed' },
    });
    // /v1/events is a stream, not a request/response; a public POST without a body could act for real
    const skip = (op: Op) =>
      op.template === '/v1/events' || (op.auth === 'none' && op.method !== 'GET' && op.schema === undefined);
    const arbs = ops.filter((op) => !skip(op)).map((op) => planFor(op));
    const plan = fc.oneof(...arbs, businessInvalid(), unknownRoutes());
    const failures: string[] = [];
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(fc.array(plan, { minLength: PARALLEL, maxLength: PARALLEL }), async (plans) => {
        const results = await Promise.all(plans.map((p) => fire(p)));
        for (const [i, r] of results.entries()) {
          const p = plans[i]!;
          families.set(p.family, (families.get(p.family) ?? 0) + 1);
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          const code = (r.json as { error?: { code?: string } } | null)?.error?.code;
          if (code) codes.set(code, (codes.get(code) ?? 0) + 1);
          const what = `${p.method} ${p.path.slice(0, 120)} [${p.label.slice(0, 120)}] -> ${r.status} ${r.text.slice(0, 200)}`;
          if (r.status >= 500) failures.push(`5xx: ${what}`);
          else if (r.status >= 400 && !isErrorEnvelope(r)) failures.push(`no envelope: ${what}`);
          else if (p.mustFail && r.status < 400) failures.push(`accepted an invalid request: ${what}`);
          if (/\n\s+at |node_modules|\.ts:\d+/.test(r.text)) failures.push(`leak: ${what}`);
        }
        const now = await s.ctx.store.ledgerDigest();
        if (now !== digest) {
          const acted = results
            .map((r, i) => ({ r, p: plans[i]! }))
            .filter(({ r, p }) => r.status < 400 && p.method !== 'GET')
            .map(
              ({ r, p }) =>
                `${p.method} ${p.path} [${p.label}] -> ${r.status} ${r.text.slice(0, 300)}\n   body: ${String(p.body).slice(0, 400)}`,
            );
          failures.push(`the ledger changed; accepted in this round:\n${acted.join('\n')}`);
        }
        if (failures.length) throw new Error(failures.slice(0, 10).join('\n'));
      }),
      { numRuns: Math.ceil(RUNS / PARALLEL), seed: SEED, endOnFailure: true },
    );
    const seconds = (performance.now() - started) / 1000;
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(RUNS);
    expect(await s.ctx.store.ledgerDigest()).toBe(digest);
    await expectAuditClean(s);
    const figures = {
      requests: sent,
      seconds: Math.round(seconds * 10) / 10,
      families: Object.fromEntries([...families].sort((a, b) => b[1] - a[1])),
      statuses: Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])),
      codes: Object.fromEntries([...codes].sort((a, b) => b[1] - a[1])),
      seed: SEED,
    };
    console.log(`fuzz: ${sent} requests in ${figures.seconds}s over ${families.size} families`);
    await recordFigures('fuzz', figures);
    // every documented operation was exercised
    for (const op of ops.filter((o) => !skip(o)))
      expect(families.get(`${op.method} ${op.template}`) ?? 0).toBeGreaterThan(0);
  }, 180_000); // ~15 s alone; allow for a busy CI machine
});

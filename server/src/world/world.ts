/**
 * The two-tier world: the issuer (central bank) root key and the operators
 * (authorized banks) with their certificates, accounts and reserves. Created
 * on first start and loaded from the store afterwards. The simulator keeps
 * secret keys in the store's meta table; a real issuer keeps them in an HSM.
 */
import {
  encodeKey,
  fromBase64Url,
  issueOperatorCert,
  type OperatorCert,
  randomBytes,
  type Signer,
  type TrustAnchors,
  toBase64Url,
} from '@ecny-sim/wallet-core';
import { Accounts } from '../ledger/accounts';
import type { Store } from '../store/store';

export interface OperatorSpec {
  operatorId: string;
  name: string;
  /** Reserves the operator holds at the central bank on first start, in fen. */
  reserves: number;
  /** e-CNY issued to the operator's vault on first start, in fen. */
  initialIssue: number;
}

export const DEFAULT_OPERATORS: OperatorSpec[] = [
  { operatorId: 'op_icbc', name: 'ICBC (simulated)', reserves: 100_000_000_000, initialIssue: 1_000_000_000 },
  { operatorId: 'op_ccb', name: 'CCB (simulated)', reserves: 100_000_000_000, initialIssue: 1_000_000_000 },
];

export interface Operator {
  operatorId: string;
  name: string;
  signer: Signer;
  cert: OperatorCert;
}

export interface World {
  issuer: Signer;
  issuerPublicKey: string;
  operators: Map<string, Operator>;
  trust: TrustAnchors;
}

const TEN_YEARS = 10 * 365 * 86_400_000;

async function secretKey(store: Store, name: string): Promise<Uint8Array> {
  return fromBase64Url(await store.setMetaIfAbsent(`key:${name}`, toBase64Url(randomBytes(32))));
}

export async function loadWorld(
  store: Store,
  makeSigner: (secret: Uint8Array) => Signer,
  operators: OperatorSpec[] = DEFAULT_OPERATORS,
): Promise<World> {
  const issuer = makeSigner(await secretKey(store, 'issuer'));
  await store.ensureAccounts([Accounts.issuance(), Accounts.reserveSource(), Accounts.reserveBacking()]);
  const byId = new Map<string, Operator>();
  for (const spec of operators) {
    const signer = makeSigner(await secretKey(store, spec.operatorId));
    const now = Date.now();
    const certText = await store.setMetaIfAbsent(
      `cert:${spec.operatorId}`,
      JSON.stringify(
        issueOperatorCert(
          {
            operatorId: spec.operatorId,
            name: spec.name,
            publicKey: encodeKey(signer.publicKey),
            validFrom: now - 86_400_000,
            validUntil: now + TEN_YEARS,
          },
          issuer,
        ),
      ),
    );
    const cert = JSON.parse(certText) as OperatorCert;
    await store.ensureAccounts([
      Accounts.vault(spec.operatorId),
      Accounts.offline(spec.operatorId),
      Accounts.loss(spec.operatorId),
      Accounts.bankSettlement(spec.operatorId),
      Accounts.reserve(spec.operatorId),
    ]);
    await store.applyTransfers([
      {
        id: `genesis:reserve:${spec.operatorId}`,
        debit: Accounts.reserveSource().id,
        credit: Accounts.reserve(spec.operatorId).id,
        amount: spec.reserves,
        kind: 'reserve_deposit',
      },
    ]);
    await store.applyTransfers(
      issueToOperator(spec.operatorId, spec.initialIssue, `genesis:issue:${spec.operatorId}`),
    );
    byId.set(spec.operatorId, { operatorId: spec.operatorId, name: spec.name, signer, cert });
  }
  return {
    issuer,
    issuerPublicKey: encodeKey(issuer.publicKey),
    operators: byId,
    trust: {
      issuerPublicKey: issuer.publicKey,
      operatorCerts: new Map([...byId.values()].map((o) => [o.operatorId, o.cert])),
    },
  };
}

/** The issuer issues e-CNY to an operator's vault against the same amount of its reserves. */
export function issueToOperator(operatorId: string, amount: number, id: string) {
  return [
    { id, debit: Accounts.issuance().id, credit: Accounts.vault(operatorId).id, amount, kind: 'issue' },
    {
      id: `${id}:backing`,
      debit: Accounts.reserve(operatorId).id,
      credit: Accounts.reserveBacking().id,
      amount,
      kind: 'reserve_pledge',
    },
  ];
}

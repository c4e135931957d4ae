/**
 * The certificate chain issuer -> OperatorCert -> DeviceCert. Verification is
 * stateless: it takes the issuer key, the operator certificates the caller
 * trusts, the time and the revocation list as arguments.
 */
import { decodeKey, type Signer, type Verifier } from '../crypto/keys';
import { type Signed, signObject, verifyObject } from '../crypto/signed';
import { EcnyError } from '../errors/index';
import type { OfflineLimits, Tier } from '../money/tiers';

export const OPERATOR_CERT_TYPE = 'operator-cert';
export const DEVICE_CERT_TYPE = 'device-cert';

export interface OperatorCertBody {
  operatorId: string;
  name: string;
  /** base64url Ed25519 public key of the operator. */
  publicKey: string;
  validFrom: number;
  validUntil: number;
}
export type OperatorCert = Signed<OperatorCertBody>;

export interface DeviceCertBody {
  deviceId: string;
  walletId: string;
  operatorId: string;
  publicKey: string;
  tier: Tier;
  offline: OfflineLimits;
  validFrom: number;
  validUntil: number;
}
export type DeviceCert = Signed<DeviceCertBody>;

export function issueOperatorCert(body: OperatorCertBody, issuer: Signer): OperatorCert {
  return signObject(OPERATOR_CERT_TYPE, body, issuer);
}

export function issueDeviceCert(body: DeviceCertBody, operator: Signer): DeviceCert {
  return signObject(DEVICE_CERT_TYPE, body, operator);
}

/** What a verifier trusts: the issuer root key and the operator certificates it knows. */
export interface TrustAnchors {
  issuerPublicKey: Uint8Array;
  operatorCerts: ReadonlyMap<string, OperatorCert> | Record<string, OperatorCert>;
}

export interface CertCheckOptions {
  now: number;
  revokedDevices?: ReadonlySet<string>;
}

function lookupOperator(trust: TrustAnchors, operatorId: string): OperatorCert | undefined {
  const certs = trust.operatorCerts;
  if (certs instanceof Map) return certs.get(operatorId);
  return Object.hasOwn(certs, operatorId) ? (certs as Record<string, OperatorCert>)[operatorId] : undefined;
}

export function verifyOperatorCert(
  cert: OperatorCert,
  trust: TrustAnchors,
  verifier: Verifier,
  now: number,
): void {
  if (!verifyObject(OPERATOR_CERT_TYPE, cert, trust.issuerPublicKey, verifier)) {
    throw new EcnyError(
      'CERT_BAD_SIGNATURE',
      `operator certificate ${cert.operatorId} is not signed by the issuer`,
    );
  }
  if (now < cert.validFrom)
    throw new EcnyError('CERT_NOT_YET_VALID', `operator ${cert.operatorId} not yet valid`);
  if (now > cert.validUntil)
    throw new EcnyError('CERT_EXPIRED', `operator certificate ${cert.operatorId} expired`);
}

/** Throws a coded EcnyError unless the device certificate chains to the issuer and is valid now. */
export function verifyDeviceCert(
  cert: DeviceCert,
  trust: TrustAnchors,
  verifier: Verifier,
  options: CertCheckOptions,
): void {
  const operator = lookupOperator(trust, cert.operatorId);
  if (!operator) throw new EcnyError('CERT_UNKNOWN_OPERATOR', `operator ${cert.operatorId} is not trusted`);
  verifyOperatorCert(operator, trust, verifier, options.now);
  if (!verifyObject(DEVICE_CERT_TYPE, cert, decodeKey(operator.publicKey), verifier)) {
    throw new EcnyError(
      'CERT_BAD_SIGNATURE',
      `device certificate ${cert.deviceId} is not signed by its operator`,
    );
  }
  if (options.now < cert.validFrom) {
    throw new EcnyError('CERT_NOT_YET_VALID', `device certificate ${cert.deviceId} is not valid yet`);
  }
  if (options.now > cert.validUntil) {
    throw new EcnyError('CERT_EXPIRED', `device certificate ${cert.deviceId} expired; sync to renew it`);
  }
  if (options.revokedDevices?.has(cert.deviceId)) {
    throw new EcnyError('CERT_REVOKED', `device ${cert.deviceId} is revoked`);
  }
}

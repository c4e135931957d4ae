/**
 * Test vectors of the online protocol objects (PROTOCOL.md, "Test vectors
 * (online objects)"): fixed secret keys and timestamps, the exact canonical
 * JSON, SHA-256 digest and Ed25519 signature of each object. Ed25519 is
 * deterministic, so another implementation must reproduce every byte.
 */
import { describe, expect, it } from 'vitest';
import {
  bodyHash,
  bytesToHex,
  canonicalJson,
  DEVICE_CERT_TYPE,
  type DeviceCertBody,
  encodeKey,
  fromBase64Url,
  NobleSigner,
  nobleVerifier,
  type OnlineTransferBody,
  OPERATOR_CERT_TYPE,
  type OperatorCertBody,
  objectHash,
  objectHashB64,
  RECEIPT_TYPE,
  REQUEST_TYPE,
  type RequestAuthBody,
  type Signer,
  signingPreimage,
  signObject,
  signTransfer,
  TIER_SPECS,
  TRANSFER_TYPE,
  type TransferReceiptBody,
  transferHash,
  utf8ToBytes,
  verifyObject,
} from '../src/index';

const secret = (byte: number) => new Uint8Array(32).fill(byte);
const issuer = new NobleSigner(secret(0x01));
const operator = new NobleSigner(secret(0x02));
const device = new NobleSigner(secret(0x03));
const T0 = 1_700_000_000_000;

const operatorCert: OperatorCertBody = {
  operatorId: 'op_icbc',
  name: 'ICBC (simulated)',
  publicKey: encodeKey(operator.publicKey),
  validFrom: T0,
  validUntil: T0 + 10 * 365 * 86_400_000,
};
const deviceCert: DeviceCertBody = {
  deviceId: 'd_vector-device-01',
  walletId: 'w_vector-alice',
  operatorId: 'op_icbc',
  publicKey: encodeKey(device.publicKey),
  tier: 4,
  offline: TIER_SPECS[4].offline,
  validFrom: T0,
  validUntil: T0 + 365 * 86_400_000,
};
const transfer: OnlineTransferBody = {
  transferId: 'tx_vector-0001',
  from: 'w_vector-alice',
  to: 'w_vector-bob',
  amount: 12_345,
  memo: '午饭 lunch',
  deviceId: 'd_vector-device-01',
  createdAt: T0 + 60_000,
};
const receipt: TransferReceiptBody = {
  transferId: 'tx_vector-0001',
  transferHash: transferHash(signTransfer(transfer, device)),
  from: 'w_vector-alice',
  to: 'w_vector-bob',
  amount: 12_345,
  ledgerSeq: 42,
  settledAt: T0 + 60_250,
};
const requestRawBody = '{"requestId":"vector-topup-01","amount":5000}';
const request: RequestAuthBody = {
  deviceId: 'd_vector-device-01',
  method: 'POST',
  path: '/v1/wallets/w_vector-alice/topup',
  bodyHash: bodyHash(requestRawBody),
  timestamp: T0 + 120_000,
  nonce: 'AAECAwQFBgcICQoL',
};

interface Vector {
  type: string;
  body: object;
  signer: Signer;
  json: string;
  digest: string;
  sig: string;
}

const VECTORS: Record<string, Vector> = {
  'operator-cert': {
    type: OPERATOR_CERT_TYPE,
    body: operatorCert,
    signer: issuer,
    json: '{"name":"ICBC (simulated)","operatorId":"op_icbc","publicKey":"gTl3Dqh9F19Wo1Rmw0x-zMuNipG07jeiXfYPW4_Js5Q","validFrom":1700000000000,"validUntil":2015360000000}',
    digest: '6306082cf8869e6d52a6c1db891e29314ca33b3adf031d8c9e02e608e3d672cc',
    sig: 'uvL5mBKD0oUZszEgOl57r-RS7kTI18xquQwXwY7oCSmCm5LwpDZtSn6qgFFPW37ow2UNKGTfRhHisqsrnX-mCg',
  },
  'device-cert': {
    type: DEVICE_CERT_TYPE,
    body: deviceCert,
    signer: operator,
    json: '{"deviceId":"d_vector-device-01","offline":{"balanceCap":100000,"maxPaymentsSinceSync":10,"maxSecondsSinceSync":86400,"perPayment":50000},"operatorId":"op_icbc","publicKey":"7UkoxijRwsbq6QM4kFmVYSlZJzpcY_k2NsFGFKyHN9E","tier":4,"validFrom":1700000000000,"validUntil":1731536000000,"walletId":"w_vector-alice"}',
    digest: '3cda4a13917b676cc55cc31f2465e5b38594f37c64b2bff17043923aa8faea32',
    sig: 'UWCMp2PrwlYP_NaeLj3ziPHj0jqk3s7rp7ouegWbi1k8WDdtIeqPxEi6xNRYCfqknPM1LyP_4vzuVaDxTHTpDA',
  },
  transfer: {
    type: TRANSFER_TYPE,
    body: transfer,
    signer: device,
    json: '{"amount":12345,"createdAt":1700000060000,"deviceId":"d_vector-device-01","from":"w_vector-alice","memo":"午饭 lunch","to":"w_vector-bob","transferId":"tx_vector-0001"}',
    digest: 'd56aadc8ee0bf45c51b3ff29a2b120ec58898523e3fa6a03f91e7652af1104d1',
    sig: 'S8TgaCD0Sf4neSAzTjumyyIrU450MqysGXPu-foRhIJbxKUYJH8WahOA43RkYghLAGr1JKvrMzGvVAkoKBhAAA',
  },
  receipt: {
    type: RECEIPT_TYPE,
    body: receipt,
    signer: issuer,
    json: '{"amount":12345,"from":"w_vector-alice","ledgerSeq":42,"settledAt":1700000060250,"to":"w_vector-bob","transferHash":"1WqtyO4L9FxRs_8porEg7FiJhSPj-moD-R52Uq8RBNE","transferId":"tx_vector-0001"}',
    digest: '45a06316c3a12a4f9d48111da810673048b09668a427b2a9a7eb6308a1de9359',
    sig: '_g73baYBQcdRISVuq9c2L93rEotFAoRbVf6RNYkUTiUy-ni3QTHUujkaqVQ8lXmJhFpK-f32Fac5y9pfC4tqDg',
  },
  request: {
    type: REQUEST_TYPE,
    body: request,
    signer: device,
    json: '{"bodyHash":"p9P0GudA4gxGICn-sWI_LPEH4-tzfESlouHLxV1Qh3A","deviceId":"d_vector-device-01","method":"POST","nonce":"AAECAwQFBgcICQoL","path":"/v1/wallets/w_vector-alice/topup","timestamp":1700000120000}',
    digest: 'db70502be865cf30931c21d497a12eca0722c25c8d01ebb1c89ef3f880c90981',
    sig: 'PD8qVu67ytv9VMcMMLQ8HJzvHawIyG4CQQlfLGJnFLtUYD4NvIz32EEtd4pu20mM_ZdXxrzCU9M0qYIH4goLDA',
  },
};

describe('protocol test vectors (online objects)', () => {
  it('derives the fixed public keys', () => {
    expect(bytesToHex(issuer.publicKey)).toBe(
      '8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c',
    );
    expect(bytesToHex(operator.publicKey)).toBe(
      '8139770ea87d175f56a35466c34c7ecccb8d8a91b4ee37a25df60f5b8fc9b394',
    );
    expect(bytesToHex(device.publicKey)).toBe(
      'ed4928c628d1c2c6eae90338905995612959273a5c63f93636c14614ac8737d1',
    );
    expect(encodeKey(issuer.publicKey)).toBe('iojj3XQJ8ZX9UtstPLpdcspnCb8dlBIb83SIAbQPb1w');
    expect(encodeKey(operator.publicKey)).toBe('gTl3Dqh9F19Wo1Rmw0x-zMuNipG07jeiXfYPW4_Js5Q');
    expect(encodeKey(device.publicKey)).toBe('7UkoxijRwsbq6QM4kFmVYSlZJzpcY_k2NsFGFKyHN9E');
  });

  it('hashes the raw request body', () => {
    expect(bodyHash(requestRawBody)).toBe('p9P0GudA4gxGICn-sWI_LPEH4-tzfESlouHLxV1Qh3A');
    expect(bodyHash('')).toBe('47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU');
  });

  describe.each(Object.entries(VECTORS))('%s', (_name, v) => {
    it('canonical JSON', () => {
      expect(canonicalJson(v.body)).toBe(v.json);
    });
    it('preimage = "ecny-sim/v1/<type>" || 0x00 || JSON', () => {
      const expected = new Uint8Array([...utf8ToBytes(`ecny-sim/v1/${v.type}`), 0, ...utf8ToBytes(v.json)]);
      expect(bytesToHex(signingPreimage(v.type, v.body))).toBe(bytesToHex(expected));
    });
    it('SHA-256 digest', () => {
      expect(bytesToHex(objectHash(v.type, v.body))).toBe(v.digest);
    });
    it('Ed25519 signature, and it verifies', () => {
      const signed = signObject(v.type, v.body, v.signer);
      expect(signed.sig).toBe(v.sig);
      expect(bytesToHex(fromBase64Url(signed.sig))).toHaveLength(128);
      expect(verifyObject(v.type, signed, v.signer.publicKey, nobleVerifier)).toBe(true);
    });
    it('the signature does not hold under another type (domain separation)', () => {
      const other = v.type === TRANSFER_TYPE ? RECEIPT_TYPE : TRANSFER_TYPE;
      const signed = { ...v.body, sig: v.sig };
      expect(verifyObject(other, signed, v.signer.publicKey, nobleVerifier)).toBe(false);
    });
  });

  it('the receipt names the transfer by its digest', () => {
    expect(receipt.transferHash).toBe(objectHashB64(TRANSFER_TYPE, transfer));
    expect(bytesToHex(fromBase64Url(receipt.transferHash))).toBe(VECTORS.transfer!.digest);
  });
});

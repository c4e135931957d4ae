/**
 * Public API of wallet-core, grouped by concern. Runs unchanged in Node and
 * the browser: no Node built-ins, no network or storage of its own.
 */

// Certificates
export {
  type CertCheckOptions,
  DEVICE_CERT_TYPE,
  type DeviceCert,
  type DeviceCertBody,
  issueDeviceCert,
  issueOperatorCert,
  OPERATOR_CERT_TYPE,
  type OperatorCert,
  type OperatorCertBody,
  type TrustAnchors,
  verifyDeviceCert,
  verifyOperatorCert,
} from './certs/certs';
// API client
export {
  type ChargeResponse,
  type ClientOptions,
  type DeviceIdentity,
  type DynamicQrResponse,
  EcnyClient,
  type OpenWalletInput,
  type PayQrResponse,
  type QrBill,
  REGISTRATION_TYPE,
  type StaticQrResponse,
} from './client/client';
// Offline value: coins, spends, path verification, secure element, touch protocol
export * from './coins/index';
// Crypto: bytes, canonical encoding, hashing, keys, signed objects
export {
  bytesToHex,
  concatBytes,
  equalBytes,
  fromBase64Url,
  hexToBytes,
  randomBytes,
  randomId,
  sortableId,
  toBase64Url,
  utf8ToBytes,
} from './crypto/bytes';
export { canonicalBytes, canonicalJson } from './crypto/canonical';
export { DOMAIN_PREFIX, domainTag, objectHash, objectHashB64, sha256, signingPreimage } from './crypto/hash';
export {
  decodeKey,
  encodeKey,
  generateKeyPair,
  type KeyPair,
  keyPairFromSecret,
  NobleSigner,
  nobleVerifier,
  type Signer,
  type Verifier,
} from './crypto/keys';
export { bodyOf, type Signed, signObject, verifyObject } from './crypto/signed';
// Errors
export { EcnyError, isEcnyError } from './errors/index';
// Money and wallet tiers
export { assertFen, type Fen, fenToDecimal, formatFen, isFen, MAX_FEN, parseYuan, yuan } from './money/fen';
export {
  checkPayerLimits,
  isTier,
  type OfflineLimits,
  type OnlineLimits,
  TIER_SPECS,
  TIERS,
  type Tier,
  type TierSpec,
  tierSpec,
} from './money/tiers';
// QR payloads: EMVCo merchant-presented codes and customer payment codes
export * from './qr/index';
// Red envelopes: verifiable lottery draws and lucky-money splits
export * from './red-envelopes/index';
export * from './schemas/api';
// Schemas
export * from './schemas/common';
export * from './schemas/messages';
// Online transfers and request authentication
export {
  proveReceiptBatch,
  RECEIPT_BATCH_TYPE,
  RECEIPT_NODE_TYPE,
  type ReceiptBatchHead,
  type ReceiptBatchProof,
  type ReceiptHashing,
  receiptBatchProofs,
  receiptBatchRoot,
  receiptNode,
  type SignedReceiptBatchHead,
  signReceiptBatch,
} from './transfer/receipt-batch';
export {
  AUTH_HEADERS,
  bodyHash,
  REQUEST_FRESHNESS_MS,
  REQUEST_TYPE,
  type RequestAuthBody,
  signRequest,
} from './transfer/request-auth';
export {
  type BatchedTransferReceipt,
  type BatchTransferItem,
  type BatchTransferResult,
  batchAnswerItems,
  batchReceipts,
  expandBatchReceipts,
  type OnlineTransfer,
  type OnlineTransferBody,
  RECEIPT_TYPE,
  receiptBody,
  type SignedTransferReceipt,
  signReceipt,
  signTransfer,
  TRANSFER_TYPE,
  type TransferReceipt,
  type TransferReceiptBody,
  transferHash,
  verifyReceipt,
} from './transfer/transfer';

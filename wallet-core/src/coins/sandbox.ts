/**
 * An offline sandbox: an issuer, one operator and devices with deterministic
 * keys (secret = SHA-256("<seed>/<label>")), a settable clock, and helpers to
 * issue coins and build wallets. For tests, protocol vectors, benchmarks and
 * in-page demos; the real world comes from the server.
 */
import {
  type DeviceCert,
  issueDeviceCert,
  issueOperatorCert,
  type OperatorCert,
  type TrustAnchors,
} from '../certs/certs';
import { toBase64Url, utf8ToBytes } from '../crypto/bytes';
import { sha256 } from '../crypto/hash';
import { encodeKey, NobleSigner } from '../crypto/keys';
import type { Fen } from '../money/fen';
import { type OfflineLimits, TIER_SPECS, type Tier } from '../money/tiers';
import { SecureElement, type SecureElementLike } from '../secure-element/secure-element';
import { TamperedSecureElement } from '../secure-element/tampered-secure-element';
import type { BundleSpend, PaymentBundle } from '../touch/messages';
import { OfflineWallet } from '../touch/offline-wallet';
import { type Coin, coinAmount, coinId, extendCoin } from './coin';
import { type Issue, signIssue } from './issue';
import { MemoryKeyValue } from './key-value';
import type { CoinRestriction, RestrictionPolicy } from './restriction';
import { type SpendOutput, signSpend } from './spend';
import { WalletStore } from './wallet-store';

export const SANDBOX_EPOCH = 1_700_000_000_000;
const YEAR_MS = 365 * 86_400_000;

export interface SandboxDevice {
  name: string;
  signer: NobleSigner;
  publicKey: string;
  cert: DeviceCert;
}

export interface SandboxDeviceOptions {
  tier?: Tier;
  offline?: Partial<OfflineLimits>;
}

export class OfflineSandbox {
  now: number;
  readonly seed: string;
  readonly issuer: NobleSigner;
  readonly operator: NobleSigner;
  readonly operatorCert: OperatorCert;
  readonly trust: TrustAnchors;
  readonly #devices = new Map<string, SandboxDevice>();
  #coinSeq = 0;

  constructor(options: { seed?: string; now?: number; operatorId?: string } = {}) {
    this.seed = options.seed ?? 'ecny-sim';
    this.now = options.now ?? SANDBOX_EPOCH;
    this.issuer = new NobleSigner(this.secret('issuer'));
    this.operator = new NobleSigner(this.secret('operator'));
    const operatorId = options.operatorId ?? 'op_icbc';
    this.operatorCert = issueOperatorCert(
      {
        operatorId,
        name: 'ICBC (simulated)',
        publicKey: encodeKey(this.operator.publicKey),
        validFrom: SANDBOX_EPOCH - YEAR_MS,
        validUntil: SANDBOX_EPOCH + 10 * YEAR_MS,
      },
      this.issuer,
    );
    this.trust = {
      issuerPublicKey: this.issuer.publicKey,
      operatorCerts: { [operatorId]: this.operatorCert },
    };
  }

  secret(label: string): Uint8Array {
    return sha256(utf8ToBytes(`${this.seed}/${label}`));
  }

  /** An id like the server's randomId(prefix), derived from a label. */
  id(prefix: string, label: string): string {
    return `${prefix}_${toBase64Url(this.secret(`id/${prefix}/${label}`).slice(0, 16))}`;
  }

  device(name: string, options: SandboxDeviceOptions = {}): SandboxDevice {
    const known = this.#devices.get(name);
    if (known) return known;
    const signer = new NobleSigner(this.secret(`device/${name}`));
    const tier = options.tier ?? 2;
    const cert = issueDeviceCert(
      {
        deviceId: this.id('d', name),
        walletId: this.id('w', name),
        operatorId: this.operatorCert.operatorId,
        publicKey: encodeKey(signer.publicKey),
        tier,
        offline: { ...TIER_SPECS[tier].offline, ...options.offline },
        validFrom: SANDBOX_EPOCH - 86_400_000,
        validUntil: SANDBOX_EPOCH + YEAR_MS,
      },
      this.operator,
    );
    const device = { name, signer, publicKey: cert.publicKey, cert };
    this.#devices.set(name, device);
    return device;
  }

  issue(input: {
    owner: SandboxDevice;
    amount: Fen;
    coinId?: string;
    maxHops?: number;
    expiresAt?: number;
    restriction?: CoinRestriction;
  }): Issue {
    return signIssue(
      {
        coinId: input.coinId ?? toBase64Url(this.secret(`coin/${this.#coinSeq++}`)),
        amount: input.amount,
        owner: input.owner.publicKey,
        expiresAt: input.expiresAt ?? this.now + 30 * 86_400_000,
        maxHops: input.maxHops ?? 8,
        ...(input.restriction ? { restriction: input.restriction } : {}),
      },
      this.issuer,
    );
  }

  secureElement(
    name: string,
    options: SandboxDeviceOptions & { tampered?: boolean; policy?: RestrictionPolicy } = {},
  ) {
    const device = this.device(name, options);
    const seOptions = { signer: device.signer, cert: device.cert, now: this.now, policy: options.policy };
    return options.tampered ? new TamperedSecureElement(seOptions) : new SecureElement(seOptions);
  }

  wallet(
    name: string,
    options: SandboxDeviceOptions & {
      tampered?: boolean;
      se?: SecureElementLike;
      policy?: RestrictionPolicy;
    } = {},
  ): OfflineWallet {
    return new OfflineWallet({
      se: options.se ?? this.secureElement(name, options),
      store: new WalletStore(new MemoryKeyValue()),
      trust: this.trust,
      clock: () => this.now,
      policy: options.policy,
    });
  }

  /**
   * A bundle paying one coin that has travelled `hops - 1` earlier spends
   * (devices hop0 -> hop1 -> ... ), the bundle's spend being hop number `hops`.
   * Every spend pays part of its coin and keeps change, the larger case.
   */
  hopBundle(hops: number, requestId = 'rq_sandbox-hop-bundle'): PaymentBundle {
    const first = this.device('hop0');
    let coin: Coin = {
      issue: this.issue({ owner: first, amount: 100_000, coinId: toBase64Url(this.secret('hop-coin')) }),
      links: [],
    };
    const time = (i: number) => this.now + i * 60_000;
    for (let i = 1; i < hops; i++) {
      const from = this.device(`hop${i - 1}`);
      const to = this.device(`hop${i}`);
      const pay = coinAmount(coin) - 1_000;
      const outputs: SpendOutput[] = [
        { owner: to.publicKey, amount: pay },
        { owner: from.publicKey, amount: coinAmount(coin) - pay },
      ];
      const spend = signSpend(
        {
          inputCoinId: coinId(coin),
          outputs,
          requestId: this.id('rq', `hop${i}`),
          counter: i,
          time: time(i),
        },
        from.signer,
      );
      coin = extendCoin(coin, spend, 0, from.cert);
    }
    const payer = this.device(`hop${hops - 1}`);
    const payee = this.device(`hop${hops}`);
    const pay = coinAmount(coin) - 1_000;
    const spend = signSpend(
      {
        inputCoinId: coinId(coin),
        outputs: [
          { owner: payee.publicKey, amount: pay },
          { owner: payer.publicKey, amount: coinAmount(coin) - pay },
        ],
        requestId,
        counter: hops,
        time: time(hops),
      },
      payer.signer,
    );
    const entry: BundleSpend = { coin, spend };
    return { requestId, payer: payer.cert, spends: [entry] };
  }
}

/**
 * The simulator signs in-process with node:crypto hashing (signFast): the
 * bytes, and so the signatures, must be exactly wallet-core's signObject,
 * which the server verifies against.
 */
import { Rng } from '@ecny-sim/server/sim/rng';
import { newSigner, signFast } from '@ecny-sim/server/sim/scenario';
import {
  DEVICE_CERT_TYPE,
  REGISTRATION_TYPE,
  signObject,
  TIER_SPECS,
  TRANSFER_TYPE,
} from '@ecny-sim/wallet-core';
import { describe, expect, it } from 'vitest';

describe('simulator signing', () => {
  it('signFast signs the bytes signObject signs', () => {
    const device = newSigner(new Rng(1, 'device'));
    const operator = newSigner(new Rng(1, 'operator'));
    const transfer = {
      transferId: 'sim-tx-1-2-3',
      from: 'w_AAAAAAAAAAAAAAAAAAAAAA',
      to: 'w_BBBBBBBBBBBBBBBBBBBBBB',
      amount: 12_345,
      deviceId: 'd_AAAAAAAAAAAAAAAAAAAAAA',
      createdAt: 1_700_000_000_000,
    };
    expect(signFast(TRANSFER_TYPE, transfer, device)).toEqual(signObject(TRANSFER_TYPE, transfer, device));
    const cert = {
      deviceId: 'd_AAAAAAAAAAAAAAAAAAAAAA',
      walletId: 'w_AAAAAAAAAAAAAAAAAAAAAA',
      operatorId: 'op_icbc',
      publicKey: 'x'.repeat(43),
      tier: 4,
      offline: TIER_SPECS[4].offline,
      validFrom: 1,
      validUntil: 2,
    };
    expect(signFast(DEVICE_CERT_TYPE, cert, operator)).toEqual(signObject(DEVICE_CERT_TYPE, cert, operator));
    const registration = {
      operatorId: 'op_icbc',
      tier: 1,
      displayName: 'Suzhou merchant 7',
      devicePublicKey: 'y'.repeat(43),
      createdAt: 3,
    };
    expect(signFast(REGISTRATION_TYPE, registration, device)).toEqual(
      signObject(REGISTRATION_TYPE, registration, device),
    );
  });
});

/**
 * The demo world seeded on first start: personal wallets with balances and
 * two merchants. Their device keys are kept so the web demo can put them on
 * its phones (served only in demo mode).
 */
import {
  encodeKey,
  fromBase64Url,
  type MerchantProfile,
  REGISTRATION_TYPE,
  randomBytes,
  randomId,
  signObject,
  type Tier,
  toBase64Url,
} from '@ecny-sim/wallet-core';
import type { Ctx } from '../context';
import { openWallet, requireWallet, setMerchantProfile, topUp } from '../wallets/service';

export interface DemoWallet {
  name: string;
  walletId: string;
  deviceId: string;
  secretKey: string;
  role: 'person' | 'merchant';
}

const PEOPLE: { name: string; operatorId: string; tier: Tier; topUp: number; region: string }[] = [
  { name: 'Li Wei', operatorId: 'op_icbc', tier: 2, topUp: 200_000, region: 'Shenzhen' },
  { name: 'Wang Fang', operatorId: 'op_ccb', tier: 3, topUp: 100_000, region: 'Shenzhen' },
  { name: 'Zhang Min', operatorId: 'op_icbc', tier: 4, topUp: 50_000, region: 'Suzhou' },
];
const MERCHANTS: { name: string; operatorId: string; profile: MerchantProfile }[] = [
  {
    name: 'Luohu Noodle House',
    operatorId: 'op_icbc',
    profile: { name: 'Luohu Noodle House', city: 'Shenzhen', mcc: '5812', region: 'Luohu' },
  },
  {
    name: 'Guanqian Fresh Market',
    operatorId: 'op_ccb',
    profile: { name: 'Guanqian Fresh Market', city: 'Suzhou', mcc: '5411', region: 'Gusu' },
  },
];

async function open(ctx: Ctx, name: string, operatorId: string, tier: Tier, region: string) {
  const secret = randomBytes(32);
  const signer = ctx.makeSigner(secret);
  const registration = signObject(
    REGISTRATION_TYPE,
    {
      operatorId,
      tier,
      displayName: name,
      region,
      resident: true,
      devicePublicKey: encodeKey(signer.publicKey),
      createdAt: ctx.now(),
    },
    signer,
  );
  const opened = await openWallet(ctx, registration);
  return { opened, secretKey: toBase64Url(secret) };
}

export async function seedDemoWorld(ctx: Ctx): Promise<DemoWallet[]> {
  const existing = await ctx.store.getMeta('demo:wallets');
  if (existing) return JSON.parse(existing) as DemoWallet[];
  const wallets: DemoWallet[] = [];
  for (const p of PEOPLE) {
    const { opened, secretKey } = await open(ctx, p.name, p.operatorId, p.tier, p.region);
    const wallet = await requireWallet(ctx, opened.wallet.walletId);
    await topUp(ctx, wallet, randomId('seed'), p.topUp);
    wallets.push({
      name: p.name,
      walletId: wallet.walletId,
      deviceId: opened.deviceId,
      secretKey,
      role: 'person',
    });
  }
  for (const m of MERCHANTS) {
    const { opened, secretKey } = await open(ctx, m.name, m.operatorId, 2, m.profile.region);
    const wallet = await requireWallet(ctx, opened.wallet.walletId);
    await setMerchantProfile(ctx, wallet, m.profile);
    wallets.push({
      name: m.name,
      walletId: wallet.walletId,
      deviceId: opened.deviceId,
      secretKey,
      role: 'merchant',
    });
  }
  return JSON.parse(await ctx.store.setMetaIfAbsent('demo:wallets', JSON.stringify(wallets))) as DemoWallet[];
}

export function demoSigner(ctx: Ctx, wallet: DemoWallet) {
  return ctx.makeSigner(fromBase64Url(wallet.secretKey));
}

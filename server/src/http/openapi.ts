/** The OpenAPI 3.1 document of /v1, with request bodies generated from the shared zod schemas. */
import {
  AuditReportSchema,
  BankMoveRequestSchema,
  BatchTransferRequestSchema,
  BatchTransferResponseSchema,
  BillIdSchema,
  ChargePaymentCodeRequestSchema,
  CreateDynamicQrRequestSchema,
  CreateWalletResponseSchema,
  ErrorEnvelopeSchema,
  EventsTicketResponseSchema,
  HistoryResponseSchema,
  IdSchema,
  InfoResponseSchema,
  IssueRequestSchema,
  KycUpgradeRequestSchema,
  MerchantProfileSchema,
  OnlineTransferSchema,
  PayMerchantQrRequestSchema,
  TransferReceiptSchema,
  TransferResponseSchema,
  WalletRegistrationSchema,
  WalletViewSchema,
} from '@ecny-sim/wallet-core';
import { type ZodType, z } from 'zod';

type Auth = 'device' | 'admin' | 'none';
export interface Route {
  method: 'get' | 'post' | 'put';
  /** The path under /v1, with `{name}` for each path parameter (its schema in PATH_PARAMS). */
  path: string;
  summary: string;
  auth: Auth;
  /** The JSON body the route takes; a POST or PUT without one takes no body (absent or `{}`). */
  body?: ZodType;
  /** The body may be left out (as `{}`). */
  bodyOptional?: boolean;
  response?: ZodType;
  /** Served in demo mode only. */
  demo?: boolean;
}

/**
 * The schema of each path parameter, by name: checked before any route runs (route-table.ts) and
 * published in the document. A route naming a parameter missing here fails at start.
 */
export const PATH_PARAMS: Readonly<Record<string, ZodType<string>>> = {
  walletId: IdSchema,
  deviceId: IdSchema,
  campaignId: IdSchema,
  envelopeId: IdSchema,
  caseId: IdSchema,
  billId: BillIdSchema,
};

const routes: Route[] = [];

/** Feature modules add their routes here so the document (and the route table) stays complete. */
export function describeRoute(route: Route): void {
  for (const name of pathParamNames(route.path)) {
    if (!PATH_PARAMS[name]) throw new Error(`${route.path}: no schema for path parameter ${name}`);
  }
  routes.push(route);
}

/** The routes served, in the order they were described. */
export function describedRoutes(options: { demo: boolean }): Route[] {
  return routes.filter((r) => options.demo || !r.demo);
}

export function pathParamNames(path: string): string[] {
  return [...path.matchAll(/\{([A-Za-z]+)\}/g)].map((m) => m[1]!);
}

const schema = (s: ZodType) => z.toJSONSchema(s, { unrepresentable: 'any', io: 'input' });

const PARAM_DESCRIPTIONS: Record<string, string> = {
  walletId: 'A wallet id (w_...)',
  deviceId: 'A device id (d_...)',
  campaignId: 'A campaign id (cp_...)',
  envelopeId: 'A lucky-money envelope id (lk_...)',
  caseId: 'A fraud case id (fc_...)',
  billId: "A dynamic QR's bill id",
};

describeRoute({ method: 'get', path: '/health', summary: 'Liveness: {ok: true}', auth: 'none' });
describeRoute({
  method: 'get',
  path: '/openapi.json',
  summary: 'This document',
  auth: 'none',
});

describeRoute({
  method: 'get',
  path: '/info',
  summary: 'Issuer key, operators and tiers',
  auth: 'none',
  response: InfoResponseSchema,
});
describeRoute({
  method: 'post',
  path: '/wallets',
  summary: 'Open a wallet through an operator with a new device key',
  auth: 'none',
  body: WalletRegistrationSchema,
  response: CreateWalletResponseSchema,
});
describeRoute({
  method: 'get',
  path: '/wallets/{walletId}',
  summary: 'Read a wallet',
  auth: 'device',
  response: z.object({ wallet: WalletViewSchema }),
});
describeRoute({
  method: 'post',
  path: '/wallets/{walletId}/topup',
  summary: 'Bank account -> e-CNY',
  auth: 'device',
  body: BankMoveRequestSchema,
});
describeRoute({
  method: 'post',
  path: '/wallets/{walletId}/redeem',
  summary: 'e-CNY -> bank account',
  auth: 'device',
  body: BankMoveRequestSchema,
});
describeRoute({
  method: 'post',
  path: '/wallets/{walletId}/kyc',
  summary: 'Change the KYC tier',
  auth: 'device',
  body: KycUpgradeRequestSchema,
});
describeRoute({
  method: 'put',
  path: '/wallets/{walletId}/merchant',
  summary: 'Set the merchant profile',
  auth: 'device',
  body: MerchantProfileSchema,
});
describeRoute({
  method: 'get',
  path: '/wallets/{walletId}/history',
  summary: 'Ledger history with receipts',
  auth: 'device',
  response: HistoryResponseSchema,
});
describeRoute({ method: 'get', path: '/directory', summary: 'Wallets and merchants to pay', auth: 'none' });
describeRoute({
  method: 'post',
  path: '/transfers',
  summary: 'Settle a device-signed online transfer (idempotent by transferId)',
  auth: 'none',
  body: OnlineTransferSchema,
  response: TransferResponseSchema,
});
describeRoute({
  method: 'post',
  path: '/transfers/batch',
  summary: 'Settle up to 1,000 signed transfers, each on its own',
  auth: 'none',
  body: BatchTransferRequestSchema,
  response: BatchTransferResponseSchema,
});
const QrBillSchema = z.object({
  billId: z.string(),
  walletId: z.string(),
  amount: z.number().int(),
  status: z.enum(['open', 'paid', 'expired']),
  createdAt: z.number().int(),
  expiresAt: z.number().int(),
  transferId: z.string().nullable(),
  paidBy: z.string().nullable(),
  paidAt: z.number().int().nullable(),
});
describeRoute({
  method: 'post',
  path: '/wallets/{walletId}/qr',
  summary: 'Create a dynamic merchant QR (a bill with a fixed amount, paid at most once)',
  auth: 'device',
  body: CreateDynamicQrRequestSchema,
  response: z.object({ payload: z.string(), bill: QrBillSchema }),
});
describeRoute({
  method: 'get',
  path: '/wallets/{walletId}/qr/static',
  summary: "The merchant's static QR payload (EMVCo, customer enters the amount)",
  auth: 'none',
  response: z.object({
    payload: z.string(),
    merchant: z.object({ walletId: z.string(), name: z.string(), city: z.string(), mcc: z.string() }),
  }),
});
describeRoute({
  method: 'get',
  path: '/wallets/{walletId}/qr/bills/{billId}',
  summary: "A dynamic QR's bill and whether it is paid",
  auth: 'device',
  response: z.object({ bill: QrBillSchema }),
});
describeRoute({
  method: 'post',
  path: '/qr/pay',
  summary: 'Pay a scanned merchant QR with a signed transfer to its wallet (idempotent by transferId)',
  auth: 'none',
  body: PayMerchantQrRequestSchema,
  response: z.object({
    receipt: TransferReceiptSchema,
    balance: z.number().int(),
    bill: QrBillSchema.nullable(),
    merchant: z.object({ walletId: z.string(), name: z.string() }),
  }),
});
describeRoute({
  method: 'post',
  path: '/wallets/{walletId}/charge',
  summary: 'Charge a scanned customer payment code (single use; idempotent by chargeId)',
  auth: 'device',
  body: ChargePaymentCodeRequestSchema,
  response: z.object({
    receipt: TransferReceiptSchema,
    charge: z.object({
      chargeId: z.string(),
      codeId: z.string(),
      from: z.string(),
      to: z.string(),
      amount: z.number().int(),
      ledgerSeq: z.number().int(),
      settledAt: z.number().int(),
    }),
    balance: z.number().int(),
  }),
});
describeRoute({
  method: 'post',
  path: '/wallets/{walletId}/events/ticket',
  summary: "A ticket (ten minutes) that opens the wallet's own event stream",
  auth: 'device',
  response: EventsTicketResponseSchema,
});
describeRoute({
  method: 'get',
  path: '/events',
  summary: "Server-Sent Events: ledger activity; ?wallet=<id>&ticket=<ticket> adds the wallet's own events",
  auth: 'none',
});
describeRoute({ method: 'get', path: '/stats', summary: 'Circulation figures', auth: 'none' });
describeRoute({
  method: 'get',
  path: '/audit',
  summary: 'Prove the ledger invariant (public: anyone may check that every fen is accounted for)',
  auth: 'none',
  response: AuditReportSchema,
});
describeRoute({
  method: 'get',
  path: '/admin/accounts',
  summary: 'Every ledger account with its book, kind and balance',
  auth: 'admin',
});
describeRoute({
  method: 'get',
  path: '/demo/wallets',
  summary: "Demo mode only: the demo world's wallets with their device keys, for the web app",
  auth: 'none',
  demo: true,
});
describeRoute({
  method: 'get',
  path: '/demo/admin-token',
  summary:
    'Demo mode only: the admin token for the web issuer console, served to this machine (loopback) only',
  auth: 'none',
  demo: true,
});
describeRoute({
  method: 'get',
  path: '/admin/audit',
  summary: 'Prove the ledger invariant',
  auth: 'admin',
  response: AuditReportSchema,
});
describeRoute({
  method: 'post',
  path: '/admin/issue',
  summary: 'Issue e-CNY to an operator against reserves',
  auth: 'admin',
  body: IssueRequestSchema,
});

export function openApiDocument(options: { demo: boolean } = { demo: true }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of describedRoutes(options)) {
    const parameters = pathParamNames(r.path).map((name) => ({
      name,
      in: 'path',
      required: true,
      description: PARAM_DESCRIPTIONS[name],
      schema: schema(PATH_PARAMS[name]!),
    }));
    const op: Record<string, unknown> = {
      summary: r.summary,
      ...(parameters.length > 0 ? { parameters } : {}),
      responses: {
        '200': {
          description: 'OK',
          ...(r.response ? { content: { 'application/json': { schema: schema(r.response) } } } : {}),
        },
        default: {
          description: 'Error',
          content: { 'application/json': { schema: schema(ErrorEnvelopeSchema) } },
        },
      },
    };
    if (r.body)
      op.requestBody = {
        required: !r.bodyOptional,
        content: { 'application/json': { schema: schema(r.body) } },
      };
    if (r.auth === 'device') op.security = [{ deviceSignature: [] }];
    if (r.auth === 'admin') op.security = [{ adminToken: [] }];
    paths[`/v1${r.path}`] = { ...(paths[`/v1${r.path}`] ?? {}), [r.method]: op };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'ecny-sim API',
      version: '1.0.0',
      description: 'Issuer/operator API of the ecny-sim e-CNY wallet simulator.',
    },
    components: {
      securitySchemes: {
        deviceSignature: {
          type: 'apiKey',
          in: 'header',
          name: 'x-ecny-signature',
          description:
            'Ed25519 signature by the device over {deviceId, method, path, bodyHash, timestamp, nonce}; see PROTOCOL.md §6.',
        },
        adminToken: { type: 'http', scheme: 'bearer' },
      },
    },
    paths,
  };
}

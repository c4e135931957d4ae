/**
 * Builds the Express app (security headers, CORS allow-list, body limits,
 * routers, error envelope). `main.ts` listens; tests mount this directly.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EcnyError, TIER_SPECS } from '@ecny-sim/wallet-core';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { adminRoutes } from './admin/routes';
import { campaignRoutes } from './campaigns/routes';
import type { Ctx } from './context';
import { eventRoutes } from './events/routes';
import { adminAuth, deviceAuth, ReplayGuard } from './http/device-auth';
import { errorBody, errorHandler } from './http/errors';
import { useNodePrototypes } from './http/node-prototypes';
import { describedRoutes, openApiDocument, type Route } from './http/openapi';
import { deviceRateLimit, ipRateLimit } from './http/rate-limit';
import { requestLog } from './http/request-log';
import { type Resolution, routeTable } from './http/route-table';
import { NoBodySchema, parseWith } from './http/validate';
import { luckyMoneyRoutes } from './lucky-money/routes';
import { offlineRoutes } from './offline/routes';
import { qrRoutes } from './qr/routes';
import { transferRoutes } from './transfers/routes';
import { walletRoutes } from './wallets/routes';
import type { DemoWallet } from './world/demo';

const VERSION = '0.1.0';

/** type/subtype with optional `; name=value` parameters (RFC 9110 media type syntax, simplified). */
const WELL_FORMED_MEDIA_TYPE = /^\s*[\w.+-]+\/[\w.+-]+(\s*;\s*[\w.+-]+=(?:[\w.+-]+|"[^"\\]*"))*\s*$/;

/** Whether a request carries a body: a positive Content-Length, or any Transfer-Encoding. */
function carriesBody(req: Request): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = req.headers['content-length'];
  return length !== undefined && Number(length) > 0;
}

/**
 * Calls back whether a GET or HEAD came without a body. A Content-Length says so at once (0 is no
 * body); a chunked one is read until its first byte or its end, so an empty one passes.
 */
function withoutBody(req: Request, done: (empty: boolean) => void): void {
  if (req.headers['transfer-encoding'] === undefined) {
    done(!carriesBody(req));
    return;
  }
  let settled = false;
  const settle = (empty: boolean) => {
    if (settled) return;
    settled = true;
    done(empty);
  };
  // Listening drains the rest of a refused body, so the connection stays usable.
  req.on('data', (chunk: Buffer) => {
    if (chunk.length > 0) settle(false);
  });
  req.once('end', () => settle(true));
  req.once('error', () => settle(false));
}

function isJsonType(type: string | undefined): boolean {
  return type !== undefined && type.split(';')[0]!.trim().toLowerCase() === 'application/json';
}

/**
 * A route that takes no body accepts none or `{}` (junk such as `[]` or unknown keys is refused);
 * a route whose body is required says so when it is missing.
 */
function checkBodyPresence(route: Route, req: Request): void {
  if (!route.body) {
    if (req.body !== undefined) parseWith(NoBodySchema, req.body);
  } else if (!route.bodyOptional && req.body === undefined) {
    throw new EcnyError('INVALID_BODY', 'this call takes a JSON body (application/json)');
  }
}

function cors(origins: string[]) {
  return (req: Request, res: Response, next: NextFunction) => {
    const origin = req.get('origin');
    if (origin && origins.includes(origin)) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('vary', 'Origin');
      res.setHeader(
        'access-control-allow-headers',
        'content-type, authorization, x-ecny-device, x-ecny-timestamp, x-ecny-nonce, x-ecny-signature',
      );
      res.setHeader('access-control-allow-methods', 'GET, POST, PUT, DELETE');
      if (req.method === 'OPTIONS') {
        res.status(204).end();
        return;
      }
    } else if (origin && req.method === 'OPTIONS' && req.get('access-control-request-method')) {
      // a preflight from an origin not allowed: refused outright, not answered as a plain OPTIONS
      res.status(403).json(errorBody('FORBIDDEN', 'this origin may not call the API'));
      return;
    }
    next();
  };
}

/**
 * Runs a header-only middleware (helmet) once and replays the headers it set on every response:
 * the same headers, without recomputing them per request.
 */
function precomputed(middleware: (req: Request, res: Response, next: NextFunction) => void) {
  const headers = new Map<string, string>();
  const probe = {
    setHeader: (name: string, value: unknown) => headers.set(name, String(value)),
    removeHeader: (name: string) => headers.delete(name),
    getHeader: (name: string) => headers.get(name),
  };
  middleware({} as Request, probe as unknown as Response, () => {});
  const entries = [...headers];
  return (_req: Request, res: Response, next: NextFunction) => {
    for (const [name, value] of entries) res.setHeader(name, value);
    next();
  };
}

export function createApp(ctx: Ctx & { adminToken: string }): express.Express {
  const app = express();
  const adopt = useNodePrototypes(app);
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  const log = requestLog(ctx.log, ctx.config.logLevel === 'info');
  const headers = precomputed(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          imgSrc: ["'self'", 'data:', 'blob:'],
          mediaSrc: ["'self'", 'blob:'],
          styleSrc: ["'self'", "'unsafe-inline'"],
          connectSrc: ["'self'"],
        },
      },
    }),
  );
  const allowOrigin = cors(ctx.config.corsOrigins);
  // Every request: logged, the security headers, CORS. One layer, so the router matches it once.
  app.use((req: Request, res: Response, next: NextFunction) => {
    adopt(req, res); // Express's methods are on Node's prototypes; the app is set here
    log(req, res, () => headers(req, res, () => allowOrigin(req, res, next)));
  });
  const { config } = ctx;
  const deviceLimit = deviceRateLimit({
    perSec: config.rateLimitDevicePerSec,
    burst: config.rateLimitDeviceBurst,
  });
  const ipLimit = ipRateLimit({ perSec: config.rateLimitIpPerSec, burst: config.rateLimitIpBurst });
  // The raw body is kept as read (device signatures cover its hash); decoded only when asked for.
  const keepRaw = (req: Request, _res: Response, buf: Buffer) => {
    req.rawBytes = buf;
  };
  const json = {
    batch: express.json({ limit: '2mb', verify: keepRaw }),
    devices: express.json({ limit: '4mb', verify: keepRaw }),
    other: express.json({ limit: '64kb', verify: keepRaw }),
  };
  // Every API call, in order: the address's rate limit, the route table (a known path asked with
  // another method is 405, OPTIONS 204, malformed path parameters 400), no body on a GET or HEAD
  // (400 BODY_NOT_ALLOWED), a well-formed content type (a malformed one such as
  // "application/json;;;" is refused rather than read as JSON), the body read as JSON within the
  // route's size limit, then the rate limit of a device named in the body.
  const routes = routeTable(describedRoutes({ demo: ctx.config.demo }));
  app.use('/v1', (req: Request, res: Response, next: NextFunction) => {
    ipLimit(req, res, () => {
      // A known path: the method must be one it takes and its parameters well-formed.
      let resolved: Resolution;
      try {
        resolved = routes.resolve(req.method, req.path);
      } catch (e) {
        next(e);
        return;
      }
      if (resolved.kind === 'options') {
        res.setHeader('allow', resolved.allow);
        res.status(204).end();
        return;
      }
      if (req.method === 'GET' || req.method === 'HEAD') {
        // A read takes its input from the path and the query: a body sent with it would be dropped
        // unread (and a signed one would not be what the server acted on), so it is refused.
        withoutBody(req, (empty) => {
          if (!empty) {
            next(new EcnyError('BODY_NOT_ALLOWED', `a ${req.method} request carries no body`));
            return;
          }
          checkShape(req, res, next, resolved, false);
        });
        return;
      }
      checkShape(req, res, next, resolved, true);
    });
  });
  /**
   * The content type, then (`withBody`: a method that may carry one) the body read as JSON and
   * checked for the route.
   */
  function checkShape(
    req: Request,
    res: Response,
    next: NextFunction,
    resolved: Resolution,
    withBody: boolean,
  ) {
    const type = req.headers['content-type'];
    if (type !== undefined && !WELL_FORMED_MEDIA_TYPE.test(type)) {
      next(new EcnyError('UNSUPPORTED_MEDIA_TYPE', 'the content type is malformed; send application/json'));
      return;
    }
    // A body the JSON parser would skip (text/plain, XML, no type at all) is refused, not read as
    // absent: a signed call would fail its signature, a draw would run without its options.
    if (withBody && carriesBody(req) && !isJsonType(type)) {
      next(new EcnyError('UNSUPPORTED_MEDIA_TYPE', 'a request body must be sent as application/json'));
      return;
    }
    if (!withBody) {
      deviceLimit.claimed(req, res, next);
      return;
    }
    const path = req.path.toLowerCase();
    const parser =
      path === '/transfers/batch' || path.startsWith('/transfers/batch/')
        ? json.batch
        : path === '/devices' || path.startsWith('/devices/')
          ? json.devices
          : json.other;
    parser(req, res, (err?: unknown) => {
      if (err) return next(err);
      try {
        if (resolved.kind === 'route') checkBodyPresence(resolved.match.route, req);
        deviceLimit.claimed(req, res, next);
      } catch (e) {
        next(e);
      }
    });
  }

  const device = deviceLimit.afterAuth(deviceAuth(ctx, new ReplayGuard()));
  const admin = adminAuth(ctx.adminToken);
  const v1 = express.Router();

  v1.get('/info', (_req, res) => {
    res.json({
      name: 'ecny-sim',
      version: VERSION,
      issuerPublicKey: ctx.world.issuerPublicKey,
      operators: [...ctx.world.operators.values()].map((o) => ({
        operatorId: o.operatorId,
        name: o.name,
        cert: o.cert,
      })),
      tiers: TIER_SPECS,
      time: ctx.now(),
    });
  });
  v1.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument({ demo: ctx.config.demo }));
  });
  v1.get('/health', (_req, res) => {
    res.json({ ok: true });
  });
  if (ctx.config.demo) {
    v1.get('/demo/wallets', async (_req, res) => {
      const text = await ctx.store.getMeta('demo:wallets');
      res.json({ wallets: text ? (JSON.parse(text) as DemoWallet[]) : [] });
    });
    // Demo mode only: hands the operator token to the web issuer console so it can
    // create, draw and reclaim campaigns. Never served outside demo mode.
    v1.get('/demo/admin-token', (req, res) => {
      const from = req.socket.remoteAddress ?? '';
      if (!['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(from)) {
        throw new EcnyError('FORBIDDEN', 'the demo console token is only served to this machine');
      }
      res.json({ token: ctx.adminToken });
    });
  }
  // Transfers first: the busiest calls meet the fewest routes on their way.
  v1.use(transferRoutes(ctx));
  v1.use(walletRoutes(ctx, device));
  v1.use(qrRoutes(ctx, device));
  v1.use(offlineRoutes(ctx, device));
  v1.use(adminRoutes(ctx, admin));
  v1.use(eventRoutes(ctx, device));
  v1.use(campaignRoutes(ctx, device, admin));
  v1.use(luckyMoneyRoutes(ctx, device, admin));
  v1.use((req) => {
    // The path is echoed only when it is short and plain; anything else may be whatever a caller typed.
    const path = /^[A-Za-z0-9._~/-]{1,100}$/.test(req.path) ? ` ${req.path}` : '';
    throw new EcnyError('NOT_FOUND', `no route ${req.method}${path}`);
  });
  app.use('/v1', v1);

  const dist = ctx.config.webDist;
  if (dist && existsSync(join(dist, 'index.html'))) {
    app.use(express.static(dist, { index: 'index.html', maxAge: '1h' }));
    app.get(/^\/(?!v1\/).*/, (_req, res) => {
      res.sendFile(join(dist, 'index.html'));
    });
  }
  app.use((_req, res) => {
    res.status(404).json(errorBody('NOT_FOUND', 'no such page'));
  });
  app.use(errorHandler(ctx.log));
  return app;
}

/**
 * The /v1 routes as the OpenAPI document describes them, matched before any router runs: a known
 * path asked with another method is 405 METHOD_NOT_ALLOWED with `Allow` (OPTIONS: 204 with
 * `Allow`), and every path parameter is checked against its schema (PATH_PARAMS) before any
 * route looks it up, so a malformed id is 400 INVALID_PATH and is never echoed. Unknown paths
 * are left to the routers (404 NOT_FOUND).
 */
import { EcnyError } from '@ecny-sim/wallet-core';
import { PATH_PARAMS, type Route } from './openapi';

interface CompiledRoute {
  route: Route;
  /** Lower-cased literal segments, or null where a parameter stands. */
  segments: (string | null)[];
  params: string[];
  literals: number;
}

export interface RouteMatch {
  route: Route;
  /** The path parameters, decoded and valid. */
  params: Record<string, string>;
}

export type Resolution =
  | { kind: 'unknown' }
  | { kind: 'options'; allow: string }
  | { kind: 'route'; match: RouteMatch };

const PARAM_NAMES: Record<string, string> = {
  walletId: 'wallet id',
  deviceId: 'device id',
  campaignId: 'campaign id',
  envelopeId: 'envelope id',
  caseId: 'fraud case id',
  billId: 'bill id',
};

function compile(route: Route): CompiledRoute {
  const params: string[] = [];
  const segments = route.path
    .split('/')
    .slice(1)
    .map((s) => {
      const param = /^\{(\w+)\}$/.exec(s)?.[1];
      if (param) {
        params.push(param);
        return null;
      }
      return s.toLowerCase();
    });
  return { route, segments, params, literals: segments.filter((s) => s !== null).length };
}

/** The raw (still percent-encoded) segments of a path, as Express's non-strict routing sees them. */
function segmentsOf(path: string): string[] {
  const parts = path.split('/').slice(1);
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop(); // one trailing slash
  return parts;
}

export function routeTable(routes: readonly Route[]) {
  const compiled = routes.map(compile);

  function matches(c: CompiledRoute, parts: string[]): boolean {
    if (c.segments.length !== parts.length) return false;
    return c.segments.every((s, i) => (s === null ? parts[i] !== '' : s === parts[i]!.toLowerCase()));
  }

  function allowOf(found: CompiledRoute[]): string {
    const methods = new Set(found.map((c) => c.route.method.toUpperCase()));
    if (methods.has('GET')) methods.add('HEAD');
    methods.add('OPTIONS');
    return [...methods].sort().join(', ');
  }

  function checkParams(c: CompiledRoute, parts: string[]): Record<string, string> {
    const params: Record<string, string> = {};
    let at = 0;
    c.segments.forEach((s, i) => {
      if (s !== null) return;
      const name = c.params[at++]!;
      const what = PARAM_NAMES[name] ?? name;
      let value: string;
      try {
        value = decodeURIComponent(parts[i]!);
      } catch {
        throw new EcnyError('INVALID_PATH', `the ${what} in the path is not valid percent-encoding`);
      }
      const result = PATH_PARAMS[name]!.safeParse(value);
      if (!result.success) {
        // the schema's rule, never the value: it may be anything a caller typed
        const rule = result.error.issues[0]?.message ?? 'malformed';
        throw new EcnyError('INVALID_PATH', `the ${what} in the path is malformed: ${rule}`);
      }
      params[name] = result.data;
    });
    return params;
  }

  return {
    /** Throws METHOD_NOT_ALLOWED (with the allowed methods in its details) or INVALID_PATH. */
    resolve(method: string, path: string): Resolution {
      const parts = segmentsOf(path);
      const found = compiled.filter((c) => matches(c, parts));
      if (found.length === 0) return { kind: 'unknown' };
      if (method === 'OPTIONS') return { kind: 'options', allow: allowOf(found) };
      const wanted = method === 'HEAD' ? 'get' : method.toLowerCase();
      // The most literal template wins, as the routers list /campaigns/pay before /campaigns/:id.
      const best = found.filter((c) => c.route.method === wanted).sort((a, b) => b.literals - a.literals)[0];
      if (!best) {
        const allow = allowOf(found);
        throw new EcnyError('METHOD_NOT_ALLOWED', `this path takes ${allow}`, { allow });
      }
      return { kind: 'route', match: { route: best.route, params: checkParams(best, parts) } };
    },
  };
}

/**
 * Structured request log: one JSON line per request (at LOG_LEVEL=info) with
 * the method, the path without its query string, the status, the duration,
 * the signed-in device and the error code, if any. Never the query, the
 * headers (admin token, signatures), nor the body.
 */
import type { NextFunction, Request, Response } from 'express';

const MAX_PATH = 200;

/** The path alone: no query string (it may carry secrets), bounded in length. */
export function loggedPath(originalUrl: string): string {
  const q = originalUrl.indexOf('?');
  const path = q === -1 ? originalUrl : originalUrl.slice(0, q);
  return path.length > MAX_PATH ? `${path.slice(0, MAX_PATH)}…` : path;
}

export interface RequestLogLine {
  level: 'info';
  msg: 'request';
  method: string;
  path: string;
  status: number;
  durationMs: number;
  deviceId: string | null;
  ip: string | null;
  code?: string;
  aborted?: boolean;
}

/** Logs each request when it finishes (or its connection closes first). */
export function requestLog(log: (line: Record<string, unknown>) => void, enabled: boolean) {
  if (!enabled) return (_req: Request, _res: Response, next: NextFunction) => next();
  return (req: Request, res: Response, next: NextFunction) => {
    const start = process.hrtime.bigint();
    let done = false;
    let code: string | undefined;
    // Notes the code of an error envelope as it is sent.
    const json = res.json.bind(res);
    res.json = (body?: unknown) => {
      if (res.statusCode >= 400 && body && typeof body === 'object') {
        const c = (body as { error?: { code?: unknown } }).error?.code;
        if (typeof c === 'string') code = c;
      }
      return json(body);
    };
    const write = (aborted: boolean) => {
      if (done) return;
      done = true;
      const line: RequestLogLine = {
        level: 'info',
        msg: 'request',
        method: req.method,
        path: loggedPath(req.originalUrl),
        status: res.statusCode,
        durationMs: Math.round(Number(process.hrtime.bigint() - start) / 10_000) / 100,
        deviceId: req.device?.deviceId ?? null,
        ip: req.socket.remoteAddress ?? null,
      };
      if (code !== undefined) line.code = code;
      if (aborted) line.aborted = true;
      log(line as unknown as Record<string, unknown>);
    };
    res.once('finish', () => write(false));
    res.once('close', () => write(!res.writableFinished));
    next();
  };
}

/**
 * Express's request and response methods served from Node's own prototypes.
 *
 * Express gives every request and response its methods (`res.json`, `req.get`, `req.path`, ...)
 * by changing the objects' prototypes as they arrive (`Object.setPrototypeOf` in `app.handle`),
 * and V8 gives an object whose prototype changes a new hidden class. Measured here (50
 * connections, autocannon): an Express app answering a JSON POST spends several times the CPU
 * per request of the same router without that change, and much of every request survives into
 * the next young-generation collection (megabytes promoted per scavenge, against kilobytes).
 *
 * Instead, Express's methods are defined once on `http.IncomingMessage.prototype` and
 * `http.ServerResponse.prototype`, and the app's `request` / `response` are those prototypes,
 * so Express's `setPrototypeOf` finds the prototype already in place and changes nothing. What
 * Express kept on its per-app prototypes, the `app` itself, is set on each request and response
 * by the app's first middleware. Express's methods are the same functions for every app of a
 * process, so several apps (the tests make many) share the prototypes. Node's own members are
 * never replaced (a clash throws), and the http client's responses, also IncomingMessages, only
 * gain methods nothing there calls.
 */
import http from 'node:http';
import type { Express, Request, Response } from 'express';

/** The names installed on a Node prototype, kept on the prototype (one list per process). */
const INSTALLED = Symbol.for('ecny-sim.express-methods');

function install(from: object, to: object): void {
  const target = to as { [INSTALLED]?: Set<string> };
  target[INSTALLED] ??= new Set();
  const mine = target[INSTALLED];
  for (const [name, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(from))) {
    // Node's own members stay; an earlier install (another copy of Express's module, as test
    // runners load one per file) is replaced by the same methods.
    if (Object.hasOwn(to, name) && !mine.has(name)) throw new Error(`Node's prototype already has ${name}`);
    Object.defineProperty(to, name, { ...descriptor, configurable: true });
    mine.add(name);
  }
}

/**
 * Points `app` at Node's prototypes, with Express's methods installed there, and returns what the
 * app's first middleware must call on every request: it gives the request and response their app.
 */
export function useNodePrototypes(app: Express): (req: Request, res: Response) => void {
  // app.request = Object.create(express's request, { app }): the methods are on its prototype.
  install(Object.getPrototypeOf(app.request), http.IncomingMessage.prototype);
  install(Object.getPrototypeOf(app.response), http.ServerResponse.prototype);
  app.request = http.IncomingMessage.prototype as unknown as Request;
  app.response = http.ServerResponse.prototype as unknown as Response;
  return (req, res) => {
    req.app = app;
    res.app = app;
  };
}

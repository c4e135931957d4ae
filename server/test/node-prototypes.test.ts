/**
 * Express's methods served from Node's own prototypes (http/node-prototypes.ts): requests keep
 * the prototype Node gave them, Express's request and response methods still work, and each app
 * of a process answers with its own settings.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { useNodePrototypes } from '../src/http/node-prototypes';

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function serve(app: Express): Promise<string> {
  const server = http.createServer(app);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** An app on Node's prototypes whose route reports what the request looked like. */
function probeApp(spaces: number): Express {
  const app = express();
  const adopt = useNodePrototypes(app);
  app.set('json spaces', spaces);
  app.set('query parser', 'simple');
  app.use((req, res, next) => {
    adopt(req, res);
    next();
  });
  app.use(express.json());
  app.post('/probe/:name', (req, res) => {
    res.status(201).json({
      requestPrototypeIsNodes: Object.getPrototypeOf(req) === http.IncomingMessage.prototype,
      responsePrototypeIsNodes: Object.getPrototypeOf(res) === http.ServerResponse.prototype,
      path: req.path,
      name: req.params.name,
      q: req.query.q,
      header: req.get('x-probe'),
      isJson: req.is('application/json'),
      body: req.body as unknown,
    });
  });
  return app;
}

describe('Express on Node prototypes', () => {
  it('keeps Node prototypes and Express behaviour, each app with its own settings', async () => {
    const [two, none] = await Promise.all([serve(probeApp(2)), serve(probeApp(0))]);
    const ask = (base: string) =>
      fetch(`${base}/probe/alice?q=7`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-probe': 'yes' },
        body: JSON.stringify({ amount: 5 }),
      });
    const [a, b] = await Promise.all([ask(two), ask(none)]);
    expect(a.status).toBe(201);
    expect(a.headers.get('content-type')).toMatch(/^application\/json/);
    const textA = await a.text();
    const textB = await b.text();
    const expected = {
      requestPrototypeIsNodes: true,
      responsePrototypeIsNodes: true,
      path: '/probe/alice',
      name: 'alice',
      q: '7',
      header: 'yes',
      isJson: 'application/json',
      body: { amount: 5 },
    };
    expect(JSON.parse(textA)).toEqual(expected);
    expect(JSON.parse(textB)).toEqual(expected);
    // 'json spaces' is read from res.app: each app's own setting.
    expect(textA).toBe(JSON.stringify(expected, null, 2));
    expect(textB).toBe(JSON.stringify(expected));
  });

  it('leaves a plain Express app of the same process working as before', async () => {
    useNodePrototypes(express()); // installed in this process
    const plain = express();
    plain.get('/hello', (req, res) => {
      res.json({ path: req.path, own: Object.getPrototypeOf(req) === plain.request });
    });
    const res = await fetch(`${await serve(plain)}/hello`);
    expect(await res.json()).toEqual({ path: '/hello', own: true });
  });
});

import { it } from 'vitest';
import { keepAliveAgent, send, startServer } from './_support';
it('perf', async () => {
  const s = await startServer();
  const agent = keepAliveAgent(50);
  for (const n of [200, 2000]) {
    const t0 = performance.now();
    await Promise.all(Array.from({ length: n }, () => send(agent, s.port, 'GET', '/v1/health')));
    console.log(n, performance.now() - t0);
  }
  const t0 = performance.now();
  for (let i = 0; i < 200; i++) await send(agent, s.port, 'GET', '/v1/health');
  console.log('seq200', performance.now() - t0);
  agent.destroy(); await s.close();
});

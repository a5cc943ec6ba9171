import type { Config } from '../../src/config.js';
import { createTestApp } from '../../test/harness.js';

/** The whole app on a fresh embedded database, listening on a loopback port for the browser; its jobs run when asked. */
export async function startServer(options: { jobs?: 'work' | 'send' | 'none'; clock?: () => Date; config?: Partial<Config> } = {}) {
  const t = await createTestApp({ jobs: options.jobs ?? 'none', clock: options.clock, config: options.config });
  const adminPassword = await t.services.users.createFirstAdmin();
  if (!adminPassword) throw new Error('expected a first admin on a fresh database');
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const address = t.app.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return { ...t, baseUrl: `http://127.0.0.1:${address.port}`, adminPassword };
}

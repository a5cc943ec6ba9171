import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DB } from './harness.js';
import {
  childEnv as envFor,
  freePort,
  killChildren,
  runToEnd as run,
  startServer as start,
  temporaryDir,
  throwawayDatabase,
  type Program,
  type Server,
} from './processes.js';

/**
 * The real server (`npm start`) as a child process: first start, sign-in with the one-time
 * password, the data-directory lock, bad configuration and a clean shutdown. One DATA_DIR (and,
 * on PostgreSQL, one fresh database) for the whole file; the steps run in order.
 */

const ON_PGLITE = TEST_DB === 'pglite';

let dataDir: ReturnType<typeof temporaryDir>;
let database: Awaited<ReturnType<typeof throwawayDatabase>> | undefined;

const childEnv = (extra: Record<string, string> = {}) => envFor({ dataDir: dataDir.dir, databaseUrl: database?.url }, extra);
const runToEnd = (program: Program, args: string[], env: NodeJS.ProcessEnv) => run(program, args, { env, timeoutMs: 60_000 });
const startServer = async () => start(childEnv(), await freePort());

/** Signs in through the form, as a browser would: the form's cookie and CSRF token, then the post. */
async function signIn(url: string, username: string, password: string) {
  const form = await fetch(`${url}/sign-in`);
  expect(form.status).toBe(200);
  const cookie = form.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1];
  expect(csrf).toBeTruthy();
  return fetch(`${url}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf!, username, password, returnTo: '' }),
  });
}

const oneTimePassword = (output: string) => /one-time password:\s+(\S+)/.exec(output)?.[1];

beforeAll(async () => {
  dataDir = temporaryDir('rd-server-');
  if (!ON_PGLITE) database = await throwawayDatabase('rd_server');
});

afterAll(async () => {
  killChildren();
  await database?.drop();
  dataDir.remove();
});

describe.runIf(ON_PGLITE)('a bad configuration value', () => {
  it.each([
    ['PORT', 'abc'],
    ['DATABASE_URL', 'mysql://x'],
    ['JOBS', 'sometimes'],
  ])('%s=%s stops the start with a message naming it, exit code 2', { timeout: 60_000 }, async (name, value) => {
    const r = await runToEnd('server', [], childEnv({ [name]: value }));
    expect(r.code).toBe(2);
    expect(r.output).toMatch(new RegExp(`^Invalid configuration:\\n {2}${name}: `));
    // It stops before touching the data directory.
    expect(fs.existsSync(path.join(dataDir.dir, 'pglite'))).toBe(false);
  });
});

describe(`the server on ${TEST_DB}`, () => {
  let server: Server;
  let password: string;

  it('first start prints the admin one-time password once and answers /health', { timeout: 180_000 }, async () => {
    server = await startServer();
    const output = server.output();
    expect(output.match(/one-time password/g)).toHaveLength(1);
    password = oneTimePassword(output)!;
    expect(password).toMatch(/^[A-Za-z0-9_-]{20,}$/);

    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
  });

  it('the one-time password signs in and leads straight to changing it', { timeout: 30_000 }, async () => {
    const res = await signIn(server.url, 'admin', password);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/account/password');
  });

  it.runIf(ON_PGLITE)('while the server holds DATA_DIR, a CLI command exits 3 at once saying what to do', { timeout: 60_000 }, async () => {
    const r = await runToEnd('cli', ['audit', 'verify'], childEnv());
    expect(r.code).toBe(3);
    expect(r.output).toContain(`The embedded database in ${dataDir.dir} is in use by the Referral Desk server (pid ${server.child.pid})`);
    expect(r.output).toContain('stop that process first, or set DATABASE_URL');
    // It gives up at once rather than waiting for the lock (a start alone takes seconds here).
    expect(r.ms).toBeLessThan(20_000);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });

  it.runIf(ON_PGLITE)('a second server on the same DATA_DIR refuses to start with the same message', { timeout: 60_000 }, async () => {
    const r = await runToEnd('server', [], childEnv({ PORT: String(await freePort()) }));
    expect(r.code).toBe(3);
    expect(r.output).toContain(`is in use by the Referral Desk server (pid ${server.child.pid})`);
    expect(r.output).not.toContain('one-time password');
  });

  it('SIGTERM shuts the server down cleanly and releases the database', { timeout: 90_000 }, async () => {
    expect(await server.stop()).toBe(0);
    if (ON_PGLITE) {
      expect(fs.existsSync(path.join(dataDir.dir, 'pglite.lock'))).toBe(false);
      expect(fs.existsSync(path.join(dataDir.dir, 'pglite.holder'))).toBe(false);
    }
    // The data survived the refused CLI and second server: the chain holds every entry so far.
    const r = await runToEnd('cli', ['audit', 'verify'], childEnv());
    expect(r.output).toMatch(/Audit chain intact: \d+ entries verified/);
    expect(r.code).toBe(0);
  });

  it('a second start prints no password, and the admin account is still there', { timeout: 180_000 }, async () => {
    server = await startServer();
    expect(server.output()).not.toContain('one-time password');
    const res = await signIn(server.url, 'admin', password);
    expect(res.headers.get('location')).toBe('/account/password');
    expect(await server.stop()).toBe(0);
  });
});

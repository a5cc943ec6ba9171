import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DB } from './harness.js';

/**
 * The real server (`npm start`) as a child process: first start, sign-in with the one-time
 * password, the data-directory lock, bad configuration and a clean shutdown. One DATA_DIR (and,
 * on PostgreSQL, one fresh database) for the whole file; the steps run in order.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ON_PGLITE = TEST_DB === 'pglite';
const children = new Set<ChildProcess>();

let dataDir: string;
let databaseUrl: string | undefined;
let dropDatabase = async () => {};

function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', DATA_DIR: dataDir, ...extra };
  for (const k of ['DATABASE_URL', 'SESSION_SECRET', 'PORT', 'HOST']) if (!(k in extra)) delete env[k];
  if (databaseUrl && !('DATABASE_URL' in extra)) env.DATABASE_URL = databaseUrl;
  return env;
}

type Child = { child: ChildProcess; output: () => string; exited: Promise<number | null> };

function launch(script: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolve(code);
    }),
  );
  return { child, output: () => output, exited };
}

async function runToEnd(script: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000) {
  const started = Date.now();
  const c = launch(script, args, env, timeoutMs);
  const code = await c.exited;
  return { code, output: c.output(), ms: Date.now() - started };
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

type Server = Child & { url: string; stop: () => Promise<number | null> };

/** Starts the server and waits until GET /health answers 200 (or the process ends). */
async function startServer(): Promise<Server> {
  const port = await freePort();
  const c = launch('src/server.ts', [], childEnv({ PORT: String(port) }), 180_000);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (c.child.exitCode !== null) throw new Error(`the server exited with ${c.child.exitCode}:\n${c.output()}`);
    if (Date.now() > deadline) throw new Error(`the server did not answer /health in time:\n${c.output()}`);
    const ok = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 150));
  }
  return {
    ...c,
    url,
    async stop() {
      c.child.kill('SIGTERM');
      return c.exited;
    },
  };
}

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
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rd-server-'));
  if (!ON_PGLITE) {
    const adminUrl = process.env.TEST_DATABASE_URL;
    if (!adminUrl) throw new Error('TEST_DB=postgres needs TEST_DATABASE_URL');
    const name = `rd_server_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    dropDatabase = async () => {
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    };
  }
});

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await dropDatabase();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe.runIf(ON_PGLITE)('a bad configuration value', () => {
  it.each([
    ['PORT', 'abc'],
    ['DATABASE_URL', 'mysql://x'],
    ['JOBS', 'sometimes'],
  ])('%s=%s stops the start with a message naming it, exit code 2', { timeout: 60_000 }, async (name, value) => {
    const r = await runToEnd('src/server.ts', [], childEnv({ [name]: value }));
    expect(r.code).toBe(2);
    expect(r.output).toMatch(new RegExp(`^Invalid configuration:\\n {2}${name}: `));
    // It stops before touching the data directory.
    expect(fs.existsSync(path.join(dataDir, 'pglite'))).toBe(false);
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
    const r = await runToEnd('src/cli.ts', ['audit', 'verify'], childEnv());
    expect(r.code).toBe(3);
    expect(r.output).toContain(`The embedded database in ${dataDir} is in use by the Referral Desk server (pid ${server.child.pid})`);
    expect(r.output).toContain('stop that process first, or set DATABASE_URL');
    // It gives up at once rather than waiting for the lock (a start alone takes seconds here).
    expect(r.ms).toBeLessThan(20_000);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });

  it.runIf(ON_PGLITE)('a second server on the same DATA_DIR refuses to start with the same message', { timeout: 60_000 }, async () => {
    const r = await runToEnd('src/server.ts', [], childEnv({ PORT: String(await freePort()) }));
    expect(r.code).toBe(3);
    expect(r.output).toContain(`is in use by the Referral Desk server (pid ${server.child.pid})`);
    expect(r.output).not.toContain('one-time password');
  });

  it('SIGTERM shuts the server down cleanly and releases the database', { timeout: 90_000 }, async () => {
    expect(await server.stop()).toBe(0);
    if (ON_PGLITE) {
      expect(fs.existsSync(path.join(dataDir, 'pglite.lock'))).toBe(false);
      expect(fs.existsSync(path.join(dataDir, 'pglite.holder'))).toBe(false);
    }
    // The data survived the refused CLI and second server: the chain holds every entry so far.
    const r = await runToEnd('src/cli.ts', ['audit', 'verify'], childEnv());
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

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase, type Database } from '../src/db/client.js';

/**
 * What the tests that run the real thing share: a free port, the server or the CLI as a child
 * process, a throwaway PostgreSQL database and a temporary DATA_DIR. One home, so that a fix to
 * how a child is awaited or killed reaches every suite.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A port nothing listens on now (the kernel's choice, released at once). */
export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/** A new, empty database on the PostgreSQL server of TEST_DATABASE_URL; `drop` removes it. */
export async function throwawayDatabase(prefix = 'rd_test'): Promise<{ url: string; drop: () => Promise<void> }> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('TEST_DB=postgres needs TEST_DATABASE_URL');
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const asAdmin = async (statement: string) => {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(statement);
    await admin.end();
  };
  await asAdmin(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => asAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** A new directory under the system's temporary one; `remove` deletes it and all it holds. */
export function temporaryDir(prefix: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The environment of a child: only what the test sets, nothing inherited that would change the
 * database, secret, port or host it uses.
 */
export function childEnv(base: { dataDir: string; databaseUrl?: string }, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', DATA_DIR: base.dataDir, ...extra };
  for (const k of ['DATABASE_URL', 'SESSION_SECRET', 'PORT', 'HOST']) if (!(k in extra)) delete env[k];
  if (base.databaseUrl && !('DATABASE_URL' in extra)) env.DATABASE_URL = base.databaseUrl;
  return env;
}

export type Child = {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Both streams, in the order they came. */
  output: () => string;
  exited: Promise<number | null>;
};

const children = new Set<ChildProcess>();

/** Kills every child still running (for afterAll: a failed test must not leave a server behind). */
export function killChildren() {
  for (const c of children) c.kill('SIGKILL');
}

/** What a test may start: an entry point of the compiled build, as `npm run cli` and `npm start` run it (decision 007). */
export type Program = 'cli' | 'server';

let built: Promise<void> | undefined;

/**
 * The compiled build, made once a worker when src/ changed since the last (`scripts/build.mjs
 * --if-stale`, which takes a lock: workers ask at once). A child started from it is ready in about
 * half the time of one compiling the TypeScript through tsx, and the suites start dozens.
 */
function compiled(): Promise<void> {
  built ??= new Promise((resolve, reject) =>
    execFile(process.execPath, ['scripts/build.mjs', '--if-stale'], { cwd: ROOT }, (err, stdout, stderr) =>
      err ? reject(new Error(`the build failed:\n${stdout}${stderr}`)) : resolve(),
    ),
  );
  return built;
}

/**
 * Runs `node dist/<program>.js args…` from the project's root, killed after `timeoutMs`; `input`
 * goes to standard input; `umask` runs it under that file mode mask.
 */
export async function launch(
  program: Program,
  args: string[],
  options: { env: NodeJS.ProcessEnv; timeoutMs: number; input?: string; umask?: string },
): Promise<Child> {
  await compiled();
  const node = [path.join('dist', `${program}.js`), ...args];
  const child = options.umask
    ? spawn('sh', ['-c', `umask ${options.umask} && exec "$0" "$@"`, process.execPath, ...node], { cwd: ROOT, env: options.env })
    : spawn(process.execPath, node, { cwd: ROOT, env: options.env });
  children.add(child);
  let stdout = '';
  let stderr = '';
  let output = '';
  child.stdout.on('data', (d: Buffer) => ((stdout += d.toString()), (output += d.toString())));
  child.stderr.on('data', (d: Buffer) => ((stderr += d.toString()), (output += d.toString())));
  child.stdin.end(options.input ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolve(code);
    }),
  );
  return { child, stdout: () => stdout, stderr: () => stderr, output: () => output, exited };
}

/** Runs a program to its end: its exit code, what it wrote and how long it took (from its start, not the build's). */
export async function runToEnd(program: Program, args: string[], options: Parameters<typeof launch>[2]) {
  await compiled();
  const started = Date.now();
  const c = await launch(program, args, options);
  const code = await c.exited;
  return { code, stdout: c.stdout(), stderr: c.stderr(), output: c.output(), ms: Date.now() - started };
}

export type Server = Child & { url: string; stop: () => Promise<number | null> };

/**
 * Starts the server on `port` and waits until GET /health answers 200 (or the process ends);
 * `stop` sends SIGTERM, then SIGKILL if it has not ended within 20 seconds.
 */
export async function startServer(env: NodeJS.ProcessEnv, port: number, umask?: string): Promise<Server> {
  const c = await launch('server', [], { env: { ...env, PORT: String(port) }, timeoutMs: 180_000, umask });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (c.child.exitCode !== null) throw new Error(`the server exited with ${c.child.exitCode}:\n${c.output()}`);
    if (Date.now() > deadline) {
      c.child.kill('SIGKILL');
      throw new Error(`the server did not answer /health in time:\n${c.output()}`);
    }
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
      const timer = setTimeout(() => c.child.kill('SIGKILL'), 20_000);
      const code = await c.exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/**
 * The database a CLI child uses (DATA_DIR's PGlite, or `databaseUrl`), opened in this process
 * only while no child runs (PGlite is locked), and closed after `fn`. A new embedded one starts as
 * a copy of the run's migrated template (test/global-setup.ts): initdb and the migrations cost seconds.
 */
export async function withChildDatabase<T>(where: { dataDir: string; databaseUrl?: string }, fn: (d: Database) => Promise<T>) {
  const fresh = !where.databaseUrl && !fs.existsSync(path.join(where.dataDir, 'pglite'));
  const d = where.databaseUrl
    ? await openDatabase({ kind: 'postgres', url: where.databaseUrl, poolSize: 1 })
    : await openDatabase({
        kind: 'pglite',
        dataDir: where.dataDir,
        holder: 'test',
        loadDataDir: fresh ? new Blob([fs.readFileSync(inject('pgliteTemplate'))]) : undefined,
      });
  try {
    return await fn(d);
  } finally {
    await d.close();
  }
}

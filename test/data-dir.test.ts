import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_DB } from './harness.js';

/**
 * Issue 10: PGlite created its files 0666 (world-readable personal data). Whatever the umask,
 * DATA_DIR and every directory under it must be 0700 and every file 0600, while the server runs
 * and after it stops. The embedded database only: on PostgreSQL the server owns its files.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const base = fs.mkdtempSync(path.join(os.tmpdir(), 'rd-modes-'));
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

/** Every entry under dir whose permission bits are not the private ones. */
function notPrivate(dir: string): string[] {
  const wrong: string[] = [];
  const walk = (p: string) => {
    const st = fs.lstatSync(p);
    const mode = st.mode & 0o777;
    if (st.isDirectory()) {
      if (mode !== 0o700) wrong.push(`${path.relative(base, p) || '.'}/ ${mode.toString(8)}`);
      for (const e of fs.readdirSync(p)) walk(path.join(p, e));
    } else if (st.isFile() && mode !== 0o600) wrong.push(`${path.relative(base, p)} ${mode.toString(8)}`);
  };
  walk(dir);
  return wrong;
}

/** The real server under umask 000 until /health answers, then SIGTERM. */
async function runServerOnce(dataDir: string) {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', DATA_DIR: dataDir, PORT: String(port) };
  for (const k of ['DATABASE_URL', 'SESSION_SECRET', 'HOST']) delete env[k];
  const child = spawn('sh', ['-c', 'umask 000 && exec "$0" --import tsx src/server.ts', process.execPath], {
    cwd: ROOT,
    env,
    stdio: 'pipe',
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`no /health in time:\n${output}`);
    }
    if (
      await fetch(`http://127.0.0.1:${port}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const modeOf = (p: string) => (fs.statSync(p).mode & 0o777).toString(8);
  const whileRunning = { dataDir: modeOf(dataDir), pglite: modeOf(path.join(dataDir, 'pglite')) };
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  return whileRunning;
}

describe.runIf(TEST_DB === 'pglite')('the embedded database’s files are private whatever the umask', () => {
  it('a new DATA_DIR: 0700 directories and 0600 files, while running and after', async () => {
    const dataDir = path.join(base, 'new');
    // While it runs the directories already shut everyone else out; files the database made since
    // it opened are put right when it closes.
    expect(await runServerOnce(dataDir)).toEqual({ dataDir: '700', pglite: '700' });
    expect(notPrivate(dataDir)).toEqual([]);
    expect(fs.existsSync(path.join(dataDir, 'pglite', 'PG_VERSION'))).toBe(true);
    expect(fs.existsSync(path.join(dataDir, 'session-secret'))).toBe(true);
  }, 180_000);

  it('an existing DATA_DIR left open to others is closed at start', async () => {
    const dataDir = path.join(base, 'existing');
    fs.mkdirSync(dataDir, { mode: 0o777 });
    fs.chmodSync(dataDir, 0o777);
    await runServerOnce(dataDir);
    expect(notPrivate(dataDir)).toEqual([]);
  }, 180_000);
});

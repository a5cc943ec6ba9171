import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_DB } from './harness.js';
import { childEnv, freePort, startServer, temporaryDir } from './processes.js';

/**
 * Issue 10: PGlite created its files 0666 (world-readable personal data). Whatever the umask,
 * DATA_DIR and every directory under it must be 0700 and every file 0600, while the server runs
 * and after it stops. The embedded database only: on PostgreSQL the server owns its files. The
 * steps run in order: the second restarts the first's DATA_DIR (each first start costs seconds).
 */

const { dir: base, remove } = temporaryDir('rd-modes-');
afterAll(remove);

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
  const server = await startServer(childEnv({ dataDir }), await freePort(), '000');
  const modeOf = (p: string) => (fs.statSync(p).mode & 0o777).toString(8);
  const whileRunning = { dataDir: modeOf(dataDir), pglite: modeOf(path.join(dataDir, 'pglite')) };
  expect(await server.stop()).toBe(0);
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
    // The keys made at the first start (decisions 014, 020): 0600 under umask 000 too (notPrivate above).
    expect(
      fs
        .readdirSync(dataDir)
        .filter((f) => f.endsWith('.key'))
        .sort(),
    ).toEqual(['evidence.key', 'persona.key']);
  }, 180_000);

  it('an existing DATA_DIR left open to others is closed at start', async () => {
    // The one above, opened up by someone since: a restart, not a second first start (each costs seconds).
    const dataDir = path.join(base, 'new');
    fs.chmodSync(dataDir, 0o777);
    await runServerOnce(dataDir);
    expect(notPrivate(dataDir)).toEqual([]);
  }, 180_000);
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../src/db/client.js';
import { migrate } from '../src/db/migrate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated, empty PGlite data directory as a tarball: each test database starts from a copy. */
    pgliteTemplate: string;
  }
}

/**
 * Runs once per test project that uses PGlite (vitest.config.ts), before any test file: initdb and
 * the migrations cost seconds, and every test file would otherwise pay them again (files run
 * isolated, so a module-level cache lasts one file only).
 */
export default async function setup(project: TestProject) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rd-pglite-template-'));
  const file = path.join(dir, 'template.tar');
  const d = await openDatabase({ kind: 'pglite', holder: 'tests' });
  try {
    await migrate(d);
    const client = (d.db as unknown as { $client: { dumpDataDir: (c: 'none') => Promise<Blob> } }).$client;
    fs.writeFileSync(file, Buffer.from(await (await client.dumpDataDir('none')).arrayBuffer()), { mode: 0o600 });
  } finally {
    await d.close();
  }
  project.provide('pgliteTemplate', file);
  return () => fs.rmSync(dir, { recursive: true, force: true });
}

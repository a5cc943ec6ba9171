import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packagePathFor, type Manifest } from '../src/domain/evidence-manifest.js';
import { writePackage } from '../src/modules/evidence/evidence-package.js';
import { TEST_DB } from './harness.js';
import { makeMedia } from './media.js';
import { childEnv, killChildren, runToEnd, temporaryDir } from './processes.js';

/**
 * `npm run cli -- evidence verify FILE.zip` (issue 12 point 5) as a recipient runs it: the real
 * command line as a child process, on the file alone. Its environment names a database URL the
 * CLI cannot use and an empty DATA_DIR: the command must touch neither.
 */

let work: ReturnType<typeof temporaryDir>;
let dataDir: ReturnType<typeof temporaryDir>;
let media: { path: string; bytes: Buffer; mediaType: string; id: string }[];

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const cli = (args: string[]) =>
  runToEnd('cli', args, { env: childEnv({ dataDir: dataDir.dir }, { DATABASE_URL: 'mysql://nowhere' }), timeoutMs: 60_000 });

const manifest = (): Manifest => ({
  reference: 'RD-2026-000123',
  createdAt: '2026-12-05T14:03:27.512Z',
  createdBy: 'Sam Lee',
  recipient: 'DC Jones, Trident',
  purpose: 'Investigation of threats made in a drill video',
  handling: { handlingCode: 'P', handlingConditions: null },
  files: media.map((m) => ({
    path: packagePathFor(m),
    sha256: sha256(m.bytes),
    size: m.bytes.length,
    mediaType: m.mediaType,
    capturedAt: '2026-12-01T10:15:00.000Z',
    capturedBy: 'Ria Patel',
    source: { kind: 'url' as const, url: 'https://video.example/watch/1', tool: 'yt-dlp', toolVersion: '2023.03.04' },
  })),
});

beforeAll(async () => {
  work = temporaryDir('rd-verify-');
  dataDir = temporaryDir('rd-verify-data-');
  media = [
    { ...(await madeMedia('clip.mp4', 'mp4')), mediaType: 'video/mp4', id: randomUUID() },
    { ...(await madeMedia('track.mp3', 'mp3')), mediaType: 'audio/mpeg', id: randomUUID() },
  ];
}, 60_000);

async function madeMedia(name: string, kind: 'mp4' | 'mp3') {
  const p = await makeMedia(work.dir, name, kind, 1);
  return { path: p, bytes: fs.readFileSync(p) };
}

afterAll(() => {
  killChildren();
  work.remove();
  dataDir.remove();
});

// The command touches no database: once is enough, on the first project (CI's time budget).
describe.runIf(TEST_DB === 'pglite')('evidence verify on the command line', () => {
  it('exits 0 for a sound package, one ok line a file with its hash, and the package SHA-256', { timeout: 90_000 }, async () => {
    const zipPath = path.join(work.dir, 'sound.zip');
    const files = media.map((m) => ({ path: packagePathFor(m), open: async () => fs.createReadStream(m.path) }));
    await pipeline(writePackage(manifest(), files), fs.createWriteStream(zipPath));

    const r = await cli(['evidence', 'verify', zipPath]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        ...media.map((m) => `ok  ${packagePathFor(m)}  ${sha256(m.bytes)}`),
        `Package SHA-256: ${sha256(fs.readFileSync(zipPath))}`,
        'Verified: all 2 files match the manifest of RD-2026-000123.',
        '',
      ].join('\n'),
    );
    // Neither the database nor DATA_DIR was touched.
    expect(fs.readdirSync(dataDir.dir)).toEqual([]);
  });

  it('exits 1 naming each bad file, and prints a hostile name escaped', { timeout: 90_000 }, async () => {
    const [good, altered] = media as [(typeof media)[number], (typeof media)[number]];
    const zip = new yazl.ZipFile();
    zip.addBuffer(Buffer.from(JSON.stringify(manifest())), 'manifest.json');
    zip.addBuffer(good.bytes, packagePathFor(good));
    const changed = Buffer.from(altered.bytes);
    const middle = changed.length >> 1;
    changed[middle] = changed[middle]! ^ 0x01;
    zip.addBuffer(changed, packagePathFor(altered));
    zip.addBuffer(Buffer.from('payload'), 'x[2Jx.exe');
    zip.end();
    const zipPath = path.join(work.dir, 'bad.zip');
    const bytes = Buffer.concat(await (zip.outputStream as Readable).toArray());
    // yazl refuses nothing here, but a control character is patched in to stand for a hostile name.
    for (let at = bytes.indexOf('x[2Jx'); at >= 0; at = bytes.indexOf('x[2Jx', at + 1)) bytes[at] = 0x1b;
    fs.writeFileSync(zipPath, bytes);

    const r = await cli(['evidence', 'verify', zipPath]);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('\u001b');
    expect(r.stdout.split('\n')).toEqual([
      `ok  ${packagePathFor(good)}  ${sha256(good.bytes)}`,
      `BAD ${packagePathFor(altered)}  SHA-256 differs from the manifest's ${sha256(altered.bytes)}`,
      'BAD \\u001b[2Jx.exe  unsafe name (a control or text-direction character)',
      `Package SHA-256: ${sha256(bytes)}`,
      'NOT verified: 2 of 3 files failed.',
      '',
    ]);
  });

  it('exits 1 for a file that is not a zip, saying so', { timeout: 90_000 }, async () => {
    const r = await cli(['evidence', 'verify', media[0]!.path]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^BAD \(package\) {2}The file is not a zip, or a damaged one: /);
    expect(r.stdout).toMatch(/\nNOT verified: 1 problem\(s\) with the package\.\n$/);
  });

  it('exits 2 for a usage error: no file named, a file that is not there, a folder', { timeout: 90_000 }, async () => {
    const [none, missing, folder] = await Promise.all([
      cli(['evidence', 'verify']),
      cli(['evidence', 'verify', path.join(work.dir, 'no-such.zip')]),
      cli(['evidence', 'verify', work.dir]),
    ]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/missing required argument 'file'/);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('The file cannot be read (ENOENT)\n');
    expect(missing.stdout).toBe('');
    expect(folder.code).toBe(2);
    expect(folder.stderr).toBe('The file cannot be read (EISDIR)\n');
  });
});

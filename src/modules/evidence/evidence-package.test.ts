import { createHash, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeMedia } from '../../../test/media.js';
import { packagePathFor, type Manifest } from '../../domain/evidence-manifest.js';
import { PackageUnreadable, verifyPackage, writePackage, type PackageFile } from './evidence-package.js';

/** Packages written and read on a temporary folder; the captures are real media made by ffmpeg. */

let dir: string;
let media: { path: string; bytes: Buffer; mediaType: string; id: string }[];

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rd-package-'));
  const made = [
    { name: 'clip.mp4', kind: 'mp4', mediaType: 'video/mp4' },
    { name: 'clip.webm', kind: 'webm', mediaType: 'video/webm' },
    { name: 'track.mp3', kind: 'mp3', mediaType: 'audio/mpeg' },
  ] as const;
  media = await Promise.all(
    made.map(async (m) => {
      const p = await makeMedia(dir, m.name, m.kind, 1);
      return { path: p, bytes: fs.readFileSync(p), mediaType: m.mediaType, id: randomUUID() };
    }),
  );
}, 60_000);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function manifestOf(files = media): Manifest {
  return {
    reference: 'RD-2026-000123',
    createdAt: '2026-12-05T14:03:27.512Z',
    createdBy: 'Sam Lee',
    recipient: 'DC Jones, Trident',
    purpose: 'Investigation of threats made in a drill video',
    handling: { handlingCode: 'C', handlingConditions: 'Not for onward sharing' },
    files: files.map((m) => ({
      path: packagePathFor(m),
      sha256: sha256(m.bytes),
      size: m.bytes.length,
      mediaType: m.mediaType,
      capturedAt: '2026-12-01T10:15:00.000Z',
      capturedBy: 'Ria Patel',
      source: { kind: 'upload' as const },
    })),
  };
}

const sourcesOf = (files = media): PackageFile[] =>
  files.map((m) => ({ path: packagePathFor(m), open: async () => fs.createReadStream(m.path) }));

let count = 0;
/** Writes a package to a new file and returns its path. */
async function written(manifest = manifestOf(), sources = sourcesOf()): Promise<string> {
  const out = path.join(dir, `package-${++count}.zip`);
  await pipeline(writePackage(manifest, sources), fs.createWriteStream(out));
  return out;
}

/** A zip made directly with yazl, for packages our writer would never make. */
async function zipOf(entries: { name: string; data: Buffer }[], options: { zip64?: boolean } = {}): Promise<string> {
  const zip = new yazl.ZipFile();
  for (const e of entries) zip.addBuffer(e.data, e.name, { forceZip64Format: options.zip64 ?? false });
  zip.end({ forceZip64Format: options.zip64 ?? false, comment: '' });
  const out = path.join(dir, `hostile-${++count}.zip`);
  await pipeline(zip.outputStream, fs.createWriteStream(out));
  return out;
}

const manifestEntry = (m: unknown) => ({ name: 'manifest.json', data: Buffer.from(JSON.stringify(m)) });
const fileEntries = (files = media) => files.map((m) => ({ name: packagePathFor(m), data: m.bytes }));

/** Each entry's name, compression method and file data offset, read back with yauzl. */
async function entriesOf(zipPath: string) {
  const zip = await yauzl.openPromise(zipPath, { lazyEntries: true });
  const found: { name: string; compressionMethod: number }[] = [];
  for await (const e of zip.eachEntry()) found.push({ name: e.fileName, compressionMethod: e.compressionMethod });
  return found;
}

describe('writing a package', () => {
  it('holds manifest.json first, then each capture at its path, stored byte for byte, and verifies', async () => {
    const zipPath = await written();
    const report = await verifyPackage(zipPath);
    expect(report).toEqual({
      ok: true,
      packageSha256: sha256(fs.readFileSync(zipPath)),
      manifest: manifestOf(),
      files: media.map((m) => ({ path: packagePathFor(m), ok: true, sha256: sha256(m.bytes) })),
      problems: [],
    });
    // Stored (method 0): each capture's bytes are in the zip as they are, contiguous.
    expect(await entriesOf(zipPath)).toEqual([
      { name: 'manifest.json', compressionMethod: 8 },
      ...media.map((m) => ({ name: packagePathFor(m), compressionMethod: 0 })),
    ]);
    const zip = fs.readFileSync(zipPath);
    for (const m of media) expect(zip.indexOf(m.bytes)).toBeGreaterThan(0);
  });

  it("writes the manifest of DESIGN.md, with the handling code and conditions (SOP 6.3), as the zip's manifest.json", async () => {
    const zipPath = await written();
    const zip = await yauzl.openPromise(zipPath, { lazyEntries: true });
    let text = '';
    for await (const e of zip.eachEntry()) {
      if (e.fileName !== 'manifest.json') continue;
      for await (const chunk of await zip.openReadStreamPromise(e)) text += chunk;
    }
    const json = JSON.parse(text);
    expect(Object.keys(json)).toEqual(['reference', 'createdAt', 'createdBy', 'recipient', 'purpose', 'handling', 'files']);
    expect(json.handling).toEqual({ handlingCode: 'C', handlingConditions: 'Not for onward sharing' });
    expect(json.files[1]).toEqual({
      path: `captures/${media[1]!.id}.webm`,
      sha256: sha256(media[1]!.bytes),
      size: media[1]!.bytes.length,
      mediaType: 'video/webm',
      capturedAt: '2026-12-01T10:15:00.000Z',
      capturedBy: 'Ria Patel',
      source: { kind: 'upload' },
    });
  });

  it('gives the same bytes for the same inputs, in any time zone', async () => {
    const zone = process.env.TZ;
    try {
      process.env.TZ = 'UTC';
      const first = fs.readFileSync(await written());
      process.env.TZ = 'Pacific/Auckland';
      const second = fs.readFileSync(await written());
      expect(sha256(second)).toBe(sha256(first));
      const other = fs.readFileSync(await written({ ...manifestOf(), purpose: 'Another purpose' }));
      expect(sha256(other)).not.toBe(sha256(first));
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it('streams into a consumer of byte chunks (the evidence store), opening each source only in its turn', async () => {
    const opened: string[] = [];
    const sources = sourcesOf().map((s) => ({
      path: s.path,
      open: () => {
        opened.push(s.path);
        return s.open();
      },
    }));
    const stream = writePackage(manifestOf(), sources);
    expect(opened).toEqual([]);
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of stream as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      size += chunk.length;
    }
    expect(opened).toEqual(sources.map((s) => s.path));
    expect(size).toBeGreaterThan(media.reduce((n, m) => n + m.bytes.length, 0));
    const zipPath = await written();
    expect(hash.digest('hex')).toBe((await verifyPackage(zipPath)).packageSha256);
  });

  it('fails the stream when a source breaks off, cannot be opened, or gives another size than the manifest', async () => {
    const drain = async (s: Readable) => {
      for await (const _ of s);
    };
    const breaking = sourcesOf().map((s, i) =>
      i === 1
        ? {
            path: s.path,
            open: async () =>
              Readable.from(
                (async function* () {
                  yield Buffer.alloc(10);
                  throw new Error('the store failed a segment tag');
                })(),
              ),
          }
        : s,
    );
    await expect(drain(writePackage(manifestOf(), breaking))).rejects.toThrow('the store failed a segment tag');
    const unopenable = sourcesOf().map((s) => ({ ...s, open: () => Promise.reject(new Error('no such object')) }));
    await expect(drain(writePackage(manifestOf(), unopenable))).rejects.toThrow('no such object');
    const short = sourcesOf().map((s) => ({ ...s, open: async () => Readable.from([Buffer.from('short')]) }));
    await expect(drain(writePackage(manifestOf(), short))).rejects.toThrow(/unexpected number of bytes/);
  });

  it('releases the source being read when the consumer stops (a failed put, a closed connection)', async () => {
    // A source that would never end on its own: only the writer can stop it.
    const endless = Readable.from(
      (function* () {
        for (;;) yield Buffer.alloc(1024, 7);
      })(),
    );
    const sources = sourcesOf().map((s, i) => (i === 0 ? { path: s.path, open: async () => endless } : s));
    const stream = writePackage(manifestOf(), sources);
    let seen = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      seen += chunk.length;
      if (seen > 64 * 1024) break;
    }
    if (!endless.destroyed) await new Promise((resolve) => endless.once('close', resolve));
    expect(endless.destroyed).toBe(true);
    expect(stream.destroyed).toBe(true);
  });

  it('refuses at once a manifest it could not verify, or files that are not those it lists', () => {
    const bad = { ...manifestOf(), files: [{ ...manifestOf().files[0]!, path: '../evil' }] };
    expect(() => writePackage(bad, [{ path: '../evil', open: async () => Readable.from([]) }])).toThrow(/unsafe path/i);
    expect(() => writePackage(manifestOf(), sourcesOf().slice(1))).toThrow(/not exactly those its manifest lists/);
    const doubled = [...sourcesOf().slice(0, 2), sourcesOf()[0]!];
    expect(() => writePackage(manifestOf(), doubled)).toThrow(/not exactly those its manifest lists/);
  });
});

describe('verifying a package', () => {
  it('fails a file whose bytes were changed in the zip, naming the hash and the CRC', async () => {
    const zipPath = await written();
    const zip = fs.readFileSync(zipPath);
    const target = media[2]!;
    const at = zip.indexOf(target.bytes) + Math.floor(target.bytes.length / 2);
    zip[at] = zip[at]! ^ 0xff;
    fs.writeFileSync(zipPath, zip);
    const report = await verifyPackage(zipPath);
    expect(report.ok).toBe(false);
    expect(report.packageSha256).toBe(sha256(zip));
    expect(report.files.map((f) => f.ok)).toEqual([true, true, false]);
    expect(report.files[2]!.reason).toMatch(/CRC-32/);
    expect(report.files[2]!.reason).toMatch(/SHA-256 differs from the manifest's [0-9a-f]{64}/);
    expect(report.problems).toEqual([]);
  });

  it('fails a file whose bytes and size differ from the manifest in an otherwise sound zip', async () => {
    const changed = [...fileEntries().slice(0, 2), { name: packagePathFor(media[2]!), data: randomBytes(1000) }];
    const report = await verifyPackage(await zipOf([manifestEntry(manifestOf()), ...changed]));
    expect(report.ok).toBe(false);
    expect(report.files[2]).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^1000 bytes where the manifest says \d+; SHA-256 differs/),
    });
    expect(report.files[2]!.reason).not.toMatch(/CRC/);
  });

  it('fails a file the manifest lists and the zip lacks, and a file the zip holds and the manifest does not list', async () => {
    const missing = await verifyPackage(await zipOf([manifestEntry(manifestOf()), ...fileEntries().slice(0, 2)]));
    expect(missing.ok).toBe(false);
    expect(missing.files[2]).toEqual({ path: packagePathFor(media[2]!), ok: false, reason: 'missing from the package' });

    const extra = await verifyPackage(await zipOf([manifestEntry(manifestOf(media.slice(0, 2))), ...fileEntries()]));
    expect(extra.ok).toBe(false);
    expect(extra.files).toEqual([
      { path: packagePathFor(media[0]!), ok: true, sha256: sha256(media[0]!.bytes) },
      { path: packagePathFor(media[1]!), ok: true, sha256: sha256(media[1]!.bytes) },
      { path: packagePathFor(media[2]!), ok: false, sha256: sha256(media[2]!.bytes), reason: 'not in the manifest' },
    ]);
  });

  it('fails a manifest naming ../evil, and writes nothing anywhere', async () => {
    const evil = { ...manifestOf(), files: [{ ...manifestOf().files[0]!, path: '../evil' }] };
    const zipPath = await zipOf([manifestEntry(evil), { name: 'x/evil', data: media[0]!.bytes }]);
    const before = fs.readdirSync(dir);
    const report = await verifyPackage(zipPath);
    expect(report.ok).toBe(false);
    expect(report.manifest).toBeUndefined();
    expect(report.problems).toEqual(['manifest.json is malformed: files.0.path: An unsafe path: a parent folder (..) step']);
    expect(report.files).toEqual([
      { path: 'x/evil', ok: false, sha256: sha256(media[0]!.bytes), reason: 'not checked: no valid manifest.json' },
    ]);
    expect(fs.readdirSync(dir)).toEqual(before);
    expect(fs.existsSync(path.join(dir, '..', 'evil'))).toBe(false);
  });

  it.each([
    ['a parent folder step', 'aa/evil', '../evil', /unsafe name \(a parent folder/],
    ['an absolute path', 'xetc/passwd', '/etc/passwd', /unsafe name \(an absolute path\)/],
    ['a backslash', 'aa/b/evil', 'a\\..\\evil', /unsafe name \(a backslash/],
  ])('fails an entry named with %s, and reads on past it', async (_, safeName, unsafeName, reason) => {
    // yazl refuses unsafe names, so a safe one of the same length is written and then replaced.
    const zipPath = await zipOf([manifestEntry(manifestOf()), ...fileEntries(), { name: safeName, data: Buffer.from('payload') }]);
    const bytes = fs.readFileSync(zipPath);
    const from = Buffer.from(safeName);
    for (let at = bytes.indexOf(from); at >= 0; at = bytes.indexOf(from, at + 1)) Buffer.from(unsafeName).copy(bytes, at);
    fs.writeFileSync(zipPath, bytes);
    const report = await verifyPackage(zipPath);
    expect(report.ok).toBe(false);
    expect(report.files.slice(0, 3).every((f) => f.ok)).toBe(true);
    expect(report.files[3]).toMatchObject({ path: unsafeName, ok: false, reason: expect.stringMatching(reason) });
  });

  it('stops at entries that claim more bytes than the file holds (overlapping entries, a zip bomb)', async () => {
    const zipPath = await zipOf([manifestEntry(manifestOf()), ...fileEntries(), { name: 'bomb.bin', data: Buffer.alloc(16) }]);
    const bytes = fs.readFileSync(zipPath);
    // The central directory's record of bomb.bin (its second name, after the local header's): both
    // sizes set to 2 GiB, as entries pointing again and again at the same data would add up to.
    const record = bytes.indexOf('bomb.bin', bytes.indexOf('bomb.bin') + 1) - 46;
    expect(bytes.readUInt32LE(record)).toBe(0x02014b50);
    bytes.writeUInt32LE(0x7fffffff, record + 20);
    bytes.writeUInt32LE(0x7fffffff, record + 24);
    fs.writeFileSync(zipPath, bytes);
    const report = await verifyPackage(zipPath);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual(['The entries overlap or claim more bytes than the file holds: it is not read further']);
    expect(report.files.map((f) => f.ok)).toEqual([true, true, true]);
  });

  it('fails a package without a manifest, or with two', async () => {
    const none = await verifyPackage(await zipOf(fileEntries()));
    expect(none.ok).toBe(false);
    expect(none.problems).toEqual(['manifest.json is missing']);
    expect(none.files.every((f) => !f.ok && f.reason === 'not checked: no valid manifest.json')).toBe(true);
    const two = await verifyPackage(await zipOf([manifestEntry(manifestOf()), ...fileEntries(), manifestEntry(manifestOf())]));
    expect(two.ok).toBe(false);
    expect(two.problems).toEqual(['manifest.json is in the package 2 times']);
  });

  it('reads a Zip64 package, as yazl writes one for a file over 4 GiB (forced here on small files)', async () => {
    const zipPath = await zipOf([manifestEntry(manifestOf()), ...fileEntries()], { zip64: true });
    expect(fs.readFileSync(zipPath).includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(true);
    expect(await verifyPackage(zipPath)).toMatchObject({ ok: true, problems: [] });
  });

  it.each([
    ['an empty file', Buffer.alloc(0), /^The file is empty: it is not a zip$/],
    ['a media file', null, /^The file is not a zip, or a damaged one: /],
    ['random bytes', randomBytes(4096), /^The file is not a zip, or a damaged one: /],
  ])('fails %s, with its own SHA-256', async (_, content, problem) => {
    const p = path.join(dir, `not-a-zip-${++count}`);
    const bytes = content ?? media[0]!.bytes;
    fs.writeFileSync(p, bytes);
    const report = await verifyPackage(p);
    expect(report).toEqual({ ok: false, packageSha256: sha256(bytes), files: [], problems: [expect.stringMatching(problem)] });
  });

  it('fails a package cut short', async () => {
    const zipPath = await written();
    const bytes = fs.readFileSync(zipPath);
    fs.writeFileSync(zipPath, bytes.subarray(0, bytes.length - 30));
    const report = await verifyPackage(zipPath);
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatch(/not a zip, or a damaged one/);
  });

  it('throws PackageUnreadable, naming no path, for a file that is not there or a folder', async () => {
    const missing = path.join(dir, 'no-such-package.zip');
    await expect(verifyPackage(missing)).rejects.toThrow(PackageUnreadable);
    await expect(verifyPackage(missing)).rejects.toThrow('The file cannot be read (ENOENT)');
    await expect(verifyPackage(dir)).rejects.toThrow('The file cannot be read (EISDIR)');
  });
});

import { describe, expect, it } from 'vitest';
import {
  compareWithManifest,
  manifestSchema,
  packagePathFor,
  printable,
  readManifest,
  unsafePathReason,
  type FoundEntry,
  type Manifest,
} from './evidence-manifest.js';

const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);
const ID_A = '0b5e1a52-3f1c-4d7e-9a56-2f0e8c1b7d11';
const ID_B = '7c9d2e40-1a2b-4c3d-8e9f-0a1b2c3d4e5f';

const file = (path: string, sha256: string, size: number): Manifest['files'][number] => ({
  path,
  sha256,
  size,
  mediaType: 'video/mp4',
  capturedAt: '2026-12-01T10:15:00.000Z',
  capturedBy: 'Ria Patel',
  source: { kind: 'url', url: 'https://video.example/watch/1', tool: 'yt-dlp', toolVersion: '2023.03.04' },
});

const manifest = (files = [file(`captures/${ID_A}.mp4`, SHA_A, 100), file(`captures/${ID_B}.mp3`, SHA_B, 50)]): Manifest => ({
  reference: 'RD-2026-000123',
  createdAt: '2026-12-05T14:00:00.000Z',
  createdBy: 'Sam Lee',
  recipient: 'DC Jones, Trident',
  purpose: 'Investigation of threats in a drill video',
  handling: { handlingCode: 'C', handlingConditions: 'Not for onward sharing' },
  files,
});

const read = (path: string, sha256: string, size: number, crc32Ok = true): FoundEntry => ({ path, read: true, sha256, size, crc32Ok });

describe('the manifest schema (DESIGN.md "Evidence")', () => {
  it('reads back a manifest of the documented shape, keys in the documented order', () => {
    const parsed = readManifest(JSON.stringify(manifest()));
    expect(parsed).toEqual({ ok: true, manifest: manifest() });
    expect(Object.keys(manifestSchema.parse(manifest()))).toEqual([
      'reference',
      'createdAt',
      'createdBy',
      'recipient',
      'purpose',
      'handling',
      'files',
    ]);
  });

  it('holds handling code C only with its conditions, and P with none (SOP 6.3)', () => {
    const noConditions = { ...manifest(), handling: { handlingCode: 'C', handlingConditions: null } };
    expect(manifestSchema.safeParse(noConditions).success).toBe(false);
    const p = { ...manifest(), handling: { handlingCode: 'P', handlingConditions: null } };
    expect(manifestSchema.safeParse(p).success).toBe(true);
    expect(manifestSchema.safeParse({ ...manifest(), handling: { handlingCode: 'X', handlingConditions: null } }).success).toBe(false);
  });

  it.each([
    ['../evil', /parent folder/],
    ['captures/../../evil', /parent folder/],
    ['/etc/passwd', /absolute/],
    ['C:evil.exe', /absolute/],
    ['captures\\..\\evil', /backslash/],
    ['captures//x.mp4', /empty or "\." folder step/],
    ['./x.mp4', /empty or "\." folder step/],
    ['x\u0000.mp4', /control/],
    ['x\u202egpj.exe', /text-direction/],
    ['', /empty name/],
    ['manifest.json', /may not be named manifest\.json/],
  ])('refuses a manifest naming %j', (path, reason) => {
    const r = readManifest(JSON.stringify(manifest([file(path, SHA_A, 1)])));
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.problems.join('\n')).toMatch(new RegExp(`^manifest\\.json is malformed: files\\.0\\.path: .*${reason.source}`, 'm'));
  });

  it('refuses two files at the same path, even differing only by case', () => {
    const r = readManifest(JSON.stringify(manifest([file('captures/A.mp4', SHA_A, 1), file('captures/a.mp4', SHA_B, 1)])));
    expect(r).toEqual({ ok: false, problems: ['manifest.json is malformed: files.1.path: A path listed twice'] });
  });

  it.each([
    ['not JSON', '{"reference": ', /is not valid JSON/],
    ['an array', '[]', /malformed: \(the whole\)/],
    ['no files', JSON.stringify({ ...manifest(), files: [] }), /files: /],
    ['an upper-case hash', JSON.stringify(manifest([file('x.mp4', SHA_A.toUpperCase(), 1)])), /files\.0\.sha256: A SHA-256/],
    ['a negative size', JSON.stringify(manifest([file('x.mp4', SHA_A, -1)])), /files\.0\.size/],
    ['a date without a zone', JSON.stringify({ ...manifest(), createdAt: '2026-12-05 14:00' }), /createdAt/],
    [
      'an unknown source kind',
      JSON.stringify(manifest([{ ...file('x.mp4', SHA_A, 1), source: { kind: 'ftp' } }] as never)),
      /source\.kind/,
    ],
  ])('refuses %s, naming the field', (_, json, problem) => {
    const r = readManifest(json);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.join('\n')).toMatch(problem);
  });
});

describe('a path is safe to extract', () => {
  it.each(['captures/x.mp4', 'a/b/c.bin', 'x', 'caf\u00e9.mp4', '..x/y', 'x..'])('%j is safe', (path) => {
    expect(unsafePathReason(path)).toBeNull();
  });
  it('a name over 255 characters is not', () => expect(unsafePathReason('x'.repeat(256))).toMatch(/longer than 255/));
});

describe("a capture's path in the package", () => {
  it.each([
    ['video/mp4', 'mp4'],
    ['video/webm', 'webm'],
    ['video/matroska', 'mkv'],
    ['audio/mpeg', 'mp3'],
    ['audio/wav', 'wav'],
    ['audio/ogg; codecs=opus', 'ogg'],
    ['VIDEO/QUICKTIME', 'mov'],
    ['image/jpeg', 'jpg'],
    ['application/octet-stream', 'bin'],
    ['application/x-msdownload', 'bin'],
    ['video/mp4/../../evil', 'bin'],
  ])('comes from its id and the detected type %s → .%s', (mediaType, ext) => {
    expect(packagePathFor({ id: ID_A, mediaType })).toBe(`captures/${ID_A}.${ext}`);
  });

  it('is lower case whatever the id, and always a safe path', () => {
    const p = packagePathFor({ id: ID_A.toUpperCase(), mediaType: 'video/mp4' });
    expect(p).toBe(`captures/${ID_A}.mp4`);
    expect(unsafePathReason(p)).toBeNull();
  });

  it.each(['../../etc/passwd', `${ID_A}/x`, 'clip.mp4', ''])('refuses an id that is not a UUID: %j', (id) => {
    expect(() => packagePathFor({ id, mediaType: 'video/mp4' })).toThrow(/UUID/);
  });
});

describe('comparing a manifest with what the zip holds', () => {
  const [a, b] = manifest().files as [Manifest['files'][number], Manifest['files'][number]];

  it('passes every file found with its size and hash, in the manifest order', () => {
    expect(compareWithManifest(manifest(), [read(b.path, SHA_B, 50), read(a.path, SHA_A, 100)])).toEqual([
      { path: a.path, ok: true, sha256: SHA_A },
      { path: b.path, ok: true, sha256: SHA_B },
    ]);
  });

  it('fails a missing file, a changed size, a changed hash and a CRC failure, each with its reason', () => {
    const checks = compareWithManifest(manifest(), [read(a.path, SHA_B, 99, false)]);
    expect(checks).toEqual([
      {
        path: a.path,
        ok: false,
        sha256: SHA_B,
        reason: `corrupt: its bytes do not match the zip's own CRC-32; 99 bytes where the manifest says 100; SHA-256 differs from the manifest's ${SHA_A}`,
      },
      { path: b.path, ok: false, reason: 'missing from the package' },
    ]);
  });

  it('fails a file present twice, an unreadable one, and an entry the manifest does not list', () => {
    const checks = compareWithManifest(manifest(), [
      read(a.path, SHA_A, 100),
      read(a.path, SHA_B, 100),
      { path: b.path, read: false, reason: 'unsupported compression method: 12' },
      read('captures/extra.mp4', SHA_B, 3),
    ]);
    expect(checks).toEqual([
      { path: a.path, ok: false, reason: 'in the package 2 times' },
      { path: b.path, ok: false, reason: 'cannot be read: unsupported compression method: 12' },
      { path: 'captures/extra.mp4', ok: false, sha256: SHA_B, reason: 'not in the manifest' },
    ]);
  });

  it('fails an entry with an unsafe name, and checks nothing without a manifest', () => {
    expect(compareWithManifest(manifest([a]), [read(a.path, SHA_A, 100), read('../evil', SHA_B, 1)])[1]).toEqual({
      path: '../evil',
      ok: false,
      sha256: SHA_B,
      reason: 'unsafe name (a parent folder (..) step)',
    });
    expect(compareWithManifest(undefined, [read(a.path, SHA_A, 100)])).toEqual([
      { path: a.path, ok: false, sha256: SHA_A, reason: 'not checked: no valid manifest.json' },
    ]);
  });
});

describe('printing text from a package', () => {
  it('escapes control and text-direction characters, and leaves the rest alone', () => {
    expect(printable('captures/x.mp4')).toBe('captures/x.mp4');
    expect(printable('a\u001b[2Jb')).toBe('a\\u001b[2Jb');
    expect(printable('x\u202egpj.exe')).toBe('x\\u202egpj.exe');
    expect(printable('line\nbreak')).toBe('line\\u000abreak');
    expect(printable('\u0085 a\\b')).toBe('\\u0085 a\\\\b');
  });
});

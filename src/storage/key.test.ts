import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KeyFileError } from '../security/key-file.js';
import { loadEvidenceKey } from './key.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evidence-key-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const mode = (p: string) => fs.statSync(p).mode & 0o777;

describe('the evidence key (decision 014)', () => {
  it('is the configured key when there is one, and then writes no file', () => {
    const dataDir = tempDir();
    const configured = randomBytes(32);
    expect(loadEvidenceKey(configured, dataDir).equals(configured)).toBe(true);
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  it('is made once into DATA_DIR/evidence.key (0600, in a 0700 directory) and read back at every later start', () => {
    const dataDir = path.join(tempDir(), 'data');
    const first = loadEvidenceKey(undefined, dataDir);
    expect(first).toHaveLength(32);
    const file = path.join(dataDir, 'evidence.key');
    expect(fs.readFileSync(file, 'utf8').trim()).toBe(first.toString('hex'));
    expect(mode(file)).toBe(0o600);
    expect(mode(dataDir)).toBe(0o700);
    expect(fs.readdirSync(dataDir)).toEqual(['evidence.key']);
    expect(loadEvidenceKey(undefined, dataDir).equals(first)).toBe(true);
  });

  it('gives each new DATA_DIR its own key', () => {
    expect(loadEvidenceKey(undefined, tempDir()).equals(loadEvidenceKey(undefined, tempDir()))).toBe(false);
  });

  it.each([
    ['empty', ''],
    ['too short', 'ab'.repeat(31)],
    ['not hex', 'zz'.repeat(32)],
    ['too long', 'ab'.repeat(33)],
  ])('stops the start when the key file is %s, and leaves the file as it was', (_name, text) => {
    const dataDir = tempDir();
    const file = path.join(dataDir, 'evidence.key');
    fs.writeFileSync(file, text, { mode: 0o600 });
    expect(() => loadEvidenceKey(undefined, dataDir)).toThrow(KeyFileError);
    expect(() => loadEvidenceKey(undefined, dataDir)).toThrow(/evidence\.key.*not a key/);
    expect(fs.readFileSync(file, 'utf8')).toBe(text);
  });
});

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KeyFileError } from './key-file.js';
import { dropPendingPersonaKey, loadPersonaKey, pendingPersonaKey, promotePersonaKey, stagePersonaKey } from './persona-key.js';
import { openSecret, sealSecret, secretKey } from './sealed-secrets.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'persona-key-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const mode = (p: string) => fs.statSync(p).mode & 0o777;

describe('the persona key (issue 14 point 3, decision 020)', () => {
  it('is PERSONA_KEY when configured, and then writes no file', () => {
    const dataDir = tempDir();
    const configured = randomBytes(32);
    const key = loadPersonaKey(configured, dataDir);
    expect(key.key.equals(configured)).toBe(true);
    expect(key.id).toBe(secretKey(configured).id);
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  it('is made once into DATA_DIR/persona.key (0600, in a 0700 directory) and read back at every later start', () => {
    const dataDir = path.join(tempDir(), 'data');
    const first = loadPersonaKey(undefined, dataDir);
    const file = path.join(dataDir, 'persona.key');
    expect(fs.readFileSync(file, 'utf8').trim()).toBe(first.key.toString('hex'));
    expect(mode(file)).toBe(0o600);
    expect(mode(dataDir)).toBe(0o700);
    expect(fs.readdirSync(dataDir)).toEqual(['persona.key']);
    const again = loadPersonaKey(undefined, dataDir);
    expect(again.id).toBe(first.id);
    // What the first key sealed, the key read back opens.
    const { sealed } = sealSecret(first, 'persona:p1:password', 'hunter2-Ω');
    expect(openSecret(again, 'persona:p1:password', sealed)).toBe('hunter2-Ω');
  });

  it('is not the evidence key: each has its own file in the same DATA_DIR', async () => {
    const dataDir = tempDir();
    const { loadEvidenceKey } = await import('../storage/key.js');
    const evidence = loadEvidenceKey(undefined, dataDir);
    expect(loadPersonaKey(undefined, dataDir).key.equals(evidence)).toBe(false);
    expect(fs.readdirSync(dataDir).sort()).toEqual(['evidence.key', 'persona.key']);
  });

  it.each([
    ['empty', ''],
    ['too short', 'ab'.repeat(31)],
    ['not hex', 'zz'.repeat(32)],
    ['base64, not hex', randomBytes(32).toString('base64')],
  ])('stops the start when persona.key is %s, naming the file, and leaves it as it was', (_name, text) => {
    const dataDir = tempDir();
    const file = path.join(dataDir, 'persona.key');
    fs.writeFileSync(file, text, { mode: 0o600 });
    expect(() => loadPersonaKey(undefined, dataDir)).toThrow(KeyFileError);
    expect(() => loadPersonaKey(undefined, dataDir)).toThrow(
      /^persona\.key in DATA_DIR is not a key \(64 hex digits\); restore it from its backup$/,
    );
    expect(fs.readFileSync(file, 'utf8')).toBe(text);
  });

  it('stages a rotation in persona.key.next (0600), promotes it over persona.key, or drops it', () => {
    const dataDir = tempDir();
    const old = loadPersonaKey(undefined, dataDir);
    expect(pendingPersonaKey(dataDir)).toBeNull();
    const next = secretKey(randomBytes(32));
    stagePersonaKey(dataDir, next);
    expect(mode(path.join(dataDir, 'persona.key.next'))).toBe(0o600);
    expect(pendingPersonaKey(dataDir)?.id).toBe(next.id);
    // A second rotation while one is under way is refused, and the first one's key stays.
    expect(() => stagePersonaKey(dataDir, secretKey(randomBytes(32)))).toThrow(/persona\.key\.next is already in DATA_DIR/);
    expect(pendingPersonaKey(dataDir)?.id).toBe(next.id);
    expect(loadPersonaKey(undefined, dataDir).id).toBe(old.id);

    promotePersonaKey(dataDir);
    expect(loadPersonaKey(undefined, dataDir).id).toBe(next.id);
    expect(mode(path.join(dataDir, 'persona.key'))).toBe(0o600);
    expect(fs.readdirSync(dataDir)).toEqual(['persona.key']);

    stagePersonaKey(dataDir, secretKey(randomBytes(32)));
    dropPendingPersonaKey(dataDir);
    expect(fs.readdirSync(dataDir)).toEqual(['persona.key']);
    expect(loadPersonaKey(undefined, dataDir).id).toBe(next.id);
  });

  it('refuses a broken persona.key.next rather than guess', () => {
    const dataDir = tempDir();
    fs.writeFileSync(path.join(dataDir, 'persona.key.next'), 'not a key', { mode: 0o600 });
    expect(() => pendingPersonaKey(dataDir)).toThrow(/persona\.key\.next in DATA_DIR is not a key/);
  });
});

import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openSecret, sealSecret, secretKey, SecretUnreadable } from './sealed-secrets.js';

const key = secretKey(randomBytes(32));

describe('sealed secrets (issue 14 point 3)', () => {
  it('opens what it sealed, unicode included, and never holds the plain text', () => {
    const password = 'Zaïre–Ünïcødé 🔑 correct horse';
    const { sealed, keyId } = sealSecret(key, 'persona:1:password', password);
    expect(keyId).toBe(key.id);
    expect(keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(Buffer.from(sealed, 'base64').toString('utf8')).not.toContain('correct horse');
    expect(openSecret(key, 'persona:1:password', sealed)).toBe(password);
    // A random nonce each time: the same secret seals differently.
    expect(sealSecret(key, 'persona:1:password', password).sealed).not.toBe(sealed);
  });

  it('refuses another key, another place, and changed or cut bytes', () => {
    const { sealed } = sealSecret(key, 'persona:1:password', 'hunter2-but-longer');
    expect(() => openSecret(secretKey(randomBytes(32)), 'persona:1:password', sealed)).toThrow(SecretUnreadable);
    expect(() => openSecret(key, 'persona:2:password', sealed)).toThrow(SecretUnreadable);
    expect(() => openSecret(key, 'persona:1:notes', sealed)).toThrow(SecretUnreadable);
    const bytes = Buffer.from(sealed, 'base64');
    bytes[14] = bytes[14]! ^ 1;
    expect(() => openSecret(key, 'persona:1:password', bytes.toString('base64'))).toThrow(SecretUnreadable);
    expect(() => openSecret(key, 'persona:1:password', 'AAAA')).toThrow(SecretUnreadable);
    expect(() => secretKey(randomBytes(16))).toThrow(TypeError);
  });
});

import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { hashPassword, verifyPassword } from './secrets.js';

describe('password hashing', () => {
  it('is argon2id at the standard cost whatever the environment says; the cheap cost is only for the test harness', async () => {
    expect(loadConfig({ NODE_ENV: 'test', PASSWORD_HASHING: 'test' }).passwordHashing).toBe('standard');
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=65536,t=3,p=4\$/);
    expect(await verifyPassword(hash, 'correct horse battery staple')).toBe(true);
    expect(await verifyPassword(hash, 'correct horse battery stable')).toBe(false);
  });

  it('verifies a cheaply made hash by the parameters it carries', async () => {
    const cheap = await hashPassword('a long enough pass phrase', 'test');
    expect(cheap).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
    expect(await verifyPassword(cheap, 'a long enough pass phrase')).toBe(true);
  });
});

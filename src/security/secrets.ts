/**
 * The one home of the system's hashing and random secrets: passwords (argon2id), and the session
 * ids, API tokens and generated secrets that are stored only as their SHA-256.
 */
import { createHash, randomBytes } from 'node:crypto';
import argon2 from 'argon2';

/** What is stored in place of a session id or an API token: a leak of the table gives neither away. */
export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** A random secret, URL-safe: session ids, API tokens, one-time passwords, the generated cookie secret. */
export const randomSecret = (bytes = 32) => randomBytes(bytes).toString('base64url');

/**
 * argon2id's cost. `standard` is the library's default (64 MiB, 3 passes, 4 lanes; above OWASP's
 * minimum) and the only one configuration can give. `test` is for the test suite alone, set by its
 * harness in code, never from the environment: hundreds of made-up users a run would otherwise
 * spend minutes hashing. A stored hash carries its own parameters, so either verifies anywhere.
 */
export type PasswordHashing = 'standard' | 'test';
const COST: Record<PasswordHashing, { memoryCost?: number; timeCost?: number; parallelism?: number }> = {
  standard: {},
  test: { memoryCost: 1024, timeCost: 1, parallelism: 1 },
};

export const hashPassword = (password: string, cost: PasswordHashing = 'standard') =>
  argon2.hash(password, { type: argon2.argon2id, ...COST[cost] });

export const verifyPassword = (hash: string, password: string) => argon2.verify(hash, password);

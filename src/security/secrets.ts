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

export const hashPassword = (password: string) => argon2.hash(password, { type: argon2.argon2id });

export const verifyPassword = (hash: string, password: string) => argon2.verify(hash, password);

import net from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import type { PasswordHashing } from './security/secrets.js';

/** The only reader of process.env: one typed, validated object (DESIGN.md "Runtime shape"). */
/** An AES-256 key given in the environment: 64 hex digits or base64 of 32 bytes. */
const aesKey = z
  .string()
  .transform((v, ctx) => {
    const key = /^[0-9a-fA-F]{64}$/.test(v) ? Buffer.from(v, 'hex') : Buffer.from(v, 'base64');
    if (key.length === 32) return key;
    ctx.addIssue({ code: 'custom', message: 'must be 32 bytes as 64 hex digits or base64' });
    return z.NEVER;
  })
  .optional();

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Embedded PGlite data and evidence live here when DATABASE_URL is not set. */
  DATA_DIR: z.string().min(1).default('./data'),
  /** A PostgreSQL URL switches from the embedded database to a server. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  /** Secret used to sign cookies; at least 32 characters. Generated into DATA_DIR when absent. */
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(72).default(10),
  /** Set when the service is reached over TLS (directly or behind a proxy): Secure cookies and HSTS; proxies: TRUSTED_PROXIES. */
  TRUST_TLS: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /**
   * Whose X-Forwarded-For to believe: none (default), a comma list of proxy addresses or networks
   * (`10.0.0.1, 10.1.0.0/16`), or the number of proxies in front (`1`). Issue 10: TRUST_TLS alone
   * used to believe any client's.
   */
  TRUSTED_PROXIES: z
    .string()
    .transform((v, ctx) => {
      if (/^\d+$/.test(v.trim())) {
        const hops = Number(v);
        if (hops <= 10) return hops;
        ctx.addIssue({ code: 'custom', message: 'a hop count must be 0 to 10' });
        return z.NEVER;
      }
      const list = v.split(',').map((a) => a.trim());
      const bad = list.filter((a) => !isAddressOrNetwork(a));
      if (bad.length === 0) return list;
      ctx.addIssue({
        code: 'custom',
        message: `not an IP address or network: ${bad.join(', ')} (give addresses, CIDR networks or a hop count)`,
      });
      return z.NEVER;
    })
    .optional(),
  SIGN_IN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  SIGN_IN_LOCKOUT_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(15),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `off`: this process sends background jobs but runs none (another process on the same PostgreSQL does). */
  JOBS: z.enum(['on', 'off']).default('on'),
  /** Seconds between a job worker's polls: each is a query, and PGlite shares its one connection with the requests. */
  JOBS_POLL_SECONDS: z.coerce.number().min(0.5).max(600).default(5),
  /** Evidence (issue 12): the AES-256 key as 64 hex digits or base64 of 32 bytes; unset: a key file in DATA_DIR. */
  EVIDENCE_KEY: aesKey,
  /** The persona register's secrets (issue 14): its own AES-256 key, as EVIDENCE_KEY; unset: DATA_DIR/persona.key. */
  PERSONA_KEY: aesKey,
  /** Months from a persona's authorisation, and from each review, to its next review (issue 14 point 5). */
  PERSONA_REVIEW_MONTHS: z.coerce.number().int().min(1).max(12).default(3),
  /**
   * RIPA 2000 (issue 14 point 7): a use through a persona that touches a referral already viewed
   * through personas this many times within PERSONA_REPEAT_DAYS asks whether a directed
   * surveillance authorisation is needed.
   */
  PERSONA_REPEAT_USES: z.coerce.number().int().min(1).max(100).default(3),
  PERSONA_REPEAT_DAYS: z.coerce.number().int().min(1).max(366).default(28),
  /** The largest capture, uploaded or fetched, in bytes (default 2 GiB). */
  EVIDENCE_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(2 ** 40)
    .default(2 * 1024 ** 3),
  /** Where evidence is kept: `fs` (DATA_DIR/evidence) or `s3` (S3-compatible object storage, shared by several processes). */
  EVIDENCE_STORE: z.enum(['fs', 's3']).default('fs'),
  S3_ENDPOINT: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
  S3_REGION: z.string().min(1).default('eu-west-2'),
  S3_BUCKET: z.string().min(3).max(63).optional(),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** Path-style addresses (`endpoint/bucket/key`), as most S3-compatible servers want. */
  S3_FORCE_PATH_STYLE: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** Hosts a URL capture may reach although they resolve to a private, loopback or link-local address. */
  CAPTURE_ALLOWED_HOSTS: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
    )
    .optional(),
  /** A URL capture gives up after this many seconds. */
  CAPTURE_TIMEOUT_SECONDS: z.coerce
    .number()
    .int()
    .min(5)
    .max(6 * 60 * 60)
    .default(15 * 60),
  /** Issue 15 point 5: the resident population the equality report divides by (JSON as data/population/*.json). */
  POPULATION_FILE: z.string().min(1).optional(),
  REFERENCE_PREFIX: z
    .string()
    .regex(/^[A-Z]{2,8}$/, 'must be 2-8 capital letters')
    .default('OHRT'),
});

/** `10.0.0.1`, `::1`, `10.0.0.0/8`, `fd00::/8`. */
function isAddressOrNetwork(a: string): boolean {
  const [address = '', bits, ...rest] = a.split('/');
  const family = net.isIP(address);
  if (!family || rest.length) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

export type Config = {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: string;
  sessionSecret?: string;
  session: { idleMinutes: number; absoluteHours: number };
  trustTls: boolean;
  /** Fastify's trustProxy: false (none), the proxies' addresses or networks, or a hop count. */
  trustedProxies: false | string[] | number;
  signIn: { maxFailures: number; lockoutMinutes: number };
  logLevel: string;
  referencePrefix: string;
  /** Whether the server runs background jobs (decision 012). */
  runJobs: boolean;
  jobsPollSeconds: number;
  /** Always `standard` from the environment; the test harness alone sets `test` (src/security/secrets.ts). */
  passwordHashing: PasswordHashing;
  evidence: {
    key?: Buffer;
    maxBytes: number;
    store:
      | { kind: 'fs' }
      | {
          kind: 's3';
          endpoint?: string;
          region: string;
          bucket: string;
          accessKeyId?: string;
          secretAccessKey?: string;
          forcePathStyle: boolean;
        };
    captureAllowedHosts: string[];
    captureTimeoutSeconds: number;
  };
  personas: { key?: Buffer; reviewMonths: number; repeatedViewing: { uses: number; days: number } };
  /** The equality report's population figures; unset: the shipped Greater London Census 2021 file. */
  populationFile?: string;
};

export class ConfigError extends Error {}

function storeOf(e: z.infer<typeof envSchema>): Config['evidence']['store'] {
  if (e.EVIDENCE_STORE === 'fs') return { kind: 'fs' };
  if (!e.S3_BUCKET) throw new ConfigError('Invalid configuration:\n  S3_BUCKET: is required when EVIDENCE_STORE is s3');
  // One CopyObject moves at most 5 GiB (decision 014): the store's last step of a put.
  if (e.EVIDENCE_MAX_BYTES > 5 * 1024 ** 3)
    throw new ConfigError('Invalid configuration:\n  EVIDENCE_MAX_BYTES: at most 5368709120 (5 GiB) when EVIDENCE_STORE is s3');
  return {
    kind: 's3',
    endpoint: e.S3_ENDPOINT,
    region: e.S3_REGION,
    bucket: e.S3_BUCKET,
    accessKeyId: e.S3_ACCESS_KEY_ID,
    secretAccessKey: e.S3_SECRET_ACCESS_KEY,
    forcePathStyle: e.S3_FORCE_PATH_STYLE,
  };
}

/** Reads and validates the environment; a bad value throws a ConfigError naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const blankless = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const parsed = envSchema.safeParse(blankless);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    sessionSecret: e.SESSION_SECRET,
    session: { idleMinutes: e.SESSION_IDLE_MINUTES, absoluteHours: e.SESSION_ABSOLUTE_HOURS },
    trustTls: e.TRUST_TLS,
    trustedProxies: e.TRUSTED_PROXIES ?? false,
    signIn: { maxFailures: e.SIGN_IN_MAX_FAILURES, lockoutMinutes: e.SIGN_IN_LOCKOUT_MINUTES },
    logLevel: e.LOG_LEVEL,
    referencePrefix: e.REFERENCE_PREFIX,
    runJobs: e.JOBS === 'on',
    jobsPollSeconds: e.JOBS_POLL_SECONDS,
    passwordHashing: 'standard',
    evidence: {
      key: e.EVIDENCE_KEY,
      maxBytes: e.EVIDENCE_MAX_BYTES,
      store: storeOf(e),
      captureAllowedHosts: e.CAPTURE_ALLOWED_HOSTS ?? [],
      captureTimeoutSeconds: e.CAPTURE_TIMEOUT_SECONDS,
    },
    personas: {
      key: e.PERSONA_KEY,
      reviewMonths: e.PERSONA_REVIEW_MONTHS,
      repeatedViewing: { uses: e.PERSONA_REPEAT_USES, days: e.PERSONA_REPEAT_DAYS },
    },
    populationFile: e.POPULATION_FILE ? path.resolve(e.POPULATION_FILE) : undefined,
  };
}

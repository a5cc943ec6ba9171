import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../src/config.js';
import { openDatabase, type Database } from '../src/db/client.js';
import { migrate } from '../src/db/migrate.js';
import { inject } from 'vitest';
import type { Actor } from '../src/domain/actor.js';
import type { Role } from '../src/domain/vocabulary.js';
import { startRuntime, type RuntimeOptions } from '../src/runtime.js';
import { throwawayDatabase } from './processes.js';

/** Which database this test project runs on: set per vitest project (vitest.config.ts). */
export const TEST_DB = (process.env.TEST_DB ?? 'pglite') as 'pglite' | 'postgres';

let template: Blob | undefined;

/** A migrated, empty PGlite, copied from the template test/global-setup.ts made once for the whole run. */
async function pgliteDatabase(): Promise<Database> {
  template ??= new Blob([fs.readFileSync(inject('pgliteTemplate'))]);
  return openDatabase({ kind: 'pglite', holder: 'tests', loadDataDir: template });
}

/** A new database on the PostgreSQL server of TEST_DATABASE_URL, migrated, dropped on close. */
export async function postgresDatabase(): Promise<Database & { url: string }> {
  const { url, drop } = await throwawayDatabase();
  const d = await openDatabase({ kind: 'postgres', url, poolSize: 4 });
  await migrate(d);
  return {
    ...d,
    url: url.toString(),
    close: async () => {
      await d.close();
      await drop();
    },
  };
}

export const createTestDatabase = () => (TEST_DB === 'postgres' ? postgresDatabase() : pgliteDatabase());

/** A private DATA_DIR (evidence store and its key) per test worker, unless a test gives its own. */
let workerDataDir: string | undefined;
const testDataDir = () => (workerDataDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'rd-test-data-')));

export const testConfig = (over: Partial<Config> = {}): Config => ({
  ...loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', CAPTURE_ALLOWED_HOSTS: '127.0.0.1' }),
  dataDir: testDataDir(),
  // Cheap argon2id for the hundreds of made-up users (secrets.ts); the CLI and server process tests keep the standard cost.
  passwordHashing: 'test',
  sessionSecret: 'test-secret-test-secret-test-secret-0123456789',
  ...over,
});

export const PASSWORD = 'correct horse battery staple';

export type TestUser = { id: string; username: string; displayName: string; roles: Role[] };

/** The person as the services see them, for tests that act through the services directly. */
export const actorOf = (u: TestUser): Actor => ({
  id: u.id,
  username: u.username,
  displayName: u.displayName,
  ocu: null,
  unit: null,
  roles: u.roles,
});

/** What the API answered: the status, the body parsed when it is JSON, and the body as sent. */
export type ApiAnswer = {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read answers of every shape
  json: any;
  body: string;
  headers: LightMyRequestResponse['headers'];
};

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;

/**
 * The whole app on a fresh database, with helpers to make users and act as them through
 * sessions (pages) or bearer tokens (API).
 */
export async function createTestApp(
  options: {
    config?: Partial<Config>;
    clock?: () => Date;
    jobs?: RuntimeOptions['jobs'];
    logger?: RuntimeOptions['logger'];
    tools?: RuntimeOptions['tools'];
    wrapStore?: RuntimeOptions['wrapStore'];
  } = {},
) {
  const now = options.clock ?? (() => new Date());
  // The runtime the server uses; its job runner only when a test asks, polling briskly.
  const runtime = await startRuntime(testConfig(options.config), {
    holder: 'tests',
    database: await createTestDatabase(),
    jobs: options.jobs ?? 'none',
    pollingIntervalSeconds: 0.5,
    clock: now,
    logger: options.logger ?? false,
    tools: options.tools,
    wrapStore: options.wrapStore,
  });
  const { database, services, config } = runtime;
  const app: FastifyInstance = runtime.app!;
  await app.ready();
  let n = 0;

  async function user(
    roles: Role[],
    over: { username?: string; displayName?: string; ocu?: string; unit?: string } = {},
  ): Promise<TestUser> {
    n++;
    const u = await services.users.create(
      null,
      {
        username: over.username ?? `${roles.join('-').replace(/_/g, '')}.${n}`,
        displayName: over.displayName ?? `Officer ${n}`,
        ocu: over.ocu ?? 'Central West',
        unit: over.unit ?? 'Gangs Unit',
        roles,
        password: PASSWORD,
      },
      false,
    );
    return { id: u.id, username: u.username, displayName: u.displayName, roles: u.roles };
  }

  /** Bearer header for the API. */
  async function bearer(u: TestUser) {
    const { token } = await services.users.createToken(null, u.username);
    return { authorization: `Bearer ${token}` };
  }

  const clients = new Map<string, ReturnType<typeof apiClient>>();
  /** A JSON API client acting as `u` with a bearer token (made, and audited, on the first call for `u`). */
  async function api(u: TestUser) {
    const client = clients.get(u.id) ?? apiClient(app, await bearer(u));
    clients.set(u.id, client);
    return client;
  }

  return {
    app,
    db: database.db,
    database,
    services,
    config,
    /** The app's clock: what the services take as now. */
    now,
    user,
    bearer,
    api,
    /** A browser-like session: cookies kept between requests, CSRF token taken from the last page. */
    async browser(u?: TestUser) {
      const b = new Browser(app);
      // Straight to a session: signing in through the form for every user would trip the
      // per-address sign-in rate limit (test/auth.test.ts covers the form itself).
      if (u) b.cookies.set('rd_session', await services.auth.startSession(u.id));
      return b;
    },
    jobs: runtime.jobs,
    close: runtime.stop,
  };
}

function apiClient(app: FastifyInstance, auth: Record<string, string>) {
  const call = async (method: 'GET' | 'POST', url: string, payload?: unknown): Promise<ApiAnswer> => {
    const res = await app.inject({
      method,
      url,
      headers: { ...auth, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
      payload: payload === undefined ? undefined : JSON.stringify(payload),
    });
    const isJson = String(res.headers['content-type'] ?? '').startsWith('application/json');
    return { status: res.statusCode, json: isJson ? res.json() : undefined, body: res.body, headers: res.headers };
  };
  return {
    get: (url: string) => call('GET', url),
    /** Posts `payload` as JSON ({} unless given). */
    post: (url: string, payload: unknown = {}) => call('POST', url, payload),
  };
}

/** Keeps cookies like a browser and fills in the CSRF token of the last page seen. */
export class Browser {
  cookies = new Map<string, string>();
  csrf = '';
  constructor(private app: FastifyInstance) {}

  private keep(res: LightMyRequestResponse) {
    for (const c of res.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      if (c.value === '' || (c.expires && c.expires.getTime() < Date.now())) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    const m = /name="_csrf" value="([^"]+)"/.exec(res.body);
    if (m) this.csrf = m[1]!;
    return res;
  }

  get cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(url: string) {
    return this.keep(await this.app.inject({ method: 'GET', url, headers: { cookie: this.cookieHeader } }));
  }

  /** Posts a form as a browser would, with the CSRF token unless one is given. */
  async post(url: string, form: Record<string, string | string[]> = {}) {
    const body = new URLSearchParams();
    if (!('_csrf' in form)) body.append('_csrf', this.csrf);
    for (const [k, v] of Object.entries(form)) for (const x of [v].flat()) body.append(k, x);
    return this.keep(
      await this.app.inject({
        method: 'POST',
        url,
        headers: { cookie: this.cookieHeader, 'content-type': 'application/x-www-form-urlencoded' },
        payload: body.toString(),
      }),
    );
  }

  async signIn(username: string, password: string) {
    await this.get('/sign-in');
    return this.post('/sign-in', { username, password });
  }
}

import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config.js';
import { openDatabase, type Database } from './db/client.js';
import { migrate } from './db/migrate.js';
import { randomSecret } from './security/secrets.js';
import { createServices, type Services } from './services.js';

/** Opens the configured database (PGlite under DATA_DIR unless DATABASE_URL is set). */
export const openConfiguredDatabase = (config: Config, holder: string): Promise<Database> =>
  config.databaseUrl
    ? openDatabase({ kind: 'postgres', url: config.databaseUrl })
    : openDatabase({ kind: 'pglite', dataDir: config.dataDir, holder });

/** The cookie-signing secret: SESSION_SECRET, or one generated once into DATA_DIR (mode 0600). */
export function sessionSecret(config: Config): string {
  if (config.sessionSecret) return config.sessionSecret;
  const file = path.join(config.dataDir, 'session-secret');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const secret = randomSecret(48);
  fs.writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/** Migrations and the seeded platform directory, then the services. */
export async function prepare(database: Database, config: Config): Promise<Services> {
  await migrate(database);
  const services = createServices(database.db, config);
  await services.platforms.seed();
  return services;
}

import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { DataDirLocked } from './db/client.js';
import { openConfiguredDatabase, prepare, sessionSecret } from './runtime.js';

async function main() {
  const loaded = loadConfig();
  // The lock first: a server refused because DATA_DIR is in use must not touch anything in it.
  const database = await openConfiguredDatabase(loaded, 'the Referral Desk server');
  const config = { ...loaded, sessionSecret: sessionSecret(loaded) };
  const services = await prepare(database, config);

  const password = await services.users.createFirstAdmin();
  if (password) {
    // Printed once, to the terminal only: it is never logged or stored in clear.
    process.stdout.write(
      `\nFirst start: created the account "admin" with the one-time password:\n\n    ${password}\n\nSign in and change it now; it will not be shown again.\n\n`,
    );
  }

  const app = await buildApp({ config, db: database.db, services });
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ port: config.port, host: config.host });
}

main().catch((err: unknown) => {
  // The same exit codes as the CLI: 2 bad configuration, 3 the database is in use.
  if (err instanceof ConfigError || err instanceof DataDirLocked) {
    process.stderr.write(`${err.message}\n`);
    process.exit(err instanceof DataDirLocked ? 3 : 2);
  }
  process.stderr.write(`Referral Desk could not start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});

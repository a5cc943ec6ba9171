import { ConfigError, loadConfig } from './config.js';
import { DataDirLocked } from './db/client.js';
import { startRuntime } from './runtime.js';
import { KeyFileError } from './security/key-file.js';

async function main() {
  const config = loadConfig();
  const runtime = await startRuntime(config, { holder: 'the Referral Desk server', jobs: config.runJobs ? 'work' : 'send' });
  const app = runtime.app!;

  const password = await runtime.services.users.createFirstAdmin();
  if (password) {
    // Printed once, to the terminal only: it is never logged or stored in clear.
    process.stdout.write(
      `\nFirst start: created the account "admin" with the one-time password:\n\n    ${password}\n\nSign in and change it now; it will not be shown again.\n\n`,
    );
  }

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await runtime.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ port: config.port, host: config.host });
}

main().catch((err: unknown) => {
  // The same exit codes as the CLI: 2 bad configuration (a key file that is not a key too), 3 the database is in use.
  if (err instanceof ConfigError || err instanceof KeyFileError || err instanceof DataDirLocked) {
    process.stderr.write(`${err.message}\n`);
    process.exit(err instanceof DataDirLocked ? 3 : 2);
  }
  process.stderr.write(`Referral Desk could not start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});

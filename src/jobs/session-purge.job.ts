import type { JobDefinition } from './runner.js';

/**
 * Deletes sessions past SESSION_IDLE_MINUTES or SESSION_ABSOLUTE_HOURS. A request already refuses
 * them; this removes the ones nobody comes back with.
 */
export const sessionPurgeJob: JobDefinition = {
  name: 'session-purge',
  policy: 'singleton',
  retryLimit: 3,
  retryDelay: 60,
  expireInSeconds: 15 * 60,
  cron: '30 2 * * *',
  async run({ services, log }) {
    const purged = await services.auth.purgeExpiredSessions();
    log.info({ purged }, 'expired sessions purged');
  },
};

import type { JobDefinition } from './runner.js';

/**
 * The daily retention sweep (SOP 10.8, 2.2; DPA 2018 s.39; decisions 017, 022): deletes the library
 * entries expired and the closed referrals past their 12 months, not held, with their bytes when
 * nothing else holds them, each leaving a certificate and an `erase` audit entry. One at a time across processes (singleton); a second run does nothing new.
 */
export const retentionSweepJob: JobDefinition = {
  name: 'retention-sweep',
  policy: 'singleton',
  retryLimit: 3,
  retryDelay: 300,
  expireInSeconds: 60 * 60,
  cron: '15 3 * * *',
  async run({ services, log }) {
    const items = await services.retention.sweep({
      dryRun: false,
      // The reference only: nothing of the content reaches the log.
      onError: (reference, err) => log.error({ reference, err: { type: (err as Error).name } }, 'retention sweep left a record whole'),
    });
    const count = (o: string) => items.filter((i) => i.outcome === o).length;
    log.info({ deleted: count('deleted'), skipped: count('skipped'), failed: count('failed') }, 'retention sweep done');
  },
};

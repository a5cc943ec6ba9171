import type { JobDefinition } from './runner.js';

/**
 * The nightly check of the audit chain (DESIGN.md principle 3): the result is kept for the
 * auditors' page, and a broken chain is an error in the log. A broken chain is the job's answer,
 * not its failure: checking again would find the same, so it is not retried.
 */
export const auditVerifyJob: JobDefinition = {
  name: 'audit-verify',
  policy: 'singleton',
  retryLimit: 3,
  retryDelay: 300,
  expireInSeconds: 60 * 60,
  cron: '0 2 * * *',
  async run({ services, log }) {
    const result = await services.audit.verifyAndRecord();
    // Only the entry's number and the fixed description of its fault: never its contents.
    if (result.ok) log.info({ entries: result.entries }, 'audit chain intact');
    else log.error({ seq: result.fault.seq, problem: result.fault.problem, entries: result.entries }, 'audit chain broken');
  },
};

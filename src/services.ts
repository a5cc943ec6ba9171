import type { Config } from './config.js';
import type { Db } from './db/client.js';
import { createAuditService, type AuditService } from './modules/audit/audit.service.js';
import { createAuthService } from './modules/auth/auth.service.js';
import { createHomeService } from './modules/home/home.service.js';
import { createLifecycleService, type LifecycleService } from './modules/casework/lifecycle.service.js';
import { createPlatformReferralsService } from './modules/platform-referrals/platform-referrals.service.js';
import { createPlatformsService, type PlatformsService } from './modules/platforms/platforms.service.js';
import { createQueueService } from './modules/queue/queue.service.js';
import { createReferralsService, type ReferralsService } from './modules/referrals/referrals.service.js';
import { createReviewService } from './modules/review/review.service.js';
import { createUsersService } from './modules/users/users.service.js';

/** What the casework services (issue 3) are built from. */
export type CaseworkDeps = {
  db: Db;
  config: Config;
  clock: () => Date;
  audit: AuditService;
  platforms: PlatformsService;
  lifecycle: LifecycleService;
  referrals: ReferralsService;
};

/** Plain factory wiring, no container (STYLE.md, after hmpps-template-typescript). */
export function createServices(db: Db, config: Config, clock: () => Date = () => new Date()) {
  const audit = createAuditService(db, clock);
  const platforms = createPlatformsService(db, audit);
  const lifecycle = createLifecycleService(db, audit, clock);
  const referrals = createReferralsService(db, audit, platforms, lifecycle, config, clock);
  const deps: CaseworkDeps = { db, config, clock, audit, platforms, lifecycle, referrals };
  return {
    audit,
    auth: createAuthService(db, config, clock),
    users: createUsersService(db, audit, config, clock),
    platforms,
    lifecycle,
    referrals,
    queue: createQueueService(deps),
    review: createReviewService(deps),
    platformReferrals: createPlatformReferralsService(deps),
    home: createHomeService(deps),
  };
}

export type Services = ReturnType<typeof createServices>;

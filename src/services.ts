import type { Config } from './config.js';
import type { Db } from './db/client.js';
import { createAuditService } from './modules/audit/audit.service.js';
import { createAuthService } from './modules/auth/auth.service.js';
import { createHomeService } from './modules/home/home.service.js';
import { createLifecycleService } from './modules/casework/lifecycle.service.js';
import { createPlatformReferralsService } from './modules/platform-referrals/platform-referrals.service.js';
import { createPlatformsService } from './modules/platforms/platforms.service.js';
import { createQueueService } from './modules/queue/queue.service.js';
import { createReferralsService } from './modules/referrals/referrals.service.js';
import { createReviewService } from './modules/review/review.service.js';
import { createUsersService } from './modules/users/users.service.js';

/**
 * Plain factory wiring, no container (STYLE.md, after hmpps-template-typescript). Each service
 * declares the dependencies it takes; only this file knows them all, and no service imports it.
 */
export function createServices(db: Db, config: Config, clock: () => Date = () => new Date()) {
  const audit = createAuditService(db, clock);
  const platforms = createPlatformsService(db, audit);
  const lifecycle = createLifecycleService(db, audit, clock);
  const referrals = createReferralsService(db, audit, platforms, lifecycle, config, clock);
  return {
    audit,
    auth: createAuthService(db, config, clock),
    users: createUsersService(db, audit, config, clock),
    platforms,
    lifecycle,
    referrals,
    queue: createQueueService({ db, clock, lifecycle, referrals }),
    review: createReviewService({ db, clock, audit, platforms, lifecycle }),
    platformReferrals: createPlatformReferralsService({ clock, lifecycle, platforms }),
    home: createHomeService({ db, clock }),
  };
}

export type Services = ReturnType<typeof createServices>;

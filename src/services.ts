import type { Config } from './config.js';
import type { Db } from './db/client.js';
import { createAuditService } from './modules/audit/audit.service.js';
import { createLifecycleService } from './modules/casework/lifecycle.service.js';
import { createAuthService } from './modules/auth/auth.service.js';
import { createPlatformsService } from './modules/platforms/platforms.service.js';
import { createReferralsService } from './modules/referrals/referrals.service.js';
import { createUsersService } from './modules/users/users.service.js';

/** Plain factory wiring, no container (STYLE.md, after hmpps-template-typescript). */
export function createServices(db: Db, config: Config, clock: () => Date = () => new Date()) {
  const audit = createAuditService(db, clock);
  const platforms = createPlatformsService(db, audit);
  const lifecycle = createLifecycleService(db, audit, clock);
  return {
    audit,
    auth: createAuthService(db, config, clock),
    users: createUsersService(db, audit, config, clock),
    platforms,
    lifecycle,
    referrals: createReferralsService(db, audit, platforms, lifecycle, config, clock),
  };
}

export type Services = ReturnType<typeof createServices>;

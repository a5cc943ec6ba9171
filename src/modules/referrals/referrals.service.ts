import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import type { AuditService } from '../audit/audit.service.js';
import type { PlatformsService } from '../platforms/platforms.service.js';

// Placeholder: intake is being built (issue 2, point 3).
export function createReferralsService(_db: Db, _audit: AuditService, _platforms: PlatformsService, _config: Config, _clock: () => Date) {
  return {};
}

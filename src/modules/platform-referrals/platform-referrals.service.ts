import type { CaseworkDeps } from '../../services.js';

// Placeholder: being built (issue 3).
export function createPlatformReferralsService(_deps: CaseworkDeps) {
  return {};
}

export type PlatformReferralsService = ReturnType<typeof createPlatformReferralsService>;

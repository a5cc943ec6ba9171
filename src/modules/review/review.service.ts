import type { CaseworkDeps } from '../../services.js';

// Placeholder: being built (issue 3).
export function createReviewService(_deps: CaseworkDeps) {
  return {};
}

export type ReviewService = ReturnType<typeof createReviewService>;

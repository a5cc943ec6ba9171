import type { CaseworkDeps } from '../../services.js';

// Placeholder: being built (issue 3).
export function createQueueService(_deps: CaseworkDeps) {
  return {};
}

export type QueueService = ReturnType<typeof createQueueService>;

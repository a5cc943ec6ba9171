export * from './audit.js';
export * from './casework.js';
export * from './platforms.js';
export * from './referrals.js';
export * from './safeguarding.js';
export * from './users.js';
export * from './audit-verifications.js';
export * from './evidence.js';

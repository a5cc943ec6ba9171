import { AUDITORS } from '../../domain/roles.js';

/** DESIGN.md "Roles": the auditor reads the audit log and checks its chain. */
export const AUDIT_READERS = AUDITORS;

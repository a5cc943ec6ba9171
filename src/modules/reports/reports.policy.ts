import { hasAnyRole, type Actor } from '../../domain/actor.js';
import { REPORT_READERS } from '../../domain/roles.js';

/** Issue 15 point 8: the children's, equality and transparency reports are for inspectors and auditors. */
export const REPORT_ROLES = REPORT_READERS;
export const readsReports = (actor: Pick<Actor, 'roles'>) => hasAnyRole(actor, REPORT_READERS);

import { hasAnyRole, type Actor } from '../../domain/actor.js';
import { AUDITORS, RETENTION_READERS } from '../../domain/roles.js';

/** What goes next and what is held (DESIGN.md "Data protection and fairness"): the supervisors who hold, and the auditor. */
export const UPCOMING_READERS = RETENTION_READERS;
/** Deletion certificates (DESIGN.md "Roles", "Domain library"): the auditor's evidence that a deletion happened. */
export const CERTIFICATE_READERS = AUDITORS;

export const mayReadCertificates = (actor: Pick<Actor, 'roles'>) => hasAnyRole(actor, CERTIFICATE_READERS);

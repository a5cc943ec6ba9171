import { hasAnyRole, type Actor } from '../../domain/actor.js';
import { PERSONA_USERS } from '../../domain/personas.js';
import {
  AUTHORISING_OFFICERS,
  PERSONA_ASSIGNERS,
  PERSONA_HIDDEN_FROM,
  PERSONA_READERS,
  PERSONA_REVEALERS,
  PERSONA_WHOLE_REGISTER,
} from '../../domain/roles.js';
import type { Role } from '../../domain/vocabulary.js';

/**
 * Who reaches the persona register's routes (issue 14 point 8; decision 019). Requesters and
 * admins are not told it exists: every /personas route answers them 404, as an unknown path.
 * Auditors know of it (the oversight figures are theirs) and get 403 here.
 */
export const HIDDEN_FROM = PERSONA_HIDDEN_FROM;

/** A route's config: open to `who`, an unknown path (404) to those with only hidden roles (API and pages alike). */
export const personaRoute = (who: readonly Role[]) => ({ roles: who, hiddenFrom: HIDDEN_FROM });

/** The register and its use logs: case workers, authorising officers, and inspectors (who read everything in the unit). */
export const REGISTER_READERS = PERSONA_READERS;
/** FOI 003: operatives and sergeants ask for personas and log their use. */
export const REQUESTERS_OF_PERSONAS = PERSONA_USERS;
/** Issue 14 point 3: a secret is revealed to an operative, sergeant or authorising officer (the service checks the persona). */
export const REVEALERS = PERSONA_REVEALERS;
/** Authorisations and reviews: authorising officers (never of their own persona: the service checks). */
export const AUTHORISERS = AUTHORISING_OFFICERS;
/** A request is withdrawn by its creator (a case worker) or an authorising officer (the service checks which). */
export const WITHDRAWERS = [...PERSONA_USERS, ...AUTHORISING_OFFICERS] as const satisfies readonly Role[];
/** A sergeant, who assigns work, or an authorising officer assigns a persona to a case worker. */
export const ASSIGNERS = PERSONA_ASSIGNERS;

/**
 * Minimisation (DESIGN.md "Roles": operatives use assigned personas): an operative who is not
 * also a sergeant, inspector or authorising officer sees only the personas assigned to them, and
 * only their own use log; the others see the whole register.
 */
export const seesWholeRegister = (actor: Pick<Actor, 'roles'>) => hasAnyRole(actor, PERSONA_WHOLE_REGISTER);
export const mayReadRegister = (actor: Pick<Actor, 'roles'>) => hasAnyRole(actor, REGISTER_READERS);

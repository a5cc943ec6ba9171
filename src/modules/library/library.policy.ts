import { hasAnyRole, type Actor } from '../../domain/actor.js';
import { SUPERVISORS, UNIT } from '../../domain/roles.js';

/** SOP 10.8: the unit reads the Domain library (it is how they recognise removed music coming back). */
export const LIBRARY_READERS = UNIT;
/** CPIA 1996: a sergeant or an inspector decides that an entry is kept for an investigation, and when it no longer is. */
export const HOLDERS = SUPERVISORS;

export const mayHold = (actor: Pick<Actor, 'roles'>) => hasAnyRole(actor, HOLDERS);
export const mayReadLibrary = (actor: Pick<Actor, 'roles'>) => hasAnyRole(actor, LIBRARY_READERS);

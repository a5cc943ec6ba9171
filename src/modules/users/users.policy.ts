import type { Actor } from '../../domain/actor.js';
import { ADMINS } from '../../domain/roles.js';

/** DESIGN.md "Roles": an admin manages users and roles, and sees no case content. */
export const USER_ADMINS = ADMINS;

/** Separation of duties (README): no one changes their own roles; a second admin grants any role. */
export const mayChangeRolesOf = (actor: Pick<Actor, 'id'>, user: { id: string }) => actor.id !== user.id;
/** No admin deactivates their own account: another admin does. */
export const mayDeactivate = (actor: Pick<Actor, 'id'>, user: { id: string }) => actor.id !== user.id;

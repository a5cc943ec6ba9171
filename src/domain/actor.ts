import type { Role } from '../db/schema/users.js';

/** The signed-in person a request acts for. */
export type Actor = {
  id: string;
  username: string;
  displayName: string;
  ocu: string | null;
  unit: string | null;
  roles: Role[];
};

export const hasAnyRole = (actor: Pick<Actor, 'roles'>, roles: readonly Role[]) => actor.roles.some((r) => roles.includes(r));

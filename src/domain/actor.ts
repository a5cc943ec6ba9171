import type { Role } from './vocabulary.js';

/** The signed-in person a request acts for. */
export type Actor = {
  id: string;
  username: string;
  displayName: string;
  ocu: string | null;
  unit: string | null;
  roles: Role[];
};

export const hasAnyRole = (who: { readonly roles: readonly Role[] }, roles: readonly Role[]) => who.roles.some((r) => roles.includes(r));

/** The actor a user record acts as: who they are and the roles they hold, nothing of their credentials. */
export const toActor = (u: Actor): Actor => ({
  id: u.id,
  username: u.username,
  displayName: u.displayName,
  ocu: u.ocu,
  unit: u.unit,
  roles: u.roles,
});

import type { UserRow } from './users.repository.js';
import { ROLES, type Role } from '../../domain/vocabulary.js';

/** What the admin pages show of a user: never the password hash. */
export function toUserView(u: UserRow, locked: boolean) {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    ocu: u.ocu,
    unit: u.unit,
    roles: u.roles,
    active: u.active,
    locked,
    lockedUntil: u.lockedUntil,
    mustChangePassword: u.mustChangePassword,
    createdAt: u.createdAt,
  };
}

/** DESIGN.md "Roles", as checkbox items with a hint saying what each may do. */
const ROLE_HINTS: Record<Role, string> = {
  requester: 'Submit referrals, see and withdraw their own',
  operative: 'The queue: claim, capture, review, draft, record submissions and decisions',
  sergeant: 'As an operative, plus quality assurance and assigning work',
  inspector: 'Dip sampling, governance reports, read everything in the unit',
  authorising_officer: 'Authorise and review personas',
  admin: 'Users, roles and the platform directory; no access to case content',
  auditor: 'The audit log, retention and deletion certificates, subject access searches',
};

export const roleItems = (checked: readonly string[] = []) =>
  ROLES.map((r) => ({
    value: r,
    text: r.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase()),
    hint: { text: ROLE_HINTS[r] },
    checked: checked.includes(r),
  }));

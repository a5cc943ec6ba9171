import { ROLES, type Role } from '../../db/schema/users.js';
import type { UserRow } from './users.repository.js';

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
export type UserView = ReturnType<typeof toUserView>;

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

/**
 * govukPagination's parameters for page `page` of `total` items: previous/next links and the
 * page numbers around the current one, with ellipses for the gaps. `href(n)` keeps any filters.
 */
export function pagination(page: number, pageSize: number, total: number, href: (n: number) => string) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages <= 1) return null;
  const shown = [...new Set([1, page - 1, page, page + 1, pages])].filter((n) => n >= 1 && n <= pages).sort((a, b) => a - b);
  const items: ({ number: number; href: string; current: boolean } | { ellipsis: true })[] = [];
  shown.forEach((n, i) => {
    if (i > 0 && n - shown[i - 1]! > 1) items.push({ ellipsis: true });
    items.push({ number: n, href: href(n), current: n === page });
  });
  return {
    items,
    previous: page > 1 ? { href: href(page - 1) } : undefined,
    next: page < pages ? { href: href(page + 1) } : undefined,
    landmarkLabel: 'Pages',
  };
}

/** "Showing 51 to 100 of 230". */
export const pageRange = (page: number, pageSize: number, total: number) => ({
  from: total === 0 ? 0 : (page - 1) * pageSize + 1,
  to: Math.min(page * pageSize, total),
  total,
});

/**
 * The service navigation in every page's header. A link is shown to whoever may open its page:
 * the page's own declared roles decide (plugins/auth.ts `mayOpen`), so the header never re-derives
 * who may go where, and cannot offer a page that would refuse them.
 */
type Link = { href: string; text: string; active: (path: string) => boolean };

const LINKS: readonly Link[] = [
  { href: '/', text: 'Home', active: (p) => p === '/' },
  { href: '/referrals/new', text: 'Make a referral', active: (p) => p.startsWith('/referrals/new') },
  { href: '/referrals/mine', text: 'My referrals', active: (p) => p === '/referrals/mine' },
  { href: '/queue', text: 'Work queue', active: (p) => p === '/queue' },
  { href: '/library', text: 'Library', active: (p) => p.startsWith('/library') },
  { href: '/personas', text: 'Personas', active: (p) => p.startsWith('/personas') },
  { href: '/retention', text: 'Retention', active: (p) => p.startsWith('/retention') },
  { href: '/reports', text: 'Reports', active: (p) => p.startsWith('/reports') },
  { href: '/admin/users', text: 'Users', active: (p) => p.startsWith('/admin/users') },
  { href: '/admin/platforms', text: 'Platforms', active: (p) => p.startsWith('/admin/platforms') },
  { href: '/audit', text: 'Audit log', active: (p) => p.startsWith('/audit') },
  { href: '/subject-access', text: 'Subject access', active: (p) => p.startsWith('/subject-access') },
  { href: '/restrictions', text: 'Restrictions', active: (p) => p.startsWith('/restrictions') || p.endsWith('/restriction') },
];

type NavigationItem = { href: string; text: string; active: boolean };

/** The links this person may follow, the one for the current page marked active. */
export function navigationFor(currentPath: string, mayOpen: (href: string) => boolean): NavigationItem[] {
  return LINKS.filter((l) => mayOpen(l.href)).map((l) => ({ href: l.href, text: l.text, active: l.active(currentPath) }));
}

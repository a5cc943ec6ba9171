import { pagination } from '../../views/pagination.js';
import { STATUS_LABELS } from '../../domain/labels.js';
import { ageInDays, isOverdue, SLA_DAYS } from '../../domain/queue-rules.js';
import type { ReferralSummary } from '../referrals/referrals.presenter.js';
import type { ListSort } from '../referrals/referrals.schemas.js';
import type { StatusCounts } from '../referrals/referrals.repository.js';
import { QUEUE_PAGE_SIZE, type QueuePageQuery } from './queue.schemas.js';
import { REFERRAL_STATUSES, type ReferralStatus } from '../../domain/vocabulary.js';

/** The queue's filters as the page's links carry them (strings, as in a query string). */
export type QueueLinkState = {
  status: ReferralStatus[];
  platform?: string;
  assignee?: string;
  overdue?: 'true' | 'false';
  olderThanDays?: string;
  withinDays?: string;
  /** A reference searched for, in its stored form. */
  reference?: string;
  sort: ListSort;
  page: number;
};

/** domain/labels.ts: the one wording of each status. */
export const STATUS_TEXT = STATUS_LABELS;

export const SORT_TEXT: Record<ListSort, string> = {
  submitted_desc: 'Submitted, newest first',
  submitted_asc: 'Submitted, oldest first',
  status: 'Status',
};

export const linkStateOf = (q: QueuePageQuery): QueueLinkState => ({
  status: q.status ?? [],
  platform: q.platform,
  assignee: q.assignee,
  overdue: q.overdue === undefined ? undefined : q.overdue ? 'true' : 'false',
  olderThanDays: q.olderThanDays?.toString(),
  withinDays: q.withinDays?.toString(),
  reference: q.reference,
  sort: q.sort,
  page: q.page,
});

/** /queue with these filters; defaults (newest first, page 1) are left out. Filters are kept in every link. */
export function queueHref(s: QueueLinkState, over: Partial<QueueLinkState> = {}): string {
  const v = { ...s, ...over };
  const p = new URLSearchParams();
  for (const st of v.status) p.append('status', st);
  for (const k of ['reference', 'platform', 'assignee', 'overdue', 'olderThanDays', 'withinDays'] as const)
    if (v[k] !== undefined) p.set(k, v[k]);
  if (v.sort !== 'submitted_desc') p.set('sort', v.sort);
  if (v.page > 1) p.set('page', String(v.page));
  const qs = p.toString();
  return qs ? `/queue?${qs}` : '/queue';
}

/** MoJ sub-navigation: one tab per status with its count, keeping the other filters ("Submitted (12)"). */
export function statusTabs(s: QueueLinkState, counts: StatusCounts) {
  const all = Object.values(counts).reduce((a, b) => a + b, 0);
  return [
    {
      text: `All (${all})`,
      href: queueHref(s, { status: [], page: 1 }),
      active: s.status.length === 0,
      attributes: { 'data-qa': 'tab-all' },
    },
    ...REFERRAL_STATUSES.map((st) => ({
      text: `${STATUS_TEXT[st]} (${counts[st]})`,
      href: queueHref(s, { status: [st], page: 1 }),
      active: s.status.length === 1 && s.status[0] === st,
      attributes: { 'data-qa': `tab-${st}` },
    })),
  ];
}

/** The MoJ filter's "Selected filters": each tag links to the queue without it. */
export function selectedFilters(s: QueueLinkState, names: { platform: (k: string) => string; assignee: (v: string) => string }) {
  const first = { page: 1 };
  const categories = [];
  if (s.reference)
    categories.push({
      heading: { text: 'Reference' },
      items: [{ text: s.reference, href: queueHref(s, { ...first, reference: undefined }) }],
    });
  if (s.status.length)
    categories.push({
      heading: { text: 'Status' },
      items: s.status.map((st) => ({ text: STATUS_TEXT[st], href: queueHref(s, { ...first, status: s.status.filter((x) => x !== st) }) })),
    });
  if (s.platform)
    categories.push({
      heading: { text: 'Platform' },
      items: [{ text: names.platform(s.platform), href: queueHref(s, { ...first, platform: undefined }) }],
    });
  if (s.assignee)
    categories.push({
      heading: { text: 'Assigned to' },
      items: [{ text: names.assignee(s.assignee), href: queueHref(s, { ...first, assignee: undefined }) }],
    });
  if (s.overdue)
    categories.push({
      heading: { text: 'Overdue' },
      items: [{ text: s.overdue === 'true' ? 'Overdue only' : 'Not overdue', href: queueHref(s, { ...first, overdue: undefined }) }],
    });
  if (s.olderThanDays !== undefined || s.withinDays !== undefined)
    categories.push({
      heading: { text: 'Submitted' },
      items: [
        ...(s.olderThanDays !== undefined
          ? [{ text: `More than ${s.olderThanDays} days ago`, href: queueHref(s, { ...first, olderThanDays: undefined }) }]
          : []),
        ...(s.withinDays !== undefined
          ? [{ text: `Within ${s.withinDays} days`, href: queueHref(s, { ...first, withinDays: undefined }) }]
          : []),
      ],
    });
  return categories.length
    ? {
        heading: { text: 'Selected filters' },
        clearLink: {
          text: 'Clear filters',
          href: queueHref(s, {
            reference: undefined,
            status: [],
            platform: undefined,
            assignee: undefined,
            overdue: undefined,
            olderThanDays: undefined,
            withinDays: undefined,
            page: 1,
          }),
        },
        categories,
      }
    : undefined;
}

/** govukPagination, 25 per page, every link keeping the filters and sort. */
export const queuePagination = (s: QueueLinkState, total: number) =>
  pagination(Math.min(s.page, Math.max(1, Math.ceil(total / QUEUE_PAGE_SIZE))), QUEUE_PAGE_SIZE, total, (page) => queueHref(s, { page }));

/** One table row's view of a referral: its age and whether it is overdue as at `now` (domain/queue-rules.ts). */
export const queueRow = (r: ReferralSummary, now: Date) => {
  const submittedAt = new Date(r.submittedAt);
  return { ...r, ageInDays: ageInDays(submittedAt, now), overdue: isOverdue({ status: r.status, submittedAt }, now) };
};

export const OVERDUE_HINT = `Still submitted or in review more than ${SLA_DAYS} days after it was submitted`;

/** Paging for GOV.UK pages: one helper for every paged list. */

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

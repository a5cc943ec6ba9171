/**
 * Lists in requests: every array a schema accepts has a maximum (`.max(n, { abort: true })`, so that
 * nothing else runs on a list that is too long), and repeats are found in one pass. Issue 10: an
 * unbounded list with an `indexOf` per item let one request stall the server for seconds.
 */

/** Each later occurrence of a key already seen, with its index, in one pass. */
export function repeats<T>(items: readonly T[], keyOf: (item: T) => unknown = (item) => item): { index: number; item: T }[] {
  const seen = new Set<unknown>();
  const found: { index: number; item: T }[] = [];
  items.forEach((item, index) => {
    const key = keyOf(item);
    if (seen.has(key)) found.push({ index, item });
    else seen.add(key);
  });
  return found;
}

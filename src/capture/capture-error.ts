/**
 * Why a URL capture did not happen (issue 12, points 1 and 6): a reason a person can read and act
 * on, shown on the capture as its `error`. Never a stack trace, never the URL's query string.
 * `refused` means the capture was stopped by a rule (scheme, address, size) before or while it
 * ran; `failed` means the source or a tool let it down (time-out, 404, no video on the page).
 */
export class CaptureFailed extends Error {
  constructor(
    readonly reason: string,
    readonly kind: 'refused' | 'failed' = 'failed',
  ) {
    super(reason);
    this.name = 'CaptureFailed';
  }
}

/** A capture stopped by a rule: the address guard, the scheme, credentials in the URL, the size cap. */
export function refused(reason: string): CaptureFailed {
  return new CaptureFailed(reason, 'refused');
}

/** Bytes as a person reads a limit: "2 GiB", "512 MiB", "100 bytes". */
export function formatBytes(n: number): string {
  const units = ['GiB', 'MiB', 'KiB'] as const;
  for (const [i, unit] of units.entries()) {
    const size = 1024 ** (3 - i);
    if (n >= size) return `${Number((n / size).toFixed(1))} ${unit}`;
  }
  return `${n} bytes`;
}

/**
 * A referral's human reference (`OHRT-2026-000123`: prefix, year, a number of at least six
 * digits; referrals.repository.ts assignReference) as people type it: in any case, with spaces
 * around the dashes or none, and without the leading zeros. Pure.
 */
const TYPED = /^\s*([A-Za-z]{2,8})\s*[-‐–— ]?\s*(\d{4})\s*[-‐–— ]?\s*0*(\d{1,12})\s*$/;

/** The stored form of a typed reference, or null when it is not one ("drill video", "2026-12"). */
export function normaliseReference(typed: string): string | null {
  const m = TYPED.exec(typed);
  if (!m) return null;
  const [, prefix, year, number] = m as unknown as [string, string, string, string];
  return `${prefix.toUpperCase()}-${year}-${number.padStart(6, '0')}`;
}

/**
 * An object's address is the SHA-256 of its plain bytes as 64 lowercase hex digits. Checked
 * before it reaches any path or key (issue 12), so nothing else can name a file or an object.
 */
export function checkedAddress(sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new TypeError('An evidence address must be 64 lowercase hex digits');
  return sha256;
}

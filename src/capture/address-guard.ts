/**
 * The address guard for URL captures (issue 12, points 1 and 6): a capture may reach only public
 * unicast addresses, so a URL cannot make the server fetch from itself, the police network or a
 * cloud metadata service (server-side request forgery). Pure: no I/O. The network side
 * (`guarded-connection.ts`) applies it to the address actually connected to, after DNS and on every
 * redirect, so a name that resolves differently the second time gains nothing.
 *
 * The one way past it is `CAPTURE_ALLOWED_HOSTS`: a host named there, compared as written in the
 * URL (lower-cased), may resolve anywhere. Naming `127.0.0.1` does not let `localhost` through.
 */
import ipaddr from 'ipaddr.js';
import { refused, type CaptureFailed } from './capture-error.js';

/** What a blocked address is, in the words of the reason a person reads. */
const IPV4_KINDS: Record<string, string> = {
  unspecified: 'an unspecified address',
  broadcast: 'the broadcast address',
  multicast: 'a multicast address',
  linkLocal: 'a link-local address',
  loopback: 'a loopback address',
  carrierGradeNat: 'a carrier-grade NAT address',
  private: 'a private network address',
  reserved: 'a reserved address',
  as112: 'a reserved address',
  amt: 'a reserved address',
};

const IPV6_KINDS: Record<string, string> = {
  unspecified: 'an unspecified address',
  linkLocal: 'a link-local address',
  multicast: 'a multicast address',
  loopback: 'a loopback address',
  uniqueLocal: 'a private network address',
  deprecatedSiteLocal: 'a private network address',
};

/** NAT64 (RFC 6052): the last 32 bits are an IPv4 address, reached through a translator. */
const NAT64 = ipaddr.IPv6.parseCIDR('64:ff9b::/96');
/** IPv4-compatible (deprecated, RFC 4291) and IPv4-translated (RFC 6145) forms also carry an IPv4 address. */
const EMBEDDING_IPV4 = [ipaddr.IPv6.parseCIDR('::/96'), ipaddr.IPv6.parseCIDR('::ffff:0:0:0/96')];
/** Every global unicast address lies here (RFC 4291 section 2.4); the rest is reserved or special. */
const GLOBAL_UNICAST = ipaddr.IPv6.parseCIDR('2000::/3');

function embeddedIpv4(address: ipaddr.IPv6): ipaddr.IPv4 {
  const bytes = address.toByteArray().slice(12);
  return new ipaddr.IPv4(bytes);
}

function ipv4Kind(address: ipaddr.IPv4): string | null {
  const range = address.range();
  return range === 'unicast' ? null : (IPV4_KINDS[range] ?? 'a reserved address');
}

function ipv6Kind(address: ipaddr.IPv6): string | null {
  // `::ffff:127.0.0.1` reaches 127.0.0.1: judge what it carries, not its wrapping.
  if (address.isIPv4MappedAddress()) return ipv4Kind(address.toIPv4Address());
  if (address.match(NAT64)) return ipv4Kind(embeddedIpv4(address));
  if (address.match(EMBEDDING_IPV4[0]!) || address.match(EMBEDDING_IPV4[1]!)) {
    const range = address.range();
    if (range === 'unspecified' || range === 'loopback') return IPV6_KINDS[range]!;
    return ipv4Kind(embeddedIpv4(address)) ?? 'a reserved address';
  }
  const range = address.range();
  if (range in IPV6_KINDS) return IPV6_KINDS[range]!;
  // 6to4, Teredo, NAT64 local-use, documentation, ORCHID …: tunnels and special uses, none a plain host.
  if (range !== 'unicast' || !address.match(GLOBAL_UNICAST)) return 'a reserved address';
  return null;
}

/**
 * Why a captures may not connect to `address` (an IPv4 or IPv6 address as text, as DNS gives it),
 * or null when it is public unicast. Text that is not an address is blocked too.
 */
export function blockedAddressKind(address: string): string | null {
  const bare = address.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  if (!ipaddr.isValid(bare)) return 'not an address';
  const parsed = ipaddr.parse(bare);
  return parsed.kind() === 'ipv4' ? ipv4Kind(parsed as ipaddr.IPv4) : ipv6Kind(parsed as ipaddr.IPv6);
}

/** The refusal for a blocked address, naming the address (never the URL, which may carry a query). */
export function addressRefusal(address: string, kind: string): CaptureFailed {
  return refused(`The address resolves to ${kind} (${address}), which captures may not reach`);
}

/** The host as written in the URL, lower-cased, without the brackets of an IPv6 literal. */
export function hostOf(url: URL): string {
  return url.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
}

/** Whether `host` (as written, see `hostOf`) is named in CAPTURE_ALLOWED_HOSTS. */
export function isAllowedHost(host: string, allowedHosts: readonly string[]): boolean {
  return allowedHosts.some((h) => h.toLowerCase().replace(/^\[(.*)\]$/, '$1') === host);
}

/**
 * Checks what can be checked before any connection: the scheme, credentials, and a host written as
 * an address literal (which is connected to without DNS, so no lookup would see it). Returns the
 * parsed URL, or throws the refusal. Used for the first URL and every redirect target.
 */
export function checkUrl(raw: string | URL, allowedHosts: readonly string[]): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refused('The address is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refused('Only http and https addresses can be captured');
  // Credentials in a URL would be stored with the capture and sent to every redirect target.
  if (url.username || url.password) throw refused('Addresses with a user name or password in them cannot be captured');
  const host = hostOf(url);
  if (isAllowedHost(host, allowedHosts)) return url;
  if (ipaddr.isValid(host)) {
    const kind = blockedAddressKind(host);
    if (kind) throw addressRefusal(host, kind);
  }
  return url;
}

/**
 * The address guard at connect time (issue 12, point 6): a `lookup` for node's http, https and net
 * that resolves the name and hands the socket only public unicast addresses. The address checked
 * is the address connected to, so DNS that answers differently on a second query (rebinding) gains
 * nothing. A host named in CAPTURE_ALLOWED_HOSTS resolves as usual.
 *
 * Node does not call `lookup` for a host written as an address literal; `checkUrl` and
 * `checkTarget` judge those before any connection is made.
 */
import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { addressRefusal, blockedAddressKind, isAllowedHost } from './address-guard.js';
import { refused } from './capture-error.js';

type Resolved = { address: string; family: number };

/** A lookup that refuses blocked addresses, unless `host` (as written in the URL) is allowed. */
export function guardedLookup(allowedHosts: readonly string[]): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, found: Resolved[]) => {
      if (error) {
        callback(refusedName(error), options.all ? [] : '', 0);
        return;
      }
      const allowed = isAllowedHost(hostname.toLowerCase(), allowedHosts);
      const usable = allowed ? found : found.filter((a) => blockedAddressKind(a.address) === null);
      if (usable.length === 0) {
        const first = found[0];
        const reason = first ? addressRefusal(first.address, blockedAddressKind(first.address) ?? 'a blocked address') : refusedName(null);
        callback(reason, options.all ? [] : '', 0);
        return;
      }
      if (options.all) callback(null, usable);
      else callback(null, usable[0]!.address, usable[0]!.family);
    });
  };
}

function refusedName(error: NodeJS.ErrnoException | null): Error {
  const notFound = error?.code === 'ENOTFOUND' || error?.code === 'EAI_AGAIN' || error === null;
  return refused(notFound ? 'The address names a host that does not exist' : 'The host name could not be looked up');
}

/**
 * Checks a `host:port` a client asked the capture proxy to reach (CONNECT or an absolute URI):
 * an address literal must be public unless allowed; a name is checked by `guardedLookup` when the
 * connection is made. Throws the refusal.
 */
export function checkTarget(host: string, allowedHosts: readonly string[]): void {
  const bare = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (isAllowedHost(bare, allowedHosts) || !ipaddr.isValid(bare)) return;
  const kind = blockedAddressKind(bare);
  if (kind) throw addressRefusal(bare, kind);
}

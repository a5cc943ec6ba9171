/**
 * The door yt-dlp's traffic goes through (issue 12, point 6). yt-dlp fetches pages, manifests and
 * media on its own, following whatever the page says; run with `--proxy` pointing here, every one of
 * those requests is judged by the same address guard as a plain download: `http://` requests as
 * absolute URIs, `https://` as CONNECT tunnels, each connection made through `guardedLookup`.
 * Listens on 127.0.0.1 only, for the length of one capture. It also counts the bytes it relays, so a
 * page cannot pull more than the capture's budget through yt-dlp.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { checkUrl } from './address-guard.js';
import { CaptureFailed, formatBytes, refused } from './capture-error.js';
import { checkTarget, guardedLookup } from './guarded-connection.js';

export type GuardProxy = {
  /** `http://127.0.0.1:<port>`, for `--proxy`. */
  url: string;
  /** What the client asked for, without queries: `GET http://host:port/path` or `CONNECT host:port`. */
  requests: string[];
  /** Each request the guard refused, first first: the reason a failed capture gives. */
  refusals: CaptureFailed[];
  close(): Promise<void>;
};

export type GuardProxyOptions = {
  allowedHosts: readonly string[];
  /** Bytes relayed to the client, in all, before every connection is cut. */
  budgetBytes: number;
};

/** Hop-by-hop headers (RFC 9110 section 7.6.1) and the proxy's own: never passed on. */
const HOP_BY_HOP = [
  'connection',
  'proxy-connection',
  'keep-alive',
  'proxy-authorization',
  'proxy-authenticate',
  'te',
  'trailer',
  'upgrade',
];

export async function startGuardProxy(options: GuardProxyOptions): Promise<GuardProxy> {
  const requests: string[] = [];
  const refusals: CaptureFailed[] = [];
  const sockets = new Set<Socket>();
  let relayed = 0;

  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    return socket;
  };
  /** Counts bytes from a server; past the budget every connection is cut. */
  const count = (chunk: Buffer) => {
    relayed += chunk.length;
    if (relayed <= options.budgetBytes) return;
    if (!refusals.some((r) => r.reason.startsWith('The server sent more'))) {
      refusals.push(refused(`The server sent more than the ${formatBytes(options.budgetBytes)} limit`));
    }
    for (const s of sockets) s.destroy();
  };
  const refuse = (error: unknown): CaptureFailed => {
    const reason = error instanceof CaptureFailed ? error : new CaptureFailed('The server could not be reached');
    if (reason.kind === 'refused') refusals.push(reason);
    return reason;
  };

  const server = http.createServer((req, res) => {
    let target: URL;
    try {
      target = checkUrl(req.url ?? '', options.allowedHosts);
      if (target.protocol !== 'http:') throw refused('Only http and https addresses can be captured');
    } catch (error) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end(refuse(error).reason);
      return;
    }
    requests.push(`${req.method} ${target.origin}${target.pathname}`);
    const upstream = http.request(target, {
      method: req.method,
      // RFC 9110 section 7.6.3: a proxy says it was one.
      headers: { ...withoutHopByHop(req.headers), via: `${req.httpVersion} referral-desk-capture` },
      agent: false,
      lookup: guardedLookup(options.allowedHosts),
    });
    upstream.on('socket', track);
    upstream.once('response', (answer) => {
      res.writeHead(answer.statusCode ?? 502, withoutHopByHop(answer.headers));
      answer.on('data', count);
      answer.pipe(res);
    });
    upstream.once('error', (error) => {
      const reason = refuse(error);
      if (res.headersSent) res.destroy();
      else res.writeHead(reason.kind === 'refused' ? 403 : 502, { 'content-type': 'text/plain' }).end(reason.reason);
    });
    req.pipe(upstream);
  });

  server.on('connection', track);
  server.on('connect', (req: http.IncomingMessage, client: Socket, head: Buffer) => {
    const m = /^(\[[0-9a-fA-F:.]+\]|[^:/[\]]+):(\d{1,5})$/.exec(req.url ?? '');
    let host = '';
    try {
      if (!m) throw refused('The address is not a valid URL');
      host = m[1]!.replace(/^\[(.*)\]$/, '$1');
      checkTarget(host, options.allowedHosts);
    } catch (error) {
      client.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\n\r\n${refuse(error).reason}`);
      return;
    }
    requests.push(`CONNECT ${m![1]}:${m![2]}`);
    const upstream = track(net.connect({ host, port: Number(m![2]), lookup: guardedLookup(options.allowedHosts) }));
    upstream.once('connect', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.on('data', count);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.once('error', (error) => {
      const reason = refuse(error);
      if (upstream.readyState === 'closed' && !client.destroyed && client.bytesWritten === 0) {
        client.end(`HTTP/1.1 ${reason.kind === 'refused' ? '403 Forbidden' : '502 Bad Gateway'}\r\n\r\n${reason.reason}`);
      } else client.destroy();
    });
    client.on('error', () => upstream.destroy());
    client.once('close', () => upstream.destroy());
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    refusals,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function withoutHopByHop(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const named = String(headers.connection ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase());
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.includes(name) && !named.includes(name)));
}

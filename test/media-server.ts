/**
 * A local HTTP server for the URL-capture tests (issue 12: nothing in tests leaves the machine).
 * Bound to 127.0.0.1 on a free port. It serves good media and every kind of bad answer a capture
 * must survive:
 * - `/files/<name>`: a file given to `startMediaServer`, with Content-Length and `Range` (206/416);
 * - `/page?src=<src>&title=<title>`: an HTML page with `<video src="src">` (no `src`: no video);
 * - `/redirect?to=<location>&status=302`: one redirect to `location` exactly as given (relative,
 *   absolute, or to a blocked address such as `http://localhost:<port>/`);
 * - `/chain/<n>/<path>`: n redirects, alternately absolute and relative, ending at `/<path>`;
 * - `/stall?bytes=<k>`: headers and k bytes, then nothing (`/stall?headers=no`: not even headers);
 * - `/endless`: bytes as fast as the client reads, no Content-Length, until it hangs up;
 * - `/big?bytes=<n>`: n bytes with a true Content-Length;
 * - `/lying?claim=<n>&send=<m>`: a Content-Length of n, then m bytes and the connection closed;
 * - `/not-media`: bytes that are not media, as application/octet-stream.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export type MediaServer = {
  /** `http://127.0.0.1:<port><path>` */
  url(path: string): string;
  port: number;
  /** Every request, in order: its path and query, and the proxy it came through (`Via`). */
  requests: { url: string; via?: string }[];
  /** Responses the server is still writing: 0 once every client has hung up or been answered. */
  openResponses(): number;
  close(): Promise<void>;
};

const TYPES: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.mkv': 'video/x-matroska',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
  '.html': 'text/html; charset=utf-8',
};

const CHUNK = Buffer.alloc(64 * 1024, 0x41);

/** Starts the server; `files` maps a name under `/files/` to a path on disk. */
export async function startMediaServer(files: Record<string, string> = {}): Promise<MediaServer> {
  const requests: MediaServer['requests'] = [];
  let open = 0;
  const server = http.createServer((req, res) => {
    requests.push({ url: req.url ?? '', via: req.headers.via });
    open += 1;
    res.once('close', () => (open -= 1));
    route(req, res).catch(() => res.destroy());
  });
  const base = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', base());
    const q = (name: string) => url.searchParams.get(name);
    const file = /^\/files\/([^/]+)$/.exec(url.pathname);
    const chain = /^\/chain\/(\d+)\/(.*)$/.exec(url.pathname);
    if (file) return serveFile(req, res, files[decodeURIComponent(file[1]!)]);
    if (chain) {
      const n = Number(chain[1]);
      const next = n <= 1 ? `/${chain[2]}` : `/chain/${n - 1}/${chain[2]}`;
      res.writeHead(302, { location: n % 2 ? `${base()}${next}` : next }).end();
      return;
    }
    switch (url.pathname) {
      case '/page':
        return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(q('src'), q('title') ?? 'A clip'));
      case '/redirect':
        return void res.writeHead(Number(q('status') ?? 302), { location: q('to') ?? '/' }).end();
      case '/stall':
        if (q('headers') !== 'no') res.writeHead(200, { 'content-type': 'video/mp4' }).write(CHUNK.subarray(0, Number(q('bytes') ?? 0)));
        return; // and never another byte
      case '/endless':
        return endless(res);
      case '/big':
        return big(res, Number(q('bytes')));
      case '/lying':
        return lying(res, Number(q('claim')), Number(q('send')));
      case '/not-media':
        return void res.writeHead(200, { 'content-type': 'application/octet-stream' }).end('This is a letter, not a video.\n'.repeat(100));
      default:
        res.writeHead(404).end();
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (p) => `${base()}${p}`,
    port,
    requests,
    openResponses: () => open,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(src: string | null, title: string): string {
  const video = src === null ? '<p>Nothing to watch here.</p>' : `<video controls src="${escapeHtml(src)}"></video>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body><h1>${escapeHtml(title)}</h1>${video}</body></html>\n`;
}

async function serveFile(req: http.IncomingMessage, res: http.ServerResponse, file: string | undefined): Promise<void> {
  if (!file) return void res.writeHead(404).end();
  const size = (await stat(file)).size;
  const type = TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  const range = parseRange(req.headers.range, size);
  if (range === 'unsatisfiable') return void res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
  const [start, end] = range ?? [0, size - 1];
  const headers = { 'content-type': type, 'content-length': String(end - start + 1), 'accept-ranges': 'bytes' };
  if (range) res.writeHead(206, { ...headers, 'content-range': `bytes ${start}-${end}/${size}` });
  else res.writeHead(200, headers);
  if (req.method === 'HEAD' || size === 0) return void res.end();
  createReadStream(file, { start, end }).pipe(res);
}

/** One `bytes=a-b`, `bytes=a-` or `bytes=-n` range, as the players and yt-dlp send. */
function parseRange(header: string | undefined, size: number): [number, number] | 'unsatisfiable' | undefined {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m || (!m[1] && !m[2])) return undefined;
  const start = m[1] ? Number(m[1]) : Math.max(0, size - Number(m[2]));
  const end = m[1] && m[2] ? Math.min(Number(m[2]), size - 1) : size - 1;
  return start > end || start >= size ? 'unsatisfiable' : [start, end];
}

function endless(res: http.ServerResponse): void {
  res.writeHead(200, { 'content-type': 'video/mp4' });
  const more = () => {
    while (!res.destroyed && res.write(CHUNK));
  };
  res.on('drain', more);
  more();
}

function big(res: http.ServerResponse, bytes: number): void {
  res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(bytes) });
  let left = bytes;
  const more = () => {
    while (left > 0 && !res.destroyed) {
      const chunk = CHUNK.subarray(0, Math.min(left, CHUNK.length));
      left -= chunk.length;
      if (!res.write(chunk)) return;
    }
    if (left === 0) res.end();
  };
  res.on('drain', more);
  more();
}

/** Written on the socket itself: node's own response would not let the length lie. */
function lying(res: http.ServerResponse, claim: number, send: number): void {
  const socket = res.socket!;
  socket.write(`HTTP/1.1 200 OK\r\ncontent-type: video/mp4\r\ncontent-length: ${claim}\r\nconnection: close\r\n\r\n`);
  let left = send;
  const more = () => {
    while (left > 0 && !socket.destroyed) {
      const chunk = CHUNK.subarray(0, Math.min(left, CHUNK.length));
      left -= chunk.length;
      if (!socket.write(chunk)) return;
    }
    if (left <= 0) socket.end();
  };
  socket.on('drain', more);
  more();
}

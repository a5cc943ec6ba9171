import http from 'node:http';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMediaServer, type MediaServer } from '../../test/media-server.js';
import { startGuardProxy, type GuardProxy } from './guard-proxy.js';

let server: MediaServer;
let proxy: GuardProxy;

beforeAll(async () => {
  server = await startMediaServer();
});
afterAll(() => server.close());
beforeEach(async () => {
  proxy = await startGuardProxy({ allowedHosts: ['127.0.0.1'], budgetBytes: 1024 * 1024 });
});
afterEach(() => proxy.close());

const port = () => Number(new URL(proxy.url).port);

/** An absolute-URI request through the proxy, as yt-dlp makes for http:// addresses. */
function viaProxy(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: port(), path: url, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** A CONNECT tunnel, as yt-dlp opens for https:// addresses; answers the proxy's reply and the tunnel's bytes. */
function tunnel(target: string, send: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port(), '127.0.0.1', () => {
      socket.write(`CONNECT ${target} HTTP/1.1\r\nhost: ${target}\r\n\r\n`);
    });
    let got = '';
    let sent = false;
    socket.on('data', (c: Buffer) => {
      got += c.toString('latin1');
      if (!sent && got.startsWith('HTTP/1.1 200')) {
        sent = true;
        socket.write(send);
      }
    });
    socket.on('end', () => resolve(got));
    socket.on('close', () => resolve(got));
    socket.on('error', reject);
  });
}

describe('the guard proxy', () => {
  it('forwards an allowed http request, saying it is a proxy, and records it without its query', async () => {
    const res = await viaProxy(server.url('/not-media?token=secret'));
    expect(res.status).toBe(200);
    expect(res.body).toMatch(/^This is a letter/);
    expect(server.requests.at(-1)).toEqual({ url: '/not-media?token=secret', via: '1.1 referral-desk-capture' });
    expect(proxy.requests).toEqual([`GET ${server.url('/not-media')}`]);
  });

  it.each([
    [`http://localhost:PORT/not-media`, /^The address resolves to a loopback address/],
    ['http://169.254.169.254/latest/meta-data/', /^The address resolves to a link-local address \(169\.254\.169\.254\)/],
    ['http://[::ffff:127.0.0.1]:PORT/not-media', /^The address resolves to a loopback address \(::ffff:7f00:1\)/],
    ['ftp://127.0.0.1/', /^Only http and https addresses can be captured$/],
    ['https://127.0.0.1:PORT/not-media', /^Only http and https addresses can be captured$/],
  ])('refuses %s with 403 and the reason, reaching nothing', async (url, reason) => {
    const before = server.requests.length;
    const res = await viaProxy(url.replace('PORT', String(server.port)));
    expect(res.status).toBe(403);
    expect(res.body).toMatch(reason);
    expect(proxy.refusals[0]?.reason).toMatch(reason);
    expect(server.requests.length).toBe(before);
  });

  it('opens a CONNECT tunnel to an allowed host', async () => {
    const got = await tunnel(`127.0.0.1:${server.port}`, 'GET /not-media HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n');
    expect(got).toMatch(/^HTTP\/1\.1 200 Connection Established\r\n\r\nHTTP\/1\.1 200 OK/);
    expect(got).toContain('This is a letter');
    expect(proxy.requests).toEqual([`CONNECT 127.0.0.1:${server.port}`]);
  });

  it.each([
    ['localhost:PORT', /loopback address/],
    ['[::1]:PORT', /loopback address \(::1\)/],
    ['[::ffff:127.0.0.1]:PORT', /loopback address/],
    ['10.0.0.1:443', /private network address \(10\.0\.0\.1\)/],
    ['0.0.0.0:PORT', /unspecified address/],
    ['127.0.0.1', /not a valid URL/],
  ])('refuses a CONNECT tunnel to %s', async (target, reason) => {
    const before = server.requests.length;
    const got = await tunnel(target.replace('PORT', String(server.port)), 'GET / HTTP/1.1\r\n\r\n');
    expect(got).toMatch(/^HTTP\/1\.1 403 Forbidden/);
    expect(got).toMatch(reason);
    expect(server.requests.length).toBe(before);
  });

  it('cuts every connection once more than its budget has been relayed', async () => {
    const res = await viaProxy(server.url('/endless')).catch((e: unknown) => e);
    expect(res).toBeInstanceOf(Error);
    expect(proxy.refusals.map((r) => r.reason)).toEqual(['The server sent more than the 1 MiB limit']);
    await expect.poll(() => server.openResponses()).toBe(0);
  });
});
